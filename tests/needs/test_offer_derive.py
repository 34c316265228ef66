"""The college's offer derived from the register: venues and equipment of the college (its own
or joint; not closed or retired), idle = 100 − the utilisation over the 180 days before today,
lines of one name and category merged (idle weighted by quantity), clipped to 0..100; the rest of
the offer kept; saved, versioned and audited; through the service, the API and the page.

Hand-computed: the only term is the week of 2026-11-16 (Mon) to 2026-11-22 (Sun), opening hours
the default (Mon–Fri 08:00–21:00, Sat 08:00–17:00): 74 available hours a unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.service import actor_for
from tandem.college.models import College
from tandem.kit.errors import PermissionDenied, StaleVersion
from tandem.needs import service
from tandem.needs.derive import derive_offer, derive_offer_resources, idle_of, window
from tandem.needs.schemas import OfferData, OfferUpdate
from tandem.resource.models import Booking, CalendarTerm, Equipment, Venue
from tests.conftest import csrf_from
from tests.factories import Browser, bearer, make_college, make_user
from tests.partner.helpers import make_enterprise, make_partnership

TODAY = date(2026, 11, 26)
MONDAY = date(2026, 11, 16)


@dataclass
class World:
    college: College
    other: College


def _venue(session: Session, college: College, code: str, name: str, **fields: Any) -> Venue:
    venue = Venue(college_id=college.id, code=code, name=name, **fields)
    session.add(venue)
    session.flush()
    return venue


def _line(session: Session, college: College, tag: str, name: str, **fields: Any) -> Equipment:
    fields.setdefault("acquisition", "purchased")
    line = Equipment(college_id=college.id, asset_tag=tag, name=name, **fields)
    session.add(line)
    session.flush()
    return line


def _book(
    session: Session,
    resource: Venue | Equipment,
    day: date,
    start: int,
    end: int,
    *,
    usage: str = "used",
    units: int = 1,
) -> None:
    session.add(
        Booking(
            college_id=resource.college_id,
            venue_id=resource.id if isinstance(resource, Venue) else None,
            equipment_id=resource.id if isinstance(resource, Equipment) else None,
            purpose="teaching",
            title="Lesson",
            day=day,
            start_min=start * 60,
            end_min=end * 60,
            minutes=(end - start) * 60,
            units=units,
            usage=usage,
        )
    )


def _week(session: Session, resource: Venue | Equipment, start: int, end: int) -> None:
    """Monday to Friday ``start``–``end`` o'clock, used."""
    for offset in range(5):
        _book(session, resource, MONDAY + timedelta(days=offset), start, end)


@pytest.fixture
def world(session: Session) -> World:
    college, other = make_college(session), make_college(session)
    session.add(
        CalendarTerm(
            college_id=college.id,
            name="2026-2027-1",
            starts_on=MONDAY,
            ends_on=MONDAY + timedelta(days=6),
        )
    )
    firm = make_partnership(session, college, make_enterprise(session))
    # 35 + 2 hours used of 74: 50 % idle; pending and no-shows do not count.
    workshop = _venue(
        session,
        college,
        "V1",
        "数控实训车间",
        kind="workshop",
        area_m2=Decimal("600.40"),
        workstations=40,
    )
    _week(session, workshop, 8, 15)
    _book(session, workshop, MONDAY + timedelta(days=5), 8, 10)
    _book(session, workshop, MONDAY + timedelta(days=5), 10, 13, usage="pending")
    _book(session, workshop, MONDAY + timedelta(days=5), 13, 15, usage="no_show")
    _venue(session, college, "V2", "养老仿真实训中心", kind="simulated_site", workstations=30)
    _venue(session, college, "V3", "旧车间", kind="workshop", status="closed")
    _venue(
        session,
        college,
        "V4",
        "企业展厅",
        kind="laboratory",
        ownership="enterprise",
        partnership_id=firm.id,
    )
    _venue(
        session,
        college,
        "V5",
        "联合实验室",
        kind="laboratory",
        ownership="joint",
        partnership_id=firm.id,
    )
    _venue(session, other, "V1", "别校车间", kind="workshop")
    # Two lines of one name and category: 2 units half used, 1 unit idle → (50×2 + 100) / 3.
    lathes = _line(session, college, "E-1", "数控车床", category="数控加工", quantity=2)
    _week(session, lathes, 8, 21)
    _book(session, lathes, MONDAY + timedelta(days=5), 8, 17)
    _line(session, college, "E-2", "数控车床", category="数控加工", quantity=1)
    # Used beyond its open hours (a Sunday too): 89 of 74 hours, never less than 0 % idle.
    robot = _line(session, college, "E-3", "工业机器人", category="机器人", ownership="joint")
    _week(session, robot, 8, 21)
    _book(session, robot, MONDAY + timedelta(days=6), 0, 24)
    _line(session, college, "E-4", "报废车床", category="数控加工", status="retired")
    _line(
        session,
        college,
        "E-5",
        "企业设备",
        ownership="enterprise",
        partnership_id=firm.id,
        acquisition="lent",
    )
    session.flush()
    return World(college, other)


