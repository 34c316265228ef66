"""The account administration pages (/users), for platform and college administrators."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.auth.models import User
from tandem.college.models import College
from tandem.config import Settings
from tandem.mail.models import OutboxMessage
from tests.conftest import csrf_from, post_form
from tests.factories import make_college, make_department, make_user, sign_in


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, str] | None = None, **kwargs: object
) -> Response:
    """Post to ``url`` with the CSRF token of ``page`` (for forms without a page of their own)."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


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


# --- account administration ----------------------------------------------------------------------


def test_user_list_filters(web: TestClient, session: Session, college: College) -> None:
    make_user(session, "teacher", college, email="tea.cher@test.example")
    disabled = make_user(session, "student", college, email="stu.dent@test.example")
    disabled.is_active = False
    make_user(session, "student", college, email="invited.one@test.example", password=None)
    session.commit()
    everyone = web.get("/users").text
    for email in ("tea.cher@", "stu.dent@", "invited.one@"):
        assert email in everyone
    teachers = web.get("/users", params={"role": "teacher"}).text
    assert "tea.cher@" in teachers
    assert "stu.dent@" not in teachers
    inactive = web.get("/users", params={"active": "no"}).text
    assert "stu.dent@" in inactive
    assert "tea.cher@" not in inactive
    assert "Disabled" in inactive
    active = web.get("/users", params={"active": "yes", "role": "student"}).text
    assert "invited.one@" in active
    assert "stu.dent@" not in active
    searched = web.get("/users", params={"q": "TEA.CH"}).text
    assert "tea.cher@" in searched
    assert "invited.one@" not in searched
    assert "No accounts match." in web.get("/users", params={"q": "zzz-nobody"}).text


def test_user_list_htmx_returns_only_the_results(web: TestClient) -> None:
    fragment = web.get(
        "/users", params={"q": "user"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment.text


def test_invite_form_errors_keep_the_input(web: TestClient, college: College) -> None:
    bad_email = post_form(
        web,
        "/users/invite",
        {"email": "not-an-email", "display_name": "Kept Name", "role": "teacher"},
    )
    assert bad_email.status_code == 422
    assert 'value="Kept Name"' in bad_email.text
    assert 'id="e-email"' in bad_email.text
    no_college = post_form(
        web,
        "/users/invite",
        {"email": "kept@test.example", "display_name": "Kept", "role": "teacher"},
    )
    assert no_college.status_code == 422
    assert 'value="kept@test.example"' in no_college.text
    assert "This role belongs to a college: choose one." in no_college.text


def test_detail_page_edits_the_role(web: TestClient, session: Session, college: College) -> None:
    department = make_department(session, college)
    user = make_user(session, "teacher", college)
    session.commit()
    page = web.get(f"/users/{user.id}")
    assert page.status_code == 200
    assert user.email in page.text
    saved = post_form(
        web,
        f"/users/{user.id}",
        {
            "display_name": "Renamed",
            "role": "department_coordinator",
            "department_id": str(department.id),
            "version": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.refresh(user)
    assert (user.role, user.department_id, user.display_name) == (
        "department_coordinator",
        department.id,
        "Renamed",
    )
    stale = post_form(
        web, f"/users/{user.id}", {"display_name": "Lost", "role": "teacher", "version": "1"}
    )
    assert stale.status_code == 409
    assert 'value="Lost"' in stale.text
    session.refresh(user)
    assert user.display_name == "Renamed"


def test_admin_can_rename_themselves_on_the_detail_page(
    web: TestClient, session: Session, platform_admin: User
) -> None:
    saved = post_form(
        web,
        f"/users/{platform_admin.id}",
        {"display_name": "New Me", "role": "platform_admin", "version": "1"},
        follow_redirects=False,
    )
    assert saved.status_code == 303


def test_disable_confirm_then_enable(
    web: TestClient, session: Session, college: College, settings: Settings
) -> None:
    user = make_user(session, "teacher", college, email="target@test.example")
    started = service.start_session(session, user=user, ip="x", user_agent="", settings=settings)
    session.commit()
    confirm = web.get(f"/users/{user.id}/disable")
    assert confirm.status_code == 200
    assert "Disable target@test.example?" in confirm.text
    disabled = post_from(
        web, f"/users/{user.id}/disable", f"/users/{user.id}/disable", follow_redirects=False
    )
    assert disabled.status_code == 303
    assert "is disabled and has been signed out everywhere" in web.get(f"/users/{user.id}").text
    session.expire_all()
    assert not user.is_active
    assert service.resolve_session(session, raw=started.raw_token, settings=settings) is None
    post_from(web, f"/users/{user.id}", f"/users/{user.id}/enable")
    session.expire_all()
    assert user.is_active


def test_send_reset_and_resend_invitation(
    web: TestClient, session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="reset.me@test.example")
    invited = make_user(session, "teacher", college, email="not.yet@test.example", password=None)
    session.commit()
    reset = post_from(web, f"/users/{user.id}", f"/users/{user.id}/reset")
    assert "A link to choose a new password was sent to reset.me@test.example." in reset.text
    assert outbox_token(session, user.email, "password/reset")
    resent = post_from(web, f"/users/{invited.id}", f"/users/{invited.id}/resend")
    assert "Invitation sent to not.yet@test.example." in resent.text
    assert outbox_token(session, invited.email, "invitation")
    refused = post_from(web, f"/users/{user.id}", f"/users/{user.id}/resend")
    assert "has already accepted the invitation" in refused.text


def test_cannot_disable_oneself(web: TestClient, session: Session, platform_admin: User) -> None:
    page = web.get(f"/users/{platform_admin.id}").text
    assert f'href="/users/{platform_admin.id}/disable"' not in page
    response = post_from(web, "/users", f"/users/{platform_admin.id}/disable")
    assert "You cannot change your own role or disable your own account." in response.text
    session.refresh(platform_admin)
    assert platform_admin.is_active


def test_college_admin_sees_only_own_college(
    client: TestClient,
    session: Session,
    settings: Settings,
    college: College,
    platform_admin: User,
) -> None:
    office = make_user(session, "college_admin", college, email="office@test.example")
    mine = make_user(session, "teacher", college, email="mine@test.example")
    theirs = make_user(session, "teacher", make_college(session), email="theirs@test.example")
    session.commit()
    sign_in(client, session, office, settings)
    listed = client.get("/users").text
    assert "mine@test.example" in listed
    assert "theirs@test.example" not in listed
    assert platform_admin.email not in listed
    assert client.get(f"/users/{mine.id}").status_code == 200
    assert client.get(f"/users/{theirs.id}").status_code == 404
    assert client.get(f"/users/{platform_admin.id}").status_code == 404
    refused = post_from(client, "/users", f"/users/{theirs.id}/disable")
    assert refused.status_code == 404
    session.refresh(theirs)
    assert theirs.is_active
    invite_page = client.get("/users/invite").text
    assert 'value="platform_admin"' not in invite_page
    assert 'value="teacher"' in invite_page


def test_people_without_user_manage_cannot_open_account_pages(
    client: TestClient, session: Session, settings: Settings, college: College
) -> None:
    teacher = make_user(session, "teacher", college)
    session.commit()
    sign_in(client, session, teacher, settings)
    assert client.get("/users").status_code == 403
    assert client.get("/users/invite").status_code == 403
    assert client.get("/profile").status_code == 200
