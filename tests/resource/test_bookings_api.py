"""The bookings API: booking with the times as local wall clock and ISO 8601 with the offset,
409 naming every clash as problem+json, the list's filters and pagination, cancelling and
usage by role, series with the days the calendar left out, calendars and free slots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.kit.dates import local_today
from tandem.resource import workcal
from tandem.resource.schemas_workcal import HolidayCreate
from tests.factories import bearer, make_college
from tests.resource.booking_world import (
    SYSTEM,
    World,
    book,
    build_world,
    make_venue,
    next_weekday,
    past_booking,
)

Api = Callable[[str], TestClient]


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def api_as(app: FastAPI, session: Session, world: World) -> Api:
    def make(role: str) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        client.headers.update(bearer(session, world.users[role]))
        return client

    return make


def payload(world: World, **fields: object) -> dict[str, object]:
    return {
        "venue_id": world.venue.id,
        "purpose": "teaching",
        "title": "PLC lab",
        "day": next_weekday(2).isoformat(),
        "start": "14:00",
        "end": "15:30",
        **fields,
    }


def test_create_and_read_a_booking(api_as: Api, world: World) -> None:
    teacher = api_as("teacher")
    created = teacher.post("/api/v1/bookings", json=payload(world))
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/bookings/{body['id']}"
    day = next_weekday(2).isoformat()
    assert (body["start"], body["end"], body["minutes"], body["units"]) == ("14:00", "15:30", 90, 1)
    assert body["starts_at"] == f"{day}T14:00:00+08:00"
    assert body["ends_at"] == f"{day}T15:30:00+08:00"
    assert body["resource_kind"] == "venue"
    assert body["resource_name"] == f"{world.venue.code} {world.venue.name}"
    assert (body["status"], body["usage"]) == ("booked", "pending")
    assert body["booked_by"] == world.users["teacher"].display_name
    read = api_as("contact").get(f"/api/v1/bookings/{body['id']}")
    assert read.status_code == 200
    assert read.json()["title"] == "PLC lab"


def test_a_clash_is_a_409_naming_each_booking(api_as: Api, session: Session, world: World) -> None:
    day = next_weekday(2)
    first = book(session, world.actor("office"), world.venue, day, "13:00", "14:30", title="Demo")
    session.commit()
    clash = api_as("teacher").post("/api/v1/bookings", json=payload(world))
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    problem = clash.json()
    assert problem["code"] == "booking_conflict"
    assert problem["errors"] == [
        {
            "field": "conflicts",
            "code": "booking_conflict",
            "message": f"{day.isoformat()} 13:00–14:30 “Demo”, booked by "
            f"{world.users['office'].display_name} (booking {first.id})",
        }
    ]


def test_bad_input_is_a_422_with_the_field(api_as: Api, world: World) -> None:
    teacher = api_as("teacher")
    backwards = teacher.post("/api/v1/bookings", json=payload(world, start="15:00", end="14:00"))
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "end"
    both = teacher.post("/api/v1/bookings", json=payload(world, equipment_id=world.lathes.id))
    assert both.json()["errors"][0]["field"] == "equipment_id"
    outside = teacher.post(
        "/api/v1/bookings",
        json=payload(world, day=(local_today() - timedelta(days=1)).isoformat()),
    )
    assert outside.json()["errors"][0]["field"] == "day"


def test_another_colleges_resource_is_hidden(api_as: Api, session: Session, world: World) -> None:
    elsewhere = make_venue(session, make_college(session))
    session.commit()
    answer = api_as("teacher").post("/api/v1/bookings", json=payload(world, venue_id=elsewhere.id))
    assert answer.status_code == 404
    assert api_as("student").get("/api/v1/bookings").status_code == 403


def test_the_list_filters_and_pages(api_as: Api, session: Session, world: World) -> None:
    monday = next_weekday(1)
    for n in range(3):
        book(session, world.actor("teacher"), world.venue, monday, f"0{n + 7}:00", f"0{n + 7}:45")
    book(
        session, world.actor("office"), world.lathes, monday, "08:00", "09:00", purpose="production"
    )
    book(session, world.actor("office"), world.venue, monday + timedelta(days=7), "08:00", "09:00")
    session.commit()
    teacher = api_as("teacher")
    mine = teacher.get("/api/v1/bookings", params={"mine": "true", "per_page": 2})
    assert mine.json()["meta"] == {"total": 3, "page": 1, "per_page": 2, "pages": 2}
    production = teacher.get("/api/v1/bookings", params={"purpose": "production"}).json()
    assert [b["resource_kind"] for b in production["items"]] == ["equipment"]
    week = teacher.get(
        "/api/v1/bookings",
        params={"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()},
    ).json()
    assert week["meta"]["total"] == 4
    by_day = teacher.get("/api/v1/bookings", params={"sort": "day", "per_page": 1}).json()
    assert by_day["items"][0]["day"] == monday.isoformat()
    unknown = teacher.get("/api/v1/bookings", params={"sort": "nope"})
    assert unknown.status_code == 422
    # A contact sees the bookings of their enterprise's resources only.
    own_only = make_venue(session, world.college)
    book(session, world.actor("office"), own_only, monday, "08:00", "09:00")
    session.commit()
    assert api_as("contact").get("/api/v1/bookings").json()["meta"]["total"] == 5
    assert api_as("office").get("/api/v1/bookings").json()["meta"]["total"] == 6


def test_cancel_and_usage_by_role(api_as: Api, session: Session, world: World) -> None:
    booking = book(session, world.actor("teacher"), world.venue, next_weekday(4), "09:00", "10:00")
    old = past_booking(
        session,
        world.lathes,
        local_today() - timedelta(days=1),
        480,
        600,
        purpose="production",
        booked_by_user_id=world.users["teacher"].id,
    )
    session.commit()
    url = f"/api/v1/bookings/{booking.id}/cancel"
    assert api_as("other_teacher").post(url, json={"reason": "x"}).status_code == 403
    assert api_as("teacher").post(url, json={}).status_code == 422  # a reason is required
    cancelled = api_as("teacher").post(url, json={"reason": "Moved", "version": 1})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Moved"
    usage = f"/api/v1/bookings/{old.id}/usage"
    assert api_as("contact").post(usage, json={"usage": "used"}).status_code == 403
    used = api_as("coordinator").post(
        usage, json={"usage": "used", "used_minutes": 100, "output_quantity": 12}
    )
    assert used.status_code == 200
    assert (used.json()["used_minutes"], used.json()["output_quantity"]) == (100, 12)
    stale = api_as("teacher").post(usage, json={"usage": "no_show", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    future = api_as("teacher").post(f"/api/v1/bookings/{booking.id}/usage", json={"usage": "used"})
    assert future.status_code == 409


def test_a_series_by_api(api_as: Api, session: Session, world: World) -> None:
    monday = next_weekday(1)
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=monday + timedelta(days=7), name="Spring"),
    )
    session.commit()
    teacher = api_as("teacher")
    created = teacher.post(
        "/api/v1/booking-series",
        json={
            "venue_id": world.venue.id,
            "purpose": "teaching",
            "title": "Weekly lab",
            "start": "10:00",
            "end": "12:00",
            "weekdays": [1],
            "first_day": monday.isoformat(),
            "last_day": (monday + timedelta(days=21)).isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert [o["day"] for o in body["occurrences"]] == [
        monday.isoformat(),
        (monday + timedelta(days=14)).isoformat(),
        (monday + timedelta(days=21)).isoformat(),
    ]
    assert body["skipped"] == [
        {
            "day": (monday + timedelta(days=7)).isoformat(),
            "why": "holiday",
            "message": "the day is a public holiday",
        }
    ]
    series_url = f"/api/v1/booking-series/{body['id']}"
    assert api_as("contact").get(series_url).json()["weekdays"] == [1]
    skipped = teacher.post(f"{series_url}/skip", json={"day": monday.isoformat()})
    assert skipped.status_code == 200
    assert skipped.json()["skipped_days"] == [monday.isoformat()]
    assert skipped.json()["occurrences"][0]["status"] == "cancelled"
    rest = teacher.post(
        f"{series_url}/cancel",
        json={"from_day": (monday + timedelta(days=21)).isoformat(), "reason": "Ends early"},
    )
    assert rest.json()["last_day"] == (monday + timedelta(days=20)).isoformat()
    assert [o["status"] for o in rest.json()["occurrences"]] == ["cancelled", "booked", "cancelled"]


def test_a_resource_calendar_reads_only_its_range(
    api_as: Api, session: Session, world: World
) -> None:
    monday = next_weekday(1)
    book(session, world.actor("teacher"), world.lathes, monday, "08:00", "10:00", units=2)
    book(
        session, world.actor("teacher"), world.lathes, monday + timedelta(days=8), "08:00", "09:00"
    )
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=monday + timedelta(days=2), name="Festival"),
    )
    session.commit()
    answer = api_as("contact").get(
        f"/api/v1/equipment/{world.lathes.id}/calendar",
        params={"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["capacity"] == 3
    assert len(body["days"]) == 7
    assert body["days"][0]["open"] == ["00:00", "24:00"]
    assert body["days"][2] == {
        "day": (monday + timedelta(days=2)).isoformat(),
        "open": None,
        "holiday": "Festival",
        "in_term": True,
    }
    assert [(b["day"], b["units"]) for b in body["bookings"]] == [(monday.isoformat(), 2)]
    default = api_as("office").get(f"/api/v1/venues/{world.venue.id}/calendar").json()
    assert len(default["days"]) == 7
    assert (
        default["days"][0]["day"]
        == (local_today() - timedelta(days=local_today().isoweekday() - 1)).isoformat()
    )


def test_free_slots_for_a_venue_and_some_lathes(
    api_as: Api, session: Session, world: World
) -> None:
    monday = next_weekday(1)
    book(session, world.actor("teacher"), world.venue, monday, "00:00", "09:00")
    book(session, world.actor("teacher"), world.lathes, monday, "09:00", "11:00", units=2)
    session.commit()
    answer = api_as("teacher").get(
        "/api/v1/free-slots",
        params={
            "venue_id": world.venue.id,
            "equipment_id": world.lathes.id,
            "units": 2,
            "minutes": 60,
            "from": monday.isoformat(),
            "to": monday.isoformat(),
            "step": 60,
            "limit": 2,
        },
    )
    assert answer.status_code == 200, answer.text
    assert [(s["start"], s["end"]) for s in answer.json()["items"]] == [
        ("11:00", "12:00"),
        ("12:00", "13:00"),
    ]
    assert answer.json()["items"][0]["starts_at"] == f"{monday.isoformat()}T11:00:00+08:00"
    too_many = api_as("teacher").get(
        "/api/v1/free-slots",
        params={"equipment_id": world.lathes.id, "units": 4, "minutes": 60},
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "units"
    nothing = api_as("teacher").get("/api/v1/free-slots", params={"minutes": 60})
    assert nothing.status_code == 422
