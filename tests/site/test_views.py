from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.config import Settings
from tandem.inbox.models import JobRun, Notice
from tandem.kit.dates import local_today
from tandem.site.views import safe_next
from tests.agreement.helpers import advance, make_agreement, partnership_for
from tests.factories import make_college, make_department, make_user, sign_in


def test_home_page_shows_colleges_and_recent_changes(web: TestClient, session: Session) -> None:
    client = web
    college = make_college(session, "HOME1", name_en="Home College")
    make_department(session, college)
    make_department(session, college)
    session.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert "The seven modes of cooperation" in response.text
    assert "Home College" in response.text
    assert "2 departments" in response.text
    assert "created college" in response.text
    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert "2 个二级学院" in chinese
    assert "新建了 院校" in chinese


def test_security_headers_on_pages_api_errors_and_static(client: TestClient) -> None:
    for path in ["/", "/api/v1/colleges", "/no-such-page", "/static/css/app.css", "/api/docs"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_language_from_accept_language_then_from_the_switcher(web: TestClient) -> None:
    client = web
    assert "首页" in client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-US"}).text
    switched = client.get(
        "/language/zh_CN", params={"next": "/colleges?q=a"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/colleges?q=a"
    assert "tandem_lang=zh_CN" in switched.headers["set-cookie"]
    client.cookies.set("tandem_lang", "zh_CN")
    page = client.get("/colleges", headers={"Accept-Language": "en"})
    assert '<html lang="zh-CN">' in page.text
    assert "登记院校" in page.text


def test_unknown_language_is_ignored(client: TestClient) -> None:
    response = client.get("/language/xx", follow_redirects=False)
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/colleges", "/colleges"),
        ("https://evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil", "/"),
        (None, "/"),
        ("", "/"),
    ],
)
def test_language_switch_never_redirects_off_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_not_found_page_and_problem(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "There is no page at this address." in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_server_error_shows_no_trace(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    @app.get("/api/v1/boom")
    def api_boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        assert page.status_code == 500
        assert "hunter2" not in page.text
        assert "Traceback" not in page.text
        assert "Something went wrong on our side" in page.text
        api = client.get("/api/v1/boom")
        assert api.status_code == 500
        assert api.json()["code"] == "server_error"
        assert "hunter2" not in api.text


def test_method_not_allowed_is_a_problem(client: TestClient) -> None:
    response = client.put("/api/v1/colleges")
    assert response.status_code == 405
    assert response.json()["code"] == "http_405"


def test_api_docs_are_served_offline(client: TestClient) -> None:
    html = client.get("/api/docs").text
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert scripts
    assert all(src.startswith("/static/") for src in scripts)
    for src in scripts:
        assert client.get(src).status_code == 200


def test_pages_load_only_local_assets(web: TestClient) -> None:
    client = web
    html = client.get("/").text
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        assert not url.startswith(("http:", "https:", "//")), url


def test_health_endpoints(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_each_role_gets_its_own_home(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """The cooperation office sees its partnerships and people; a student sees neither."""
    from tandem.partner.models import Enterprise, Partnership
    from tests.factories import make_user, sign_in

    college = make_college(session, "HOMEC")
    other = make_college(session, "HOMEX")
    for number, (owner, status) in enumerate(
        [(college, "active"), (college, "vetting"), (other, "active")]
    ):
        enterprise = Enterprise(
            uscc=f"91440100MA{number:07d}",
            name=f"企业{number}",
            kind="private",
            industry_section="C",
            size_band="small",
            region_code="440100",
        )
        session.add(enterprise)
        session.flush()
        session.add(Partnership(college_id=owner.id, enterprise_id=enterprise.id, status=status))
    office = make_user(session, "college_admin", college)
    student = make_user(session, "student", college)
    session.commit()
    page = sign_in(client, session, office, settings).get("/").text
    assert "Partnerships by status" in page
    assert "企业1" in page  # waiting for vetting
    assert "企业2" not in page  # another college's partnership
    assert "Students enrolled" in page
    client.cookies.clear()
    student_page = sign_in(client, session, student, settings).get("/").text
    assert "Partnerships by status" not in student_page
    assert "Students enrolled" not in student_page
    assert "Your placements" in student_page


def test_the_office_home_shows_agreements_and_runs_the_days_reminders(
    client: TestClient, session: Session, settings: Settings
) -> None:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    today = local_today()
    ending = make_agreement(
        session,
        partnership,
        title="Ends soon",
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=20),
    )
    advance(session, ending, "active", today=today)
    waiting = make_agreement(session, partnership, title="Awaits signature", number="AG-W")
    advance(session, waiting, "approved", today=today)
    office = make_user(session, "college_admin", college)
    sign_in(client, session, office, settings)

    html = client.get("/").text
    assert "Agreements by status" in html
    assert "Awaits signature" in html  # awaiting signature
    assert "Ends soon" in html  # ending within 90 days
    session.expire_all()
    assert ending.status == AgreementStatus.EXPIRING  # the day's reminder run moved it
    runs = session.scalars(select(JobRun).where(JobRun.run_on == today)).all()
    assert len(runs) == 1
    notices = session.scalars(select(Notice).where(Notice.user_id == office.id)).all()
    assert {n.kind for n in notices} == {"agreement_ends"}
    assert 'class="count">' in client.get("/").text  # the unread badge beside "Inbox"
    assert len(session.scalars(select(JobRun)).all()) == 1  # once a day
