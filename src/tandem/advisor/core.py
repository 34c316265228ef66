"""Rank the seven modes, order classes and modern apprenticeship for one enterprise (pure).

Each option has a **need part** N (0–1) and a **fit part** F (0–1)::

    N = min(1, Σ weight × credit(importance))     credit: 0, ⅓, ⅔, 1 for importance 0–3
    F = Σ weight × value                            value 0–1 per condition; weights add to 1
    score = round(40·N + F·(15 + 45·N))             0–100

So an option whose needs the enterprise has not marked (N = 0) scores at most 15 whatever the
offer; the needs open the way, and the conditions on both sides decide between the options that
serve the same need. Raising a need's importance never lowers any score.

Idleness counts evenly: a venue or piece of equipment idle p % of the week is worth
min(p, 60) / 60 of its condition (60 % idle or more earns it in full; 10 % earns a sixth). The
advisor picks the most idle venue of the kinds a mode uses (the first entered on a tie). Student
capacity is counted per major at its largest term; a wanted major matches an offered one when
either name contains the other, ignoring case, full/half width and spaces.

option (needs, weight)         conditions on both sides (weight; "× idle": times the idle factor)
-----------------------------  ---------------------------------------------------------------
mode_1 引企入校                 enterprise production to move on campus 0.45
  cost 0.6, talent 0.5,        idle workshop or productive training base 0.40 × idle
  R&D 0.3                      teachers' expertise, to join its technology development 0.15
mode_2 设备共享                 enterprise equipment to place 0.40
  cost 0.7,                    idle college equipment 0.35 × idle
  staff training 0.4           resources the enterprise lacks, named 0.25
mode_3 技术推广                 products or equipment to promote, named 0.25
  market 1.0                   enterprise equipment to place 0.35
                               teachers' expertise 0.20; student capacity 0.20
mode_4 岗位承包                 outsourceable production work, named 0.40
  cost 1.0                     the college takes on production 0.35
                               student capacity 0.15; enterprise technicians 0.10
mode_5 校企共训                 enterprise training institution 0.40; enterprise trainers 0.20
  staff training 1.0           any idle college venue 0.25 × idle; trainees per year given 0.15
mode_6 培训移植                 enterprise certified programme 0.50
  staff training 0.6,          teachers' expertise, to be certified 0.15
  talent 0.6                   enterprise equipment to place 0.10; trainees per year 0.10
                               capacity in the wanted majors (its order class) 0.15
mode_7 培训承包                 idle simulated practice site 0.55 × idle
  staff training 1.0           enterprise trainers 0.15; enterprise equipment to place 0.15
                               trainees per year given 0.15
order_class 订单班              head-count given 0.25; capacity in the wanted majors 0.40
  talent 1.0                   share of the head-count that capacity covers 0.25
                               when the graduates are wanted, given 0.10
apprenticeship 现代学徒制       enterprise trainers as mentors 0.50
  talent 1.0, credit 0, 0.2,   capacity in the wanted majors 0.30 (in other majors: half)
  0.7, 1 (from importance 2)   head-count given 0.20

Reasons: each marked need of the option, with its numbers and names, then each condition met
(naming the venue, the equipment, the idle share, the counts). Missing: the option's main needs
(weight ≥ 0.5) that are not marked, then each condition not (fully) met.

Pre-filled terms (modes only; order classes and apprenticeship have none): mode 1 the venue, its
area and workstations as training positions; mode 2 the base (most idle productive base, workshop
or laboratory), the college's idle equipment, the enterprise's equipment; mode 3 the equipment
placed (or the products) and the student capacity; mode 4 the outsourceable work and the
supporting technicians; mode 5 the training institution and employees per year; mode 6 the
programme (also as the certification), employees per year and the head-count as order-class size;
mode 7 the simulated site and employees per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.advisor.facts import NOT_SAID, Facts, need_reason
from tandem.advisor.reasons import Reason
from tandem.advisor.rules import RULES, Rule
from tandem.needs.schemas import NeedsData, OfferData

__all__ = ["OPTIONS", "Advice", "Reason", "advise", "score"]

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

NEED_POINTS = 40  # an option fully needed, with nothing in place yet
FIT_POINTS = 15  # what the conditions alone can earn when the need is not marked
NEEDED_FIT_POINTS = 45  # what the conditions add when the need is fully marked
MAIN_NEED_WEIGHT = 0.5  # needs of at least this weight are named when not marked


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
    facts = Facts.of(needs, offer)
    advice = []
    for option in OPTIONS:
        mode, rule = RULES[option]
        advice.append(_judge(option, mode, rule(facts), facts))
    order = {option: index for index, option in enumerate(OPTIONS)}
    return sorted(advice, key=lambda a: (-a.score, order[a.option]))


def score(need: float, fit: float) -> int:
    """The score for a need part and a fit part, each 0–1."""
    need = min(max(need, 0.0), 1.0)
    fit = min(max(fit, 0.0), 1.0)
    points = NEED_POINTS * need + fit * (FIT_POINTS + NEEDED_FIT_POINTS * need)
    return min(100, max(0, int(points + 0.5)))


def _judge(option: str, mode: int | None, rule: Rule, facts: Facts) -> Advice:
    need = sum(n.credit(facts.importance(n.name)) for n in rule.needs)
    fit = sum(check.weight * check.value for check in rule.checks)
    reasons = [need_reason(facts, n.name) for n in rule.needs if facts.importance(n.name)]
    missing = [
        Reason(NOT_SAID[n.name])
        for n in rule.needs
        if n.weight >= MAIN_NEED_WEIGHT and not facts.importance(n.name)
    ]
    for check in rule.checks:
        if check.value > 0 and check.reason is not None:
            reasons.append(check.reason)
        if check.missing is not None:
            missing.append(check.missing)
    return Advice(
        option=option,
        mode=mode,
        score=score(min(need, 1.0), fit),
        reasons=tuple(reasons),
        missing=tuple(missing),
        prefill=dict(rule.prefill) if mode is not None else {},
    )
