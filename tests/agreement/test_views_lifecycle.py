"""The agreement pages through the life cycle: submit, approve, sign (the enterprise contact in
the platform), activate, terminate with a reason, refused steps, renewal and reviews."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement, AgreementEvent
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.agreement.helpers import advance, make_agreement
from tests.agreement.test_views import FUTURE, PAST, TODAY, Browser, post_from, running, step
from tests.factories import make_user
from tests.partner.helpers import make_contact_user


def test_the_whole_life_cycle_through_the_pages(
    session: Session,
    college: College,
    department: Department,
    partnership: Partnership,
    office: TestClient,
    browser: Browser,
) -> None:
    coordinator = browser(make_user(session, "department_coordinator", college, department))
    contact_user = make_contact_user(session, partnership.enterprise)
    agreement = make_agreement(
        session, partnership, start_date=PAST, end_date=FUTURE, number="AG-2026-01"
    )
    session.commit()
    contact = browser(contact_user)
    page = f"/agreements/{agreement.id}"
    assert contact.get(page).status_code == 404  # a draft stays within the college

    assert step(coordinator, agreement, "submit").status_code == 303
    assert "Approve" not in coordinator.get(page).text  # only the office approves
    assert step(office, agreement, "approve").status_code == 303
    session.refresh(agreement)
    assert agreement.status == "approved"

    html = office.get(page).text
    assert 'id="sign_college"' in html
    assert 'id="sign_paper"' in html
    signed = post_from(
        office,
        page,
        f"{page}/sign",
        {"party": "college", "signatory_name": "Principal Wang", "version": str(agreement.version)},
    )
    assert signed.status_code == 303
    assert "signature is still due" in office.get(page).text

    mine = contact.get(page)
    assert mine.status_code == 200
    assert 'id="sign_enterprise"' in mine.text
    assert 'id="sign_college"' not in mine.text
    session.refresh(agreement)
    signed = post_from(
        contact,
        page,
        f"{page}/sign",
        {"party": "enterprise", "signatory_name": "Director Li", "version": str(agreement.version)},
    )
    assert signed.status_code == 303, signed.text
    session.refresh(agreement)
    assert agreement.status == "signed"
    assert {s.party: s.on_paper for s in agreement.signatures} == {
        "college": False,
        "enterprise": False,
    }

    assert step(coordinator, agreement, "activate").status_code == 303
    session.refresh(agreement)
    assert agreement.status == "active"
    timeline = office.get(page).text
    timeline = timeline[timeline.index('id="timeline"') :]
    for label in ("Drafted", "Submit for review", "Approve", "Signature recorded", "Activate"):
        assert label in timeline
    actions = session.scalars(
        select(AgreementEvent.action).where(AgreementEvent.agreement_id == agreement.id)
    ).all()
    assert list(actions) == ["create", "submit", "approve", "signature", "sign", "activate"]
    theirs = contact.get(page).text
    theirs = theirs[theirs.index('id="timeline"') :]
    assert "Approve" in theirs
    assert "Submit for review" not in theirs  # the college's own drafting stays inside


def test_terminating_asks_first_and_needs_a_reason(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = running(session, partnership)
    session.commit()
    confirm = office.get(f"/agreements/{agreement.id}/confirm?action=terminate")
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.text
    assert 'name="reason"' in confirm.text
    url = f"/agreements/{agreement.id}/confirm?action=terminate"
    data = {"action": "terminate", "version": str(agreement.version)}
    refused = post_from(office, url, f"/agreements/{agreement.id}/transition", data)
    assert refused.status_code == 422
    assert 'id="e-reason"' in refused.text
    assert "Give the reason" in refused.text
    session.refresh(agreement)
    assert agreement.status == "active"
    done = post_from(
        office, url, f"/agreements/{agreement.id}/transition", {**data, "reason": "Plant closed"}
    )
    assert done.status_code == 303
    session.refresh(agreement)
    assert agreement.status == "terminated"
    assert agreement.close_reason == "Plant closed"
    assert "Plant closed" in office.get(f"/agreements/{agreement.id}").text


def test_an_illegal_step_is_refused_with_a_clear_message(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership)
    session.commit()
    response = step(office, agreement, "activate")
    assert response.status_code == 409
    assert "An agreement that is Draft cannot take the step “Activate”." in response.text
    forged = step(office, agreement, "explode")
    assert forged.status_code == 422
    session.refresh(agreement)
    assert agreement.status == "draft"


def test_submitting_incomplete_terms_names_what_is_missing(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership, modes=(2,), terms={})
    session.commit()
    page = office.get(f"/agreements/{agreement.id}").text
    assert 'id="missing"' in page
    assert "Joint training base" in page
    response = step(office, agreement, "submit")
    assert response.status_code == 422
    assert "2 · Equipment sharing · Joint training base: Mode 2 needs this term" in response.text
    session.refresh(agreement)
    assert agreement.status == "draft"


def test_renewing_drafts_the_successor(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = running(session, partnership, title="Year one")
    session.commit()
    page = f"/agreements/{agreement.id}/renew"
    form = office.get(page).text
    assert f'value="{(FUTURE + timedelta(days=1)).isoformat()}"' in form
    data = {
        "start_date": (FUTURE + timedelta(days=1)).isoformat(),
        "end_date": (FUTURE + timedelta(days=366)).isoformat(),
        "version": str(agreement.version),
    }
    response = post_from(office, page, page, data)
    assert response.status_code == 303
    successor = session.scalars(select(Agreement).where(Agreement.renews_id == agreement.id)).one()
    assert response.headers["location"] == f"/agreements/{successor.id}"
    assert successor.status == "draft"
    html = office.get(f"/agreements/{agreement.id}").text
    assert f'href="/agreements/{successor.id}"' in html
    assert "Renewed by" in html
    assert f'href="/agreements/{agreement.id}"' in office.get(f"/agreements/{successor.id}").text


def test_a_review_is_recorded(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = running(session, partnership, review_every_months=6)
    session.commit()
    page = f"/agreements/{agreement.id}"
    response = post_from(
        office, page, f"{page}/review", {"held_on": TODAY.isoformat(), "note": "All well"}
    )
    assert response.status_code == 303
    session.refresh(agreement)
    assert agreement.next_review_on is not None
    assert agreement.next_review_on > TODAY
    assert "All well" in office.get(page).text


def test_notice_of_non_renewal_is_for_the_office(
    session: Session,
    college: College,
    department: Department,
    partnership: Partnership,
    office: TestClient,
    browser: Browser,
) -> None:
    agreement = running(session, partnership, auto_renew=True)
    coordinator = browser(make_user(session, "department_coordinator", college, department))
    session.commit()
    page = f"/agreements/{agreement.id}"
    data = {"reason": "Moving the line abroad", "version": str(agreement.version)}
    assert post_from(coordinator, page, f"{page}/non-renewal", data).status_code == 403
    assert "Give notice of non-renewal" in office.get(page).text
    response = post_from(office, page, f"{page}/non-renewal", data)
    assert response.status_code == 303
    session.refresh(agreement)
    assert agreement.auto_renew is False
    html = office.get(page).text
    assert "Notice of non-renewal given" in html
    assert "Moving the line abroad" in html


def test_a_framework_agreement_lists_the_mode_agreements_under_it(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    form = {
        "partnership_id": str(partnership.id),
        "kind": "framework",
        "title": "Strategic framework",
        "start_date": PAST.isoformat(),
        "end_date": FUTURE.isoformat(),
    }
    created = post_from(office, "/agreements/new", "/agreements/new", form)
    assert created.status_code == 303, created.text
    framework = session.scalars(
        select(Agreement).where(Agreement.title == "Strategic framework")
    ).one()
    assert framework.kind == "framework"
    assert framework.modes == []
    child = make_agreement(
        session, partnership, title="Workshop under it", framework_id=framework.id
    )
    session.commit()
    html = office.get(f"/agreements/{framework.id}").text
    assert f'href="/agreements/{child.id}"' in html
    assert f'href="/agreements/{framework.id}"' in office.get(f"/agreements/{child.id}").text
    edit = office.get(f"/agreements/{child.id}/edit").text
    assert f'<option value="{framework.id}" selected>' in edit


def test_an_enterprise_contact_never_sees_a_framework_still_in_draft(
    session: Session, partnership: Partnership, office: TestClient, browser: Browser
) -> None:
    framework = make_agreement(
        session, partnership, modes=(), kind="framework", title="Draft framework"
    )
    child = make_agreement(
        session, partnership, title="Approved under it", framework_id=framework.id, number="C-1"
    )
    advance(session, child, "approved")
    session.commit()
    contact = browser(make_contact_user(session, partnership.enterprise))
    page = f"/agreements/{child.id}"
    assert "Draft framework" in office.get(page).text
    theirs = contact.get(page)
    assert theirs.status_code == 200
    assert "Draft framework" not in theirs.text
    assert f'href="/agreements/{framework.id}"' not in theirs.text
