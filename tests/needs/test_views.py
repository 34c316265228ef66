"""The needs pages: the profile by role (advice and teachers inside the college only), the guided
form and its versions, bad input, comparing versions, starting an agreement from the advice, the
college's offer form, the partnership page's card, and Chinese."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.needs import service
from tandem.needs.models import NeedsProfile
from tandem.needs.schemas import NeedsCreate, NeedsData, OfferData, OfferUpdate
from tandem.partner.models import Partnership
from tests.conftest import post_form
from tests.factories import ACTOR, make_college, make_department, make_user, sign_in
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership, make_teacher

Browser = Callable[..., TestClient]
NEEDS = {
    "talent": {"importance": 2, "majors": ["Mechatronics", "CNC"], "headcount": 10},
    "staff_training": {
        "importance": 3,
        "topics": ["CNC programming", "PLC maintenance"],
        "trainees_per_year": 120,
    },
    "rnd": {"importance": 2, "problems": ["CNC programming of turbine blades"]},
    "assets": {"trainers": 4, "equipment_to_place": "Two five-axis machining centres"},
}
OFFER = {
    "venues": [
        {"name": "Simulated line", "kind": "simulated_site", "workstations": 40, "idle_pct": 60}
    ],
    "expertise": [{"field": "CNC programming", "teachers": 3}],
    "capacity": [{"major": "Mechatronics", "term": "2026-2027-1", "students": 40}],
}


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership
    users: dict[str, User]
    browser: Browser

    def __getitem__(self, role: str) -> TestClient:
        return self.browser(self.users[role])

    @property
    def page(self) -> str:
        return f"/partnerships/{self.partnership.id}/needs"


def build_world(app: FastAPI, session: Session, settings: Settings) -> World:
    """College A with a partnership (PRR, in the coordinator's department), its people, a
    teacher of CNC programming and the college's offer (an idle simulated practice site)."""
    college = make_college(session)
    department = make_department(session, college)
    enterprise = make_enterprise(session, name="Pearl River Robotics", short_name="PRR")
    partnership = make_partnership(session, college, enterprise, department)
    make_teacher(session, college, department, name="Li Wei", subjects="CNC programming, 数控加工")
    users = {
        "office": make_user(session, "college_admin", college),
        "coordinator": make_user(session, "department_coordinator", college, department),
        "teacher": make_user(session, "teacher", college),
        "student": make_user(session, "student", college),
        "contact": make_contact_user(session, enterprise),
        "platform": make_user(session, "platform_admin"),
    }
    service.save_offer(
        session,
        actor=ACTOR,
        college_id=college.id,
        data=OfferUpdate(offer=OfferData.model_validate(OFFER)),
    )
    session.commit()

    def browser(user: User, language: str = "en") -> TestClient:
        client = TestClient(app, headers={"Accept-Language": language})
        return sign_in(client, session, user, settings)

    return World(college, department, partnership, users, browser)


@pytest.fixture
def world(app: FastAPI, session: Session, settings: Settings) -> World:
    return build_world(app, session, settings)


def record(session: Session, world: World, **changes: object) -> NeedsProfile:
    needs = NeedsData.model_validate({**NEEDS, **changes})
    profile = service.record_needs(
        session, actor=ACTOR, partnership=world.partnership, data=NeedsCreate(needs=needs)
    )
    session.commit()
    return profile


def versions(session: Session, partnership: Partnership) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(NeedsProfile)
            .where(NeedsProfile.partnership_id == partnership.id)
        )
        or 0
    )


def field_value(page: str, name: str) -> str | None:
    """The value a form shows in field ``name`` (input, textarea or the selected option)."""
    key = re.escape(name)
    for pattern in (
        rf'<input id="f-{key}" name="{key}" type="[^"]*" value="([^"]*)"',
        rf'<textarea id="f-{key}" name="{key}"[^>]*>([^<]*)</textarea>',
    ):
        found = re.search(pattern, page)
        if found:
            return html.unescape(found.group(1))
    select_ = re.search(rf'<select id="f-{key}" name="{key}".*?</select>', page, re.S)
    if select_:
        chosen = re.search(r'<option value="([^"]*)" selected', select_.group(0))
        return chosen.group(1) if chosen else ""
    return None


