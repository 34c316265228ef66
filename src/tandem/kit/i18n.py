"""Translations: gettext catalogues for zh_CN and en, and the language of the current request.

Catalogues live as ``locale/<lang>/LC_MESSAGES/messages.po`` and are compiled in memory when first
used, so there is no build step and no binary file to keep in step with its source.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from tandem.config import SUPPORTED_LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_current_language: ContextVar[str] = ContextVar("tandem_language", default="zh_CN")


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction; it is translated later, where the language is known."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802
    """Mark a message that needs a context ("Active" partnership vs "Active" account); translate
    it later with :func:`pgettext` and the same context."""
    return message


@cache
def translations(language: str) -> Translations:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def set_language(language: str) -> None:
    _current_language.set(language if language in SUPPORTED_LANGUAGES else "zh_CN")


def get_language() -> str:
    return _current_language.get()


def gettext(message: str, **params: Any) -> str:
    """Translate into the current language, then fill ``%(name)s`` placeholders."""
    text = translations(get_language()).gettext(message)
    return text % params if params else text


def pgettext(context: str, message: str, **params: Any) -> str:
    """Translate a message marked with :func:`NC_` in its context."""
    text = str(translations(get_language()).pgettext(context, message))
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(get_language()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def translate(message: str, language: str, **params: Any) -> str:
    text = translations(language).gettext(message)
    return text % params if params else text


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported language for an Accept-Language header, else ``default``."""
    if not accept_language:
        return default
    preferred: list[tuple[float, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().replace("-", "_")
        quality = 1.0
        for option in pieces[1:]:
            if option.strip().startswith("q="):
                try:
                    quality = float(option.strip()[2:])
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            preferred.append((-quality + index * 1e-6, tag))
    ordered = [tag for _, tag in sorted(preferred)]
    # "zh", "zh_Hans" and "zh_TW" all map to our one Chinese catalogue.
    widened = [("zh_CN" if tag.lower().startswith("zh") else tag) for tag in ordered]
    found = negotiate_locale(widened, list(SUPPORTED_LANGUAGES), sep="_")
    return found or default


_SHORT_NAMES = {"zh_CN": "中文", "en": "English"}


def language_name(language: str) -> str:
    """The language's own short name, as people expect to see it in a switcher."""
    return (
        _SHORT_NAMES.get(language) or Locale.parse(language).get_display_name(language) or language
    )
