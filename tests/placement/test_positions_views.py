"""The position pages: adding one (a contact for their own enterprise), the position with its
stored pre-check and cap, publishing (refused with the rules and sources shown), editing and
withdrawing with a reason."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement.models import Position
from tests.conftest import csrf_from, post_form
from tests.factories import Browser
from tests.placement.world import PlacementWorld


def _publish(client: TestClient, position_id: int, **kwargs: object):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(f"/positions/{position_id}").text)
    return client.post(f"/positions/{position_id}/publish", data={"csrf_token": token}, **kwargs)  # type: ignore[arg-type]


def _as(browser: Browser, world: PlacementWorld, name: str) -> TestClient:
    return browser(world.users[name])


def test_a_contact_adds_and_publishes_a_position(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    contact = _as(browser, world, "contact1")
    new = f"/placement-plans/{world.plan.id}/positions/new"
    form = contact.get(new)
    assert form.status_code == 200
    assert world.enterprises[0].name in form.text
    assert world.enterprises[1].name not in form.text
    assert 'value="ktv"' in form.text
    missing = post_form(contact, new, {"partnership_id": str(world.hosts[0].id), "seats": "0"})
    assert missing.status_code == 422
    assert "This field is required." in missing.text  # the title
    token = csrf_from(contact.get(new).text)
    done = contact.post(
        new,
        data={
            "partnership_id": str(world.hosts[0].id),
            "title": "Night packer",
            "seats": "2",
            "monthly_pay": "4500",
            "post_wage": "5000",
            "hours_per_day": "8",
            "days_per_week": "5",
            "labour_intensity": "2",
            "night_shift": "yes",
            "restrictions": ["minor_prohibited"],
            "venue_category": "logistics",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    position = session.scalar(select(Position).where(Position.title == "Night packer"))
    assert position is not None
    assert position.night_shift is True
    assert position.restrictions == ["minor_prohibited"]
    page = contact.get(f"/positions/{position.id}")
    assert "Not checked yet" in page.text
    assert "As it would be once published" in page.text
    refused = _publish(contact, position.id)
    assert refused.status_code == 422
    assert "Students may not work night shifts." in refused.text
    assert "cn2021.night_shift" in refused.text
    edit = contact.get(f"/positions/{position.id}/edit")
    assert 'name="night_shift" value="yes" checked' in edit.text
    saved = post_form(
        contact,
        f"/positions/{position.id}/edit",
        {
            "partnership_id": str(world.hosts[0].id),
            "title": "Day packer",
            "seats": "2",
            "monthly_pay": "4500",
            "post_wage": "5000",
            "hours_per_day": "8",
            "days_per_week": "5",
            "venue_category": "logistics",
            "version": str(position.version),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    published = _publish(contact, position.id, follow_redirects=False)
    assert published.status_code == 303
    page = contact.get(f"/positions/{position.id}")
    assert "Passed" in page.text
    assert "The fact post.labour_intensity is missing" in page.text  # a stored warning


def test_the_position_page_by_role(browser: Browser, world: PlacementWorld) -> None:
    url = f"/positions/{world.positions[2].id}"
    assert _as(browser, world, "contact1").get(url).status_code == 404
    assert _as(browser, world, "other_office").get(url).status_code == 404
    page = _as(browser, world, "student").get(url)
    assert page.status_code == 200
    assert "/edit" not in page.text
    assert "/withdraw" not in page.text
    office = _as(browser, world, "office").get(url)
    assert f'href="{url}/withdraw"' in office.text
    assert "3 seats: the seats offered bind" in office.text


def test_withdrawing_needs_a_reason(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    office = _as(browser, world, "office")
    url = f"/positions/{world.positions[0].id}/withdraw"
    assert "Reason" in office.get(url).text
    empty = post_form(office, url, {})
    assert empty.status_code == 422
    assert "This field is required." in empty.text
    done = post_form(office, url, {"reason": "Line closed"}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(world.positions[0])
    assert world.positions[0].status == "withdrawn"
    assert _as(browser, world, "teacher").get(url).status_code == 403
