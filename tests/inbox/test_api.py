"""The inbox API: your own notices with the unread count; read one, read all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College
from tandem.inbox import service
from tests.factories import bearer, make_college, make_department, make_user
from tests.inbox.helpers import add_notice

Client = Callable[[User], TestClient]


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Client:
    def make(user: User) -> TestClient:
        return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})

    return make


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def user(session: Session, college: College) -> User:
    return make_user(session, "department_coordinator", college, make_department(session, college))


def test_lists_own_notices_with_meta_and_unread_count(
    session: Session, college: College, user: User, as_user: Client
) -> None:
    add_notice(session, user, "Old", day=1, read=True)
    add_notice(session, user, "Mid", day=2)
    add_notice(session, user, "New", day=3)
    add_notice(session, make_user(session, "teacher", college), "Not yours", day=4)
    client = as_user(user)
    body = client.get("/api/v1/inbox", params={"per_page": 2}).json()
    assert [n["subject"] for n in body["items"]] == ["New", "Mid"]
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}
    assert body["unread"] == 2
    first = body["items"][0]
    assert first["unread"] is True
    assert first["kind"] == "agreement_ends"
    assert first["kind_label"] == "Ends soon"
    assert first["link"] == "/agreements/1"
    unread = client.get("/api/v1/inbox", params={"unread_only": "true"}).json()
    assert [n["subject"] for n in unread["items"]] == ["New", "Mid"]
    assert unread["meta"]["total"] == 2


def test_read_one_then_all(session: Session, college: College, user: User, as_user: Client) -> None:
    first = add_notice(session, user)
    add_notice(session, user)
    add_notice(session, user)
    stranger = make_user(session, "teacher", college)
    theirs = add_notice(session, stranger)
    client = as_user(user)
    read = client.post(f"/api/v1/inbox/{first.id}/read")
    assert read.status_code == 200
    assert read.json()["unread"] is False
    assert read.json()["read_at"] is not None
    again = client.post(f"/api/v1/inbox/{first.id}/read")  # reading twice changes nothing
    assert again.json()["read_at"] == read.json()["read_at"]
    assert client.get("/api/v1/inbox").json()["unread"] == 2
    hidden = client.post(f"/api/v1/inbox/{theirs.id}/read")
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    assert client.post("/api/v1/inbox/read-all").json() == {"marked": 2, "unread": 0}
    assert client.post("/api/v1/inbox/read-all").json() == {"marked": 0, "unread": 0}
    assert service.unread_count(session, stranger.id) == 1


def test_needs_a_sign_in(client: TestClient) -> None:
    assert client.get("/api/v1/inbox").status_code == 401
    assert client.post("/api/v1/inbox/read-all").status_code == 401