def test_the_window_and_the_clipping() -> None:
    assert window(TODAY) == (date(2026, 5, 30), date(2026, 11, 25))
    assert idle_of(None) == 100
    assert idle_of(Decimal("120.0")) == 0
    assert idle_of(Decimal("37.5")) == Decimal("62.5")


def test_rows_from_the_register(session: Session, world: World) -> None:
    venues, equipment = derive_offer_resources(session, college_id=world.college.id, today=TODAY)
    assert {v.name: (v.kind, v.area_m2, v.workstations, v.idle_pct) for v in venues} == {
        "数控实训车间": ("workshop", 600, 40, 50),
        "养老仿真实训中心": ("simulated_site", 0, 30, 100),
        "联合实验室": ("laboratory", 0, 0, 100),
    }
    assert {(e.name, e.category): (e.quantity, e.idle_pct) for e in equipment} == {
        ("数控车床", "数控加工"): (3, 67),
        ("工业机器人", "机器人"): (1, 0),
    }


def test_saving_keeps_the_rest_of_the_offer(session: Session, world: World) -> None:
    actor = actor_for(make_user(session, "college_admin", world.college))
    kept = OfferData.model_validate(
        {
            "venues": [{"name": "Old hall", "kind": "classroom", "idle_pct": 10}],
            "expertise": [{"field": "数控技术", "teachers": 5}],
            "capacity": [{"major": "数控技术", "term": "2026-2027-2", "students": 40}],
            "takes_production": True,
            "note": "周末空闲",
        }
    )
    first = service.save_offer(
        session, actor=actor, college_id=world.college.id, data=OfferUpdate(offer=kept)
    )
    saved = derive_offer(session, actor=actor, college_id=world.college.id, today=TODAY)
    assert saved.id == first.id
    assert saved.version == 2
    data = OfferData.model_validate(saved.offer)
    assert "Old hall" not in {v.name for v in data.venues}
    assert len(data.venues) == 3
    assert len(data.equipment) == 2
    assert (data.expertise, data.capacity, data.takes_production, data.note) == (
        kept.expertise,
        kept.capacity,
        True,
        "周末空闲",
    )
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "college_offer")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert entry.action == "update"
    with pytest.raises(StaleVersion):
        derive_offer(session, actor=actor, college_id=world.college.id, today=TODAY, version=1)
    teacher = actor_for(make_user(session, "teacher", world.college))
    with pytest.raises(PermissionDenied):
        derive_offer(session, actor=teacher, college_id=world.college.id, today=TODAY)
    other_office = actor_for(make_user(session, "college_admin", world.other))
    with pytest.raises(PermissionDenied):
        derive_offer(session, actor=other_office, college_id=world.college.id, today=TODAY)


def test_the_api(client: TestClient, session: Session, world: World) -> None:
    office = make_user(session, "college_admin", world.college)
    client.headers.update(bearer(session, office))
    response = client.post("/api/v1/college-offer/derive")
    assert response.status_code == 200, response.text
    read = response.json()
    assert read["college_id"] == world.college.id
    assert read["version"] == 1
    assert {v["name"] for v in read["offer"]["venues"]} == {
        "数控实训车间",
        "养老仿真实训中心",
        "联合实验室",
    }
    stale = client.post("/api/v1/college-offer/derive", json={"version": 7})
    assert stale.status_code == 409
    again = client.post("/api/v1/college-offer/derive", json={"version": 1})
    assert again.status_code == 200
    assert again.json()["version"] == 1  # the same rows again: nothing changed

    admin = make_user(session, "platform_admin")
    client.headers.update(bearer(session, admin))
    assert client.post("/api/v1/college-offer/derive").status_code == 422
    chosen = client.post(f"/api/v1/college-offer/derive?college_id={world.other.id}")
    assert chosen.status_code == 200
    assert [v["name"] for v in chosen.json()["offer"]["venues"]] == ["别校车间"]

    teacher = make_user(session, "teacher", world.college)
    client.headers.update(bearer(session, teacher))
    assert client.post("/api/v1/college-offer/derive").status_code == 403


def test_the_page(session: Session, world: World, browser: Browser) -> None:
    office = browser(make_user(session, "college_admin", world.college))
    page = office.get("/college-offer").text
    assert 'action="/college-offer/derive"' in page
    assert "data-confirm" in page
    token = csrf_from(office.get("/college-offer").text)
    response = office.post(
        "/college-offer/derive", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/college-offer#venues"
    html = office.get("/college-offer").text
    assert "derived from the register" in html
    assert 'value="数控实训车间"' in html
    teacher = browser(make_user(session, "teacher", world.college))
    assert 'action="/college-offer/derive"' not in teacher.get("/college-offer").text
