"""The equipment pages: the register with its filters, totals, htmx results and export; adding
and editing lines (errors beside the field, stale edits refused); a line's page with its
maintenance history; deleting with a confirmation (refused for a booked line)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.auth.models import User
from tandem.resource.models import Equipment, MaintenanceRecord
from tests.agreement.helpers import make_agreement
from tests.conftest import csrf_from
from tests.factories import Browser
from tests.partner.helpers import make_partnership
from tests.resource.equipment_world import World, book, build, make_line
from tests.sheets import records

HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def world(session: Session) -> World:
    made = build(session)
    session.commit()
    return made


@pytest.fixture
def office(world: World, browser: Browser) -> TestClient:
    return browser(world.users["office"])


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, Any] | None = None
) -> Response:
    """Post to ``url`` with the CSRF token of ``page``, as the browser would from that page."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Equipment)) or 0


def _register(session: Session, world: World) -> dict[str, Equipment]:
    found = {
        "lathe": make_line(session, world.college, "ZC-001", venue_id=world.workshop.id),
        "robot": make_line(
            session,
            world.college,
            "ZC-002",
            name="Robot arm",
            category="Robots",
            quantity=2,
            value_cny=Decimal("99.50"),
            ownership="joint",
            partnership_id=world.acme.id,
            college_share_pct=40,
            status="idle",
        ),
        "far": make_line(session, world.other, "ZC-900", name="Far lathe"),
    }
    session.commit()
    return found


# --- the register --------------------------------------------------------------------------------


