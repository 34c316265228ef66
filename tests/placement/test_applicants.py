"""A host's applicants and its ranking of them: by hand, rights, phases, and the engine's order."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.placement import applicants
from tandem.placement.applicants import RankEntry
from tandem.placement.models import HostRank, PlanHost
from tests.placement.ranking_helpers import in_phase, listed
from tests.placement.world import PlacementWorld


@pytest.fixture
def applied(session: Session, world: PlacementWorld) -> PlacementWorld:
    """Seniors 0–3 applied to host 1 (positions 0, 1); senior 4 only to host 2."""
    listed(session, world, 0, 0, 2)
    listed(session, world, 1, 2, 1)
    listed(session, world, 2, 1, 0)
    listed(session, world, 3, 0)
    listed(session, world, 4, 2)
    in_phase(session, world, "host_ranking")
    return world


def _ids(w: PlacementWorld, *indexes: int) -> list[int]:
    return [w.seniors[i].id for i in indexes]


def test_the_applicants_of_a_host_with_their_best_choice(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    host = applicants.host_for(session, actor=w.actor("contact1"), plan=w.plan, host_id=None)
    assert host.id == w.hosts[0].id
    found = applicants.applicants(session, actor=w.actor("contact1"), plan=w.plan, partnership=host)
    assert sorted(a.student_id for a in found) == sorted(_ids(w, 0, 1, 2, 3))
    second = next(a for a in found if a.student_id == w.seniors[1].id)
    assert (second.choice, second.position_id) == (2, w.positions[1].id)
    assert second.year_of_study == 3
    assert second.major_code == w.major.code
    assert second.rank is None


def test_a_contact_sees_only_their_own_host(session: Session, applied: PlacementWorld) -> None:
    w = applied
    with pytest.raises(NotFound):
        applicants.host_for(session, actor=w.actor("contact2"), plan=w.plan, host_id=w.hosts[0].id)
    with pytest.raises(PermissionDenied):
        applicants.host_for(session, actor=w.actor("student"), plan=w.plan, host_id=w.hosts[0].id)
    with pytest.raises(ValidationFailed):
        applicants.host_for(session, actor=w.actor("office"), plan=w.plan, host_id=None)
    staff = applicants.host_for(
        session, actor=w.actor("teacher"), plan=w.plan, host_id=w.hosts[1].id
    )
    assert staff.id == w.hosts[1].id


def test_set_ranking_stores_ties_and_exclusions_and_audits(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    s = _ids(w, 0, 1, 2, 3)
    entries = [RankEntry(s[2], 1), RankEntry(s[0], 2), RankEntry(s[1], 2), RankEntry(s[3], 5, True)]
    settings = applicants.set_ranking(
        session, actor=w.actor("contact1"), plan=w.plan, partnership=w.hosts[0], entries=entries
    )
    assert settings.ranking_method == "manual"
    assert settings.ranked_at is not None
    rows = session.execute(
        select(HostRank.student_id, HostRank.rank, HostRank.excluded).where(
            HostRank.plan_id == w.plan.id, HostRank.partnership_id == w.hosts[0].id
        )
    ).all()
    assert sorted(rows) == sorted(
        [(s[2], 1, False), (s[0], 2, False), (s[1], 2, False), (s[3], None, True)]
    )
    found = applicants.applicants(
        session, actor=w.actor("office"), plan=w.plan, partnership=w.hosts[0]
    )
    assert [a.student_id for a in found] == [s[2], s[0], s[1], s[3]]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "rank_applicants")).one()
    assert audit.changes["excluded"] == [[], [s[3]]]
    # replaced as a whole: a shorter ranking leaves the others unranked
    applicants.set_ranking(
        session,
        actor=w.actor("contact1"),
        plan=w.plan,
        partnership=w.hosts[0],
        entries=[RankEntry(s[3], 1)],
    )
    assert session.scalars(
        select(HostRank.student_id).where(HostRank.plan_id == w.plan.id)
    ).all() == [s[3]]


def test_a_student_who_did_not_apply_cannot_be_ranked(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    with pytest.raises(ValidationFailed) as caught:
        applicants.set_ranking(
            session,
            actor=w.actor("contact1"),
            plan=w.plan,
            partnership=w.hosts[0],
            entries=[RankEntry(w.seniors[0].id, 1), RankEntry(w.seniors[4].id, 2)],
        )
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("entries.1", "not_applicant")
    assert "Entry 2" in error.localised()
    assert session.scalars(select(HostRank)).all() == []


def test_phases_and_rights(session: Session, applied: PlacementWorld) -> None:
    w = applied
    one = [RankEntry(w.seniors[0].id, 1)]
    args = {"plan": w.plan, "partnership": w.hosts[0], "entries": one}
    with pytest.raises(PermissionDenied):  # another enterprise's host
        applicants.set_ranking(session, actor=w.actor("contact2"), **args)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):  # a teacher may not rank
        applicants.set_ranking(session, actor=w.actor("teacher"), **args)  # type: ignore[arg-type]
    in_phase(session, w, "student_ranking")
    with pytest.raises(Conflict) as early:
        applicants.set_ranking(session, actor=w.actor("contact1"), **args)  # type: ignore[arg-type]
    assert early.value.code == "host_ranking_not_open"
    applicants.set_ranking(session, actor=w.actor("office"), **args)  # type: ignore[arg-type]
    applicants.set_ranking(session, actor=w.actor("coordinator"), **args)  # type: ignore[arg-type]
    in_phase(session, w, "results")
    with pytest.raises(Conflict) as late:
        applicants.set_ranking(session, actor=w.actor("office"), **args)  # type: ignore[arg-type]
    assert late.value.code == "host_ranking_closed"
    assert session.scalar(select(PlanHost.ranking_method)) == "manual"


def test_host_orders_in_the_engines_format(session: Session, applied: PlacementWorld) -> None:
    w = applied
    s = _ids(w, 0, 1, 2, 3, 4)
    applicants.set_ranking(
        session,
        actor=w.actor("office"),
        plan=w.plan,
        partnership=w.hosts[0],
        entries=[
            RankEntry(s[2], 1),
            RankEntry(s[1], 3),
            RankEntry(s[3], 3),
            RankEntry(s[0], None, True),
        ],
    )
    orders = applicants.host_orders(session, w.plan, None)
    assert orders[w.hosts[0].id] == [s[2], sorted([s[1], s[3]])]
    # host 2 ranked nobody: its applicants (seniors 0, 1, 4) are one tied group
    assert orders[w.hosts[1].id] == [sorted([s[0], s[1], s[4]])]
    # only the students of a round (e.g. the unplaced of a second one)
    some = applicants.host_orders(session, w.plan, {s[1], s[2]})
    assert some[w.hosts[0].id] == [s[2], s[1]]
    assert some[w.hosts[1].id] == [s[1]]
    # unranked applicants come after the ranked ones, as one group
    applicants.set_ranking(
        session,
        actor=w.actor("office"),
        plan=w.plan,
        partnership=w.hosts[0],
        entries=[RankEntry(s[3], 1)],
    )
    assert applicants.host_orders(session, w.plan, None)[w.hosts[0].id] == [
        s[3],
        sorted([s[0], s[1], s[2]]),
    ]


def test_a_student_who_has_left_is_no_applicant(session: Session, applied: PlacementWorld) -> None:
    w = applied
    s = _ids(w, 0, 1, 2, 3, 4)
    for index in (0, 1, 4):  # host 2's applicants all leave; senior 1 applied to host 1 too
        w.seniors[index].status = "left"
    session.flush()
    office = w.actor("office")
    found = applicants.applicants(session, actor=office, plan=w.plan, partnership=w.hosts[0])
    assert sorted(a.student_id for a in found) == sorted([s[2], s[3]])
    assert applicants.applicants(session, actor=office, plan=w.plan, partnership=w.hosts[1]) == []
    with pytest.raises(ValidationFailed) as caught:
        applicants.set_ranking(
            session,
            actor=office,
            plan=w.plan,
            partnership=w.hosts[0],
            entries=[RankEntry(s[2], 1), RankEntry(s[1], 2)],
        )
    assert (caught.value.errors[0].field, caught.value.errors[0].code) == (
        "entries.1",
        "not_applicant",
    )
    orders = applicants.host_orders(session, w.plan, None)
    assert orders[w.hosts[0].id] == [sorted([s[2], s[3]])]
    assert orders[w.hosts[1].id] == []  # still a host of the plan, with nobody to rank


def test_a_student_whose_class_left_the_plan_is_no_applicant(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    w.seniors[3].class_id = w.outsiders[0].class_id  # now in a class of another major
    session.flush()
    found = applicants.applicants(
        session, actor=w.actor("office"), plan=w.plan, partnership=w.hosts[0]
    )
    assert w.seniors[3].id not in {a.student_id for a in found}
    order = applicants.host_orders(session, w.plan, None)[w.hosts[0].id]
    assert order == [sorted(_ids(w, 0, 1, 2))]
