"""Excel exports of enterprises, partnerships and change proposals: the page's filters and scope,
and a partnership's internal notes never in an enterprise contact's file."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college.models import College, Department
from tandem.kit.pagination import ListParams
from tandem.partner import proposals, repository
from tandem.partner.schemas import ProposalCreate
from tests.factories import Browser, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership, make_teacher
from tests.sheets import column, every_cell, read_sheet, records

SECRET = "CONFIDENTIAL-NOTE-77"


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session, "PARTX")


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


def test_enterprise_export_matches_the_filtered_page(
    browser: Browser, session: Session, college: College
) -> None:
    certified = {"certified_on": "2023-05-01"}
    make_enterprise(
        session, name="Export Steel", kind="state_owned", certified_level="national", **certified
    )
    make_enterprise(session, name="Export Foods", kind="state_owned")
    make_enterprise(
        session, name="Export Robots", kind="private", certified_level="city", **certified
    )
    partnered = make_enterprise(session, name="Export Tools", kind="state_owned")
    make_partnership(session, college, partnered, status="vetting")
    make_enterprise(session, name="=cmd|' /C calc'!A0", kind="state_owned")
    office = browser(make_user(session, "college_admin", college))
    query = {"q": "export", "kind": "state_owned", "sort": "-name"}
    response = office.get("/enterprises/export.xlsx", params=query)
    rows = records(response)
    assert [r["Name"] for r in rows] == ["Export Tools", "Export Steel", "Export Foods"]
    page = repository.list_enterprises(
        session,
        actor=Actor.system(),
        params=ListParams(q="export", sort="-name", per_page=200),
        filters=repository.EnterpriseFilter(kind="state_owned"),
    )
    assert [r["Name"] for r in rows] == [e.name for e in page.items]
    assert rows[0]["Our partnership"] == "Under vetting"
    assert rows[1]["Kind"] == "State-owned"
    assert rows[1]["Certified level"] == "National"
    assert rows[1]["Industry section"] == "C · Manufacturing"
    only = office.get("/enterprises/export.xlsx", params={"q": "export", "certified": "yes"})
    assert sorted(column(only, "Name")) == ["Export Robots", "Export Steel"]
    formula = office.get("/enterprises/export.xlsx", params={"q": "calc"})
    assert column(formula, "Name") == ["'=cmd|' /C calc'!A0"]


def test_enterprise_headers_in_chinese_and_no_partnership_column_outside_a_college(
    web: TestClient, session: Session
) -> None:
    make_enterprise(session, name="Header Test")
    session.commit()
    header = read_sheet(
        web.get(
            "/enterprises/export.xlsx", params={"q": "Header"}, headers={"Accept-Language": "zh"}
        )
    )[0]
    assert header[:3] == ("名称", "简称", "统一社会信用代码")
    assert "本校合作关系" not in header


def test_partnership_export_filters_and_shows_notes_within_the_college(
    browser: Browser, session: Session, college: College, department: Department
) -> None:
    teacher = make_teacher(session, college, department, name="Manager Wang")
    make_partnership(
        session,
        college,
        make_enterprise(session, name="Alpha Works"),
        department,
        status="active",
        start_date="2024-03-01",
        account_manager_id=teacher.id,
        tags=["orders", "=tag"],
        notes=SECRET,
    )
    make_partnership(session, college, make_enterprise(session, name="Beta Works"))
    other = make_college(session)
    gamma = make_enterprise(session, name="Gamma Works")
    make_partnership(session, other, gamma, status="active", start_date="2024-01-01")
    office = browser(make_user(session, "college_admin", college))
    response = office.get("/partnerships/export.xlsx", params={"status": "active"})
    (row,) = records(response)
    assert row["Enterprise"] == "Alpha Works"
    assert row["Status"] == "Active"
    assert row["Account manager"] == "Manager Wang"
    assert row["Tags"] == "orders, =tag"
    assert row["Internal notes"] == SECRET
    assert "College" not in row
    everyone = office.get("/partnerships/export.xlsx")
    assert column(everyone, "Enterprise") == ["Alpha Works", "Beta Works"]  # not college B's


def test_an_enterprise_contacts_export_has_no_notes_column_or_values(
    browser: Browser, session: Session, college: College, department: Department
) -> None:
    enterprise = make_enterprise(session, name="Contact Co")
    make_partnership(session, college, enterprise, department, notes=SECRET)
    make_partnership(session, make_college(session), enterprise, notes=SECRET + "-B")
    make_partnership(session, college, make_enterprise(session, name="Not Theirs"), notes=SECRET)
    contact = browser(make_contact_user(session, enterprise))
    response = contact.get("/partnerships/export.xlsx")
    header, *rows = read_sheet(response)
    assert "Internal notes" not in header
    assert "notes" not in " ".join(str(h).lower() for h in header)
    assert len(rows) == 2
    assert {r["Enterprise"] for r in records(response)} == {"Contact Co"}
    assert SECRET not in every_cell(response)
    assert SECRET.encode() not in response.content
    chinese = read_sheet(
        contact.get("/partnerships/export.xlsx", headers={"Accept-Language": "zh"})
    )
    assert "内部备注" not in chinese[0]


def test_a_platform_admin_sees_the_college_and_notes(
    web: TestClient, session: Session, college: College
) -> None:
    make_partnership(session, college, make_enterprise(session, name="Platform View"), notes=SECRET)
    session.commit()
    (row,) = records(web.get("/partnerships/export.xlsx", params={"q": "Platform View"}))
    assert row["College"] == college.name_en
    assert row["Internal notes"] == SECRET


def test_proposal_export_defaults_to_open_ones_of_the_college(
    browser: Browser, session: Session, college: College
) -> None:
    enterprise = make_enterprise(session, name="Proposal Co")
    for reason in ("First", "Second"):
        proposals.propose_change(
            session,
            actor=Actor(label="test", college_id=college.id),
            enterprise=enterprise,
            data=ProposalCreate(changes={"short_name": reason}, reason=reason),
        )
    proposals.propose_change(
        session,
        actor=Actor(label="test", college_id=make_college(session).id),
        enterprise=enterprise,
        data=ProposalCreate(changes={"website": "https://x.example"}, reason="Elsewhere"),
    )
    office = browser(make_user(session, "college_admin", college))
    rows = records(office.get("/proposals/export.xlsx"))
    assert sorted(r["Reason"] for r in rows) == ["First", "Second"]
    assert rows[0]["Fields"] == "Short name"
    assert rows[0]["Status"] == "Open"
    assert records(office.get("/proposals/export.xlsx", params={"status": "accepted"})) == []
    assert len(records(office.get("/proposals/export.xlsx", params={"status": ""}))) == 2


def test_partner_list_pages_link_to_their_export(web: TestClient) -> None:
    assert (
        'href="/enterprises/export.xlsx?kind=private"'
        in web.get("/enterprises", params={"kind": "private"}).text
    )
    assert (
        'href="/partnerships/export.xlsx?status=active"'
        in web.get("/partnerships", params={"status": "active"}).text
    )
    assert 'href="/proposals/export.xlsx?' in web.get("/proposals").text