# --- the profile page by role --------------------------------------------------------------------


def test_office_sees_profile_versions_advice_and_teachers(session: Session, world: World) -> None:
    record(session, world)
    page = world["office"].get(world.page)
    assert page.status_code == 200
    text = page.text
    assert "Mechatronics, CNC" in text
    assert '<meter min="0" max="3"' in text
    assert "Essential" in text
    assert 'id="advice"' in text
    assert text.count('<progress max="100"') == 9  # every option ranked, with its score
    assert "Start an agreement in this mode" in text
    assert text.index('id="option-mode_7"') < text.index('id="option-mode_4"')  # ranked
    assert "needs to train 120 employees" in text  # a reason, its values filled in
    assert 'id="teachers"' in text
    assert "Li Wei" in text
    assert "CNC programming" in text
    assert re.search(r"<td>1</td><td>[^<]+</td><td>test</td><td>College</td>", text)


@pytest.mark.parametrize("role", ["coordinator", "teacher"])
def test_college_roles_see_the_advice(session: Session, world: World, role: str) -> None:
    record(session, world)
    text = world[role].get(world.page).text
    assert 'id="advice"' in text
    assert "Li Wei" in text
    # Only those who manage agreements get the button to start one.
    assert ("Start an agreement in this mode" in text) is (role == "coordinator")
    assert ("/needs/edit" in text) is (role == "coordinator")


def test_enterprise_contact_sees_its_profile_but_not_the_advice(
    session: Session, world: World
) -> None:
    record(session, world)
    record(session, world, note="Second thoughts")
    page = world["contact"].get(world.page)
    assert page.status_code == 200
    text = page.text
    assert "Mechatronics, CNC" in text
    assert "Second thoughts" in text
    assert "compare?older=1&amp;newer=2" in text
    assert 'id="advice"' not in text
    assert "<progress" not in text
    assert 'id="teachers"' not in text
    assert "Li Wei" not in text
    assert "Start an agreement" not in text
    assert "/needs/edit" in text
    # … and never another enterprise's partnership.
    other = make_partnership(session, world.college, make_enterprise(session), world.department)
    session.commit()
    assert world["contact"].get(f"/partnerships/{other.id}/needs").status_code == 404


def test_page_without_a_profile_invites_recording_it(world: World) -> None:
    text = world["office"].get(world.page).text
    assert "No needs recorded yet." in text
    assert "Record the needs" in text
    assert 'id="advice"' not in text


def test_student_may_not_open_the_needs(world: World) -> None:
    assert world["student"].get(world.page).status_code == 403


# --- the guided form -----------------------------------------------------------------------------