def test_the_register_lists_filters_and_totals(
    office: TestClient, session: Session, world: World
) -> None:
    _register(session, world)
    page = office.get("/equipment")
    assert page.status_code == 200
    assert all(t in page.text for t in ("ZC-001", "ZC-002", "Robot arm"))
    assert "Far lathe" not in page.text
    totals = re.search(r'id="totals">(.*?)</div>', page.text, re.S)
    assert totals is not None
    assert [v for v in re.findall(r'stat-value">([^<]+)<', totals.group(1))] == [
        "2",
        "6",
        "480,099.50",
    ]
    assert 'href="/imports/equipment"' in page.text
    assert 'href="/equipment/new"' in page.text
    assert 'href="/equipment/export.xlsx?"' in page.text

    idle = office.get("/equipment", params={"status": "idle"}).text
    assert "ZC-002" in idle
    assert "ZC-001" not in idle
    assert 'option value="idle" selected' in idle
    by_category = office.get("/equipment", params={"category": "Robots", "status": "nonsense"})
    assert "ZC-002" in by_category.text
    assert "ZC-001" not in by_category.text
    in_base = office.get("/equipment", params={"base_id": world.base.id}).text
    assert "Training base CNC base" in in_base
    assert "ZC-002" not in in_base

    fragment = office.get("/equipment", params={"q": "robot"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "ZC-002" in fragment.text
    assert "ZC-001" not in fragment.text


def test_the_export_follows_the_lists_filters(
    office: TestClient, session: Session, world: World
) -> None:
    _register(session, world)
    rows = records(office.get("/equipment/export.xlsx", params={"ownership": "joint"}))
    assert [r["Asset tag *"] for r in rows] == ["ZC-002"]
    assert (rows[0]["Enterprise"], rows[0]["College share %"], rows[0]["Status"]) == (
        "Acme Robotics",
        40,
        "Idle",
    )


def test_each_role_sees_its_own(session: Session, world: World, browser: Browser) -> None:
    _register(session, world)
    contact = browser(world.users["contact"]).get("/equipment").text
    assert "ZC-002" in contact
    assert "ZC-001" not in contact
    assert 'href="/equipment/new"' not in contact
    teacher = browser(world.users["teacher"])
    assert 'href="/equipment/new"' not in teacher.get("/equipment").text
    assert teacher.get("/equipment/new").status_code == 403


# --- adding and editing --------------------------------------------------------------------------


def _form(**fields: Any) -> dict[str, Any]:
    values = {
        "asset_tag": "ZC-100",
        "name": "Five-axis centre",
        "quantity": "1",
        "ownership": "college",
        "acquisition": "purchased",
        "status": "in_use",
        "value_cny": "1200000",
        "acquired_on": "2025-02-14",
    }
    values.update(fields)
    return values


def test_adding_a_line(office: TestClient, session: Session, world: World) -> None:
    form = office.get("/equipment/new")
    assert form.status_code == 200
    assert "Acme Robotics" in form.text  # the owning enterprise's options
    assert "WS-1 Venue WS-1" in form.text
    done = post_from(office, "/equipment/new", "/equipment/new", _form(venue_id=world.lab.id))
    assert done.status_code == 303
    line = session.scalar(select(Equipment).where(Equipment.asset_tag == "ZC-100"))
    assert line is not None
    assert done.headers["location"] == f"/equipment/{line.id}"
    assert (line.venue_id, line.value_cny) == (world.lab.id, Decimal("1200000"))
    page = office.get(done.headers["location"])
    assert "ZC-100 added to the register." in page.text


def test_a_wrong_form_shows_each_message_beside_its_field(
    office: TestClient, session: Session, world: World
) -> None:
    refused = post_from(
        office,
        "/equipment/new",
        "/equipment/new",
        _form(
            ownership="joint",
            partnership_id=world.acme.id,
            college_share_pct="70",
            enterprise_share_pct="20",
        ),
    )
    assert refused.status_code == 422
    error = re.search(r'id="e-enterprise_share_pct">([^<]+)<', refused.text)
    assert error is not None
    assert "must add up to 100%" in error.group(1)
    assert 'value="Five-axis centre"' in refused.text  # the input is kept
    assert _count(session) == 0
    missing = post_from(
        office, "/equipment/new", "/equipment/new", _form(asset_tag="", quantity="0")
    )
    assert missing.status_code == 422
    assert 'id="e-asset_tag"' in missing.text
    assert 'id="e-quantity"' in missing.text


def test_a_coordinator_adds_to_their_department(
    session: Session, world: World, browser: Browser
) -> None:
    coordinator = browser(world.users["coordinator"])
    form = coordinator.get("/equipment/new").text
    assert f'<option value="{world.mech.id}" selected>' in form
    done = post_from(
        coordinator, "/equipment/new", "/equipment/new", _form(department_id=world.mech.id)
    )
    assert done.status_code == 303
    assert (
        post_from(
            coordinator,
            "/equipment/new",
            "/equipment/new",
            _form(asset_tag="ZC-101", department_id=world.info.id),
        ).status_code
        == 403
    )


def test_a_platform_administrator_chooses_the_college_first(
    web: TestClient, session: Session, world: World
) -> None:
    chooser = web.get("/equipment/new")
    assert chooser.status_code == 200
    assert 'name="college_id"' in chooser.text
    assert "Acme Robotics" not in chooser.text
    form = web.get("/equipment/new", params={"college_id": world.college.id})
    assert "Acme Robotics" in form.text
    url = f"/equipment/new?college_id={world.college.id}"
    done = post_from(web, url, "/equipment/new", _form(college_id=world.college.id))
    assert done.status_code == 303
    line = session.scalar(select(Equipment).where(Equipment.asset_tag == "ZC-100"))
    assert line is not None
    assert line.college_id == world.college.id


def test_editing_keeps_stale_edits_out(office: TestClient, session: Session, world: World) -> None:
    line = make_line(session, world.college)
    session.commit()
    edit_url = f"/equipment/{line.id}/edit"
    form = office.get(edit_url)
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.text
    values = _form(asset_tag="ZC-0001", name="Renamed lathe", version="1", quantity="5")
    saved = post_from(office, edit_url, edit_url, values)
    assert saved.status_code == 303
    session.refresh(line)
    assert (line.name, line.quantity, line.version) == ("Renamed lathe", 5, 2)
    stale = post_from(office, edit_url, edit_url, {**values, "name": "Overwrite", "version": "1"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    session.refresh(line)
    assert line.name == "Renamed lathe"


# --- a line and its maintenance ------------------------------------------------------------------


def test_a_lines_page_with_its_maintenance(
    office: TestClient, session: Session, world: World
) -> None:
    line = make_line(
        session,
        world.college,
        ownership="joint",
        partnership_id=world.acme.id,
        college_share_pct=Decimal("62.5"),
    )
    session.commit()
    url = f"/equipment/{line.id}"
    page = office.get(url)
    assert page.status_code == 200
    assert f'href="/equipment/{line.id}/calendar"' in page.text
    assert f'href="/utilisation?equipment_id={line.id}"' in page.text
    assert "College 62.5%, enterprise 37.5%" in page.text
    assert "No maintenance recorded yet." in page.text

    refused = post_from(
        office, url, f"{url}/maintenance", {"done_on": "2999-01-01", "kind": "repair"}
    )
    assert refused.status_code == 422
    assert re.search(r'id="e-done_on">[^<]*is in the future', refused.text)

    done = post_from(
        office,
        url,
        f"{url}/maintenance",
        {
            "done_on": "2025-03-01",
            "kind": "repair",
            "description": "Servo drive",
            "cost_cny": "2300",
            "set_status": "maintenance",
        },
    )
    assert done.status_code == 303
    page = office.get(url).text
    assert "Servo drive" in page
    assert "Total cost 2,300 CNY" in page
    session.refresh(line)
    assert line.status == "maintenance"
    record = session.scalar(
        select(MaintenanceRecord).where(MaintenanceRecord.equipment_id == line.id)
    )
    assert record is not None
    record_id = record.id
    gone = post_from(office, url, f"{url}/maintenance/{record_id}/delete")
    assert gone.status_code == 303
    session.expire_all()
    assert session.get(MaintenanceRecord, record_id) is None


def test_readers_see_no_management_on_a_lines_page(
    session: Session, world: World, browser: Browser
) -> None:
    line = make_line(session, world.college)
    session.commit()
    page = browser(world.users["teacher"]).get(f"/equipment/{line.id}").text
    assert "Record maintenance" not in page
    assert f'href="/equipment/{line.id}/edit"' not in page


# --- deleting ------------------------------------------------------------------------------------


def test_deleting_asks_first_and_refuses_a_booked_line(
    office: TestClient, session: Session, world: World, platform_admin: User
) -> None:
    booked = make_line(session, world.college, "ZC-1")
    book(session, booked)
    spare = make_line(session, world.college, "ZC-2")
    session.commit()
    confirm = office.get(f"/equipment/{booked.id}/delete")
    assert confirm.status_code == 200
    assert "retire it instead" in confirm.text
    assert "Delete equipment</button>" not in confirm.text
    refused = post_from(office, f"/equipment/{booked.id}/delete", f"/equipment/{booked.id}/delete")
    assert refused.status_code == 409
    assert _count(session) == 2

    page = office.get(f"/equipment/{spare.id}/delete")
    assert "Delete equipment</button>" in page.text
    done = post_from(office, f"/equipment/{spare.id}/delete", f"/equipment/{spare.id}/delete")
    assert (done.status_code, done.headers["location"]) == (303, "/equipment")
    assert _count(session) == 1


# --- what an enterprise contact is shown ---------------------------------------------------------


def _contacts_line(session: Session, world: World) -> Equipment:
    line = make_line(
        session,
        world.college,
        "J-1",
        ownership="joint",
        partnership_id=world.acme.id,
        college_share_pct=50,
        venue_id=world.workshop.id,
        agreement_id=world.acme_agreement.id,
        note="Insurance lapsed",
    )
    session.commit()
    return line


def test_a_contact_sees_no_remarks_venue_or_agreement_they_may_not_see(
    office: TestClient, session: Session, world: World, browser: Browser
) -> None:
    line = _contacts_line(session, world)
    mine = office.get(f"/equipment/{line.id}").text
    assert "Insurance lapsed" in mine
    assert f'href="/venues/{world.workshop.id}"' in mine
    assert "AG-ACME-1" in mine
    contact = browser(world.users["contact"])
    page = contact.get(f"/equipment/{line.id}").text
    assert "Insurance lapsed" not in page
    assert "Venue WS-1" not in page  # the college's own workshop
    assert "AG-ACME-1" not in page  # a draft, still inside the college
    listed = contact.get("/equipment").text
    assert "J-1" in listed
    assert "WS-1" not in listed
    rows = records(contact.get("/equipment/export.xlsx"))
    assert [r["Asset tag *"] for r in rows] == ["J-1"]
    assert "Note" not in rows[0]  # no remarks column at all
    assert (rows[0]["Venue code"], rows[0]["Agreement number"]) == (None, None)
    world.acme_agreement.status = AgreementStatus.ACTIVE
    session.commit()
    assert (
        f'href="/agreements/{world.acme_agreement.id}"' in contact.get(f"/equipment/{line.id}").text
    )


def test_the_booking_form_offers_a_contact_only_agreements_they_may_open(
    session: Session, world: World, browser: Browser
) -> None:
    _contacts_line(session, world)
    elsewhere = make_partnership(session, world.other, world.acme.enterprise)
    far = make_agreement(session, elsewhere, (2,), number="AG-FAR-1")
    far.status = AgreementStatus.ACTIVE
    session.commit()
    contact = browser(world.users["contact"])
    form = contact.get("/bookings/new").text
    assert "J-1" in form
    assert "AG-ACME-1" not in form  # a draft, still inside the college
    assert "AG-BOLT-1" not in form  # another enterprise's
    assert "AG-FAR-1" not in form  # another college's, where they book nothing
    world.acme_agreement.status = AgreementStatus.ACTIVE
    session.commit()
    assert "AG-ACME-1" in contact.get("/bookings/new").text
