"""The placement plan pages: the list by role with filters, adding a plan (messages beside
fields), the plan's page (stepper, numbers, positions with the binding limit in words, each
role's next step), editing, moving the phase, deleting a draft, and the Excel export."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement.models import PlacementPlan
from tests.conftest import csrf_from, post_form
from tests.factories import Browser
from tests.placement.world import PlacementWorld, add_plan
from tests.resource.test_venues_helpers import sheet_rows


def _as(browser: Browser, world: PlacementWorld, name: str) -> TestClient:
    return browser(world.users[name])


def test_the_list_by_role_and_filters(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    add_plan(session, world.college, majors=[world.major], phase="draft", name="Draft plan")
    session.commit()
    office = _as(browser, world, "office")
    page = office.get("/placement-plans")
    assert page.status_code == 200
    assert world.plan.name in page.text
    assert "Draft plan" in page.text
    assert world.other_plan.name not in page.text
    assert 'href="/placement-plans/new"' in page.text
    filtered = office.get("/placement-plans?phase=draft")
    assert "Draft plan" in filtered.text
    assert world.plan.name not in filtered.text
    part = office.get(
        "/placement-plans?q=draft", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert part.text.lstrip().startswith('<div id="results">')
    student = _as(browser, world, "student").get("/placement-plans")
    assert world.plan.name in student.text
    assert "Draft plan" not in student.text
    assert 'href="/placement-plans/new"' not in student.text


def test_a_plan_is_added_through_the_form(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    office = _as(browser, world, "office")
    form = office.get("/placement-plans/new")
    assert form.status_code == 200
    assert "cn-2021" in form.text
    bad = post_form(
        office,
        "/placement-plans/new",
        {
            "name": "New plan",
            "kind": "post",
            "term_start": "2027-09-01",
            "term_end": "2027-08-01",
            "max_preferences": "5",
            "ruleset": "cn-2021",
        },
    )
    assert bad.status_code == 422
    assert "The term must end after it starts" in bad.text
    assert "Choose at least one major or class" in bad.text
    token = csrf_from(office.get("/placement-plans/new").text)
    done = office.post(
        "/placement-plans/new",
        data={
            "name": "New plan",
            "kind": "post",
            "term_start": "2027-09-01",
            "term_end": "2028-01-31",
            "max_preferences": "5",
            "ruleset": "cn-2021",
            "major_ids": [str(world.major.id)],
            "class_ids": [str(world.senior.id)],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    plan = session.scalar(select(PlacementPlan).where(PlacementPlan.name == "New plan"))
    assert plan is not None
    assert plan.phase == "draft"
    assert [c.id for c in plan.classes] == [world.senior.id]
    assert done.headers["location"] == f"/placement-plans/{plan.id}"


def test_the_plan_page_shows_phases_numbers_and_binding_limits(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    world.positions[2].seats = 5
    session.commit()
    office = _as(browser, world, "office").get(f"/placement-plans/{world.plan.id}")
    assert office.status_code == 200
    assert 'aria-current="step"' in office.text
    assert "Publish the positions you offer" in office.text
    assert "3 of 5 seats: 10 % of 30 on-post staff, 0 other interns" in office.text
    assert "Eligible students" in office.text
    assert f'href="/placement-plans/{world.plan.id}/phase"' in office.text
    assert f'href="/placement-plans/{world.plan.id}/positions/new"' in office.text
    student = _as(browser, world, "student").get(f"/placement-plans/{world.plan.id}")
    assert "Eligible students" not in student.text
    assert "/edit" not in student.text
    world.plan.phase = "student_ranking"
    session.commit()
    student = _as(browser, world, "student").get(f"/placement-plans/{world.plan.id}")
    assert f'href="/placement-plans/{world.plan.id}/my-preferences"' in student.text
    contact = _as(browser, world, "contact1").get(f"/placement-plans/{world.plan.id}")
    assert f'href="/placement-plans/{world.plan.id}/applicants"' in contact.text
    assert world.positions[2].title not in contact.text  # another host's position
    world.plan.phase = "results"
    session.commit()
    office = _as(browser, world, "office").get(f"/placement-plans/{world.plan.id}")
    assert f'href="/placement-plans/{world.plan.id}/rounds"' in office.text
    assert f'href="/placement-plans/{world.plan.id}/results"' in office.text
    other = _as(browser, world, "other_office").get(f"/placement-plans/{world.plan.id}")
    assert other.status_code == 404


def test_edit_phase_and_delete(browser: Browser, world: PlacementWorld, session: Session) -> None:
    office = _as(browser, world, "office")
    base = f"/placement-plans/{world.plan.id}"
    edit = office.get(f"{base}/edit")
    assert edit.status_code == 200
    stale = post_form(
        office,
        f"{base}/edit",
        {
            "name": "Renamed",
            "kind": "post",
            "term_start": "2027-03-01",
            "term_end": "2027-08-31",
            "max_preferences": "3",
            "ruleset": "cn-2021",
            "major_ids": str(world.major.id),
            "version": "99",
        },
    )
    assert stale.status_code == 409
    confirm = office.get(f"{base}/phase")
    assert "Move to Students rank" in confirm.text
    moved = post_form(office, f"{base}/phase", {"phase": "student_ranking"}, follow_redirects=False)
    assert moved.status_code == 303
    session.refresh(world.plan)
    assert world.plan.phase == "student_ranking"
    wrong = post_form(office, f"{base}/phase", {"phase": "closed"})
    assert wrong.status_code == 409
    assert "one phase at a time" in wrong.text
    refused = office.get(f"{base}/delete")
    assert "Only a draft plan can be deleted" in refused.text
    draft = add_plan(session, world.college, majors=[world.major], phase="draft")
    session.commit()
    deleted = post_form(office, f"/placement-plans/{draft.id}/delete", {}, follow_redirects=False)
    assert deleted.status_code == 303
    gone = select(PlacementPlan.id).where(PlacementPlan.id == draft.id)
    assert session.scalar(gone) is None
    teacher = _as(browser, world, "teacher")
    assert teacher.get(f"{base}/edit").status_code == 403


def test_the_positions_export(browser: Browser, world: PlacementWorld) -> None:
    response = _as(browser, world, "contact2").get(
        f"/placement-plans/{world.plan.id}/positions.xlsx"
    )
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[0][:4] == ["Host", "Position", "Location", "Seats"]
    assert len(rows) == 2
    assert rows[1][1] == world.positions[2].title
    assert rows[1][4] == 3


def test_past_positions_the_edit_form_keeps_the_terms(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    world.plan.phase = "student_ranking"
    session.commit()
    office = _as(browser, world, "office")
    page = f"/placement-plans/{world.plan.id}/edit"
    form = {
        "name": "Renamed",
        "kind": "post",
        "department_id": str(world.departments[0].id),
        "term_start": "2027-03-01",
        "term_end": "2027-08-31",
        "max_preferences": "3",
        "min_year_of_study": "2",
        "ruleset": "cn-2021",
        "major_ids": str(world.major.id),
        "note": "Bus at 8:00",
        "version": str(world.plan.version),
    }
    refused = post_form(office, page, form | {"term_end": "2027-09-30", "max_preferences": "2"})
    assert refused.status_code == 409
    assert "raised but no longer lowered" in refused.text
    assert "Fixed since students began ranking" in refused.text
    session.refresh(world.plan)
    assert world.plan.name != "Renamed"
    saved = post_form(office, page, form, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(world.plan)
    assert (world.plan.name, world.plan.note) == ("Renamed", "Bus at 8:00")


def test_an_edit_without_the_version_is_refused_not_a_crash(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    office = browser(world.users["office"])
    page = f"/placement-plans/{world.plan.id}/edit"
    token = csrf_from(office.get(page).text)
    response = office.post(page, data={"csrf_token": token, "name": "Renamed"})
    assert response.status_code == 422
    assert session.get_one(PlacementPlan, world.plan.id).name != "Renamed"
