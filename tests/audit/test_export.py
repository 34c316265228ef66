"""Excel export of the audit log: the page's filters and the college's own entries only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.config import Settings
from tests.factories import make_college, make_department, make_user, sign_in
from tests.sheets import column, read_sheet, records


def test_export_applies_the_filters(web: TestClient, session: Session) -> None:
    college = make_college(session, "AUDX")
    make_department(session, college, "AUDD1")
    make_department(session, college, "AUDD2")
    session.commit()
    response = web.get(
        "/audit/export.xlsx", params={"action": "create", "entity_type": "department"}
    )
    rows = records(response)
    assert {r["Summary"] for r in rows} >= {"AUDD1", "AUDD2"}
    assert {r["Action"] for r in rows} == {"created"}
    assert {r["Record"] for r in rows} == {"department"}
    searched = web.get("/audit/export.xlsx", params={"q": "AUDD2"})
    assert column(searched, "Summary") == ["AUDD2"]
    assert "code: ∅ → AUDD2" in records(searched)[0]["Changes"]
    assert response.headers["content-disposition"].startswith('attachment; filename="audit-log-')


def test_secrets_stay_changed_and_formulas_are_neutralised(
    web: TestClient, session: Session
) -> None:
    college = make_college(session)
    audit.record(
        session,
        actor=Actor(label='=HYPERLINK("http://evil")'),
        action="update",
        entity=college,
        college_id=college.id,
        before={"password_hash": "old-hash"},
        after={"password_hash": "new-hash"},
        sensitive=("password_hash",),
        summary="SECRETS",
    )
    session.commit()
    (row,) = records(web.get("/audit/export.xlsx", params={"q": "SECRETS"}))
    assert row["Changes"] == "password_hash: changed"
    assert row["Who"] == '\'=HYPERLINK("http://evil")'
    header = read_sheet(
        web.get("/audit/export.xlsx", params={"q": "SECRETS"}, headers={"Accept-Language": "zh"})
    )[0]
    assert header[:3] == ("时间", "操作人", "操作")


def test_a_college_admin_exports_only_their_colleges_entries(
    client: TestClient, session: Session, settings: Settings
) -> None:
    own, other = make_college(session), make_college(session)
    make_department(session, own, "OWNAUD")
    make_department(session, other, "OTHAUD")
    sign_in(client, session, make_user(session, "college_admin", own), settings)
    summaries = column(client.get("/audit/export.xlsx"), "Summary")
    assert "OWNAUD" in summaries
    assert "OTHAUD" not in summaries
    assert 'href="/audit/export.xlsx?' in client.get("/audit").text
