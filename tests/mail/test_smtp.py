from __future__ import annotations

import email
import email.policy
import smtplib
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tandem.mail.smtp import SmtpSettings, build_message, send_message


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        """The decoded text, with the wire's CRLF line ends turned back into ``\\n``."""
        part = self.message.get_body()
        assert part is not None
        text: str = part.get_content()
        return text.replace("\r\n", "\n")


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(**server_options: Any) -> Iterator[tuple[SmtpSettings, RecordingHandler]]:
    """A real SMTP server on 127.0.0.1, and settings that point at it."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **server_options)
    controller.start()
    try:
        yield SmtpSettings(host="127.0.0.1", port=port, sender="tandem@example.edu.cn"), handler
    finally:
        controller.stop()


def test_chinese_subject_and_body_arrive_intact() -> None:
    with smtp_server() as (settings, handler):
        send_message(
            settings,
            to="zhang.san@example.com",
            subject="实习岗位确认：广州智造",
            body="张三同学：\n\n您的实习岗位已确认。\n",
        )
    [received] = handler.received
    assert received.rcpt_tos == ["zhang.san@example.com"]
    assert received.message["Subject"] == "实习岗位确认：广州智造"
    assert received.message["From"] == "tandem@example.edu.cn"
    assert received.message["To"] == "zhang.san@example.com"
    assert received.body == "张三同学：\n\n您的实习岗位已确认。\n"


def test_login_when_a_username_is_set() -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        assert isinstance(auth, LoginPassword)
        logins.append((auth.login, auth.password))
        return AuthResult(success=True)

    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (plain, handler):
        settings = SmtpSettings(
            host=plain.host, port=plain.port, username="mailer", password="s3cret"
        )
        send_message(settings, to="a@example.com", subject="Hi", body="Hello")
    assert logins == [(b"mailer", b"s3cret")]
    assert len(handler.received) == 1


def test_starttls_is_required_when_asked_for() -> None:
    # The test server offers no STARTTLS: the message must not go out in plain text.
    with smtp_server() as (plain, handler):
        settings = SmtpSettings(host=plain.host, port=plain.port, starttls=True)
        with pytest.raises(smtplib.SMTPNotSupportedError):
            send_message(settings, to="a@example.com", subject="Hi", body="Hello")
    assert handler.received == []


def test_a_closed_port_raises_an_os_error() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    with pytest.raises(OSError, match="refused"):
        send_message(settings, to="a@example.com", subject="Hi", body="Hello")


def test_line_breaks_in_a_subject_are_folded_onto_one_line() -> None:
    message = build_message(SmtpSettings(), to="a@example.com", subject="第一行\r\n第二行", body="")
    assert message["Subject"] == "第一行 第二行"
    assert message["Message-ID"].endswith("@localhost>")
