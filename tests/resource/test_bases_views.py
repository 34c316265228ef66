"""The training-base pages: the list with its filters, the authorities' table of bases as Excel,
the form (majors, lodging, messages beside fields), the base with its venues and equipment
grouped by owner, edits (stale ones refused) and deletion with a confirmation or a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.auth.roles import Role
from tandem.resource.models import TrainingBase
from tests.agreement.helpers import make_agreement
from tests.conftest import csrf_from, post_form
from tests.factories import Browser, make_user
from tests.partner.helpers import make_contact_user
from tests.people.builders import make_major
from tests.resource.test_venues_helpers import (
    World,
    make_base,
    make_venue,
    make_world,
    place_equipment,
    sheet_rows,
)

HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def office(session: Session, world: World, browser: Browser) -> TestClient:
    return browser(make_user(session, "college_admin", world.college))


def _host_base(session: Session, world: World, **fields: object) -> TrainingBase:
    return make_base(
        session,
        world.college,
        code="HB-1",
        name="Acme host base",
        kind="off_campus",
        partnership_id=world.partnership.id,
        **fields,
    )


def test_the_list_and_its_filters(office: TestClient, session: Session, world: World) -> None:
    _host_base(session, world)
    make_base(session, world.college, code="CF-1", name="Campus factory")
    make_base(session, world.other_college, code="ZZ-1", name="Elsewhere")
    page = office.get("/training-bases")
    assert page.status_code == 200
    assert "Acme host base" in page.text
    assert "Campus factory" in page.text
    assert "Elsewhere" not in page.text
    assert 'href="/training-bases/new"' in page.text
    off = office.get("/training-bases?kind=off_campus")
    assert "HB-1" in off.text
    assert "CF-1" not in off.text
    assert 'href="/training-bases/export.xlsx?kind=off_campus"' in off.text
    part = office.get("/training-bases?q=campus", headers=HTMX)
    assert part.text.lstrip().startswith('<div id="results">')
    assert "CF-1" in part.text
    assert "HB-1" not in part.text


def test_the_export_is_the_authorities_table(
    office: TestClient, session: Session, world: World
) -> None:
    cnc = make_major(session, world.college, world.department, code="A1", name_en="CNC")
    mech = make_major(session, world.college, world.department, code="A2", name_en="Mechatronics")
    base = _host_base(
        session,
        world,
        founded_on="2019-09-01",
        workstations=40,
        host_staff_on_post=820,
        projects="Machining; assembly",
        lodging=True,
        intern_subsidy_cny="2400",
        college_funding_per_student_cny="350.5",
        major_ids=[cnc.id, mech.id],
    )
    workshop = make_venue(session, world.college, code="W-1", name="Line 1", base_id=base.id)
    place_equipment(session, workshop, value_cny=Decimal("120000"))
    place_equipment(session, workshop, value_cny=Decimal("5000.25"))
    place_equipment(session, workshop, value_cny=Decimal("77777"), status="retired")
    make_base(session, world.college, code="CF-1")
    response = office.get("/training-bases/export.xlsx?kind=off_campus")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[0] == [
        "Base name",
        "Type",
        "Host",
        "Host's on-post staff",
        "Founding date",
        "Majors served",
        "Projects",
        "Lodging",
        "Intern subsidy (CNY per month)",
        "College funding per student (CNY)",
        "Workstations",
        "Venues",
        "Equipment value (CNY)",
        "Status",
    ]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Base name"] == "Acme host base"
    assert record["Type"] == "Off campus"
    assert record["Host"] == "Acme Precision"
    assert record["Host's on-post staff"] == 820
    assert record["Founding date"].date().isoformat() == "2019-09-01"
    assert record["Majors served"] == "CNC、Mechatronics"
    assert record["Lodging"] == "Yes"
    assert record["Intern subsidy (CNY per month)"] == 2400
    assert record["College funding per student (CNY)"] == 350.5
    assert record["Workstations"] == 40
    assert record["Venues"] == "W-1 Line 1"
    assert record["Equipment value (CNY)"] == 125000.25


def test_the_chinese_export_has_chinese_headers(
    office: TestClient, session: Session, world: World
) -> None:
    _host_base(session, world)
    response = office.get("/training-bases/export.xlsx", headers={"Accept-Language": "zh-CN"})
    header = sheet_rows(response.content)[0]
    assert header[:3] == ["基地名称", "基地类型", "依托单位"]


def test_the_form_keeps_input_and_shows_messages(
    office: TestClient, session: Session, world: World
) -> None:
    major = make_major(session, world.college, world.department, name_en="Welding")
    page = office.get("/training-bases/new")
    assert "Welding" in page.text
    assert "Acme Precision" in page.text
    assert "Beta Works" not in page.text
    response = post_form(
        office,
        "/training-bases/new",
        {
            "code": "HB-9",
            "name": "Host without host",
            "kind": "off_campus",
            "status": "active",
            "major_ids": str(major.id),
            "lodging": "yes",
        },
    )
    assert response.status_code == 422
    assert 'id="e-partnership_id">An off-campus base is at its host enterprise' in response.text
    assert 'value="Host without host"' in response.text
    assert f'<option value="{major.id}" selected>' in response.text
    assert 'name="lodging" value="yes" checked' in response.text


def test_a_base_is_added_and_shown(office: TestClient, session: Session, world: World) -> None:
    first = make_major(session, world.college, world.department, name_en="CNC")
    second = make_major(session, world.college, world.department, name_en="Robotics")
    token = csrf_from(office.get("/training-bases/new").text)
    response = office.post(
        "/training-bases/new",
        data={
            "csrf_token": token,
            "code": "hb-2",
            "name": "Acme host base",
            "kind": "off_campus",
            "partnership_id": str(world.partnership.id),
            "status": "active",
            "major_ids": [str(first.id), str(second.id)],
            "lodging": "yes",
            "host_staff_on_post": "820",
            "intern_subsidy_cny": "2400",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    base = session.get(TrainingBase, int(url.rsplit("/", 1)[1]))
    assert base is not None
    assert base.code == "HB-2"
    assert [m.id for m in base.majors] == [first.id, second.id]
    assert base.lodging is True
    college_owned = make_venue(
        session, world.college, code="W-1", workstations=12, area_m2="150", base_id=base.id
    )
    joint = make_venue(
        session,
        world.college,
        code="W-2",
        workstations=8,
        area_m2="50",
        base_id=base.id,
        ownership="joint",
        partnership_id=world.partnership.id,
    )
    place_equipment(session, college_owned, name="Old lathe", value_cny=Decimal("1000"))
    place_equipment(
        session,
        joint,
        name="Five-axis centre",
        value_cny=Decimal("900000"),
        ownership="enterprise",
        partnership_id=world.partnership.id,
    )
    place_equipment(
        session,
        joint,
        name="Robot cell",
        value_cny=Decimal("100000"),
        ownership="enterprise",
        partnership_id=world.partnership.id,
    )
    page = office.get(url)
    text = page.text
    assert "Training base HB-2 Acme host base added." in text
    assert "CNC、Robotics" in text
    assert "20 workstations, 200 m² in all" in text
    assert f'href="/utilisation?base_id={base.id}"' in text
    assert f'href="/venues/{college_owned.id}"' in text
    assert 'The college <span class="muted">· 1,000.00 CNY' in text
    assert 'Acme Precision <span class="muted">· 1,000,000.00 CNY' in text
    assert "Total value: 1,001,000.00 CNY" in text
    assert text.index("Old lathe") < text.index("Five-axis centre")
    assert f'href="/training-bases/{base.id}/edit"' in text


def test_readers_and_contacts(session: Session, world: World, browser: Browser) -> None:
    base = _host_base(session, world)
    campus = make_base(session, world.college)
    teacher = browser(make_user(session, Role.TEACHER.value, world.college))
    page = teacher.get(f"/training-bases/{base.id}")
    assert page.status_code == 200
    assert f"/training-bases/{base.id}/edit" not in page.text
    assert teacher.get(f"/training-bases/{base.id}/delete").status_code == 403
    contact = browser(make_contact_user(session, world.enterprise))
    assert contact.get(f"/training-bases/{base.id}").status_code == 200
    assert contact.get(f"/training-bases/{campus.id}").status_code == 404
    assert "HB-1" in contact.get("/training-bases").text


def test_an_edit_and_a_stale_one(office: TestClient, session: Session, world: World) -> None:
    major = make_major(session, world.college, world.department)
    base = _host_base(session, world, major_ids=[major.id], lodging=True)
    edit = f"/training-bases/{base.id}/edit"
    form = office.get(edit)
    assert f'<option value="{major.id}" selected>' in form.text
    assert 'name="lodging" value="yes" checked' in form.text
    data = {
        "csrf_token": csrf_from(form.text),
        "version": "1",
        "code": "HB-1",
        "name": "Renamed base",
        "kind": "off_campus",
        "partnership_id": str(world.partnership.id),
        "status": "active",
    }
    saved = office.post(edit, data=data, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(base)
    assert base.name == "Renamed base"
    assert base.majors == []
    assert base.lodging is False
    stale = office.post(edit, data={**data, "name": "Lost"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text


def test_delete_confirms_or_refuses(office: TestClient, session: Session, world: World) -> None:
    base = _host_base(session, world)
    make_venue(session, world.college, base_id=base.id)
    refusal = office.get(f"/training-bases/{base.id}/delete")
    assert "venues: 1;" in refusal.text
    assert f'href="/venues?base_id={base.id}"' in refusal.text
    token = csrf_from(refusal.text)
    assert (
        office.post(f"/training-bases/{base.id}/delete", data={"csrf_token": token}).status_code
        == 409
    )
    empty = make_base(session, world.college, code="EMPTY")
    empty_id = empty.id
    page = office.get(f"/training-bases/{empty_id}/delete")
    assert "Delete the training base EMPTY" in page.text
    done = office.post(
        f"/training-bases/{empty_id}/delete",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(TrainingBase, empty_id) is None


def test_a_contact_sees_no_internal_fields_nor_an_agreement_they_cannot_open(
    session: Session, world: World, browser: Browser, office: TestClient
) -> None:
    agreement = make_agreement(session, world.partnership, title="Host base agreement")
    base = _host_base(
        session,
        world,
        agreement_id=agreement.id,
        college_funding_per_student_cny="350.5",
        note="Funding under review",
    )
    mine = office.get(f"/training-bases/{base.id}").text
    assert "Funding under review" in mine
    assert "350.50" in mine
    assert f'href="/agreements/{agreement.id}"' in mine
    contact = browser(make_contact_user(session, world.enterprise))
    page = contact.get(f"/training-bases/{base.id}").text
    assert "Funding under review" not in page
    assert "College funding per student" not in page
    assert "Host base agreement" not in page  # a draft, still inside the college
    rows = sheet_rows(contact.get("/training-bases/export.xlsx").content)
    assert "College funding per student (CNY)" not in rows[0]
    assert 350.5 not in rows[1]
    agreement.status = AgreementStatus.ACTIVE
    session.flush()
    page = contact.get(f"/training-bases/{base.id}").text
    assert f'<a href="/agreements/{agreement.id}">Host base agreement</a>' in page
