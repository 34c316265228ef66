"""The steering bodies' pages: the list with overdue reviews, setting up, the body with its
members and meetings, forms that keep input, confirmations, and what each reader sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.agreement import steering
from tandem.agreement.models import SteeringBody
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.auth.models import User
from tandem.college.models import College
from tandem.kit.dates import local_today
from tandem.partner.models import Partnership
from tests.agreement.helpers import make_agreement, partnership_for
from tests.conftest import csrf_from, post_form
from tests.factories import ACTOR, make_department, make_user
from tests.partner.helpers import make_contact_user

Browser = Callable[[User], TestClient]
HTMX = {"HX-Request": "true", "HX-Target": "results"}
MINUTES = "We agreed to EXPAND-THE-ORDER-CLASS."


def make_body(session: Session, partnership: Partnership, **fields: Any) -> SteeringBody:
    today = local_today()
    values: dict[str, Any] = {
        "partnership_id": partnership.id,
        "name": "Robotics council",
        "established_on": today - timedelta(days=400),
        **fields,
    }
    body = steering.create_body(
        session, actor=ACTOR, data=SteeringBodyCreate.model_validate(values)
    )
    for name, side in (("Wang Fang", "college"), ("Li Hua", "enterprise")):
        steering.add_member(
            session, actor=ACTOR, body=body, data=SteeringMemberCreate(name=name, side=side)
        )
    for days, title in ((300, "Kick-off meeting"), (100, "Spring meeting")):
        steering.add_meeting(
            session,
            actor=ACTOR,
            body=body,
            data=SteeringMeetingCreate(
                held_on=today - timedelta(days=days),
                title=title,
                minutes=MINUTES if days == 100 else "",
                decisions=["Open an order class", "Share the CNC lab"] if days == 100 else [],
            ),
        )
    session.commit()
    return body


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, str] | None = None, **kw: Any
) -> Any:
    """Post to ``url`` with the CSRF token of ``page`` (forms that sit on another page)."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kw)


