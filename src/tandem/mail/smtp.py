"""Sending one e-mail over SMTP with the standard library."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; an empty ``host`` means SMTP is not configured."""

    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False  # SMTP over TLS from the first byte (usually port 465)
    starttls: bool = False  # upgrade a plain connection (usually port 587)
    sender: str = "tandem@localhost"
    timeout: float = 10.0

    @property
    def configured(self) -> bool:
        return bool(self.host)


def build_message(settings: SmtpSettings, *, to: str, subject: str, body: str) -> EmailMessage:
    """A UTF-8 plain-text message; non-ASCII subjects are encoded as RFC 2047 words."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    # A header cannot hold line breaks; fold the subject onto one line rather than fail.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid would otherwise look up this host's FQDN, which can hang.
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "localhost")
    message.set_content(body, charset="utf-8")
    return message


def send_message(settings: SmtpSettings, *, to: str, subject: str, body: str) -> None:
    """Send one message; raises ``smtplib.SMTPException`` or ``OSError`` when it cannot."""
    message = build_message(settings, to=to, subject=subject, body=body)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.use_tls:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.starttls and not settings.use_tls:
            # Raises when the server does not offer STARTTLS: never fall back to plain text.
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password)
        client.send_message(message)
