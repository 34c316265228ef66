"""Excel export of the agreement list: the page's filters and scope, headers in the reader's
language, and an enterprise contact's file with only their enterprise's approved agreements."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.config import Settings
from tests.agreement.helpers import advance, make_agreement, make_obligation, partnership_for
from tests.factories import make_college, make_department, make_user, sign_in
from tests.partner.helpers import make_contact_user
from tests.sheets import column, read_sheet, records


def test_the_export_follows_the_filters_and_the_scope(
    app: FastAPI, session: Session, settings: Settings
) -> None:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    other = partnership_for(session, college, department)
    active = make_agreement(session, partnership, modes=(1, 5), title="=HYPERLINK(1)", number="X1")
    make_obligation(session, active, quantity=20)
    advance(session, active, "active")
    make_agreement(session, partnership, modes=(2,), title="Sharing draft")
    make_agreement(session, other, modes=(1,), title="Other enterprise's draft")
    stranger = partnership_for(session, make_college(session))
    make_agreement(session, stranger, modes=(1,), title="Another college's")
    office = sign_in(
        TestClient(app, headers={"Accept-Language": "en"}),
        session,
        make_user(session, "college_admin", college),
        settings,
    )

    everything = office.get("/agreements/export.xlsx")
    assert everything.status_code == 200
    assert sorted(column(everything, "Title")) == sorted(
        ["'=HYPERLINK(1)", "Sharing draft", "Other enterprise's draft"]
    )
    mode_one = records(office.get("/agreements/export.xlsx?mode=1&sort=title"))
    assert [r["Title"] for r in mode_one] == ["'=HYPERLINK(1)", "Other enterprise's draft"]
    assert mode_one[0]["Modes"] == "1 · Enterprise introduction; 5 · School–enterprise training"
    assert mode_one[0]["Status"] == "Active"
    assert mode_one[0]["Obligations"] == 1
    chinese = read_sheet(
        office.get("/agreements/export.xlsx?status=active", headers={"Accept-Language": "zh-CN"})
    )
    assert chinese[0][:2] == ("协议编号", "协议名称")
    assert chinese[1][1] == "'=HYPERLINK(1)"  # text, never a formula

    contact = sign_in(
        TestClient(app, headers={"Accept-Language": "en"}),
        session,
        make_contact_user(session, partnership.enterprise),
        settings,
    )
    theirs = contact.get("/agreements/export.xlsx")
    assert column(theirs, "Title") == ["'=HYPERLINK(1)"]  # no drafts, no other enterprise
