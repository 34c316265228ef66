"""The college's offer page: rows plus empty ones, empty rows ignored, stale versions and bad
rows refused with the input kept, read-only for the college's other advice readers, and a
platform administrator choosing the college."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from tandem.college.models import College
from tandem.config import Settings
from tandem.needs import service
from tandem.needs.models import CollegeOffer
from tandem.needs.schemas import OfferData
from tests.conftest import csrf_from, post_form
from tests.needs.test_views import World, build_world, field_value


@pytest.fixture
def world(app: FastAPI, session: Session, settings: Settings) -> World:
    return build_world(app, session, settings)


def offer_of(session: Session, college: College) -> CollegeOffer:
    session.expire_all()
    offer = service.get_offer(session, college_id=college.id)
    assert offer is not None
    return offer


def test_offer_form_shows_rows_plus_empty_ones_and_saves_ignoring_empty_rows(
    session: Session, world: World
) -> None:
    office = world["office"]
    page = office.get("/college-offer")
    assert page.status_code == 200
    assert field_value(page.text, "venues.0.name") == "Simulated line"
    assert field_value(page.text, "venues.0.kind") == "simulated_site"
    assert field_value(page.text, "venues.0.workstations") == "40"
    assert field_value(page.text, "venues.0.area_m2") == ""  # left at its default
    assert field_value(page.text, "venues.3.name") == ""  # 1 row + 3 empty ones
    assert field_value(page.text, "venues.4.name") is None
    assert field_value(page.text, "equipment.2.name") == ""
    version = offer_of(session, world.college).version
    saved = post_form(
        office,
        "/college-offer",
        {
            "version": str(version),
            "venues.0.name": "Simulated line",
            "venues.0.kind": "simulated_site",
            "venues.0.workstations": "40",
            "venues.0.idle_pct": "70",
            "venues.1.name": "",
            "venues.1.kind": "",
            "venues.2.name": "Welding workshop",
            "venues.2.kind": "workshop",
            "equipment.0.name": "",
            "equipment.3.name": "Five-axis centre",
            "equipment.3.idle_pct": "50",
            "capacity.1.major": "Mechatronics",
            "capacity.1.students": "35",
            "takes_production": "on",
            "note": "Summer term is freest",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    offer = offer_of(session, world.college)
    data = OfferData.model_validate(offer.offer)
    assert [v.name for v in data.venues] == ["Simulated line", "Welding workshop"]
    assert data.venues[0].idle_pct == 70
    assert [e.name for e in data.equipment] == ["Five-axis centre"]
    assert data.equipment[0].quantity == 1
    assert data.expertise == []  # every row left empty: cleared
    assert [(c.major, c.students) for c in data.capacity] == [("Mechatronics", 35)]
    assert data.takes_production is True
    assert offer.version == version + 1
    shown = office.get("/college-offer").text
    assert "The college&#39;s offer is saved." in shown or "The college's offer is saved." in shown
    assert 'name="takes_production" value="on" checked' in shown


def test_offer_form_refuses_a_stale_version_and_bad_rows(session: Session, world: World) -> None:
    office = world["office"]
    before = offer_of(session, world.college)
    version, stored = before.version, dict(before.offer)
    stale = post_form(
        office,
        "/college-offer",
        {"version": str(version + 5), "venues.0.name": "Renamed", "venues.0.kind": "workshop"},
    )
    assert stale.status_code == 409
    assert 'class="form-errors"' in stale.text
    assert field_value(stale.text, "venues.0.name") == "Renamed"  # input kept
    bad = post_form(
        office,
        "/college-offer",
        {
            "version": str(version),
            "venues.0.name": "",
            "venues.2.name": "No kind",
            "venues.2.idle_pct": "150",
        },
    )
    assert bad.status_code == 422
    # The kept row is the first on the re-rendered form, its errors beside its fields.
    assert field_value(bad.text, "venues.0.name") == "No kind"
    assert 'id="e-venues.0.kind"' in bad.text
    assert 'id="e-venues.0.idle_pct"' in bad.text
    after = offer_of(session, world.college)
    assert after.version == version
    assert after.offer == stored


def test_offer_is_read_only_for_teachers_and_closed_to_students(world: World) -> None:
    page = world["teacher"].get("/college-offer")
    assert page.status_code == 200
    assert "Simulated line" in page.text
    assert "Simulated practice site" in page.text
    assert '<form class="card" method="post"' not in page.text
    assert 'name="venues.0.name"' not in page.text
    assert world["student"].get("/college-offer").status_code == 403
    assert world["contact"].get("/college-offer").status_code == 403
    # The office may post (a form without the version it was opened at counts as stale).
    assert post_form(world["office"], "/college-offer", {}).status_code == 409
    refused = world["teacher"].post("/college-offer", data={"csrf_token": "x"})
    assert refused.status_code == 403


def test_platform_admin_chooses_the_college(session: Session, world: World) -> None:
    admin = world["platform"]
    chooser = admin.get("/college-offer")
    assert chooser.status_code == 200
    assert "Choose a college to see its offer." in chooser.text
    page = f"/college-offer?college_id={world.college.id}"
    shown = admin.get(page).text
    assert field_value(shown, "venues.0.name") == "Simulated line"
    assert f'name="college_id" value="{world.college.id}"' in shown
    version = offer_of(session, world.college).version
    token = csrf_from(shown)
    saved = admin.post(
        "/college-offer",
        data={
            "csrf_token": token,
            "college_id": str(world.college.id),
            "version": str(version),
            "expertise.0.field": "Robotics",
            "expertise.0.teachers": "2",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == page
    data = OfferData.model_validate(offer_of(session, world.college).offer)
    assert [x.field for x in data.expertise] == ["Robotics"]
    assert data.venues == []
    unchosen = admin.post("/college-offer", data={"csrf_token": token})
    assert unchosen.status_code == 422
