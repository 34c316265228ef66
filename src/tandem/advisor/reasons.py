"""A reason the advisor gives: an untranslated msgid and its values (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    """A sentence for people: an untranslated msgid with %(name)s placeholders and its values
    (the pages and the API translate it into the reader's language)."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
