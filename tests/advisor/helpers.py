"""Needs profiles and college offers for the advisor's tests, and hypothesis strategies for both."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tandem.needs.schemas import NeedsData, OfferData, VenueKind

NEED_KINDS = ("talent", "staff_training", "rnd", "cost", "market")

# Which needs each option serves (the table in tandem.advisor.core, written out independently).
USES: dict[str, frozenset[str]] = {
    "mode_1": frozenset({"cost", "talent", "rnd"}),
    "mode_2": frozenset({"cost", "staff_training"}),
    "mode_3": frozenset({"market"}),
    "mode_4": frozenset({"cost"}),
    "mode_5": frozenset({"staff_training"}),
    "mode_6": frozenset({"staff_training", "talent"}),
    "mode_7": frozenset({"staff_training"}),
    "order_class": frozenset({"talent"}),
    "apprenticeship": frozenset({"talent"}),
}


def needs(**parts: dict[str, Any]) -> NeedsData:
    """A profile from its parts: ``needs(talent={"importance": 3}, assets={"trainers": 2})``."""
    return NeedsData.model_validate(parts)


def offer(**changes: Any) -> OfferData:
    """A college that has a bit of everything (so the enterprise's needs decide)."""
    data: dict[str, Any] = {
        "venues": [
            {"name": "仿真实训中心", "kind": "simulated_site", "idle_pct": 60, "workstations": 30},
            {
                "name": "数控实训车间",
                "kind": "workshop",
                "area_m2": 800,
                "workstations": 40,
                "idle_pct": 60,
            },
            {"name": "多媒体教室 A101", "kind": "classroom", "idle_pct": 20},
        ],
        "equipment": [
            {"name": "五轴加工中心", "category": "机床", "quantity": 2, "idle_pct": 50},
            {"name": "三坐标测量机", "quantity": 1, "idle_pct": 0},
        ],
        "expertise": [
            {"field": "机电一体化", "teachers": 6},
            {"field": "焊接技术", "teachers": 4},
            {"field": "会计", "teachers": 0},
        ],
        "capacity": [
            {"major": "数控技术应用", "term": "2026-2027-1", "students": 45},
            {"major": "机电一体化技术", "term": "2026-2027-1", "students": 40},
            {"major": "机电一体化技术", "term": "2026-2027-2", "students": 35},
            {"major": "焊接技术与自动化", "term": "2026-2027-2", "students": 60},
        ],
        "takes_production": True,
    }
    data.update(changes)
    return OfferData.model_validate(data)


# --- hypothesis strategies -----------------------------------------------------------------------

_letters = list("数控技术机电一体化汽车维修会计焊接工业机器人ABCdefＣＮＣ 12")
names = st.text(alphabet=_letters, min_size=1, max_size=12).filter(lambda s: s.strip() != "")
blurbs = st.one_of(st.just(""), names)
importance = st.integers(0, 3)
counts = st.integers(0, 500)
items = st.lists(names, max_size=4)

needs_data = st.fixed_dictionaries(
    {
        "talent": st.fixed_dictionaries(
            {"importance": importance, "majors": items, "headcount": counts, "when": blurbs}
        ),
        "staff_training": st.fixed_dictionaries(
            {"importance": importance, "topics": items, "trainees_per_year": counts}
        ),
        "rnd": st.fixed_dictionaries({"importance": importance, "problems": items}),
        "cost": st.fixed_dictionaries(
            {"importance": importance, "outsourceable_work": blurbs, "lacking_resources": items}
        ),
        "market": st.fixed_dictionaries({"importance": importance, "products": items}),
        "assets": st.fixed_dictionaries(
            {
                "equipment_to_place": blurbs,
                "production_to_move": blurbs,
                "training_institution": blurbs,
                "certified_programme": blurbs,
                "trainers": st.integers(0, 20),
            }
        ),
    }
).map(NeedsData.model_validate)

offer_data = st.fixed_dictionaries(
    {
        "venues": st.lists(
            st.fixed_dictionaries(
                {
                    "name": names,
                    "kind": st.sampled_from([k.value for k in VenueKind]),
                    "area_m2": st.integers(0, 5000),
                    "workstations": st.integers(0, 200),
                    "idle_pct": st.integers(0, 100),
                }
            ),
            max_size=4,
        ),
        "equipment": st.lists(
            st.fixed_dictionaries(
                {"name": names, "quantity": st.integers(1, 20), "idle_pct": st.integers(0, 100)}
            ),
            max_size=4,
        ),
        "expertise": st.lists(
            st.fixed_dictionaries({"field": names, "teachers": st.integers(0, 10)}), max_size=3
        ),
        "capacity": st.lists(
            st.fixed_dictionaries(
                {"major": names, "term": st.sampled_from(["", "2026-1"]), "students": counts}
            ),
            max_size=4,
        ),
        "takes_production": st.booleans(),
    }
).map(OfferData.model_validate)


def with_importance(profile: NeedsData, need: str, level: int) -> NeedsData:
    data = profile.model_dump()
    data[need]["importance"] = level
    return NeedsData.model_validate(data)
