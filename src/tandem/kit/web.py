"""Page rendering: templates with translations, htmx fragments, flash messages and CSRF."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import Response
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup

from tandem import __version__
from tandem.agreement import labels as agreement_labels
from tandem.agreement.modes import mode_label
from tandem.audit.labels import action_label, entity_label
from tandem.auth.roles import role_label
from tandem.config import SUPPORTED_LANGUAGES, get_settings
from tandem.kit.errors import PermissionDenied
from tandem.kit.i18n import N_, get_language, gettext, language_name, ngettext
from tandem.partner.labels import status_label

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "tandem_session"  # the login session (see tandem.auth)
CSRF_HEADER = "X-CSRF-Token"
_FLASH_KEY = "_flashes"
_CSRF_KEY = "_csrf"


@cache
def _display_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def _format_datetime(value: Any, pattern: str = "medium") -> str:
    """A stored (UTC) time in the platform's time zone and the reader's language."""
    if value is None:
        return ""
    return format_datetime(value, format=pattern, tzinfo=_display_zone(), locale=get_language())


def _format_date(value: Any, pattern: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, format=pattern, locale=get_language())


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (for sort and page links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def _build_templates() -> Jinja2Blocks:
    templates = Jinja2Blocks(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    env.globals.update(
        app_version=__version__,
        languages=[(code, language_name(code)) for code in SUPPORTED_LANGUAGES],
        current_language=get_language,
        query=_query,
        csrf_field=CSRF_FIELD,
    )
    env.filters["datetime"] = _format_datetime
    env.globals["role_label"] = role_label
    env.globals["partnership_status_label"] = status_label
    env.globals["agreement_status_label"] = agreement_labels.status_label
    env.globals["agreement_status_badge"] = agreement_labels.STATUS_BADGES.get
    env.globals["mode_label"] = mode_label
    env.filters["action_label"] = action_label
    env.filters["entity_label"] = entity_label
    env.filters["date"] = _format_date
    return templates


templates = _build_templates()


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """A full page, or only ``block`` when htmx asks for that part of the page."""
    ctx: dict[str, Any] = {
        "request": request,
        "flashes": pop_flashes(request),
        "csrf_token": csrf_token(request),
        "language": get_language(),
        "actor": getattr(request.state, "actor", None),
        "inbox_unread": _unread(request),
        **(context or {}),
    }
    if block and is_htmx(request) and request.headers.get("HX-Target") == block:
        response = templates.TemplateResponse(
            request, name, ctx, block_name=block, status_code=status_code
        )
    else:
        response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Vary"] = "HX-Request, HX-Target, Accept-Language, Cookie"
    return response


def _unread(request: Request) -> int:
    count = getattr(request.state, "inbox_unread", None)
    return int(count()) if callable(count) else 0


def flash(request: Request, message: str, category: str = "success", **params: Any) -> None:
    """Queue a message for the next page; ``message`` is translated when shown."""
    flashes: list[dict[str, Any]] = request.session.setdefault(_FLASH_KEY, [])
    flashes.append({"message": message, "params": params, "category": category})
    request.session[_FLASH_KEY] = flashes


def pop_flashes(request: Request) -> list[dict[str, str]]:
    if "session" not in request.scope:
        return []
    stored = request.session.pop(_FLASH_KEY, [])
    shown = []
    for item in stored:
        msgid: str = item["message"]
        shown.append({"text": gettext(msgid, **item["params"]), "category": item["category"]})
    return shown


def session_csrf_token(secret_key: str, raw_session: str) -> str:
    return hmac.new(
        secret_key.encode(), b"csrf:" + raw_session.encode(), hashlib.sha256
    ).hexdigest()


def csrf_token(request: Request) -> str:
    """The token forms and htmx send back. Signed in, it is derived from the login session's
    cookie, so a token from before sign-in (or planted by someone else) is worthless after it."""
    raw_session = request.cookies.get(SESSION_COOKIE)
    if raw_session:
        return session_csrf_token(request.app.state.settings.resolved_secret_key(), raw_session)
    if "session" not in request.scope:
        return ""
    token = request.session.get(_CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return str(token)


def rotate_csrf(request: Request) -> None:
    request.session.pop(_CSRF_KEY, None)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing page request whose CSRF token is missing or forged."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = csrf_token(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD, "")
            sent = value if isinstance(value, str) else ""
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise PermissionDenied(
            N_("This form has expired or did not come from Tandem. Reload the page and try again."),
            code="csrf_failed",
        )


def hidden_csrf(request: Request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, csrf_token(request)
    )
