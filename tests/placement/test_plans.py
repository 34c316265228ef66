"""The plan service: adding (rights, the calendar, the cohort), changing with versions,
deleting only an empty draft, moving the phase one step at a time (and back for a second
round) with an audit entry and notices, and the summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.config import Settings
from tandem.inbox.models import Notice
from tandem.kit.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.placement import plans
from tandem.placement.kinds import Phase
from tandem.placement.models import AllocationRound, Preference
from tandem.placement.schemas_plans import PlanCreate, PlanUpdate
from tests.factories import bearer
from tests.placement.world import PlacementWorld, add_plan


def _data(world: PlacementWorld, **fields: Any) -> PlanCreate:
    values: dict[str, Any] = {
        "name": "2027 autumn post internship",
        "kind": "post",
        "term_start": date(2027, 9, 1),
        "term_end": date(2028, 1, 31),
        "major_ids": [world.major.id],
        "positions_open_on": date(2027, 5, 1),
        "ranking_opens_on": date(2027, 6, 1),
        "ranking_closes_on": date(2027, 6, 15),
        "host_ranking_closes_on": date(2027, 6, 30),
        "allocation_on": date(2027, 7, 5),
        "results_on": date(2027, 7, 10),
    }
    return PlanCreate(**(values | fields))


def _errors(error: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in error.errors}


def test_the_office_adds_a_draft_plan_audited(session: Session, world: PlacementWorld) -> None:
    plan = plans.create_plan(session, actor=world.actor("office"), data=_data(world))
    assert plan.phase == Phase.DRAFT
    assert plan.college_id == world.college.id
    assert [m.id for m in plan.majors] == [world.major.id]
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "placement_plan", AuditEntry.entity_id == str(plan.id)
        )
    )
    assert entry is not None
    assert entry.action == "create"


def test_a_coordinator_adds_for_their_department_only(
    session: Session, world: PlacementWorld
) -> None:
    coordinator = world.actor("coordinator")
    plan = plans.create_plan(session, actor=coordinator, data=_data(world))
    assert plan.department_id == world.departments[0].id
    with pytest.raises(PermissionDenied):
        plans.create_plan(
            session,
            actor=coordinator,
            data=_data(world, name="Other", department_id=world.departments[1].id),
        )


def test_the_calendar_must_be_in_order_and_before_the_start(
    session: Session, world: PlacementWorld
) -> None:
    data = _data(
        world,
        term_end=date(2027, 8, 1),
        ranking_opens_on=date(2027, 4, 1),
        allocation_on=date(2027, 9, 20),
        results_on=date(2027, 9, 25),
    )
    with pytest.raises(ValidationFailed) as caught:
        plans.create_plan(session, actor=world.actor("office"), data=data)
    found = _errors(caught.value)
    assert found["term_end"] == "term_end_before_start"
    assert found["ranking_opens_on"] == "calendar_out_of_order"
    assert found["allocation_on"] == "calendar_after_start"
    assert "results_on" not in found  # results may come after the start


def test_the_cohort_and_references_must_be_of_the_college(
    session: Session, world: PlacementWorld
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plans.create_plan(
            session,
            actor=world.actor("office"),
            data=_data(world, major_ids=[], class_ids=[], ruleset="xx"),
        )
    assert _errors(caught.value) == {"major_ids": "no_cohort", "ruleset": "unknown_ruleset"}
    other_major = world.other_plan.majors[0]
    with pytest.raises(ValidationFailed) as caught:
        plans.create_plan(
            session, actor=world.actor("office"), data=_data(world, major_ids=[other_major.id])
        )
    assert _errors(caught.value) == {"major_ids": "unknown_record"}


def test_names_are_unique_in_the_college(session: Session, world: PlacementWorld) -> None:
    with pytest.raises(Conflict):
        plans.create_plan(
            session, actor=world.actor("office"), data=_data(world, name=world.plan.name)
        )


def test_an_update_checks_the_version_and_the_merged_calendar(
    session: Session, world: PlacementWorld
) -> None:
    office = world.actor("office")
    plan = world.plan
    with pytest.raises(StaleVersion):
        plans.update_plan(
            session, actor=office, plan=plan, data=PlanUpdate(name="X", version=plan.version + 1)
        )
    with pytest.raises(ValidationFailed):
        plans.update_plan(
            session, actor=office, plan=plan, data=PlanUpdate(term_end=date(2027, 1, 1))
        )
    plans.update_plan(
        session,
        actor=office,
        plan=plan,
        data=PlanUpdate(name="Renamed", class_ids=[world.senior.id], version=plan.version),
    )
    assert plan.name == "Renamed"
    assert [c.id for c in plan.classes] == [world.senior.id]


def _update(session: Session, world: PlacementWorld, **fields: Any) -> None:
    plan = world.plan
    plans.update_plan(session, actor=world.actor("office"), plan=plan, data=PlanUpdate(**fields))


LATER = date(2027, 9, 30)
Fields = Callable[[PlacementWorld], dict[str, Any]]


@pytest.mark.parametrize(
    ("fields", "locked"),
    [
        (lambda w: {"kind": "cognition"}, ["kind"]),
        (lambda w: {"ruleset": "de-bbig"}, ["ruleset"]),
        (lambda w: {"term_start": date(2027, 4, 1), "term_end": LATER}, ["term_start", "term_end"]),
        (lambda w: {"min_year_of_study": None, "min_age": 18}, ["min_year_of_study", "min_age"]),
        (lambda w: {"major_ids": [w.major.id, w.other_major.id]}, ["major_ids"]),
        (lambda w: {"class_ids": [w.senior.id]}, ["class_ids"]),
        (lambda w: {"max_preferences": 2}, ["max_preferences"]),
    ],
)
def test_past_positions_the_terms_and_cohort_are_fixed(
    session: Session, world: PlacementWorld, fields: Fields, locked: list[str]
) -> None:
    world.plan.phase = Phase.STUDENT_RANKING
    session.flush()
    before = (world.plan.kind, world.plan.term_start, world.plan.max_preferences)
    with pytest.raises(Conflict) as caught:
        _update(session, world, **fields(world))
    assert caught.value.code == "plan_terms_locked"
    assert [e.field for e in caught.value.errors] == locked
    detail = caught.value.localised()
    assert "past the positions phase" in detail
    assert ", ".join(locked) in detail
    assert (world.plan.kind, world.plan.term_start, world.plan.max_preferences) == before
    assert [m.id for m in world.plan.majors] == [world.major.id]
    assert world.plan.classes == []


@pytest.mark.parametrize("phase", [Phase.HOST_RANKING, Phase.ALLOCATION, Phase.RESULTS])
def test_later_phases_also_fix_the_terms(
    session: Session, world: PlacementWorld, phase: Phase
) -> None:
    world.plan.phase = phase
    with pytest.raises(Conflict) as caught:
        _update(session, world, term_end=LATER)
    assert caught.value.code == "plan_terms_locked"


def test_past_positions_the_name_note_dates_and_more_preferences_stay_editable(
    session: Session, world: PlacementWorld
) -> None:
    plan = world.plan
    plan.phase = Phase.STUDENT_RANKING
    session.flush()
    # What the edit form sends: every field, the fixed ones unchanged.
    _update(
        session,
        world,
        name="Renamed",
        note="Bus at 8:00",
        kind="post",
        ruleset=plan.ruleset,
        term_start=plan.term_start,
        term_end=plan.term_end,
        min_year_of_study=2,
        major_ids=[world.major.id],
        class_ids=[],
        max_preferences=5,
        ranking_closes_on=date(2027, 2, 1),
        results_on=date(2027, 3, 10),
        department_id=world.departments[1].id,
    )
    assert (plan.name, plan.note, plan.max_preferences) == ("Renamed", "Bus at 8:00", 5)
    assert (plan.ranking_closes_on, plan.results_on) == (date(2027, 2, 1), date(2027, 3, 10))
    assert plan.department_id == world.departments[1].id
    # In the positions phase the terms may still change.
    plan.phase = Phase.POSITIONS
    _update(session, world, term_end=date(2027, 9, 30), max_preferences=2, min_age=18)
    assert (plan.term_end, plan.max_preferences, plan.min_age) == (date(2027, 9, 30), 2, 18)


def test_the_api_refuses_fixed_terms_past_positions(
    app: FastAPI, session: Session, world: PlacementWorld
) -> None:
    world.plan.phase = Phase.STUDENT_RANKING
    session.flush()
    office = TestClient(
        app, headers={"Accept-Language": "en", **bearer(session, world.users["office"])}
    )
    url = f"/api/v1/placement-plans/{world.plan.id}"
    refused = office.patch(url, json={"kind": "order_class", "max_preferences": 1})
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert body["code"] == "plan_terms_locked"
    assert "kind, max_preferences can no longer be changed" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["kind", "max_preferences"]
    assert "raised but no longer lowered" in body["errors"][1]["message"]
    changed = office.patch(url, json={"name": "Spring posts", "max_preferences": 4})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["max_preferences"]) == ("Spring posts", 4)
    assert changed.json()["kind"] == "post"


def test_only_an_empty_draft_is_deleted(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    with pytest.raises(Conflict) as caught:
        plans.delete_plan(session, actor=office, plan=world.plan)
    assert caught.value.code == "plan_not_draft"
    world.plan.phase = "draft"
    with pytest.raises(Conflict) as caught:
        plans.delete_plan(session, actor=office, plan=world.plan)
    assert caught.value.code == "plan_in_use"
    empty = add_plan(session, world.college, majors=[world.major], phase="draft")
    plans.delete_plan(session, actor=office, plan=empty)
    assert session.get(type(empty), empty.id) is None


def test_phases_move_one_step_at_a_time_audited_and_announced(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    office = world.actor("office")
    plan = world.plan  # in "positions"
    with pytest.raises(Conflict) as caught:
        plans.move_phase(
            session, actor=office, plan=plan, phase=Phase.ALLOCATION, settings=settings
        )
    assert caught.value.code == "phase_order"
    told = plans.move_phase(
        session, actor=office, plan=plan, phase=Phase.STUDENT_RANKING, settings=settings
    )
    assert plan.phase == Phase.STUDENT_RANKING
    assert told == 1  # the one student with an account (a senior of the plan)
    notice = session.scalar(select(Notice).where(Notice.user_id == world.users["student"].id))
    assert notice is not None
    assert notice.link == f"/placement-plans/{plan.id}/my-preferences"
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "placement_plan", AuditEntry.action == "phase"
        )
    )
    assert entry is not None
    assert entry.changes == {"phase": ["positions", "student_ranking"]}


def test_a_coordinator_of_another_department_may_not_move(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    world.plan.department_id = world.departments[1].id
    with pytest.raises(PermissionDenied):
        plans.move_phase(
            session,
            actor=world.actor("coordinator"),
            plan=world.plan,
            phase=Phase.STUDENT_RANKING,
            settings=settings,
        )


def test_results_need_a_published_round_and_open_a_second_round(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    office = world.actor("office")
    plan = world.plan
    plan.phase = Phase.ALLOCATION
    with pytest.raises(Conflict) as caught:
        plans.move_phase(session, actor=office, plan=plan, phase=Phase.RESULTS, settings=settings)
    assert caught.value.code == "no_published_round"
    session.add(
        AllocationRound(college_id=plan.college_id, plan_id=plan.id, number=1, status="published")
    )
    session.flush()
    plans.move_phase(session, actor=office, plan=plan, phase=Phase.RESULTS, settings=settings)
    assert plans.allowed_moves(plan.phase) == [Phase.CLOSED, Phase.STUDENT_RANKING]
    plans.move_phase(
        session, actor=office, plan=plan, phase=Phase.STUDENT_RANKING, settings=settings
    )
    assert plan.phase == Phase.STUDENT_RANKING
    keys = set(
        session.scalars(select(Notice.key).where(Notice.user_id == world.users["student"].id))
    )
    assert f"placement_plan:{plan.id}:phase:student_ranking:round:2" in keys


def test_the_summary_counts_the_plan(session: Session, world: PlacementWorld) -> None:
    plan = world.plan
    student = world.seniors[0]
    session.add_all(
        [
            Preference(
                college_id=plan.college_id,
                plan_id=plan.id,
                student_id=student.id,
                position_id=world.positions[i].id,
                rank=i + 1,
            )
            for i in range(2)
        ]
    )
    session.flush()
    found = plans.summary(session, plan)
    assert found.eligible_students == 6  # seniors; first-years fail the year filter
    assert found.positions_published == 3
    assert found.seats == 7
    # host 2: 3 seats but 10 % of 30 staff = 3; post 20 % of 40 = 8: nothing binds below seats
    assert found.capacity == 7
    assert (found.preferences, found.students_ranked) == (2, 1)
    assert [s.phase for s in found.calendar if s.current] == [Phase.POSITIONS]
    assert [s.phase for s in found.calendar if s.done] == [Phase.DRAFT]


def test_lists_are_scoped_and_filtered(session: Session, world: PlacementWorld) -> None:
    params = ListParams()
    office = plans.list_plans(session, actor=world.actor("office"), params=params)
    assert [p.id for p in office.items] == [world.plan.id]
    draft = add_plan(session, world.college, majors=[world.major], phase="draft", name="Hidden")
    student = plans.list_plans(session, actor=world.actor("student"), params=params)
    assert [p.id for p in student.items] == [world.plan.id]
    contact = plans.list_plans(session, actor=world.actor("contact1"), params=params)
    assert draft.id not in [p.id for p in contact.items]
    assert world.plan.id in [p.id for p in contact.items]
    found = plans.list_plans(
        session,
        actor=world.actor("office"),
        params=ListParams(q="hidden"),
        filters=plans.PlanFilter(phase="draft"),
    )
    assert [p.id for p in found.items] == [draft.id]


def test_eligible_students_are_for_staff(session: Session, world: PlacementWorld) -> None:
    rows, total = plans.eligible_students(
        session, actor=world.actor("teacher"), plan=world.plan, params=ListParams(per_page=2)
    )
    assert total == 6
    assert len(rows) == 2
    with pytest.raises(PermissionDenied):
        plans.eligible_students(
            session, actor=world.actor("contact1"), plan=world.plan, params=ListParams()
        )
