"""The inbox page: own notices only, newest first, unread first-class; read, read all, run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.auth.models import User
from tandem.college.models import College
from tandem.inbox import service
from tandem.inbox.models import JobRun, Notice
from tandem.kit.dates import local_today
from tests.agreement.helpers import advance, make_agreement, partnership_for
from tests.conftest import csrf_from
from tests.factories import Browser, make_college, make_user
from tests.inbox.helpers import add_notice


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def office_user(session: Session, college: College) -> User:
    return make_user(session, "college_admin", college)


def post_on_inbox(client: TestClient, url: str, data: dict[str, str] | None = None) -> Any:
    token = csrf_from(client.get("/inbox").text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


def test_lists_own_notices_newest_first_with_unread_marked(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    add_notice(session, office_user, "Older and read", day=1, read=True)
    add_notice(session, office_user, "Newer and unread", day=5)
    add_notice(session, make_user(session, "college_admin", college), "Someone else's", day=6)
    page = browser(office_user).get("/inbox")
    assert page.status_code == 200
    assert page.text.index("Newer and unread") < page.text.index("Older and read")
    assert "Someone else" not in page.text
    assert "Unread notices: 1." in page.text
    assert page.text.count(">New</span>") == 1
    unread = browser(office_user).get("/inbox", params={"unread": "1"})
    assert "Newer and unread" in unread.text
    assert "Older and read" not in unread.text


def test_paginates(session: Session, office_user: User, browser: Browser) -> None:
    for day in range(1, 6):
        add_notice(session, office_user, f"Notice of day {day}", day=day)
    first = browser(office_user).get("/inbox", params={"per_page": "2"})
    assert "Notice of day 5" in first.text
    assert "Notice of day 4" in first.text
    assert "Notice of day 3" not in first.text
    assert "Page 1 of 3" in first.text
    third = browser(office_user).get("/inbox", params={"per_page": "2", "page": "3"})
    assert "Notice of day 1" in third.text
    assert "Notice of day 2" not in third.text


def test_mark_one_read_and_open_its_link(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    first = add_notice(session, office_user)
    second = add_notice(session, office_user, link="/agreements/7")
    client = browser(office_user)
    back = post_on_inbox(client, f"/inbox/{first.id}/read", {"next": "/inbox?unread=1"})
    assert back.status_code == 303
    assert back.headers["location"] == "/inbox?unread=1"
    session.refresh(first)
    assert first.read_at is not None
    opened = post_on_inbox(client, f"/inbox/{second.id}/read", {"open": "1"})
    assert opened.headers["location"] == "/agreements/7"
    elsewhere = post_on_inbox(client, f"/inbox/{second.id}/read", {"next": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/inbox"
    assert service.unread_count(session, office_user.id) == 0


def test_another_users_notice_is_not_found(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    theirs = add_notice(session, make_user(session, "college_admin", college))
    response = post_on_inbox(browser(office_user), f"/inbox/{theirs.id}/read")
    assert response.status_code == 404
    session.refresh(theirs)
    assert theirs.read_at is None


def test_read_all_marks_only_own(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    add_notice(session, office_user)
    add_notice(session, office_user)
    stranger = make_user(session, "teacher", college)
    theirs = add_notice(session, stranger)
    client = browser(office_user)
    response = post_on_inbox(client, "/inbox/read-all")
    assert response.status_code == 303
    assert "2 notices marked read." in client.get("/inbox").text
    assert service.unread_count(session, office_user.id) == 0
    assert service.unread_count(session, stranger.id) == 1
    session.refresh(theirs)
    assert theirs.read_at is None


def test_opening_the_inbox_runs_the_reminders_once_a_day(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    today = local_today()
    agreement = make_agreement(
        session,
        partnership_for(session, college),
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=20),
    )
    advance(session, agreement, "active", today=today)
    client = browser(office_user)
    page = client.get("/inbox")
    assert "Cooperation agreement" in page.text
    runs = session.scalars(select(JobRun).where(JobRun.job == "reminders")).all()
    assert [r.run_on for r in runs] == [today]
    session.refresh(agreement)
    assert agreement.status == AgreementStatus.EXPIRING
    count = service.unread_count(session, office_user.id)
    assert count == 2  # 90 and 30 days
    session.execute(delete(Notice).where(Notice.user_id == office_user.id))
    session.commit()
    client.get("/inbox")  # already ran today: nothing is written again
    assert service.unread_count(session, office_user.id) == 0


def test_run_now_for_the_office_only(
    session: Session, college: College, office_user: User, browser: Browser
) -> None:
    today = local_today()
    own = make_agreement(
        session,
        partnership_for(session, college),
        start_date=today - timedelta(days=300),
        end_date=today - timedelta(days=1),
    )
    advance(session, own, "active", today=today - timedelta(days=2))
    other_college = make_college(session)
    theirs = make_agreement(
        session,
        partnership_for(session, other_college),
        start_date=today - timedelta(days=300),
        end_date=today - timedelta(days=1),
    )
    advance(session, theirs, "active", today=today - timedelta(days=2))
    session.add(JobRun(job="reminders", run_on=today))  # the daily run is done already
    session.commit()
    client = browser(office_user)
    response = post_on_inbox(client, "/inbox/run")
    assert response.status_code == 303
    page = client.get("/inbox").text
    assert "Reminders run: 0 agreements activated, 0 marked expiring, 0 renewed" in page
    assert "1 ended; 1 notices written" in page
    session.refresh(own)
    session.refresh(theirs)
    assert own.status == AgreementStatus.ENDED
    assert theirs.status == AgreementStatus.ACTIVE  # another college's: not this office's run
    teacher = browser(make_user(session, "teacher", college))
    assert post_on_inbox(teacher, "/inbox/run").status_code == 403
    assert "Run reminders now" not in teacher.get("/inbox").text
    assert "Run reminders now" in page


def test_every_signed_in_role_has_an_inbox(
    session: Session, client: TestClient, college: College, browser: Browser
) -> None:
    anonymous = client.get("/inbox", follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")
    student = make_user(session, "student", college)
    add_notice(session, student, "For the student")
    assert "For the student" in browser(student).get("/inbox").text
