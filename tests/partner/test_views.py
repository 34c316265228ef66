"""The partner registry's pages: lists, forms that keep input, proposals, status changes, notes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.college.models import College, Department
from tandem.partner.models import Enterprise, EnterpriseChangeProposal, Partnership
from tests.conftest import csrf_from, post_form
from tests.factories import Browser, make_college, make_department, make_user
from tests.partner.helpers import (
    enterprise_data,
    make_contact_user,
    make_enterprise,
    make_partnership,
    make_teacher,
    valid_uscc,
)

SECRET = "CONFIDENTIAL-NOTE-42"
HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def office(session: Session, college: College, browser: Browser) -> TestClient:
    return browser(make_user(session, "college_admin", college))


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, str] | None = None, **kw: object
) -> Response:
    """Post to ``url`` with the CSRF token of ``page`` (forms that sit on another page)."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kw)  # type: ignore[arg-type]


# --- enterprises ---------------------------------------------------------------------------------


def test_list_searches_filters_sorts_and_answers_htmx(web: TestClient, session: Session) -> None:
    make_enterprise(session, name="Alpha Robotics", kind="state_owned", industry_section="I")
    make_enterprise(session, name="Beta Robotics", region_code="130100")
    make_enterprise(session, name="Gamma Foods")
    session.commit()
    page = web.get("/enterprises", params={"q": "robotics", "sort": "-name"})
    assert page.status_code == 200
    assert page.text.index("Beta Robotics") < page.text.index("Alpha Robotics")
    assert "Gamma Foods" not in page.text
    state = web.get("/enterprises", params={"kind": "state_owned", "q": "robotics"}).text
    assert "Alpha Robotics" in state
    assert "Beta Robotics" not in state
    hebei = web.get("/enterprises", params={"region": "13", "q": "robotics"}).text
    assert "Beta Robotics" in hebei
    assert "Alpha Robotics" not in hebei
    fragment = web.get("/enterprises", params={"q": "gamma"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment.text
    assert "Gamma Foods" in fragment.text


def test_a_college_sees_its_partnership_status_in_the_list(
    session: Session, college: College, office: TestClient
) -> None:
    enterprise = make_enterprise(session, name="Partner Co")
    partnership = make_partnership(session, college, enterprise, status="vetting")
    session.commit()
    html = office.get("/enterprises", params={"q": "Partner Co"}).text
    assert f'href="/partnerships/{partnership.id}"' in html
    assert "Under vetting" in html


def test_registration_errors_sit_beside_fields_and_keep_input(office: TestClient) -> None:
    response = post_form(
        office,
        "/enterprises/new",
        {"uscc": "9144 0101", "short_name": "保留的简称", "on_post_staff": "90"},
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="保留的简称"' in html
    assert 'value="9144 0101"' in html
    assert 'id="e-uscc"' in html
    assert "this one has 8" in html
    assert 'id="e-name"' in html
    assert 'id="e-staff_as_of"' in html
    assert "Please correct the fields marked below." in html


def test_registering_a_known_code_links_to_the_existing_record(
    office: TestClient, session: Session
) -> None:
    existing = make_enterprise(session, name="Known Firm")
    session.commit()
    response = post_form(office, "/enterprises/new", enterprise_data(uscc=existing.uscc))
    assert response.status_code == 409
    assert "already registered as Known Firm" in response.text
    assert f'href="/enterprises/{existing.id}"' in response.text


def test_register_with_first_count_and_contact(office: TestClient, session: Session) -> None:
    data = {
        **enterprise_data(name="New Firm"),
        "on_post_staff": "120",
        "staff_as_of": "2024-05-01",
        "contact_name": "Chen Jie",
        "contact_email": "chen@firm.example",
    }
    response = post_form(office, "/enterprises/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    detail = office.get(response.headers["location"]).text
    assert "New Firm registered." in detail
    assert "Chen Jie" in detail
    assert "120" in detail
    assert "Start a partnership" in detail
    assert "Propose a change" in detail
    assert ">Edit<" not in detail


def test_detail_shows_history_contacts_partnership_and_proposals(
    session: Session, college: College, office: TestClient
) -> None:
    from tandem.partner import proposals
    from tandem.partner.schemas import ProposalCreate
    from tests.partner.helpers import college_actor

    enterprise = make_enterprise(session, staff_count={"as_of": "2023-01-01", "on_post_staff": 77})
    partnership = make_partnership(session, college, enterprise)
    proposals.propose_change(
        session,
        actor=college_actor(session, college),
        enterprise=enterprise,
        data=ProposalCreate(changes={"address": "New Road 1"}, reason="They moved"),
    )
    session.commit()
    html = office.get(f"/enterprises/{enterprise.id}").text
    assert "77" in html
    assert f'href="/partnerships/{partnership.id}"' in html
    assert "They moved" in html
    assert "Start a partnership" not in html


def test_only_the_enterprise_and_platform_edit_directly(
    session: Session, college: College, office: TestClient, browser: Browser, web: TestClient
) -> None:
    own, other = make_enterprise(session, short_name="Old"), make_enterprise(session)
    contact = browser(make_contact_user(session, own))
    session.commit()
    assert office.get(f"/enterprises/{own.id}/edit").status_code == 403
    assert contact.get(f"/enterprises/{other.id}").status_code == 404
    assert contact.get(f"/enterprises/{other.id}/edit").status_code == 404
    page = f"/enterprises/{own.id}/edit"
    form = contact.get(page).text
    assert 'value="Old"' in form
    data = {
        "version": str(own.version),
        "uscc": own.uscc,
        "name": own.name,
        "kind": own.kind,
        "industry_section": own.industry_section,
        "size_band": own.size_band,
        "region_code": own.region_code,
        "address": "Pearl Road 8",
    }  # short_name left blank: it is cleared
    saved = post_form(contact, page, data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    session.expire_all()
    refreshed = session.get(Enterprise, own.id)
    assert refreshed is not None
    assert (refreshed.short_name, refreshed.address) == ("", "Pearl Road 8")
    stale = post_form(contact, page, {**data, "version": "1", "address": "Lost"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    assert web.get(page).status_code == 200


def test_staff_count_form_re_renders_the_detail_with_errors(
    web: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    session.commit()
    page = f"/enterprises/{enterprise.id}"
    bad = post_from(web, page, f"{page}/staff-counts", {"as_of": "2024-01-01"})
    assert bad.status_code == 422
    assert 'id="e-on_post_staff"' in bad.text
    assert 'value="2024-01-01"' in bad.text
    ok = post_from(
        web, page, f"{page}/staff-counts", {"as_of": "2024-01-01", "on_post_staff": "345"}
    )
    assert "Staff count for 2024-01-01 recorded." in ok.text
    again = post_from(
        web, page, f"{page}/staff-counts", {"as_of": "2024-01-01", "on_post_staff": "1"}
    )
    assert again.status_code == 409
    assert "already recorded (345)" in again.text
    count_id = enterprise.staff_counts[0].id
    deleted = post_from(web, page, f"{page}/staff-counts/{count_id}/delete")
    assert "Staff count for 2024-01-01 deleted." in deleted.text


def test_contact_pages(web: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session)
    session.commit()
    base = f"/enterprises/{enterprise.id}/contacts"
    missing = post_form(web, f"{base}/new", {"phone": "020 1234"})
    assert missing.status_code == 422
    assert 'id="e-name"' in missing.text
    assert 'value="020 1234"' in missing.text
    added = post_form(web, f"{base}/new", {"name": "Zhou Min", "role": "Trainer"})
    assert "Contact Zhou Min added." in added.text
    contact_id = enterprise.contacts[0].id
    edited = post_form(web, f"{base}/{contact_id}/edit", {"name": "Zhou Min", "role": ""})
    assert "Contact Zhou Min saved." in edited.text
    session.expire_all()
    assert [c.role for c in enterprise.contacts] == [""]
    removed = post_from(web, f"/enterprises/{enterprise.id}", f"{base}/{contact_id}/delete")
    assert "Contact Zhou Min removed." in removed.text


def test_archive_asks_first_then_archives_and_restores(web: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session, name="Closing Co")
    session.commit()
    confirm = web.get(f"/enterprises/{enterprise.id}/archive")
    assert "Archive Closing Co?" in confirm.text
    done = post_form(web, f"/enterprises/{enterprise.id}/archive", {"version": "1"})
    assert "Closing Co archived." in done.text
    assert (
        "Closing Co"
        not in web.get("/enterprises", params={"q": "Closing"}).text.split('id="results"')[1]
    )
    restored = post_from(
        web,
        f"/enterprises/{enterprise.id}",
        f"/enterprises/{enterprise.id}/restore",
        {"version": "2"},
    )
    assert "Closing Co restored." in restored.text


# --- proposals -----------------------------------------------------------------------------------


def test_a_college_proposes_and_the_enterprise_decides_on_pages(
    session: Session, college: College, office: TestClient, browser: Browser
) -> None:
    enterprise = make_enterprise(session, name="Old Name", short_name="ON")
    contact = browser(make_contact_user(session, enterprise))
    session.commit()
    page = f"/enterprises/{enterprise.id}/propose"
    form = office.get(page)
    assert 'value="Old Name"' in form.text
    values = {
        "uscc": enterprise.uscc,
        "name": "Old Name",
        "short_name": "ON",
        "kind": "private",
        "industry_section": "C",
        "size_band": "medium",
        "region_code": "440100",
    }
    nothing = post_form(office, page, {**values, "reason": "Check"})
    assert nothing.status_code == 422
    assert "change at least one field" in nothing.text
    no_reason = post_form(office, page, {**values, "name": "New Name"})
    assert 'id="e-reason"' in no_reason.text
    assert 'value="New Name"' in no_reason.text
    sent = post_form(office, page, {**values, "name": "New Name", "reason": "Renamed"})
    assert "Your proposal was sent to Old Name." in sent.text
    assert "New Name" in sent.text
    proposal = session.scalars(select(EnterpriseChangeProposal)).one()
    assert proposal.changes == {"name": "New Name"}
    assert "Accept and apply" not in sent.text

    inbox = contact.get("/proposals").text
    assert f'href="/proposals/{proposal.id}"' in inbox
    detail = f"/proposals/{proposal.id}"
    assert "Accept and apply" in contact.get(detail).text
    refused = post_from(contact, detail, f"{detail}/reject", {"note": ""})
    assert refused.status_code == 422
    assert 'id="e-note"' in refused.text
    accepted = post_from(contact, detail, f"{detail}/accept", {"note": "Thanks"})
    assert "Proposal accepted; the changes are saved." in accepted.text
    session.expire_all()
    assert session.get(Enterprise, enterprise.id).name == "New Name"  # type: ignore[union-attr]
    assert office.get(page).status_code == 200
    assert contact.get(page).status_code == 403


def test_platform_admins_edit_rather_than_propose(web: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session)
    session.commit()
    assert web.get(f"/enterprises/{enterprise.id}/propose").status_code == 403
    assert "Propose a change" not in web.get(f"/enterprises/{enterprise.id}").text


# --- partnerships --------------------------------------------------------------------------------


def test_start_a_partnership_from_the_enterprise_page(
    session: Session, college: College, department: Department, office: TestClient
) -> None:
    enterprise = make_enterprise(session, name="Robots Ltd")
    teacher = make_teacher(session, college, department, name="Zhang Wei")
    session.commit()
    page = f"/partnerships/new?enterprise_id={enterprise.id}"
    form = office.get(page).text
    assert "With Robots Ltd" in form
    assert "Zhang Wei" in form
    bad = post_form(
        office, page, {"enterprise_id": str(enterprise.id), "status": "active", "tags": "a, b"}
    )
    assert bad.status_code == 422
    assert 'id="e-start_date"' in bad.text
    assert 'value="a, b"' in bad.text
    made = post_form(
        office,
        page,
        {
            "enterprise_id": str(enterprise.id),
            "status": "prospect",
            "department_id": str(department.id),
            "account_manager_id": str(teacher.id),
            "tags": "机器人，订单班",
            "notes": SECRET,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    detail = office.get(made.headers["location"]).text
    assert "Partnership with Robots Ltd started." in detail
    assert SECRET in detail
    assert "Zhang Wei" in detail
    assert "订单班" in detail
    again = post_form(office, page, {"enterprise_id": str(enterprise.id)})
    assert again.status_code == 409
    assert made.headers["location"] in again.text


def test_start_by_uscc(session: Session, office: TestClient) -> None:
    enterprise = make_enterprise(session)
    session.commit()
    unknown = post_form(office, "/partnerships/new", {"enterprise_uscc": valid_uscc()})
    assert unknown.status_code == 422
    assert 'id="e-enterprise_uscc"' in unknown.text
    typed = f"{enterprise.uscc[:9]} {enterprise.uscc[9:].lower()}"
    made = post_form(
        office, "/partnerships/new", {"enterprise_uscc": typed}, follow_redirects=False
    )
    assert made.status_code == 303, made.text


def test_status_buttons_confirmation_to_end_and_timeline(
    session: Session, college: College, office: TestClient
) -> None:
    partnership = make_partnership(session, college, make_enterprise(session, name="Cycle Co"))
    session.commit()
    page = f"/partnerships/{partnership.id}"
    html = office.get(page).text
    assert "Move to Under vetting" in html
    assert f'href="/partnerships/{partnership.id}/end"' in html
    assert "Move to Active" not in html
    moved = post_from(office, page, f"{page}/status", {"status": "vetting", "version": "1"})
    assert "is now Under vetting" in moved.text
    assert "Move to Active" in moved.text
    assert 'name="start_date"' in moved.text
    no_date = post_from(office, page, f"{page}/status", {"status": "active", "version": "2"})
    assert no_date.status_code == 422
    assert 'id="e-start_date"' in no_date.text
    refused = post_from(office, page, f"{page}/status", {"status": "dormant", "version": "2"})
    assert refused.status_code == 409
    assert "can move only to: Active, Ended" in refused.text
    confirm = office.get(f"{page}/end").text
    assert "End the partnership with Cycle Co?" in confirm
    no_reason = post_form(office, f"{page}/end", {"version": "2"})
    assert no_reason.status_code == 422
    assert 'id="e-reason"' in no_reason.text
    ended = post_form(office, f"{page}/end", {"version": "2", "reason": "Plant closed"})
    assert "is now Ended" in ended.text
    assert "Plant closed" in ended.text
    assert "Started as" in ended.text
    assert "Move to Prospect" in ended.text


def test_edit_a_partnership(
    session: Session, college: College, department: Department, office: TestClient
) -> None:
    partnership = make_partnership(
        session, college, make_enterprise(session), department, tags=["x"], notes="old"
    )
    session.commit()
    page = f"/partnerships/{partnership.id}/edit"
    assert 'value="x"' in office.get(page).text
    saved = post_form(office, page, {"version": "1", "tags": "y, z", "notes": ""})
    assert "saved." in saved.text
    session.expire_all()
    changed = session.get(Partnership, partnership.id)
    assert changed is not None
    assert (changed.tags, changed.notes, changed.department_id) == (["y", "z"], "", None)
    stale = post_form(office, page, {"version": "1", "tags": "lost"})
    assert stale.status_code == 409


def test_partnership_list_filters_and_htmx(
    session: Session, college: College, department: Department, office: TestClient
) -> None:
    make_partnership(
        session, college, make_enterprise(session, name="Tagged Co"), department, tags=["机器人"]
    )
    make_partnership(session, college, make_enterprise(session, name="Plain Co"), status="vetting")
    make_partnership(session, make_college(session), make_enterprise(session, name="Foreign Co"))
    session.commit()
    everything = office.get("/partnerships").text
    assert "Tagged Co" in everything
    assert "Plain Co" in everything
    assert "Foreign Co" not in everything
    tagged = office.get("/partnerships", params={"tag": "机器人"}).text
    assert "Tagged Co" in tagged
    assert "Plain Co" not in tagged
    by_department = office.get("/partnerships", params={"department_id": department.id}).text
    assert "Plain Co" not in by_department
    fragment = office.get("/partnerships", params={"status": "vetting"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "Plain Co" in fragment.text
    assert "Tagged Co" not in fragment.text


def test_enterprise_contacts_never_see_notes_on_pages(
    session: Session, college: College, browser: Browser
) -> None:
    enterprise = make_enterprise(session, name="Watched Co")
    partnership = make_partnership(session, college, enterprise, notes=SECRET)
    contact = browser(make_contact_user(session, enterprise))
    session.commit()
    for url in (
        "/partnerships",
        f"/partnerships/{partnership.id}",
        f"/enterprises/{enterprise.id}",
        "/enterprises",
    ):
        response = contact.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.text, url
        assert "Internal notes" not in response.text, url
    assert "Watched Co" in contact.get("/partnerships").text
    assert contact.get(f"/partnerships/{partnership.id}/edit").status_code == 403
    assert "Move to" not in contact.get(f"/partnerships/{partnership.id}").text


def test_another_colleges_partnership_page_is_404(
    session: Session, college: College, browser: Browser
) -> None:
    partnership = make_partnership(session, college, make_enterprise(session))
    stranger = browser(make_user(session, "college_admin", make_college(session)))
    session.commit()
    assert stranger.get(f"/partnerships/{partnership.id}").status_code == 404
    assert stranger.get(f"/partnerships/{partnership.id}/end").status_code == 404
