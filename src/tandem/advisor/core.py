"""Rank the seven modes, order classes and modern apprenticeship for one enterprise (pure).

(being written: the rules, documented here, with property tests in tests/advisor/)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.needs.schemas import NeedsData, OfferData

# The forms of cooperation the advisor ranks, in their fixed order (ties keep this order).
OPTIONS = (
    "mode_1",
    "mode_2",
    "mode_3",
    "mode_4",
    "mode_5",
    "mode_6",
    "mode_7",
    "order_class",
    "apprenticeship",
)


@dataclass(frozen=True)
class Reason:
    """A sentence for people: an untranslated msgid with %(name)s placeholders and its values
    (the pages and the API translate it into the reader's language)."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Advice:
    option: str  # one of OPTIONS
    mode: int | None  # 1–7 for a mode; None for order classes and apprenticeship
    score: int  # 0–100
    reasons: tuple[Reason, ...]  # why it fits
    missing: tuple[Reason, ...]  # what is missing for it to fit (better)
    prefill: dict[str, Any]  # terms to pre-fill a new agreement in this mode ({} otherwise)


def advise(needs: NeedsData, offer: OfferData) -> list[Advice]:
    """Every option, best first (score descending, then the order of OPTIONS)."""
    raise NotImplementedError
