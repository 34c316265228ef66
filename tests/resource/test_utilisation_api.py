"""The utilisation API: the hand-computed week as JSON, groups, the time series, the under-used
list (search, sort, pages), the period's defaults and limits, and who sees what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tests.factories import bearer, make_user
from tests.partner.helpers import make_contact_user
from tests.resource.utilisation_world import MON, SUN, World, build

URL = "/api/v1/utilisation"
WEEK = {"from": MON.isoformat(), "to": SUN.isoformat()}


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def client_for(app: FastAPI, session: Session, user: User) -> TestClient:
    return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})


@pytest.fixture
def office(app: FastAPI, session: Session, world: World) -> TestClient:
    return client_for(
        app, session, make_user(session, "college_admin", world.college, password=None)
    )


def get(client: TestClient, url: str = URL, **params: Any) -> Any:
    response = client.get(url, params={**WEEK, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_week_as_json(office: TestClient) -> None:
    body = get(office)
    assert (body["first"], body["last"], body["group"]) == ("2026-03-02", "2026-03-08", "college")
    total = body["total"]
    assert total["available_hours"] == "180.00"
    assert total["booked_hours"] == "18.00"
    assert total["used_hours"] == "13.50"
    assert total["utilisation_rate_pct"] == "7.5"
    assert total["booked_rate_pct"] == "10.0"
    assert (total["pending_hours"], total["no_shows"]) == ("3.00", 1)
    purposes = {p["purpose"]: p for p in total["by_purpose"]}
    assert purposes["teaching"]["used_hours"] == "7.00"
    assert purposes["teaching"]["label"] == "Teaching"
    assert purposes["production"]["used_hours"] == "6.50"
    assert body["threshold_pct"] == "10.00"
    assert body["underused"] == 2
    assert body["valuation"]["total_cny"] == "240.00"
    (line,) = body["valuation"]["lines"]
    assert (line["label"], line["enterprise_share_pct"], line["owner"]) == (
        "Lathes (E1)",
        "60.00",
        "Acme Tools",
    )
    assert body["series"] == []
    (college,) = body["groups"]
    assert college["measures"] == total


def test_groups_and_labels(office: TestClient, world: World) -> None:
    groups = get(office, group="department")["groups"]
    assert [(g["id"], g["label"]) for g in groups] == [
        (world.department.id, world.department.name("en")),
        (None, "No department"),
    ]
    assert sum(float(g["measures"]["used_hours"]) for g in groups) == 13.5
    by_resource = get(office, group="resource", kind="equipment")["groups"]
    assert [(g["kind"], g["label"]) for g in by_resource] == [
        ("equipment", "Lathes (E1)"),
        ("equipment", "Robot (E3)"),
    ]


def test_series_by_week(office: TestClient) -> None:
    body = get(office, **{"to": (SUN + timedelta(days=7)).isoformat()}, bucket="week")
    assert [(p["start"], p["end"]) for p in body["series"]] == [
        ("2026-03-02", "2026-03-08"),
        ("2026-03-09", "2026-03-15"),
    ]
    assert body["series"][1]["measures"]["used_hours"] == "10.00"  # next Monday's 10 hours


def test_underused_list(office: TestClient) -> None:
    body = get(office, URL + "/underused")
    assert body["threshold_pct"] == "10.00"
    assert [(i["label"], i["utilisation_rate_pct"]) for i in body["items"]] == [
        ("Yard (V2)", "0.0"),
        ("Lathes (E1)", "6.7"),
    ]
    assert body["meta"]["total"] == 2
    found = get(office, URL + "/underused", q="lath")
    assert [i["label"] for i in found["items"]] == ["Lathes (E1)"]
    ordered = get(office, URL + "/underused", sort="-rate", per_page=1)
    assert [i["label"] for i in ordered["items"]] == ["Lathes (E1)"]
    assert ordered["meta"]["pages"] == 2
    bad = office.get(URL + "/underused", params={**WEEK, "sort": "colour"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "unknown_sort"


def test_filters_in_the_query(office: TestClient, world: World) -> None:
    body = get(office, venue_id=world.v1.id)
    assert body["total"]["used_hours"] == "9.50"  # V1 5.5 h and its lathes 4 h
    body = get(office, ownership="enterprise")
    assert body["total"]["used_hours"] == "4.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"from": "2024-01-01", "to": "2026-03-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"group": "galaxy"}, "group"),
        ({"bucket": "hour"}, "bucket"),
    ],
)
def test_bad_queries_name_the_field(office: TestClient, params: dict[str, str], field: str) -> None:
    response = office.get(URL, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_default_period_is_the_last_90_days(office: TestClient) -> None:
    body = office.get(URL).json()
    from datetime import date

    first, last = date.fromisoformat(body["first"]), date.fromisoformat(body["last"])
    assert (last - first).days == 89


def test_enterprise_contact_sees_their_own(app: FastAPI, session: Session, world: World) -> None:
    contact = client_for(
        app, session, make_contact_user(session, world.partnership.enterprise, password=None)
    )
    body = get(contact)
    assert body["college_id"] == world.college.id
    assert body["total"]["used_hours"] == "8.00"  # lathes 4 h and robot 4 h; not V1
    assert body["total"]["available_hours"] == "140.00"
    other = contact.get(URL, params={**WEEK, "college_id": world.other.id})
    assert other.status_code == 404


def test_another_college_is_hidden_and_admins_choose(
    app: FastAPI, session: Session, world: World, office: TestClient
) -> None:
    assert office.get(URL, params={**WEEK, "college_id": world.other.id}).status_code == 404
    admin = client_for(app, session, make_user(session, "platform_admin", password=None))
    assert admin.get(URL, params=WEEK).status_code == 422
    body = get(admin, college_id=world.other.id)
    assert body["total"]["used_hours"] == "6.00"


def test_students_may_not(app: FastAPI, session: Session, world: World) -> None:
    student = client_for(app, session, make_user(session, "student", world.college, password=None))
    assert student.get(URL, params=WEEK).status_code == 403
