"""The advisor's rules, one per option (pure). The table in :mod:`tandem.advisor.core` documents
them; the weights here are that table.

A rule names the needs it serves (with their weights) and the conditions on both sides that make
it fit (each a :class:`Check` with a weight, the weights of one rule adding up to 1), and derives
the terms to pre-fill an agreement in its mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tandem.advisor.facts import (
    LOW_IDLE_PCT,
    MAX_COUNT,
    VENUE_SENTENCES,
    Facts,
    best_venue,
    idle_factor,
    join,
    short,
)
from tandem.advisor.reasons import Reason
from tandem.kit.i18n import N_
from tandem.needs.schemas import VenueKind

LINEAR = (0.0, 1 / 3, 2 / 3, 1.0)  # credit for importance 0, 1, 2, 3
MOSTLY_IMPORTANT = (0.0, 0.2, 0.7, 1.0)  # apprenticeship: worth it from "important" (2) on


@dataclass(frozen=True)
class Need:
    name: str  # a field of NeedsData: talent, staff_training, rnd, cost, market
    weight: float
    curve: tuple[float, float, float, float] = LINEAR

    def credit(self, importance: int) -> float:
        return self.weight * self.curve[importance]


@dataclass(frozen=True)
class Check:
    weight: float  # share of the fit part
    value: float  # 0–1: how far the condition is met
    reason: Reason | None = None  # said when value > 0
    missing: Reason | None = None  # said whatever the value (set only when worth saying)


@dataclass(frozen=True)
class Rule:
    needs: tuple[Need, ...]
    checks: tuple[Check, ...]
    prefill: dict[str, Any]


# --- conditions shared by several rules ----------------------------------------------------------


def _flag(weight: float, met: bool, reason: Reason | None, missing: Reason | None) -> Check:
    return Check(weight, 1.0 if met else 0.0, reason if met else None, None if met else missing)


def _venue(facts: Facts, weight: float, kinds: Iterable[VenueKind], none: str) -> Check:
    venue = best_venue(facts.offer.venues, kinds)
    if venue is None:
        return Check(weight, 0.0, None, Reason(none))
    params = {"name": venue.name, "idle": venue.idle_pct}
    low = None
    if venue.idle_pct < LOW_IDLE_PCT:
        low = Reason(N_("%(name)s is idle only %(idle)s%% of the week."), params)
    return Check(
        weight, idle_factor(venue.idle_pct), Reason(VENUE_SENTENCES[venue.kind], params), low
    )


def _equipment(facts: Facts, weight: float) -> Check:
    """Idle college equipment; equipment unrelated to anything the enterprise named counts half
    (idle servers do not make equipment sharing fit an elderly-care company)."""
    item, fits = facts.relevant_equipment()
    if item is None:
        return Check(weight, 0.0, None, Reason(N_("No idle equipment in the college's offer.")))
    params = {"name": item.name, "quantity": item.quantity, "idle": item.idle_pct}
    low = None
    if item.idle_pct < LOW_IDLE_PCT:
        low = Reason(
            N_("%(name)s is idle only %(idle)s%% of the time."),
            {"name": item.name, "idle": item.idle_pct},
        )
    elif not fits:
        low = Reason(
            N_("None of the college's idle equipment obviously fits what the enterprise named.")
        )
    reason = Reason(
        N_("The college has %(name)s (%(quantity)s), idle %(idle)s%% of the time."), params
    )
    return Check(weight, idle_factor(item.idle_pct) * (1.0 if fits else 0.5), reason, low)


def _equipment_to_place(facts: Facts, weight: float) -> Check:
    text = facts.needs.assets.equipment_to_place
    return _flag(
        weight,
        bool(text),
        Reason(
            N_("The enterprise could place equipment: %(equipment)s."), {"equipment": short(text)}
        ),
        Reason(N_("The enterprise has not said what equipment it could place.")),
    )


def _trainers(facts: Facts, weight: float) -> Check:
    count = facts.needs.assets.trainers
    return _flag(
        weight,
        count > 0,
        Reason(N_("The enterprise can send %(count)s trainers or technicians."), {"count": count}),
        Reason(N_("The enterprise has not said how many trainers or technicians it can send.")),
    )


def _trainees(facts: Facts, weight: float) -> Check:
    # The number itself is said with the need; here only its absence.
    return _flag(
        weight,
        facts.needs.staff_training.trainees_per_year > 0,
        None,
        Reason(N_("The enterprise has not said how many employees a year need training.")),
    )


def _expertise(facts: Facts, weight: float, sentence: str) -> Check:
    relevant = facts.relevant_expertise()
    fields = [name for name, _ in relevant]
    teachers = sum(count for _, count in relevant)
    return _flag(
        weight,
        bool(fields),
        Reason(sentence, {"teachers": teachers, "fields": join(fields)}),
        Reason(N_("The college's offer lists no teachers' expertise.")),
    )


def _students(facts: Facts, weight: float) -> Check:
    capacity = facts.capacity
    return _flag(
        weight,
        capacity.total > 0,
        Reason(
            N_("The college can send %(students)s students of %(majors)s."),
            {"students": capacity.total, "majors": join(capacity.majors)},
        ),
        Reason(N_("The college's offer lists no student capacity.")),
    )


def _matching_majors(facts: Facts, weight: float, partial: float = 0.0) -> Check:
    """Capacity in the majors the enterprise wants; ``partial`` credit for capacity in other
    majors."""
    wanted = facts.needs.talent.majors
    if facts.matched:
        return Check(
            weight,
            1.0,
            Reason(
                N_("The college can send %(students)s students of %(majors)s, the majors wanted."),
                {"students": facts.matched_students, "majors": join([m for m, _ in facts.matched])},
            ),
        )
    if not wanted:
        missing = Reason(N_("The enterprise has not said which majors it wants."))
    else:
        missing = Reason(
            N_("No student capacity in the college's offer for %(majors)s."),
            {"majors": join(wanted)},
        )
    if partial and facts.capacity.total:
        return Check(weight, partial, _students(facts, weight).reason, missing)
    return Check(weight, 0.0, None, missing)


def _headcount(facts: Facts, weight: float) -> Check:
    return _flag(
        weight,
        facts.needs.talent.headcount > 0,
        None,  # said with the need
        Reason(N_("The enterprise has not said how many graduates it wants.")),
    )


def _count(value: int) -> int:
    return min(value, MAX_COUNT)


# --- the rules -----------------------------------------------------------------------------------

_WORKSHOPS = (VenueKind.WORKSHOP, VenueKind.PRODUCTIVE_BASE)
_BASES = (VenueKind.PRODUCTIVE_BASE, VenueKind.WORKSHOP, VenueKind.LABORATORY)


def mode_1(facts: Facts) -> Rule:
    """引企入校: the enterprise produces on campus in an idle college venue."""
    production = facts.needs.assets.production_to_move
    venue = best_venue(facts.offer.venues, _WORKSHOPS)
    prefill: dict[str, Any] = {}
    if venue is not None:
        prefill["venue"] = venue.name
        if venue.area_m2 > 0:
            prefill["area_m2"] = str(venue.area_m2)
        if venue.workstations > 0:
            prefill["training_positions_per_term"] = _count(venue.workstations)
    return Rule(
        needs=(Need("cost", 0.6), Need("talent", 0.5), Need("rnd", 0.3)),
        checks=(
            _flag(
                0.45,
                bool(production),
                Reason(
                    N_("The enterprise could move production on campus: %(production)s."),
                    {"production": short(production)},
                ),
                Reason(N_("The enterprise has not said what production it could move on campus.")),
            ),
            _venue(
                facts,
                0.40,
                _WORKSHOPS,
                N_("No idle workshop or productive training base in the college's offer."),
            ),
            _expertise(
                facts,
                0.15,
                N_(
                    "%(teachers)s teachers in %(fields)s could join the enterprise's "
                    "technology development."
                ),
            ),
        ),
        prefill=prefill,
    )


def mode_2(facts: Facts) -> Rule:
    """设备共享: both sides put equipment into a joint productive training base."""
    assets = facts.needs.assets
    lacking = facts.needs.cost.lacking_resources
    prefill: dict[str, Any] = {}
    base = best_venue(facts.offer.venues, _BASES)
    if base is not None:
        prefill["base_name"] = base.name
    idle = [f"{e.name} ×{e.quantity}" for e in facts.offer.equipment if e.idle_pct > 0]
    if idle:
        prefill["college_equipment"] = short("; ".join(idle), 2000)
    if assets.equipment_to_place:
        prefill["enterprise_equipment"] = assets.equipment_to_place
    return Rule(
        needs=(Need("cost", 0.7), Need("staff_training", 0.4)),
        checks=(
            _equipment_to_place(facts, 0.40),
            _equipment(facts, 0.35),
            _flag(
                0.25,
                bool(lacking),
                Reason(N_("The enterprise lacks %(resources)s."), {"resources": join(lacking)}),
                Reason(N_("The enterprise has not said what resources it lacks.")),
            ),
        ),
        prefill=prefill,
    )


def mode_3(facts: Facts) -> Rule:
    """技术推广: the enterprise places new equipment; teachers train people on it."""
    products = facts.needs.market.products
    placed = facts.needs.assets.equipment_to_place or short(join(products, 30), 2000)
    prefill: dict[str, Any] = {}
    if placed:
        prefill["equipment_placed"] = placed
    if facts.capacity.total:
        prefill["students_to_train_per_year"] = _count(facts.capacity.total)
    return Rule(
        needs=(Need("market", 1.0),),
        checks=(
            _flag(
                0.25,
                bool(products),
                None,  # said with the need
                Reason(N_("The enterprise has not named the products or equipment to promote.")),
            ),
            _equipment_to_place(facts, 0.35),
            _expertise(
                facts,
                0.20,
                N_("%(teachers)s teachers in %(fields)s could train people on it."),
            ),
            _students(facts, 0.20),
        ),
        prefill=prefill,
    )


def mode_4(facts: Facts) -> Rule:
    """岗位承包: the college takes on part of the enterprise's production."""
    work = facts.needs.cost.outsourceable_work
    trainers = facts.needs.assets.trainers
    prefill: dict[str, Any] = {}
    if work:
        prefill["production_scope"] = work
    if trainers:
        prefill["supporting_technicians"] = _count(trainers)
    return Rule(
        needs=(Need("cost", 1.0),),
        checks=(
            _flag(
                0.40,
                bool(work),
                Reason(
                    N_("Production work the enterprise could outsource: %(work)s."),
                    {"work": short(work)},
                ),
                Reason(N_("The enterprise has not said what production work it could outsource.")),
            ),
            _flag(
                0.35,
                facts.offer.takes_production,
                Reason(
                    N_("The college takes on outsourced production with students and teachers.")
                ),
                Reason(N_("The college's offer does not say it takes on outsourced production.")),
            ),
            _students(facts, 0.15),
            _trainers(facts, 0.10),
        ),
        prefill=prefill,
    )


