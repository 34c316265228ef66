"""Sign-in, sessions, links, the profile and the account pages, through the browser's eyes."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.auth.models import ApiToken, LoginFailure, LoginSession, User
from tandem.auth.passwords import verify_password
from tandem.college.models import College
from tandem.config import Settings
from tandem.kit.orm import utcnow
from tandem.kit.web import SESSION_COOKIE
from tandem.mail.models import OutboxMessage
from tests.conftest import csrf_from, post_form
from tests.factories import PASSWORD, make_college, make_user

NEW_PASSWORD = "Fresh-Password-2024"
WRONG = "The e-mail or the password is not correct."


@pytest.fixture
def browser(app: FastAPI) -> TestClient:
    """A second, signed-out browser on the same app."""
    return TestClient(app, headers={"Accept-Language": "en"})


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


def login(client: TestClient, email: str, password: str = PASSWORD, next_: str = "/") -> Response:
    return post_form(
        client,
        "/login",
        {"email": email, "password": password, "next": next_},
        follow_redirects=False,
    )


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, str] | None = None, **kwargs: object
) -> Response:
    """Post to ``url`` with the CSRF token of ``page`` (for forms without a page of their own)."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


def set_cookies(response: Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def outbox_token(session: Session, email: str, path: str) -> str:
    body = session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None
    match = re.search(rf"/{path}/([A-Za-z0-9_-]+)", body)
    assert match
    return match.group(1)


# --- signing in and out --------------------------------------------------------------------------


def test_login_page(client: TestClient) -> None:
    page = client.get("/login", params={"next": "/colleges"})
    assert page.status_code == 200
    assert "Sign in to Tandem" in page.text
    assert 'name="next" value="/colleges"' in page.text
    assert csrf_from(page.text)


def test_login_sets_a_safe_session_cookie(
    client: TestClient, session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="login@test.example")
    session.commit()
    response = login(client, "LOGIN@test.example", next_="/colleges")
    assert response.status_code == 303
    assert response.headers["location"] == "/colleges"
    [cookie] = [c for c in set_cookies(response) if c.startswith(f"{SESSION_COOKIE}=")]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # only in production
    raw = response.cookies[SESSION_COOKIE]
    login_session = session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert login_session is not None
    assert login_session.token_hash == service.digest(raw)
    assert client.get("/profile").status_code == 200


def test_wrong_password_shows_the_form_again(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="wrong@test.example")
    session.commit()
    response = login(client, "wrong@test.example", "not-it")
    assert response.status_code == 401
    assert WRONG in response.text
    assert 'value="wrong@test.example"' in response.text
    assert not any(c.startswith(SESSION_COOKIE) for c in set_cookies(response))
    assert session.scalar(select(func.count(LoginFailure.id))) == 1


def test_repeated_failures_are_throttled(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="slow@test.example")
    session.commit()
    for _ in range(3):
        assert login(client, "slow@test.example", "not-it").status_code == 401
    throttled = login(client, "slow@test.example")  # even the right password must wait
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] in {"1", "2"}
    assert "Too many failed sign-ins" in throttled.text


def test_a_locked_account_is_told_how_long_to_wait(
    client: TestClient, session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="locked@test.example")
    for minutes in range(6, 0, -1):
        session.add(
            LoginFailure(
                email=user.email,
                ip_address="testclient",
                attempted_at=utcnow() - timedelta(minutes=minutes),
            )
        )
    session.commit()
    response = login(client, user.email)
    assert response.status_code == 429
    assert 800 <= int(response.headers["retry-after"]) <= 840
    assert "Signing in is locked for about 14 minutes" in response.text
    assert not any(c.startswith(SESSION_COOKIE) for c in set_cookies(response))


