"""The API of students' lists and hosts' rankings: who sees whose, and the problem documents."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement.models import HostRank, Preference
from tests.factories import bearer
from tests.placement.ranking_helpers import in_phase, listed
from tests.placement.world import PlacementWorld

API = "/api/v1/placement-plans"
AsUser = Callable[[str], dict[str, str]]


@pytest.fixture
def as_user(session: Session, world: PlacementWorld) -> AsUser:
    def make(name: str) -> dict[str, str]:
        return bearer(session, world.users[name])

    return make


def test_a_student_reads_and_replaces_their_own_list(
    client: TestClient, session: Session, world: PlacementWorld, as_user: AsUser
) -> None:
    w = world
    in_phase(session, w, "student_ranking")
    session.commit()
    me = as_user("student")
    p = [x.id for x in w.positions]
    got = client.put(
        f"{API}/{w.plan.id}/preferences", json={"position_ids": [p[2], p[1]]}, headers=me
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert [(i["rank"], i["position"]["id"]) for i in body["items"]] == [(1, p[2]), (2, p[1])]
    assert body["items"][0]["position"]["host_name"] == w.enterprises[1].name
    read = client.get(f"{API}/{w.plan.id}/preferences", headers=me).json()
    assert read["student_id"] == w.seniors[0].id
    assert len(read["items"]) == 2
    available = client.get(f"{API}/{w.plan.id}/available-positions", headers=me).json()
    assert {i["id"] for i in available["items"]} == set(p)
    # another student's list: a 404, read or written
    other = w.seniors[1].id
    assert (
        client.get(f"{API}/{w.plan.id}/preferences?student_id={other}", headers=me).status_code
        == 404
    )
    assert (
        client.put(
            f"{API}/{w.plan.id}/preferences",
            json={"position_ids": [], "student_id": other},
            headers=me,
        ).status_code
        == 404
    )
    # another college's plan
    assert client.get(f"{API}/{w.other_plan.id}/preferences", headers=me).status_code == 404


def test_list_errors_are_problem_documents(
    client: TestClient, session: Session, world: PlacementWorld, as_user: AsUser
) -> None:
    w = world
    me = as_user("student")
    p = w.positions[0].id
    closed = client.put(f"{API}/{w.plan.id}/preferences", json={"position_ids": [p]}, headers=me)
    assert closed.status_code == 409
    assert closed.json()["code"] == "ranking_not_open"
    in_phase(session, w, "student_ranking")
    session.commit()
    twice = client.put(f"{API}/{w.plan.id}/preferences", json={"position_ids": [p, p]}, headers=me)
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "position_ids.1"
    assert session.scalars(select(Preference)).all() == []


def test_staff_name_the_student_and_contacts_see_no_lists(
    client: TestClient, session: Session, world: PlacementWorld, as_user: AsUser
) -> None:
    w = world
    in_phase(session, w, "student_ranking")
    session.commit()
    office = as_user("office")
    sid = w.seniors[2].id
    put = client.put(
        f"{API}/{w.plan.id}/preferences",
        json={"position_ids": [w.positions[0].id], "student_id": sid},
        headers=office,
    )
    assert put.status_code == 200, put.text
    assert client.get(f"{API}/{w.plan.id}/preferences", headers=office).status_code == 422
    teacher = client.get(
        f"{API}/{w.plan.id}/preferences?student_id={sid}", headers=as_user("teacher")
    )
    assert teacher.json()["items"][0]["position"]["id"] == w.positions[0].id
    assert (
        client.get(
            f"{API}/{w.plan.id}/preferences?student_id={sid}", headers=as_user("contact1")
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"{API}/{w.plan.id}/preferences",
            json={"position_ids": [], "student_id": sid},
            headers=as_user("teacher"),
        ).status_code
        == 403
    )


def test_a_contact_ranks_their_own_applicants(
    client: TestClient, session: Session, world: PlacementWorld, as_user: AsUser
) -> None:
    w = world
    listed(session, w, 0, 0)
    listed(session, w, 1, 1, 2)
    listed(session, w, 2, 2)
    in_phase(session, w, "host_ranking")
    session.commit()
    contact = as_user("contact1")
    s = [x.id for x in w.seniors]
    got = client.get(f"{API}/{w.plan.id}/applicants", headers=contact).json()
    assert got["host_id"] == w.hosts[0].id
    assert {i["student_id"] for i in got["items"]} == {s[0], s[1]}
    assert (
        client.get(
            f"{API}/{w.plan.id}/applicants?host={w.hosts[1].id}", headers=contact
        ).status_code
        == 404
    )
    put = client.put(
        f"{API}/{w.plan.id}/applicants/ranking",
        json={"entries": [{"student_id": s[1], "rank": 1}, {"student_id": s[0], "excluded": True}]},
        headers=contact,
    )
    assert put.status_code == 200, put.text
    assert [(i["student_id"], i["rank"], i["excluded"]) for i in put.json()["items"]] == [
        (s[1], 1, False),
        (s[0], None, True),
    ]
    assert put.json()["ranking_method"] == "manual"
    bad = client.put(
        f"{API}/{w.plan.id}/applicants/ranking",
        json={"entries": [{"student_id": s[2], "rank": 1}]},
        headers=contact,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "entries.0"
    scored = client.post(
        f"{API}/{w.plan.id}/applicants/score", json={"weights": {"choice": 50}}, headers=contact
    )
    assert scored.status_code == 200
    assert scored.json()["score_weights"]["choice"] == 50
    assert (
        client.post(
            f"{API}/{w.plan.id}/applicants/score",
            json={"weights": {"choice": 101}},
            headers=contact,
        ).status_code
        == 422
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Student number", "Rank"])
    sheet.append([w.seniors[0].student_number, 1])
    sheet.append([w.seniors[1].student_number, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    up = client.post(
        f"{API}/{w.plan.id}/applicants/upload",
        files={"file": ("ranking.xlsx", buffer.getvalue())},
        headers=contact,
    )
    assert up.status_code == 200, up.text
    assert {(i["student_id"], i["rank"]) for i in up.json()["items"]} == {(s[0], 1), (s[1], 1)}
    assert client.post(f"{API}/{w.plan.id}/applicants/upload", headers=contact).status_code == 422
    # the office names the host; a student sees no applicants
    office = client.get(
        f"{API}/{w.plan.id}/applicants?host={w.hosts[1].id}", headers=as_user("office")
    )
    assert {i["student_id"] for i in office.json()["items"]} == {s[1], s[2]}
    assert (
        client.get(f"{API}/{w.plan.id}/applicants", headers=as_user("student")).status_code == 403
    )
    assert session.scalars(select(HostRank)).all()
