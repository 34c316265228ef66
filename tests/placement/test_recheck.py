"""The daily placement check: newly blocked ready or active placements are reported to the
office and the school mentor once, insurance ending soon on an active placement is warned
about, and ``tandem placement check`` prints the counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.auth.roles import Role
from tandem.cli import app
from tandem.config import Settings
from tandem.inbox.models import Notice
from tandem.people.models import Teacher
from tandem.placement import placement_lifecycle
from tandem.placement.recheck import cover_ends, run_check
from tests.placement.placement_factory import add_placement, cover, provide_documents
from tests.placement.world import START, PlacementWorld, add_user


def _mentor(session: Session, world: PlacementWorld) -> tuple[Teacher, int]:
    teacher = Teacher(
        college_id=world.college.id,
        staff_number="RT0001",
        name="陈老师",
        department_id=world.departments[0].id,
    )
    session.add(teacher)
    session.flush()
    user = add_user(session, Role.TEACHER, world.college, teacher_id=teacher.id)
    return teacher, user.id


def _notices(session: Session, key_part: str) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.key.contains(key_part))))


def test_cover_ends() -> None:
    day = date(2027, 3, 10)
    policies = [
        {"start": "2027-01-01", "end": "2027-03-31"},
        {"start": "2027-04-01", "end": "2027-05-15"},
        {"start": "2027-06-01", "end": "2027-12-31"},
    ]
    assert cover_ends(policies, day) == date(2027, 5, 15)
    assert cover_ends(policies, date(2027, 5, 20)) is None
    assert cover_ends([], day) is None


def test_a_cap_exceeded_by_later_placements_is_reported_once(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    teacher, mentor_user = _mentor(session, world)
    position = world.positions[2]  # host 2: 30 on-post staff, 10 %: three interns at most
    placement = add_placement(session, position, world.seniors[0], school_mentor_id=teacher.id)
    provide_documents(session, world, placement)
    placement_lifecycle.transition(
        session, actor=world.actor("office"), placement=placement, to="ready"
    )
    first = run_check(session, today=date(2027, 1, 10), settings=settings)
    assert (first.checked, first.newly_blocked, first.notices) == (1, 0, 0)

    for student in world.seniors[1:4]:  # placed later, for the same period
        add_placement(session, position, student)
    report = run_check(session, today=date(2027, 1, 11), settings=settings)
    assert report.checked == 4
    assert report.newly_blocked == 1
    sent = _notices(session, f"placement:{placement.id}:blocked:cn2021.host_intern_cap")
    assert {n.user_id for n in sent} == {world.users["office"].id, mentor_user}
    assert all(n.kind == "placement_blocked" for n in sent)
    assert all(n.link == f"/placements/{placement.id}" for n in sent)
    assert "4 with this one" in sent[0].body or "含本次共 4 人" in sent[0].body
    assert (placement.compliance or {})["blocking"] == 1

    again = run_check(session, today=date(2027, 1, 12), settings=settings)
    assert (again.newly_blocked, again.notices) == (0, 0)


def test_insurance_ending_soon_is_warned_about(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    placement = add_placement(session, world.positions[0], world.seniors[0], status="active")
    cover(session, world, placement, START, START + timedelta(days=40))
    report = run_check(session, today=START + timedelta(days=20), settings=settings)
    assert report.insurance_ending == 0  # 20 days left
    report = run_check(session, today=START + timedelta(days=30), settings=settings)
    assert report.insurance_ending == 1
    ends = (START + timedelta(days=40)).isoformat()
    sent = _notices(session, f"placement:{placement.id}:insurance_ends:{ends}")
    assert [n.user_id for n in sent] == [world.users["office"].id]
    assert sent[0].kind == "placement_insurance"


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr("tandem.db.session_scope", scope)
    monkeypatch.setattr("tandem.cli.session_scope", scope)
    return session


def test_the_command_prints_the_counts(cli_session: Session, world: PlacementWorld) -> None:
    placement = add_placement(cli_session, world.positions[0], world.seniors[0])
    result = CliRunner().invoke(app, ["--lang", "en", "placement", "check", "--date", "2027-01-10"])
    assert result.exit_code == 0, result.output
    assert "Placements checked" in result.output
    assert placement.checked_at is not None
    wrong = CliRunner().invoke(app, ["--lang", "en", "placement", "check", "--date", "soon"])
    assert wrong.exit_code == 1
    assert "not a date" in wrong.output


def test_remind_checks_placements_too(cli_session: Session, world: PlacementWorld) -> None:
    placement = add_placement(cli_session, world.positions[0], world.seniors[0])
    result = CliRunner().invoke(app, ["--lang", "en", "remind", "--date", "2027-01-10"])
    assert result.exit_code == 0, result.output
    assert "Placements checked" in result.output
    assert placement.checked_at is not None


def test_a_check_leaves_the_version_alone(session: Session, world: PlacementWorld) -> None:
    placement = add_placement(session, world.positions[0], world.seniors[0])
    version = placement.version
    run_check(session, today=date(2027, 1, 10), settings=Settings(env="test", secret_key="x"))
    session.refresh(placement)
    assert placement.version == version
    assert placement.checked_at is not None