def test_session_fixation_nothing_from_before_sign_in_survives(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="fix@test.example")
    session.commit()
    before = client.get("/login")
    old_token, old_ui = csrf_from(before.text), client.cookies.get("tandem_ui")
    assert old_ui
    response = client.post(
        "/login",
        data={"email": "fix@test.example", "password": PASSWORD, "csrf_token": old_token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/profile")
    new_token, new_ui = csrf_from(page.text), client.cookies.get("tandem_ui")
    assert new_token != old_token
    assert new_ui != old_ui
    refused = client.post("/profile/tokens", data={"name": "x", "csrf_token": old_token})
    assert refused.status_code == 403
    accepted = client.post("/profile/tokens", data={"name": "x", "csrf_token": new_token})
    assert accepted.status_code == 200


def test_login_without_csrf_token_is_refused(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="nocsrf@test.example")
    session.commit()
    client.get("/login")
    response = client.post("/login", data={"email": "nocsrf@test.example", "password": PASSWORD})
    assert response.status_code == 403
    assert not any(c.startswith(SESSION_COOKIE) for c in set_cookies(response))
    assert session.scalar(select(func.count(LoginSession.id))) == 0


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://evil.example/x", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/%09/evil.example"),
        ("/colleges?q=a", "/colleges?q=a"),
    ],
)
def test_next_never_leaves_the_site(
    client: TestClient, session: Session, college: College, target: str, expected: str
) -> None:
    make_user(session, "teacher", college, email="next@test.example")
    session.commit()
    response = login(client, "next@test.example", next_=target)
    assert response.status_code == 303
    assert response.headers["location"] == expected
    again = client.get("/login", params={"next": target}, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == expected


def test_logout_revokes_the_session(
    client: TestClient, browser: TestClient, session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="bye@test.example")
    session.commit()
    raw = login(client, user.email).cookies[SESSION_COOKIE]
    response = post_from(client, "/profile", "/logout", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "You have signed out." in client.get("/login").text
    revoked = session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert revoked is not None
    session.refresh(revoked)
    assert revoked.revoked_at is not None
    browser.cookies.set(SESSION_COOKIE, raw)  # the old cookie, replayed
    home = browser.get("/", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"] == "/login?next=%2F"


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/colleges", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcolleges"
    page = client.get(response.headers["location"])
    assert 'name="next" value="/colleges"' in page.text
    assert "Your session has expired" not in page.text


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired"])
def test_stale_session_cookie_says_the_session_expired(
    client: TestClient, session: Session, settings: Settings, college: College, how: str
) -> None:
    user = make_user(session, "teacher", college)
    started = service.start_session(session, user=user, ip="x", user_agent="", settings=settings)
    if how == "revoked":
        started.login_session.revoked_at = utcnow()
    elif how == "expired":
        started.login_session.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    client.cookies.set(SESSION_COOKIE, "bogus" if how == "unknown" else started.raw_token)
    response = client.get("/colleges?q=a", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote("/colleges?q=a", safe="")
    assert "Your session has expired; please sign in again." in client.get("/login").text


# --- invitations and password resets -------------------------------------------------------------


def test_invitation_from_admin_page_to_first_sign_in(
    web: TestClient, browser: TestClient, session: Session, college: College
) -> None:
    invited = post_form(
        web,
        "/users/invite",
        {
            "email": "Invitee@Test.example",
            "display_name": "Invitee",
            "role": "teacher",
            "college_id": str(college.id),
        },
        follow_redirects=False,
    )
    assert invited.status_code == 303
    user = session.scalar(select(User).where(User.email == "invitee@test.example"))
    assert user is not None
    assert user.is_invited
    assert invited.headers["location"] == f"/users/{user.id}"
    assert "Invitation sent to invitee@test.example." in web.get(invited.headers["location"]).text
    token = outbox_token(session, user.email, "invitation")
    page = browser.get(f"/invitation/{token}")
    assert page.status_code == 200
    assert "choose your password" in page.text
    mismatch = post_form(
        browser,
        f"/invitation/{token}",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
    )
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.text
    done = post_form(
        browser,
        f"/invitation/{token}",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    assert "Your password is set. Welcome!" in browser.get("/login").text
    assert browser.get(f"/invitation/{token}").status_code == 404  # used once
    assert login(browser, user.email, NEW_PASSWORD).status_code == 303


def test_unknown_invitation_link_is_a_404(client: TestClient) -> None:
    response = client.get("/invitation/not-a-real-token")
    assert response.status_code == 404
    assert "not valid or has already been used" in response.text


def test_forgot_password_says_the_same_for_any_address(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="known@test.example")
    session.commit()
    said = []
    for email in ("known@test.example", "unknown@test.example"):
        response = post_form(client, "/password/forgot", {"email": email}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        page = client.get("/login").text
        said.append("If an account exists for that address" in page)
    assert said == [True, True]
    assert session.scalars(select(OutboxMessage.to_address)).all() == ["known@test.example"]


def test_password_reset_page(client: TestClient, session: Session, college: College) -> None:
    make_user(session, "teacher", college, email="forgetful@test.example")
    session.commit()
    post_form(client, "/password/forgot", {"email": "forgetful@test.example"})
    token = outbox_token(session, "forgetful@test.example", "password/reset")
    weak = post_form(
        client, f"/password/reset/{token}", {"new_password": "short", "confirm_password": "short"}
    )
    assert weak.status_code == 422
    assert "Use at least 10 characters." in weak.text
    done = post_form(
        client,
        f"/password/reset/{token}",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert login(client, "forgetful@test.example").status_code == 401
    assert login(client, "forgetful@test.example", NEW_PASSWORD).status_code == 303


# --- the profile ---------------------------------------------------------------------------------


def test_profile_token_is_shown_once_and_can_be_revoked(
    web: TestClient, browser: TestClient, session: Session
) -> None:
    response = post_from(web, "/profile", "/profile/tokens", {"name": "timetable sync"})
    assert response.status_code == 200
    match = re.search(r'id="new-token">(tdm_[^<]+)<', response.text)
    assert match
    raw = match.group(1)
    token = session.scalar(select(ApiToken).where(ApiToken.name == "timetable sync"))
    assert token is not None
    assert token.token_hash == service.digest(raw)
    again = web.get("/profile").text
    assert raw not in again
    assert "timetable sync" in again
    assert f"{token.prefix}…" in again
    assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    revoked = post_from(
        web, "/profile", f"/profile/tokens/{token.id}/revoke", follow_redirects=False
    )
    assert revoked.status_code == 303
    assert "Token timetable sync revoked." in web.get("/profile").text
    assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_profile_token_needs_a_name(web: TestClient) -> None:
    response = post_from(web, "/profile", "/profile/tokens", {"name": "   "})
    assert response.status_code == 422
    assert 'id="e-name"' in response.text
    assert "new-token" not in response.text


def test_cannot_revoke_another_persons_token(
    web: TestClient, session: Session, college: College
) -> None:
    other = make_user(session, "teacher", college)
    token, _ = service.create_token(session, actor=service.actor_for(other), user=other, name="x")
    session.commit()
    response = post_from(web, "/profile", f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 404
    session.refresh(token)
    assert token.revoked_at is None


def test_change_password_page(
    web: TestClient, session: Session, platform_admin: User, settings: Settings
) -> None:
    elsewhere = service.start_session(
        session, user=platform_admin, ip="x", user_agent="", settings=settings
    )
    session.commit()
    page = web.get("/profile/password")
    assert page.status_code == 200
    assert 'name="current_password"' in page.text
    wrong = post_form(
        web,
        "/profile/password",
        {
            "current_password": "nope",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert "The current password is not correct." in wrong.text
    mismatch = post_form(
        web,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "other"},
    )
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.text
    done = post_form(
        web,
        "/profile/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/profile"
    assert "Other devices have been signed out." in web.get("/profile").text  # still signed in
    session.expire_all()
    assert verify_password(platform_admin.password_hash, NEW_PASSWORD)
    assert service.resolve_session(session, raw=elsewhere.raw_token, settings=settings) is None


def test_ui_cookie_from_before_sign_in_cannot_be_replayed(
    client: TestClient, session: Session, college: College
) -> None:
    make_user(session, "teacher", college, email="replay@test.example")
    session.commit()
    before = client.get("/login")
    old_token, old_ui = csrf_from(before.text), client.cookies.get("tandem_ui")
    assert old_ui
    signed_in = client.post(
        "/login",
        data={"email": "replay@test.example", "password": PASSWORD, "csrf_token": old_token},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    client.cookies.set("tandem_ui", old_ui)  # the pre-sign-in UI cookie, replayed
    replayed = client.post("/profile/tokens", data={"name": "csrf", "csrf_token": old_token})
    assert replayed.status_code == 403