def test_the_list_shows_reviews_and_flags_overdue_ones(
    office: TestClient, session: Session, college: College, partnership: Partnership
) -> None:
    today = local_today()
    overdue = make_body(session, partnership, next_review_on=today - timedelta(days=3))
    upcoming = make_body(
        session,
        partnership_for(session, college),
        name="Logistics council",
        next_review_on=today + timedelta(days=30),
    )
    html = office.get("/steering-bodies").text
    assert f'href="/steering-bodies/{overdue.id}"' in html
    assert f'href="/partnerships/{partnership.id}"' in html
    assert "Acme Robotics" in html
    assert html.index("Robotics council") < html.index("Logistics council"), "soonest first"
    assert html.count(">Overdue<") == 1
    row = re.search(rf'<tr>\s*<td><a href="/partnerships/{partnership.id}".*?</tr>', html, re.S)
    assert row is not None
    assert "<td>2</td>" in row.group(0), "members counted"
    assert "Set up a steering body" in html
    only_overdue = office.get("/steering-bodies", params={"overdue": "yes"}).text
    assert "Robotics council" in only_overdue
    assert "Logistics council" not in only_overdue
    fragment = office.get("/steering-bodies", params={"q": "logistics"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment.text
    assert f'href="/steering-bodies/{upcoming.id}"' in fragment.text
    assert "Robotics council" not in fragment.text


def test_set_up_a_body_for_a_partnership(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    framework = make_agreement(
        session, partnership, modes=(), kind="framework", title="Framework 2025"
    )
    session.commit()
    page = f"/steering-bodies/new?partnership_id={partnership.id}"
    form = office.get(page).text
    assert "Acme Robotics" in form
    assert f'value="{partnership.id}"' in form
    assert "Framework 2025" in form
    response = post_form(
        office,
        page,
        {
            "partnership_id": str(partnership.id),
            "name": "Robotics council",
            "established_on": "2025-03-01",
            "review_every_months": "6",
            "framework_id": str(framework.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    detail = office.get(response.headers["location"]).text
    assert "Steering body Robotics council set up." in detail
    assert "Framework 2025" in detail
    assert f'href="/partnerships/{partnership.id}"' in detail
    again = office.get(page, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == response.headers["location"]


def test_the_set_up_form_keeps_input_and_places_errors(
    office: TestClient, session: Session, college: College, partnership: Partnership
) -> None:
    other = partnership_for(session, college)
    session.commit()
    chooser = office.get("/steering-bodies/new").text
    assert f'<option value="{partnership.id}"' in chooser
    response = post_form(
        office,
        "/steering-bodies/new",
        {
            "partnership_id": str(other.id),
            "name": "保留的名称",
            "established_on": "2025-03-01",
            "review_every_months": "0",
            "next_review_on": "2025-01-01",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="保留的名称"' in html
    assert 'id="e-review_every_months"' in html
    assert "Please correct the fields marked below." in html
    body = make_body(session, partnership)
    duplicate = post_form(
        office,
        "/steering-bodies/new",
        {"partnership_id": str(partnership.id), "name": "Again", "established_on": "2025-01-01"},
    )
    assert duplicate.status_code == 409
    assert "already has a steering body" in duplicate.text
    assert f'href="/steering-bodies/{body.id}"' in duplicate.text
    order = post_form(
        office,
        "/steering-bodies/new",
        {
            "partnership_id": str(other.id),
            "name": "X",
            "established_on": "2025-03-01",
            "next_review_on": "2025-01-01",
        },
    )
    assert order.status_code == 422
    assert 'id="e-next_review_on"' in order.text


def test_the_body_shows_members_by_side_and_meetings_newest_first(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    body = make_body(session, partnership)
    html = office.get(f"/steering-bodies/{body.id}").text
    assert html.index("Spring meeting") < html.index("Kick-off meeting")
    assert "<li>Open an order class</li>" in html
    assert "<li>Share the CNC lab</li>" in html
    assert MINUTES in html
    college_side, enterprise_side = html.split("<h3>Enterprise</h3>", 1)
    assert "Wang Fang" in college_side.split("<h3>College</h3>", 1)[1]
    assert "Li Hua" in enterprise_side.split("Add a member", 1)[0]
    assert f'href="/partnerships/{partnership.id}"' in html
    assert "Record a meeting" in html
    assert f'href="/steering-bodies/{body.id}/edit"' in html


def test_add_a_member_and_record_a_review(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    body = make_body(session, partnership, review_every_months=6)
    page = f"/steering-bodies/{body.id}"
    added = post_from(
        office,
        page,
        f"{page}/members",
        {"name": "Zhao Lei", "side": "enterprise", "position": "HR director"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Zhao Lei added to the steering body." in office.get(page).text
    held = local_today() - timedelta(days=10)
    recorded = post_from(
        office,
        page,
        f"{page}/meetings",
        {
            "held_on": held.isoformat(),
            "title": "Half-year review",
            "minutes": "Reviewed the year.",
            "decisions": "Extend the order class\n\n  Add a mode-5 course  \n",
            "is_review": "yes",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    session.expire_all()
    refreshed = session.get(SteeringBody, body.id)
    assert refreshed is not None
    review = next(m for m in refreshed.meetings if m.title == "Half-year review")
    assert review.decisions == ["Extend the order class", "Add a mode-5 course"]
    assert review.is_review
    assert refreshed.next_review_on is not None
    assert refreshed.next_review_on > local_today()
    html = office.get(page).text
    assert "Review meeting recorded; the next review is due on" in html
    assert "Zhao Lei" in html
    assert ">Overdue<" not in html


def test_meeting_and_member_errors_sit_beside_their_fields(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    body = make_body(session, partnership)
    page = f"/steering-bodies/{body.id}"
    early = post_from(
        office,
        page,
        f"{page}/meetings",
        {
            "held_on": "2000-01-01",
            "title": "Too early",
            "decisions": "Kept decision",
            "is_review": "yes",
        },
    )
    assert early.status_code == 422
    assert 'id="e-held_on"' in early.text
    assert "a meeting cannot come before that" in early.text
    assert 'value="Too early"' in early.text
    assert "Kept decision</textarea>" in early.text
    long = post_from(
        office,
        page,
        f"{page}/meetings",
        {"held_on": "2025-05-01", "title": "T", "decisions": "x" * 501},
    )
    assert long.status_code == 422
    assert 'id="e-decisions"' in long.text
    member = post_from(office, page, f"{page}/members", {"side": "enterprise", "position": "CTO"})
    assert member.status_code == 422
    assert 'id="e-name"' in member.text
    assert 'value="CTO"' in member.text
    assert 'id="e-held_on"' not in member.text
    session.expire_all()
    refreshed = session.get(SteeringBody, body.id)
    assert refreshed is not None
    assert (len(refreshed.meetings), len(refreshed.members)) == (2, 2)


def test_remove_a_member_and_delete_a_meeting_after_confirming(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    body = make_body(session, partnership)
    member = next(m for m in body.members if m.name == "Li Hua")
    meeting = next(m for m in body.meetings if m.title == "Spring meeting")
    page = f"/steering-bodies/{body.id}"
    confirm = f"{page}/members/{member.id}/delete"
    question = office.get(confirm).text
    assert "Remove Li Hua (Enterprise) from Robotics council?" in question
    removed = post_form(office, confirm, {}, follow_redirects=False)
    assert removed.status_code == 303
    confirm = f"{page}/meetings/{meeting.id}/delete"
    assert "Spring meeting" in office.get(confirm).text
    deleted = post_form(office, confirm, {}, follow_redirects=False)
    assert deleted.status_code == 303
    html = office.get(page).text
    assert "Li Hua" not in html
    assert "Meeting Spring meeting deleted." in html
    assert "Kick-off meeting" in html
    missing = post_from(office, page, f"{page}/meetings/999999/delete")
    assert missing.status_code == 404


def test_edit_a_body(office: TestClient, session: Session, partnership: Partnership) -> None:
    body = make_body(session, partnership)
    page = f"/steering-bodies/{body.id}/edit"
    form = office.get(page).text
    assert 'value="Robotics council"' in form
    saved = post_form(
        office,
        page,
        {
            "name": "Robotics and automation council",
            "established_on": body.established_on.isoformat(),
            "review_every_months": "6",
            "next_review_on": "",
            "version": str(body.version),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    html = office.get(f"/steering-bodies/{body.id}").text
    assert "Robotics and automation council" in html
    assert "None planned" in html
    assert "Every 6 months" in html
    blank = post_form(office, page, {"name": "", "established_on": "", "version": "2"})
    assert blank.status_code == 422
    assert 'id="e-name"' in blank.text
    assert 'id="e-established_on"' in blank.text
    stale = post_form(
        office,
        page,
        {"name": "Lost", "established_on": body.established_on.isoformat(), "version": "1"},
    )
    assert stale.status_code == 409
    assert 'value="Lost"' in stale.text


def test_the_enterprise_reads_the_minutes_but_sees_no_forms(
    session: Session, browser: Browser, partnership: Partnership, college: College
) -> None:
    body = make_body(session, partnership)
    other = make_body(session, partnership_for(session, college), name="Another council")
    contact = browser(make_contact_user(session, partnership.enterprise))
    html = contact.get(f"/steering-bodies/{body.id}").text
    assert MINUTES in html
    assert "<li>Open an order class</li>" in html
    assert "Record a meeting" not in html
    assert "Add a member" not in html
    assert "/edit" not in html
    listed = contact.get("/steering-bodies").text
    assert "Robotics council" in listed
    assert "Another council" not in listed
    assert "Set up a steering body" not in listed
    assert contact.get(f"/steering-bodies/{other.id}").status_code == 404
    assert contact.get(f"/steering-bodies/{body.id}/edit").status_code == 403


def test_a_coordinator_of_another_department_reads_but_does_not_manage(
    session: Session, browser: Browser, partnership: Partnership, college: College
) -> None:
    body = make_body(session, partnership)
    stranger = browser(
        make_user(session, "department_coordinator", college, make_department(session, college))
    )
    html = stranger.get(f"/steering-bodies/{body.id}").text
    assert "Robotics council" in html
    assert "Record a meeting" not in html
    assert stranger.get(f"/steering-bodies/{body.id}/edit").status_code == 403
    member = body.members[0]
    assert stranger.get(f"/steering-bodies/{body.id}/members/{member.id}/delete").status_code == 403
    page = f"/steering-bodies/{body.id}"
    refused = post_from(stranger, page, f"{page}/members", {"name": "X", "side": "college"})
    assert refused.status_code == 403


def test_pages_in_chinese_render(
    office: TestClient, session: Session, partnership: Partnership
) -> None:
    body = make_body(session, partnership)
    office.cookies.set("tandem_lang", "zh_CN")
    member, meeting = body.members[0], body.meetings[0]
    for path in (
        "/steering-bodies",
        "/steering-bodies/new",
        f"/steering-bodies/{body.id}",
        f"/steering-bodies/{body.id}/edit",
        f"/steering-bodies/{body.id}/members/{member.id}/delete",
        f"/steering-bodies/{body.id}/meetings/{meeting.id}/delete",
    ):
        response = office.get(path)
        assert response.status_code == 200, path
        assert '<html lang="zh-CN">' in response.text, path
    detail = office.get(f"/steering-bodies/{body.id}").text
    assert "企业" in detail
