"""The mode advisor: each form of cooperation recommended for the needs that call for it, and not
for the needs that don't; properties of the ranking; reasons and pre-filled terms."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.advisor.core import OPTIONS, Advice, Reason, advise, score
from tandem.agreement.modes import Mode, check_terms
from tandem.needs.schemas import NeedsData, OfferData
from tests.advisor.helpers import (
    NEED_KINDS,
    USES,
    needs,
    needs_data,
    offer,
    offer_data,
    with_importance,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# A profile that calls for each option, with what the enterprise itself could bring.
CALLS_FOR: dict[str, NeedsData] = {
    "mode_1": needs(
        cost={"importance": 3},
        talent={"importance": 1},
        rnd={"importance": 2, "problems": ["贴片良率"]},
        assets={"production_to_move": "SMT 贴片线一条"},
    ),
    "mode_2": needs(
        cost={"importance": 3, "lacking_resources": ["五轴加工中心"]},
        staff_training={"importance": 1},
        assets={"equipment_to_place": "工业机器人 2 台"},
    ),
    "mode_3": needs(
        market={"importance": 3, "products": ["智能焊接机器人"]},
        assets={"equipment_to_place": "焊接机器人工作站 1 套"},
    ),
    "mode_4": needs(
        cost={"importance": 3, "outsourceable_work": "PCB 板插件与检测"},
        assets={"trainers": 2},
    ),
    "mode_5": needs(
        staff_training={"importance": 3, "trainees_per_year": 200},
        assets={"training_institution": "华成技术学院", "trainers": 8},
    ),
    "mode_6": needs(
        talent={"importance": 2, "majors": ["机电一体化"], "headcount": 30},
        staff_training={"importance": 2, "trainees_per_year": 50},
        assets={"certified_programme": "Siemens Mechatronic Systems Certification"},
    ),
    "mode_7": needs(
        staff_training={"importance": 3, "topics": ["数控编程"], "trainees_per_year": 120},
        assets={"trainers": 5, "equipment_to_place": "数控系统实训台 10 套"},
    ),
    "order_class": needs(
        talent={"importance": 3, "majors": ["数控技术"], "headcount": 40, "when": "2027-07"},
    ),
    "apprenticeship": needs(
        talent={"importance": 3, "majors": ["机电一体化"], "headcount": 10},
        assets={"trainers": 6},
    ),
}


def by_option(advice: list[Advice]) -> dict[str, Advice]:
    return {a.option: a for a in advice}


def texts(reasons: tuple[Reason, ...]) -> list[str]:
    return [r.message % r.params for r in reasons]


@pytest.mark.parametrize("option", OPTIONS)
def test_each_option_is_recommended_first_for_the_needs_that_call_for_it(option: str) -> None:
    advice = advise(CALLS_FOR[option], offer())
    assert advice[0].option == option
    assert advice[0].score >= 70
    assert advice[0].score - advice[1].score >= 5  # a clear first, not a tie


@pytest.mark.parametrize("option", OPTIONS)
def test_options_score_low_for_needs_that_do_not_call_for_them(option: str) -> None:
    for wanted, profile in CALLS_FOR.items():
        marked = {n for n in NEED_KINDS if getattr(profile, n).importance}
        scores = by_option(advise(profile, offer()))
        if not USES[option] & marked:
            assert scores[option].score < 20, (option, wanted)
        if wanted != option:
            assert scores[option].score < scores[wanted].score, (option, wanted)


def test_a_market_need_recommends_nothing_but_technology_promotion() -> None:
    scores = by_option(advise(CALLS_FOR["mode_3"], offer()))
    assert scores["mode_3"].score == 100
    assert all(a.score < 20 for o, a in scores.items() if o != "mode_3")


def test_the_training_contract_sentence_names_the_numbers() -> None:
    mode_7 = advise(CALLS_FOR["mode_7"], offer())[0]
    said = texts(mode_7.reasons)
    assert said[0] == (
        "The enterprise needs to train 120 employees a year in 数控编程 (importance 3/3)."
    )
    assert "The college has a simulated practice site, 仿真实训中心, idle 60% of the week." in said
    assert "The enterprise can send 5 trainers or technicians." in said
    assert mode_7.missing == ()
    assert mode_7.prefill == {"simulated_site": "仿真实训中心", "employees_to_train_per_year": 120}


def test_without_a_simulated_site_the_training_contract_says_what_is_missing() -> None:
    venues = [{"name": "数控实训车间", "kind": "workshop", "idle_pct": 40}]
    advice = advise(CALLS_FOR["mode_7"], offer(venues=venues))
    mode_7 = by_option(advice)["mode_7"]
    assert advice[0].option != "mode_7"
    assert mode_7.score <= by_option(advise(CALLS_FOR["mode_7"], offer()))["mode_7"].score - 25
    assert "No idle simulated practice site in the college's offer." in texts(mode_7.missing)
    assert "simulated_site" not in mode_7.prefill


@pytest.mark.parametrize("option", ["mode_1", "mode_5", "mode_7"])
def test_a_more_idle_venue_scores_higher(option: str) -> None:
    def venues(idle: int) -> list[dict[str, object]]:
        return [
            {"name": "仿真实训中心", "kind": "simulated_site", "idle_pct": idle},
            {"name": "数控实训车间", "kind": "workshop", "idle_pct": idle},
        ]

    busy = by_option(advise(CALLS_FOR[option], offer(venues=venues(10))))[option]
    idle = by_option(advise(CALLS_FOR[option], offer(venues=venues(60))))[option]
    assert idle.score > busy.score
    assert any("is idle only 10% of the week" in t for t in texts(busy.missing))


def test_more_idle_equipment_scores_higher_for_equipment_sharing() -> None:
    def equipment(idle: int) -> list[dict[str, object]]:
        return [{"name": "五轴加工中心", "quantity": 2, "idle_pct": idle}]

    busy = by_option(advise(CALLS_FOR["mode_2"], offer(equipment=equipment(10))))["mode_2"]
    idle = by_option(advise(CALLS_FOR["mode_2"], offer(equipment=equipment(60))))["mode_2"]
    assert idle.score > busy.score
    assert "The college has 五轴加工中心 (2), idle 60% of the time." in texts(idle.reasons)


def test_the_enterprise_side_matters_too() -> None:
    profile = needs(staff_training={"importance": 3, "trainees_per_year": 120})
    mode_7 = by_option(advise(profile, offer()))["mode_7"]
    assert "The enterprise has not said what equipment it could place." in texts(mode_7.missing)
    assert mode_7.score < by_option(advise(CALLS_FOR["mode_7"], offer()))["mode_7"].score


def test_majors_match_by_substring_ignoring_case_and_width() -> None:
    capacity = [{"major": "CNC Machining Technology", "students": 30}]
    profile = needs(talent={"importance": 3, "majors": ["ｃｎｃ machining"], "headcount": 20})
    order = by_option(advise(profile, offer(capacity=capacity)))["order_class"]
    assert (
        "The college can send 30 students of CNC Machining Technology, the majors wanted."
        in texts(order.reasons)
    )
    other = needs(talent={"importance": 3, "majors": ["会计"], "headcount": 20})
    unmatched = by_option(advise(other, offer(capacity=capacity)))["order_class"]
    assert "No student capacity in the college's offer for 会计." in texts(unmatched.missing)
    assert unmatched.score < order.score


def test_capacity_counts_a_major_at_its_largest_term() -> None:
    profile = needs(talent={"importance": 3, "majors": ["机电一体化"], "headcount": 60})
    order = by_option(advise(profile, offer()))["order_class"]
    assert "The college can send only 40 of the 60 graduates wanted." in texts(order.missing)


def test_an_unmarked_main_need_is_named_as_missing() -> None:
    mode_4 = by_option(advise(CALLS_FOR["mode_7"], offer()))["mode_4"]
    assert texts(mode_4.missing)[0] == "The enterprise has not said it wants to lower its costs."


def test_prefill_of_enterprise_introduction_and_training_transplant() -> None:
    mode_1 = advise(CALLS_FOR["mode_1"], offer())[0]
    assert mode_1.prefill == {
        "venue": "数控实训车间",
        "area_m2": "800",
        "training_positions_per_term": 40,
    }
    mode_6 = advise(CALLS_FOR["mode_6"], offer())[0]
    assert mode_6.prefill["programme"] == "Siemens Mechatronic Systems Certification"
    assert mode_6.prefill["certification"] == "Siemens Mechatronic Systems Certification"
    assert mode_6.prefill["order_class_size"] == 30


def test_score_formula_bounds() -> None:
    assert score(0, 0) == 0
    assert score(0, 1) == 15
    assert score(1, 0) == 40
    assert score(1, 1) == 100


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=150)
@given(profile=needs_data, college=offer_data)
def test_every_option_once_scored_0_to_100_best_first(
    profile: NeedsData, college: OfferData
) -> None:
    advice = advise(profile, college)
    assert sorted(a.option for a in advice) == sorted(OPTIONS)
    assert all(0 <= a.score <= 100 and isinstance(a.score, int) for a in advice)
    keys = [(-a.score, OPTIONS.index(a.option)) for a in advice]
    assert keys == sorted(keys)
    for a in advice:
        assert a.mode == (
            int(a.option.removeprefix("mode_")) if a.option.startswith("mode_") else None
        )


@settings(max_examples=100)
@given(profile=needs_data, college=offer_data)
def test_deterministic(profile: NeedsData, college: OfferData) -> None:
    again = advise(
        NeedsData.model_validate(profile.model_dump()),
        OfferData.model_validate(college.model_dump()),
    )
    assert advise(profile, college) == again


@settings(max_examples=150)
@given(
    profile=needs_data,
    college=offer_data,
    need=st.sampled_from(NEED_KINDS),
    level=st.integers(0, 2),
)
def test_raising_a_need_never_lowers_a_score(
    profile: NeedsData, college: OfferData, need: str, level: int
) -> None:
    lower = by_option(advise(with_importance(profile, need, level), college))
    higher = by_option(advise(with_importance(profile, need, level + 1), college))
    for option in OPTIONS:
        assert higher[option].score >= lower[option].score
        if need not in USES[option]:
            assert higher[option].score == lower[option].score


@settings(max_examples=100)
@given(profile=needs_data, college=offer_data)
def test_no_marked_need_gives_every_option_below_20(profile: NeedsData, college: OfferData) -> None:
    for need in NEED_KINDS:
        profile = with_importance(profile, need, 0)
    assert all(a.score < 20 for a in advise(profile, college))


@settings(max_examples=150)
@given(profile=needs_data, college=offer_data)
def test_every_reason_fills_its_message(profile: NeedsData, college: OfferData) -> None:
    for advice in advise(profile, college):
        for reason in (*advice.reasons, *advice.missing):
            assert set(PLACEHOLDER.findall(reason.message)) == set(reason.params)
            if reason.params:
                text = reason.message % reason.params
                assert "%(" not in text
            else:
                assert "%" not in reason.message  # translated without formatting
            assert all(isinstance(v, str | int) for v in reason.params.values())


@settings(max_examples=150)
@given(profile=needs_data, college=offer_data)
def test_prefill_is_valid_terms(profile: NeedsData, college: OfferData) -> None:
    for advice in advise(profile, college):
        if advice.mode is None:
            assert advice.prefill == {}
        else:
            check_terms(Mode(advice.mode), advice.prefill)


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.startswith("mode_")])
def test_prefill_of_each_called_for_mode_is_valid_and_not_empty(option: str) -> None:
    advice = by_option(advise(CALLS_FOR[option], offer()))[option]
    assert advice.prefill
    assert advice.mode is not None
    check_terms(Mode(advice.mode), advice.prefill)


def test_idle_equipment_counts_fully_only_when_it_fits_what_the_enterprise_named() -> None:
    from tandem.advisor.core import advise
    from tandem.needs.schemas import NeedsData, OfferData

    needs = NeedsData.model_validate(
        {
            "cost": {"importance": 2, "lacking_resources": ["护理床"]},
            "staff_training": {"importance": 3, "topics": ["养老护理"], "trainees_per_year": 80},
            "assets": {"equipment_to_place": "智能护理床"},
        }
    )

    def mode_2(equipment: str) -> tuple[int, list[str]]:
        offer = OfferData.model_validate(
            {"equipment": [{"name": equipment, "quantity": 2, "idle_pct": 60}]}
        )
        advice = next(a for a in advise(needs, offer) if a.option == "mode_2")
        return advice.score, [m.message for m in advice.missing]

    fitting, fitting_missing = mode_2("电动护理床")
    unrelated, unrelated_missing = mode_2("私有云服务器集群")
    assert fitting > unrelated
    assert "None of the college's idle equipment obviously fits what the enterprise named." in (
        unrelated_missing
    )
    assert not any("obviously fits" in m for m in fitting_missing)
