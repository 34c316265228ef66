"""Excel export of the account list: filters and scope, and never a secret."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.config import Settings
from tests.factories import ACTOR, make_college, make_department, make_user, sign_in
from tests.sheets import column, every_cell, read_sheet, records


def test_export_applies_the_filters_and_never_holds_a_secret(
    web: TestClient, session: Session
) -> None:
    college = make_college(session, "ACCT")
    department = make_department(session, college)
    active = make_user(session, "teacher", college, email="teach.one@acct.example")
    invited = make_user(session, "teacher", college, email="teach.two@acct.example", password=None)
    make_user(session, "college_admin", college, email="office@acct.example")
    coordinator = make_user(
        session, "department_coordinator", college, department, email="coord@acct.example"
    )
    _, raw_token = service.create_token(session, actor=ACTOR, user=active, name="sync")
    session.commit()
    response = web.get("/users/export.xlsx", params={"q": "acct.example", "role": "teacher"})
    rows = {r["E-mail"]: r for r in records(response)}
    assert set(rows) == {active.email, invited.email}
    assert rows[active.email]["Status"] == "Active"
    assert rows[invited.email]["Status"] == "Invited"
    assert rows[active.email]["Role"] == "Teacher"
    assert rows[active.email]["College"] == "ACCT"
    cells = every_cell(response) + every_cell(web.get("/users/export.xlsx"))
    assert active.password_hash
    assert active.password_hash not in cells
    assert "$argon2" not in cells
    assert raw_token not in cells
    everyone = records(web.get("/users/export.xlsx", params={"q": "acct.example"}))
    assert {r["E-mail"]: r["Department"] for r in everyone}[coordinator.email]
    disabled = web.get("/users/export.xlsx", params={"q": "acct.example", "active": "no"})
    assert column(disabled, "E-mail") == []


def test_headers_in_chinese(web: TestClient, platform_admin: object) -> None:
    header = read_sheet(web.get("/users/export.xlsx", headers={"Accept-Language": "zh-CN"}))[0]
    assert header[:4] == ("姓名", "电子邮箱", "角色", "院校")


def test_a_college_admin_exports_only_their_colleges_accounts(
    client: TestClient, session: Session, settings: Settings
) -> None:
    own, other = make_college(session), make_college(session)
    admin = make_user(session, "college_admin", own, email="admin@own.example")
    make_user(session, "teacher", own, email="t@own.example")
    make_user(session, "teacher", other, email="t@other.example")
    sign_in(client, session, admin, settings)
    emails = column(client.get("/users/export.xlsx"), "E-mail")
    assert sorted(emails) == ["admin@own.example", "t@own.example"]
    assert 'href="/users/export.xlsx?' in client.get("/users").text