def test_saving_the_form_records_version_2_and_the_page_shows_it(
    session: Session, world: World
) -> None:
    record(session, world)
    office = world["office"]
    form = office.get(f"{world.page}/edit")
    assert form.status_code == 200
    assert field_value(form.text, "talent.majors") == "Mechatronics\nCNC"  # prefilled
    assert field_value(form.text, "staff_training.trainees_per_year") == "120"
    assert 'name="staff_training.importance" value="3" checked' in form.text
    for label in ("None", "Some", "Important", "Essential"):
        assert f"> {label}</label>" in form.text
    data = {
        "talent.importance": "3",
        "talent.majors": "Mechatronics, Industrial robotics",
        "talent.headcount": "25",
        "staff_training.importance": "1",
        "staff_training.topics": "PLC maintenance",
        "market.importance": "2",
        "market.products": "Collaborative robot arm\nVision kit",
        "assets.trainers": "6",
        "note": "After the spring visit",
    }
    saved = post_form(office, f"{world.page}/edit", data, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == world.page
    assert versions(session, world.partnership) == 2
    latest = service.latest(session, partnership=world.partnership)
    assert latest is not None
    assert latest.number == 2
    assert latest.source == "college"
    stored = NeedsData.model_validate(latest.needs)
    assert stored.talent.majors == ["Mechatronics", "Industrial robotics"]
    assert stored.market.products == ["Collaborative robot arm", "Vision kit"]
    assert stored.rnd.importance == 0  # left blank: cleared
    page = office.get(world.page).text
    assert "Needs saved as version 2." in page
    assert "Version 2 of" in page
    assert "Mechatronics, Industrial robotics" in page
    assert "Collaborative robot arm, Vision kit" in page


def test_enterprise_contact_gets_the_reasons_and_records_an_enterprise_version(
    session: Session, world: World
) -> None:
    contact = world["contact"]
    form = contact.get(f"{world.page}/edit").text
    assert 'id="why"' in form
    assert "Priority access to suitable graduates" in form
    assert 'id="why"' not in world["office"].get(f"{world.page}/edit").text
    saved = post_form(
        contact,
        f"{world.page}/edit",
        {"rnd.importance": "3", "rnd.problems": "Weld seam inspection"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    latest = service.latest(session, partnership=world.partnership)
    assert latest is not None
    assert latest.number == 1
    assert latest.source == "enterprise"
    assert "Enterprise" in contact.get(world.page).text


def test_teacher_may_not_edit_and_coordinator_of_another_department_neither(
    session: Session, world: World
) -> None:
    assert world["teacher"].get(f"{world.page}/edit").status_code == 403
    elsewhere = make_user(
        session, "department_coordinator", world.college, make_department(session, world.college)
    )
    session.commit()
    assert world.browser(elsewhere).get(f"{world.page}/edit").status_code == 403


def test_bad_input_shows_errors_beside_fields_keeps_input_and_saves_nothing(
    session: Session, world: World
) -> None:
    record(session, world)
    office = world["office"]
    response = post_form(
        office,
        f"{world.page}/edit",
        {
            "talent.importance": "5",  # forged: the form offers 0–3
            "talent.majors": "Mechatronics",
            "staff_training.trainees_per_year": "-3",
            "note": "Keep me",
        },
    )
    assert response.status_code == 422
    text = response.text
    assert 'id="e-talent.importance"' in text
    assert 'id="e-staff_training.trainees_per_year"' in text
    assert "at most 3" in text
    assert "at least 0" in text
    assert field_value(text, "staff_training.trainees_per_year") == "-3"
    assert field_value(text, "note") == "Keep me"
    assert versions(session, world.partnership) == 1


# --- comparing versions --------------------------------------------------------------------------


def test_compare_shows_the_changed_fields(session: Session, world: World) -> None:
    record(session, world)
    talent = {"importance": 3, "majors": ["Mechatronics"], "headcount": 30}
    record(session, world, talent=talent)
    record(session, world, talent=talent, note="Third")
    office = world["office"]
    page = office.get(f"{world.page}/compare", params={"older": "1", "newer": "2"})
    assert page.status_code == 200
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td><del>([^<]*)</del></td><td><ins>([^<]*)</ins>',
        page.text,
    )
    assert ("Talent · Graduates wanted (head-count)", "10", "30") in rows
    assert ("Talent · Importance", "2 · Important", "3 · Essential") in rows
    assert ("Talent · Majors wanted", "Mechatronics, CNC", "Mechatronics") in rows
    assert all("Staff training" not in label for label, _, _ in rows)  # unchanged
    # By default: the latest against the one before.
    default = office.get(f"{world.page}/compare").text
    assert '<th scope="row">Remarks</th><td><del>—</del></td><td><ins>Third</ins>' in default
    assert "Graduates wanted" not in default
    assert office.get(f"{world.page}/compare", params={"older": "9"}).status_code == 404


def test_compare_with_a_single_version_says_so(session: Session, world: World) -> None:
    record(session, world)
    text = world["contact"].get(f"{world.page}/compare").text
    assert "nothing to compare yet" in text


# --- starting an agreement from the advice -------------------------------------------------------


def test_start_link_prefills_the_new_agreement_form(session: Session, world: World) -> None:
    record(session, world)
    office = world["office"]
    text = office.get(world.page).text
    links = [html.unescape(h) for h in re.findall(r'href="(/agreements/new\?[^"]+)"', text)]
    # Staff to train and an idle simulated practice site: a training contract (mode 7) first.
    link = links[0]
    query = parse_qsl(urlsplit(link).query)
    params = dict(query)
    assert params["modes"] == "7"
    assert params["terms.7.simulated_site"] == "Simulated line"
    assert params["partnership_id"] == str(world.partnership.id)
    form = office.get(link)
    assert form.status_code == 200
    assert f'name="modes" value="{params["modes"]}" checked' in form.text
    assert field_value(form.text, "partnership_id") == str(world.partnership.id)
    assert field_value(form.text, "title") == params["title"]
    assert "PRR" in params["title"]
    for key, value in query:
        if key.startswith("terms."):
            assert field_value(form.text, key) == value


def test_new_agreement_form_takes_only_known_modes_and_terms_from_the_query(
    world: World,
) -> None:
    form = world["office"].get(
        "/agreements/new",
        params=[
            ("partnership_id", str(world.partnership.id)),
            ("modes", "7"),
            ("modes", "9"),
            ("title", "PRR · Training contract"),
            ("terms.7.simulated_site", "Simulated line"),
            ("terms.7.contracted_hours_per_year", "120"),
            ("terms.7.no_such_term", "x"),
            ("terms.3.leads_shared_with_consent", "yes"),
        ],
    )
    assert form.status_code == 200
    text = form.text
    assert 'name="modes" value="7" checked' in text
    assert 'value="9"' not in text
    assert field_value(text, "terms.7.simulated_site") == "Simulated line"
    assert field_value(text, "terms.7.contracted_hours_per_year") == "120"
    assert field_value(text, "terms.3.leads_shared_with_consent") == "yes"
    assert 'name="terms.7.no_such_term"' not in text
    assert field_value(text, "title") == "PRR · Training contract"
    assert 'name="modes" value="3" checked' not in text


# --- the partnership page's card -----------------------------------------------------------------


def test_partnership_page_card(session: Session, world: World) -> None:
    detail = f"/partnerships/{world.partnership.id}"
    empty = world["office"].get(detail).text
    assert 'id="needs"' in empty
    assert "No needs recorded yet." in empty
    record(session, world)
    office = world["office"].get(detail).text
    card = office[office.index('id="needs"') :]
    card = card[: card.index("</section>")]
    assert "Needs and advice" in card
    assert "Latest version 1 of" in card
    assert card.count("<progress") == 3
    assert f'href="{world.page}"' in card
    contact = world["contact"].get(detail).text
    card = contact[contact.index('id="needs"') :]
    card = card[: card.index("</section>")]
    assert "Your needs" in card
    assert f'href="{world.page}/edit"' in card
    assert "<progress" not in contact


# --- Chinese ------------------------------------------------------------------------------------


def test_pages_render_in_chinese(session: Session, world: World) -> None:
    record(session, world)
    record(session, world, note="第二版")
    for role, url in (
        ("office", world.page),
        ("office", f"{world.page}/edit"),
        ("office", f"{world.page}/compare"),
        ("office", "/college-offer"),
        ("contact", world.page),
        ("contact", f"{world.page}/edit"),
        ("office", f"/partnerships/{world.partnership.id}"),
    ):
        page = world.browser(world.users[role], "zh-CN").get(url)
        assert page.status_code == 200, url
        assert '<html lang="zh-CN">' in page.text
        assert "合作关系" in page.text or url == "/college-offer"