def mode_5(facts: Facts) -> Rule:
    """校企共训: the enterprise's training institution moves on campus."""
    assets = facts.needs.assets
    trainees = facts.needs.staff_training.trainees_per_year
    prefill: dict[str, Any] = {}
    if assets.training_institution:
        prefill["training_institution"] = assets.training_institution
    if trainees:
        prefill["employees_to_train_per_year"] = _count(trainees)
    return Rule(
        needs=(Need("staff_training", 1.0),),
        checks=(
            _flag(
                0.40,
                bool(assets.training_institution),
                Reason(
                    N_("The enterprise has a training institution, %(name)s."),
                    {"name": assets.training_institution},
                ),
                Reason(
                    N_("The enterprise has not named a training institution to move on campus.")
                ),
            ),
            _trainers(facts, 0.20),
            _venue(facts, 0.25, tuple(VenueKind), N_("No idle venue in the college's offer.")),
            _trainees(facts, 0.15),
        ),
        prefill=prefill,
    )


def mode_6(facts: Facts) -> Rule:
    """培训移植: a leading enterprise's certified programme moves to the college."""
    programme = facts.needs.assets.certified_programme
    trainees = facts.needs.staff_training.trainees_per_year
    headcount = facts.needs.talent.headcount
    prefill: dict[str, Any] = {}
    if programme:
        prefill["programme"] = programme
        prefill["certification"] = programme
    if trainees:
        prefill["employees_to_train_per_year"] = _count(trainees)
    if headcount:
        prefill["order_class_size"] = _count(headcount)
    return Rule(
        needs=(Need("staff_training", 0.6), Need("talent", 0.6)),
        checks=(
            _flag(
                0.50,
                bool(programme),
                Reason(
                    N_("The enterprise has a certified training programme, %(name)s."),
                    {"name": programme},
                ),
                Reason(N_("The enterprise has not named a certified training programme.")),
            ),
            _expertise(facts, 0.15, N_("%(teachers)s teachers in %(fields)s could be certified.")),
            _equipment_to_place(facts, 0.10),
            _trainees(facts, 0.10),
            _matching_majors(facts, 0.15),
        ),
        prefill=prefill,
    )


