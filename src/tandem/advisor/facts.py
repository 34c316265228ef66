"""What the advisor reads off a needs profile and the college's offer (pure), and the sentences
that describe the enterprise's needs.

Everything here is derived deterministically: ties keep the order in which things were entered.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tandem.advisor.reasons import Reason
from tandem.advisor.teachers import match_score
from tandem.kit.i18n import N_
from tandem.needs.schemas import NeedsData, OfferData, OfferEquipment, OfferVenue, VenueKind

# A venue or a piece of equipment gets full credit for idleness from this share of the week on.
FULL_IDLE_PCT = 60
# Below this share a venue or equipment is named, but said to be short of idle time.
LOW_IDLE_PCT = 30
# Counts stored in agreement terms stay within their range.
MAX_COUNT = 1_000_000


def norm(text: str) -> str:
    """Width- and case-insensitive form (full-width letters and digits become ASCII)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def join(items: Sequence[str], limit: int = 5) -> str:
    """A short list for a sentence: "、" between Chinese names, ", " otherwise; at most
    ``limit`` items, then "…"."""
    shown = [item for item in items if item][:limit]
    separator = "、" if any(has_cjk(item) for item in shown) else ", "
    text = separator.join(shown)
    return text + ("…" if len([i for i in items if i]) > limit else "")


