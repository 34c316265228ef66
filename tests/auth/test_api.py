"""The accounts and audit API: Bearer tokens, cookie sessions with CSRF, problem+json errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.auth.models import ApiToken, User
from tandem.auth.passwords import verify_password
from tandem.college.models import College
from tandem.config import Settings
from tandem.mail.models import OutboxMessage
from tests.conftest import csrf_from
from tests.factories import PASSWORD, bearer, make_college, make_user, sign_in

PROBLEM = "application/problem+json"


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


def problem(response: Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body  # type: ignore[no-any-return]


def as_user(client: TestClient, session: Session, user: User) -> TestClient:
    client.headers.update(bearer(session, user))
    return client


def shanghai_today(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


# --- who is asking -------------------------------------------------------------------------------


def test_me_with_bearer(api: TestClient, platform_admin: User) -> None:
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == platform_admin.id
    assert body["email"] == platform_admin.email
    assert body["role"] == "platform_admin"
    assert body["is_invited"] is False
    assert "password_hash" not in body


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer tdm_nonsense", "bearer tdm_x"])
def test_invalid_bearer_is_401_never_anonymous(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})
    body = problem(response, 401, "invalid_token")
    assert body["detail"] == "The API token is not valid or has been revoked."


def test_revoked_or_disabled_tokens_are_refused(
    client: TestClient, session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college)
    token, raw = service.create_token(session, actor=service.actor_for(user), user=user, name="t")
    _, other_raw = service.create_token(session, actor=service.actor_for(user), user=user, name="u")
    session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    service.revoke_token(session, actor=service.actor_for(user), token=token)
    session.commit()
    problem(
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}), 401, "invalid_token"
    )
    user.is_active = False
    session.commit()
    problem(
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {other_raw}"}),
        401,
        "invalid_token",
    )


def test_anonymous_api_request_is_a_401_problem(client: TestClient) -> None:
    body = problem(client.get("/api/v1/colleges"), 401, "unauthenticated")
    assert body["instance"] == "/api/v1/colleges"
    problem(client.get("/api/v1/me"), 401, "unauthenticated")


def test_session_cookie_on_the_api_needs_the_csrf_header(
    client: TestClient, session: Session, college: College, settings: Settings
) -> None:
    user = make_user(session, "teacher", college)
    sign_in(client, session, user, settings)
    assert client.get("/api/v1/me").json()["id"] == user.id  # reading needs no token
    refused = client.post("/api/v1/me/tokens", json={"name": "from the page"})
    problem(refused, 403, "csrf_failed")
    token = csrf_from(client.get("/profile").text)
    forged = client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "no"})
    problem(forged, 403, "csrf_failed")
    accepted = client.post(
        "/api/v1/me/tokens", json={"name": "from the page"}, headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 201
    assert (
        session.scalar(select(ApiToken.name).where(ApiToken.user_id == user.id)) == "from the page"
    )


# --- your own account ----------------------------------------------------------------------------


def test_tokens_create_list_and_delete(
    api: TestClient, client: TestClient, session: Session, platform_admin: User
) -> None:
    created = api.post("/api/v1/me/tokens", json={"name": "  nightly export "})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "nightly export"
    assert body["token"].startswith("tdm_")
    assert body["token"].startswith(body["prefix"])
    listed = api.get("/api/v1/me/tokens").json()
    assert {t["name"] for t in listed} == {"tests", "nightly export"}
    assert all("token" not in t for t in listed)
    stored = session.get(ApiToken, body["id"])
    assert stored is not None
    assert stored.token_hash == service.digest(body["token"])
    other = make_user(session, "platform_admin")
    foreign, _ = service.create_token(session, actor=service.actor_for(other), user=other, name="f")
    session.commit()
    problem(api.delete(f"/api/v1/me/tokens/{foreign.id}"), 404, "not_found")
    assert api.delete(f"/api/v1/me/tokens/{body['id']}").status_code == 204
    [revoked] = [t for t in api.get("/api/v1/me/tokens").json() if t["id"] == body["id"]]
    assert revoked["revoked_at"] is not None
    fresh = TestClient(client.app)
    problem(
        fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}),
        401,
        "invalid_token",
    )


def test_token_name_is_validated(api: TestClient) -> None:
    body = problem(api.post("/api/v1/me/tokens", json={"name": ""}), 422, "validation_failed")
    assert body["errors"][0]["field"] == "name"  # type: ignore[index]


def test_change_own_password(api: TestClient, session: Session, platform_admin: User) -> None:
    wrong = api.post(
        "/api/v1/me/password", json={"current_password": "nope", "new_password": "Brand-new-pass-1"}
    )
    body = problem(wrong, 422, "wrong_password")
    assert body["errors"][0]["field"] == "current_password"  # type: ignore[index]
    ok = api.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "Brand-new-pass-1"},
    )
    assert ok.status_code == 204
    session.refresh(platform_admin)
    assert verify_password(platform_admin.password_hash, "Brand-new-pass-1")
    assert api.get("/api/v1/me").status_code == 200  # the token keeps working


# --- administering accounts ----------------------------------------------------------------------


def test_users_list_invite_get_and_patch(
    api: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="listed@test.example")
    session.commit()
    invited = api.post(
        "/api/v1/users",
        json={
            "email": "New.Person@Test.example",
            "display_name": "New Person",
            "role": "student",
            "college_id": college.id,
        },
    )
    assert invited.status_code == 201
    body = invited.json()
    assert invited.headers["location"] == f"/api/v1/users/{body['id']}"
    assert body["email"] == "new.person@test.example"
    assert body["is_invited"] is True
    assert session.scalar(select(OutboxMessage.to_address)) == "new.person@test.example"
    listed = api.get("/api/v1/users", params={"role": "student"}).json()
    assert [u["email"] for u in listed["items"]] == ["new.person@test.example"]
    assert listed["meta"]["total"] == 1
    assert api.get("/api/v1/users", params={"q": "listed"}).json()["meta"]["total"] == 1
    assert api.get(f"/api/v1/users/{body['id']}").json()["display_name"] == "New Person"
    patched = api.patch(
        f"/api/v1/users/{body['id']}",
        json={"display_name": "Renamed", "role": "teacher", "version": 1},
    )
    assert patched.status_code == 200
    assert (patched.json()["display_name"], patched.json()["role"]) == ("Renamed", "teacher")
    assert patched.json()["version"] == 2
    stale = api.patch(f"/api/v1/users/{body['id']}", json={"display_name": "Lost", "version": 1})
    problem(stale, 409, "stale_version")
    disabled = api.patch(f"/api/v1/users/{body['id']}", json={"is_active": False})
    assert disabled.json()["is_active"] is False
    inactive = api.get("/api/v1/users", params={"active": "false"}).json()["items"]
    assert [u["id"] for u in inactive] == [body["id"]]
    problem(api.get("/api/v1/users/999999"), 404, "not_found")


def test_invite_errors_are_problems(api: TestClient, college: College) -> None:
    dup = {
        "email": "dup@test.example",
        "display_name": "D",
        "role": "teacher",
        "college_id": college.id,
    }
    assert api.post("/api/v1/users", json=dup).status_code == 201
    problem(api.post("/api/v1/users", json=dup), 409, "duplicate")
    body = problem(
        api.post(
            "/api/v1/users", json={**dup, "email": "x@test.example", "role": "platform_admin"}
        ),
        422,
        "no_college_for_role",
    )
    assert body["errors"][0]["field"] == "college_id"  # type: ignore[index]
    problem(api.post("/api/v1/users", json={**dup, "surprise": 1}), 422, "validation_failed")


def test_own_role_cannot_be_changed(api: TestClient, platform_admin: User) -> None:
    problem(
        api.patch(f"/api/v1/users/{platform_admin.id}", json={"role": "teacher"}), 403, "forbidden"
    )
    problem(
        api.patch(f"/api/v1/users/{platform_admin.id}", json={"is_active": False}), 403, "forbidden"
    )


def test_password_reset_and_invitation_resend(
    api: TestClient, session: Session, college: College
) -> None:
    active = make_user(session, "teacher", college, email="active@test.example")
    invited = make_user(session, "teacher", college, email="pending@test.example", password=None)
    session.commit()
    assert api.post(f"/api/v1/users/{active.id}/password-reset").status_code == 202
    assert api.post(f"/api/v1/users/{invited.id}/invitation").status_code == 202
    problem(api.post(f"/api/v1/users/{active.id}/invitation"), 409, "conflict")
    sent = session.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.id)).all()
    assert sent == ["active@test.example", "pending@test.example"]
    api.patch(f"/api/v1/users/{active.id}", json={"is_active": False})
    problem(api.post(f"/api/v1/users/{active.id}/password-reset"), 409, "conflict")


def test_college_admin_manages_only_own_college(
    client: TestClient, session: Session, college: College, platform_admin: User
) -> None:
    office = make_user(session, "college_admin", college)
    mine = make_user(session, "teacher", college)
    theirs = make_user(session, "teacher", make_college(session))
    as_user(client, session, office)
    ids = {u["id"] for u in client.get("/api/v1/users").json()["items"]}
    assert ids == {office.id, mine.id}
    problem(client.get(f"/api/v1/users/{theirs.id}"), 404, "not_found")
    problem(client.get(f"/api/v1/users/{platform_admin.id}"), 404, "not_found")
    problem(client.patch(f"/api/v1/users/{theirs.id}", json={"is_active": False}), 404, "not_found")
    grant = client.post(
        "/api/v1/users",
        json={"email": "boss@test.example", "display_name": "B", "role": "platform_admin"},
    )
    problem(grant, 403, "forbidden")
    made = client.post(
        "/api/v1/users", json={"email": "t@test.example", "display_name": "T", "role": "teacher"}
    )
    assert made.status_code == 201
    assert made.json()["college_id"] == college.id


def test_users_api_needs_user_manage(
    client: TestClient, session: Session, college: College
) -> None:
    as_user(client, session, make_user(session, "teacher", college))
    problem(client.get("/api/v1/users"), 403, "forbidden")
    problem(client.get("/api/v1/audit"), 403, "forbidden")
    assert client.get("/api/v1/me").status_code == 200


# --- the audit log -------------------------------------------------------------------------------


def test_audit_filters(
    api: TestClient, session: Session, settings: Settings, college: College, platform_admin: User
) -> None:
    api.post(
        "/api/v1/users",
        json={
            "email": "audited@test.example",
            "display_name": "A",
            "role": "teacher",
            "college_id": college.id,
        },
    )
    everything = api.get("/api/v1/audit").json()
    assert everything["meta"]["total"] >= 3
    invites = api.get(
        "/api/v1/audit", params={"action": "create", "entity_type": "user_account"}
    ).json()["items"]
    assert "audited@test.example" in [e["summary"] for e in invites]
    assert all(e["action"] == "create" and e["entity_type"] == "user_account" for e in invites)
    mine = api.get("/api/v1/audit", params={"by": platform_admin.email}).json()["items"]
    assert [e["summary"] for e in mine] == ["audited@test.example"]
    assert mine[0]["actor_user_id"] == platform_admin.id
    assert mine[0]["changes"]["email"] == [None, "audited@test.example"]
    today = shanghai_today(settings).date()
    day = timedelta(days=1)
    total = everything["meta"]["total"]
    assert (
        api.get("/api/v1/audit", params={"date_from": str(today)}).json()["meta"]["total"] == total
    )
    assert api.get("/api/v1/audit", params={"date_to": str(today)}).json()["meta"]["total"] == total
    assert (
        api.get("/api/v1/audit", params={"date_from": str(today + day)}).json()["meta"]["total"]
        == 0
    )
    assert (
        api.get("/api/v1/audit", params={"date_to": str(today - day)}).json()["meta"]["total"] == 0
    )
    problem(api.get("/api/v1/audit", params={"date_from": "yesterday"}), 422, "validation_failed")


def test_college_admin_sees_only_own_college_audit(
    client: TestClient, session: Session, college: College
) -> None:
    other = make_college(session)
    office = make_user(session, "college_admin", college)
    make_user(session, "teacher", college, email="here@test.example")
    make_user(session, "teacher", other, email="there@test.example")
    make_user(session, "platform_admin", email="platform@test.example")
    as_user(client, session, office)
    items = client.get("/api/v1/audit", params={"per_page": 200}).json()["items"]
    assert items
    assert {e["college_id"] for e in items} == {college.id}
    summaries = {e["summary"] for e in items}
    assert "here@test.example" in summaries
    assert "there@test.example" not in summaries
    assert "platform@test.example" not in summaries