def mode_7(facts: Facts) -> Rule:
    """培训承包: the college's simulated practice site; the enterprise's equipment and trainers."""
    site = best_venue(facts.offer.venues, (VenueKind.SIMULATED_SITE,))
    trainees = facts.needs.staff_training.trainees_per_year
    prefill: dict[str, Any] = {}
    if site is not None:
        prefill["simulated_site"] = site.name
    if trainees:
        prefill["employees_to_train_per_year"] = _count(trainees)
    return Rule(
        needs=(Need("staff_training", 1.0),),
        checks=(
            _venue(
                facts,
                0.55,
                (VenueKind.SIMULATED_SITE,),
                N_("No idle simulated practice site in the college's offer."),
            ),
            _trainers(facts, 0.15),
            _equipment_to_place(facts, 0.15),
            _trainees(facts, 0.15),
        ),
        prefill=prefill,
    )


def order_class(facts: Facts) -> Rule:
    """订单班: students of the wanted majors trained for the enterprise's posts."""
    talent = facts.needs.talent
    covered = 0.0
    short_of = None
    if talent.headcount and facts.matched:
        covered = min(1.0, facts.matched_students / talent.headcount)
        if covered < 1:
            short_of = Reason(
                N_("The college can send only %(students)s of the %(headcount)s graduates wanted."),
                {"students": facts.matched_students, "headcount": talent.headcount},
            )
    return Rule(
        needs=(Need("talent", 1.0),),
        checks=(
            _headcount(facts, 0.25),
            _matching_majors(facts, 0.40),
            Check(0.25, covered, None, short_of),
            _flag(
                0.10,
                bool(talent.when),
                Reason(N_("The enterprise wants them by %(when)s."), {"when": talent.when}),
                Reason(N_("The enterprise has not said when it wants the graduates.")),
            ),
        ),
        prefill={},
    )


def apprenticeship(facts: Facts) -> Rule:
    """现代学徒制: a mentor on each side; students learn on the enterprise's posts."""
    mentors = facts.needs.assets.trainers
    return Rule(
        needs=(Need("talent", 1.0, MOSTLY_IMPORTANT),),
        checks=(
            _flag(
                0.50,
                mentors > 0,
                Reason(
                    N_("The enterprise can send %(count)s trainers to act as mentors."),
                    {"count": mentors},
                ),
                Reason(N_("The enterprise has not said it can provide mentors (trainers).")),
            ),
            _matching_majors(facts, 0.30, partial=0.5),
            _headcount(facts, 0.20),
        ),
        prefill={},
    )


RULES: dict[str, tuple[int | None, Callable[[Facts], Rule]]] = {
    "mode_1": (1, mode_1),
    "mode_2": (2, mode_2),
    "mode_3": (3, mode_3),
    "mode_4": (4, mode_4),
    "mode_5": (5, mode_5),
    "mode_6": (6, mode_6),
    "mode_7": (7, mode_7),
    "order_class": (None, order_class),
    "apprenticeship": (None, apprenticeship),
}