def short(text: str, limit: int = 80) -> str:
    """One line of free text for a sentence, cut at ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def idle_factor(idle_pct: int) -> float:
    """0 when never idle, rising evenly to 1 at :data:`FULL_IDLE_PCT` % of the week."""
    return min(max(idle_pct, 0), FULL_IDLE_PCT) / FULL_IDLE_PCT


def majors_match(wanted: str, offered: str) -> bool:
    """Two major names match when one contains the other (ignoring case, width and spaces)."""
    a, b = norm(wanted), norm(offered)
    return bool(a) and bool(b) and (a in b or b in a)


def best_venue(venues: Iterable[OfferVenue], kinds: Iterable[VenueKind]) -> OfferVenue | None:
    """The most idle venue of these kinds (the first entered on a tie); None if none is idle."""
    wanted = set(kinds)
    best: OfferVenue | None = None
    for venue in venues:
        if venue.kind not in wanted or venue.idle_pct <= 0:
            continue
        if best is None or venue.idle_pct > best.idle_pct:
            best = venue
    return best


def best_equipment(equipment: Iterable[OfferEquipment]) -> OfferEquipment | None:
    best: OfferEquipment | None = None
    for item in equipment:
        if item.idle_pct > 0 and (best is None or item.idle_pct > best.idle_pct):
            best = item
    return best


RELEVANT = 0.3  # a field fits a need when the teacher matching scores it this high


@dataclass(frozen=True)
class Capacity:
    """Students the college can send: per major, its largest term (terms are not added up,
    as they are mostly the same cohort)."""

    by_major: tuple[tuple[str, int], ...]  # (major as entered first, students), entry order

    @classmethod
    def of(cls, offer: OfferData) -> Capacity:
        seen: dict[str, tuple[str, int]] = {}
        for row in offer.capacity:
            key = norm(row.major)
            name, students = seen.get(key, (row.major, 0))
            seen[key] = (name, max(students, row.students))
        return cls(tuple(v for v in seen.values() if v[1] > 0))

    @property
    def total(self) -> int:
        return sum(students for _, students in self.by_major)

    @property
    def majors(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.by_major)

    def matching(self, wanted: Sequence[str]) -> tuple[tuple[str, int], ...]:
        """The offered majors that match any wanted major."""
        return tuple(
            (name, students)
            for name, students in self.by_major
            if any(majors_match(w, name) for w in wanted)
        )


@dataclass(frozen=True)
class Facts:
    """The needs, the offer, and what the rules look up in them."""

    needs: NeedsData
    offer: OfferData
    capacity: Capacity
    matched: tuple[tuple[str, int], ...]  # offered majors matching the wanted majors
    expertise: tuple[tuple[str, int], ...]  # (field, teachers) with at least one teacher

    @classmethod
    def of(cls, needs: NeedsData, offer: OfferData) -> Facts:
        capacity = Capacity.of(offer)
        return cls(
            needs=needs,
            offer=offer,
            capacity=capacity,
            matched=capacity.matching(needs.talent.majors),
            expertise=tuple((e.field, e.teachers) for e in offer.expertise if e.teachers > 0),
        )

    @property
    def matched_students(self) -> int:
        return sum(students for _, students in self.matched)

    @property
    def expertise_teachers(self) -> int:
        return sum(teachers for _, teachers in self.expertise)

    def wanted_text(self) -> str:
        """Everything the enterprise named: R&D problems, training topics, products, majors,
        resources it lacks, and what it can bring."""
        needs = self.needs
        texts = [
            *needs.rnd.problems,
            *needs.staff_training.topics,
            *needs.market.products,
            *needs.talent.majors,
            *needs.cost.lacking_resources,
            needs.assets.equipment_to_place,
            needs.assets.certified_programme,
            needs.assets.production_to_move,
        ]
        return "; ".join(t for t in texts if t)

    def fits(self, name: str) -> bool:
        """Whether a field or a piece of equipment fits what the enterprise named: either one's
        words found in the other (护理床 in 电动护理床, 数控 in 数控机床故障诊断)."""
        wanted = self.wanted_text()
        if not wanted:
            return False
        return max(match_score(wanted, name), match_score(name, wanted)) >= RELEVANT

    def relevant_expertise(self) -> tuple[tuple[str, int], ...]:
        """The expertise fields that fit what the enterprise named; all of them when none fits,
        so a reason never claims a fit the texts do not show and never hides the offer."""
        fitting = tuple((name, n) for name, n in self.expertise if self.fits(name))
        return fitting or self.expertise

    def relevant_equipment(self) -> tuple[OfferEquipment | None, bool]:
        """The most idle piece of equipment that fits what the enterprise named, else the most
        idle of all; and whether it fits."""
        fitting = [e for e in self.offer.equipment if self.fits(f"{e.name} {e.category}")]
        best = best_equipment(fitting)
        if best is not None:
            return best, True
        return best_equipment(self.offer.equipment), False

    def importance(self, need: str) -> int:
        value: int = getattr(self.needs, need).importance
        return value


# --- sentences about the enterprise's needs ------------------------------------------------------


def need_reason(facts: Facts, need: str) -> Reason:
    """What the enterprise said it needs, with its own numbers and names."""
    needs = facts.needs
    importance = facts.importance(need)
    if need == "talent":
        t = needs.talent
        if t.headcount and t.majors:
            return Reason(
                N_(
                    "The enterprise wants %(headcount)s graduates of %(majors)s "
                    "(importance %(importance)s/3)."
                ),
                {"headcount": t.headcount, "majors": join(t.majors), "importance": importance},
            )
        if t.headcount:
            return Reason(
                N_("The enterprise wants %(headcount)s graduates (importance %(importance)s/3)."),
                {"headcount": t.headcount, "importance": importance},
            )
        if t.majors:
            return Reason(
                N_("The enterprise wants graduates of %(majors)s (importance %(importance)s/3)."),
                {"majors": join(t.majors), "importance": importance},
            )
        return Reason(
            N_("The enterprise needs graduates (importance %(importance)s/3)."),
            {"importance": importance},
        )
    if need == "staff_training":
        s = needs.staff_training
        if s.trainees_per_year and s.topics:
            return Reason(
                N_(
                    "The enterprise needs to train %(count)s employees a year in %(topics)s "
                    "(importance %(importance)s/3)."
                ),
                {"count": s.trainees_per_year, "topics": join(s.topics), "importance": importance},
            )
        if s.trainees_per_year:
            return Reason(
                N_(
                    "The enterprise needs to train %(count)s employees a year "
                    "(importance %(importance)s/3)."
                ),
                {"count": s.trainees_per_year, "importance": importance},
            )
        if s.topics:
            return Reason(
                N_(
                    "The enterprise needs its employees trained in %(topics)s "
                    "(importance %(importance)s/3)."
                ),
                {"topics": join(s.topics), "importance": importance},
            )
        return Reason(
            N_("The enterprise needs to train its employees (importance %(importance)s/3)."),
            {"importance": importance},
        )
    if need == "rnd":
        if needs.rnd.problems:
            return Reason(
                N_(
                    "The enterprise wants help to solve %(problems)s (importance %(importance)s/3)."
                ),
                {"problems": join(needs.rnd.problems), "importance": importance},
            )
        return Reason(
            N_(
                "The enterprise wants help with research and development "
                "(importance %(importance)s/3)."
            ),
            {"importance": importance},
        )
    if need == "cost":
        return Reason(
            N_("The enterprise wants to lower its production costs (importance %(importance)s/3)."),
            {"importance": importance},
        )
    if needs.market.products:
        return Reason(
            N_("The enterprise wants to promote %(products)s (importance %(importance)s/3)."),
            {"products": join(needs.market.products), "importance": importance},
        )
    return Reason(
        N_("The enterprise wants to promote its products (importance %(importance)s/3)."),
        {"importance": importance},
    )


NOT_SAID = {
    "talent": N_("The enterprise has not said it needs graduates."),
    "staff_training": N_("The enterprise has not said it needs to train its employees."),
    "rnd": N_("The enterprise has not said it has R&D problems to solve."),
    "cost": N_("The enterprise has not said it wants to lower its costs."),
    "market": N_("The enterprise has not said it has products to promote."),
}

VENUE_SENTENCES = {
    VenueKind.WORKSHOP: N_("The college has a workshop, %(name)s, idle %(idle)s%% of the week."),
    VenueKind.LABORATORY: N_(
        "The college has a laboratory, %(name)s, idle %(idle)s%% of the week."
    ),
    VenueKind.SIMULATED_SITE: N_(
        "The college has a simulated practice site, %(name)s, idle %(idle)s%% of the week."
    ),
    VenueKind.PRODUCTIVE_BASE: N_(
        "The college has a productive training base, %(name)s, idle %(idle)s%% of the week."
    ),
    VenueKind.CLASSROOM: N_("The college has a classroom, %(name)s, idle %(idle)s%% of the week."),
}
