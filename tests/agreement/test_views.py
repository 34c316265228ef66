"""The agreement pages: the list and its filters, drafting with per-mode terms, editing with
optimistic concurrency, the whole life cycle, and who sees and may do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.kit.dates import local_today
from tandem.kit.middleware import LANGUAGE_COOKIE
from tandem.partner.models import Partnership
from tests.agreement.helpers import advance, make_agreement
from tests.conftest import csrf_from
from tests.factories import make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership

Browser = Callable[[User], TestClient]
HTMX = {"HX-Request": "true", "HX-Target": "results"}
TODAY = local_today()
PAST, FUTURE = TODAY - timedelta(days=300), TODAY + timedelta(days=700)


def post_from(
    client: TestClient, page: str, url: str, data: dict[str, Any] | None = None, **kw: Any
) -> Response:
    """Post to ``url`` with the CSRF token of ``page`` (as the browser would from that page)."""
    token = csrf_from(client.get(page).text)
    kw.setdefault("follow_redirects", False)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kw)


def agreement_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agreement)) or 0


def running(session: Session, partnership: Partnership, **fields: Any) -> Agreement:
    """An active agreement that started in the past."""
    values: dict[str, Any] = {"start_date": PAST, "end_date": FUTURE}
    values.update(fields)
    agreement = make_agreement(session, partnership, **values)
    return advance(session, agreement, "active", today=TODAY)


# --- list ----------------------------------------------------------------------------------------


def test_list_filters_by_mode_status_and_expiry_and_answers_htmx(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    make_agreement(session, partnership, modes=(1,), title="Workshop draft")
    running(
        session,
        partnership,
        modes=(5,),
        title="Academy soon over",
        end_date=TODAY + timedelta(days=40),
    )
    running(session, partnership, modes=(1, 5), title="Long joint deal")
    session.commit()

    page = office.get("/agreements")
    assert page.status_code == 200
    assert all(t in page.text for t in ("Workshop draft", "Academy soon over", "Long joint deal"))
    assert 'title="5 · School–enterprise training"' in page.text
    assert 'href="/agreements/new"' in page.text

    by_mode = office.get("/agreements", params={"mode": "5"}).text
    assert "Academy soon over" in by_mode
    assert "Long joint deal" in by_mode
    assert "Workshop draft" not in by_mode

    active = office.get("/agreements", params={"status": "active"}).text
    assert "Workshop draft" not in active
    assert "Long joint deal" in active

    expiring = office.get("/agreements", params={"expiring_within": "90"}).text
    assert "Academy soon over" in expiring
    assert "Long joint deal" not in expiring
    assert "Workshop draft" not in expiring

    found = office.get("/agreements", params={"q": "acme", "sort": "-title"}).text
    assert found.index("Workshop draft") < found.index("Long joint deal")

    fragment = office.get("/agreements", params={"q": "academy"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment.text
    assert "Academy soon over" in fragment.text
    assert "Long joint deal" not in fragment.text


def test_list_narrowed_to_a_partnership(
    session: Session, college: College, partnership: Partnership, office: TestClient
) -> None:
    other = make_partnership(session, college, make_enterprise(session, name="Other Works"))
    make_agreement(session, partnership, title="Ours")
    make_agreement(session, other, title="Theirs")
    session.commit()
    html = office.get("/agreements", params={"partnership_id": str(partnership.id)}).text
    assert "Ours" in html
    assert "Theirs" not in html
    assert "Only the agreements with Acme Robotics." in html
    assert f"/agreements/new?partnership_id={partnership.id}" in html


# --- drafting ------------------------------------------------------------------------------------


def form_data(partnership: Partnership, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "partnership_id": str(partnership.id),
        "department_id": str(partnership.department_id),
        "kind": "mode",
        "title": "Robot workshop on campus",
        "number": "",
        "modes": ["1", "5"],
        "terms.1.venue": "Workshop B2",
        "terms.1.area_m2": "300",
        "terms.1.fee_kind": "lease",
        "terms.1.annual_fee": "12000",
        "terms.1.training_positions_per_term": "20",
        "terms.5.training_institution": "Acme Academy",
        "terms.5.joint_team": "3 trainers and 4 teachers",
        "terms.5.employees_to_train_per_year": "120",
        "start_date": PAST.isoformat(),
        "end_date": FUTURE.isoformat(),
        "college_signatory": "Principal Wang",
        "enterprise_signatory": "Director Li",
        "auto_renew": "on",
        "renewal_months": "12",
        "notice_days": "60",
        "value_money": "50000",
        "value_in_kind": "",
        "summary": "Acme produces on campus.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_drafting_an_agreement_with_terms_of_two_modes(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    form = office.get(f"/agreements/new?partnership_id={partnership.id}").text
    assert f'<option value="{partnership.id}" selected>Acme Robotics</option>' in form
    assert 'name="terms.7.simulated_site"' in form  # every mode's fieldset is there
    response = post_from(office, "/agreements/new", "/agreements/new", form_data(partnership))
    assert response.status_code == 303, response.text
    agreement = session.scalars(select(Agreement).where(Agreement.title.like("Robot%"))).one()
    assert response.headers["location"] == f"/agreements/{agreement.id}"
    assert agreement.status == "draft"
    assert agreement.mode_numbers == [1, 5]
    terms = {m.mode: m.terms for m in agreement.modes}
    assert terms[1] == {
        "venue": "Workshop B2",
        "area_m2": "300",
        "fee_kind": "lease",
        "annual_fee": "12000",
        "training_positions_per_term": 20,
    }
    assert terms[5]["employees_to_train_per_year"] == 120
    assert agreement.auto_renew
    assert agreement.renewal_months == 12
    assert agreement.notice_days == 60

    detail = office.get(response.headers["location"])
    assert "drafted." in detail.text  # the flash
    assert "Area (m²)" in detail.text
    assert "Lease" in detail.text
    assert "Acme Academy" in detail.text
    assert 'id="missing"' not in detail.text  # all required terms are there
    assert "Submit for review" in detail.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": FUTURE.isoformat(), "end_date": PAST.isoformat()},
            "end_date",
            "The end date must come after the start date.",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"terms.1.area_m2": "-5"}, "terms.1.area_m2", "Enter a number greater than 0."),
        (
            {"modes": ["1"], "terms.5.joint_team": "3 trainers and 4 teachers"},
            "terms-5",
            "Terms are given for mode 5, which the agreement does not have.",
        ),
        ({"modes": ["1", "9"]}, "modes", "9 is not a mode of cooperation"),
    ],
    ids=["dates-out-of-order", "missing-title", "negative-area", "unchosen-mode", "unknown-mode"],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    session: Session,
    partnership: Partnership,
    office: TestClient,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = agreement_count(session)
    data = form_data(partnership, **changes)
    response = post_from(office, "/agreements/new", "/agreements/new", data)
    assert response.status_code == 422
    html = response.text
    error = re.search(rf'<p class="error" id="e-{re.escape(field)}">([^<]*)</p>', html)
    assert error, f"no error beside {field}"
    assert message in error.group(1).replace("&#39;", "'")
    assert 'value="Acme Academy"' in html  # the input is kept
    assert 'value="Workshop B2"' in html
    assert agreement_count(session) == before


def test_terms_and_other_fields_are_reported_together(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    data = form_data(partnership, title="", **{"terms.5.employees_to_train_per_year": "many"})
    response = post_from(office, "/agreements/new", "/agreements/new", data)
    assert response.status_code == 422
    assert 'id="e-title"' in response.text
    assert 'id="e-terms.5.employees_to_train_per_year"' in response.text


# --- editing -------------------------------------------------------------------------------------


def test_editing_a_draft_and_a_stale_version(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership, modes=(1,), title="Old title")
    session.commit()
    page = f"/agreements/{agreement.id}/edit"
    form = office.get(page).text
    assert 'value="Old title"' in form
    assert 'value="Workshop B2"' in form
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version
    data = form_data(
        partnership,
        title="New title",
        modes=["1"],
        version=version.group(1),
        **{f"terms.5.{k}": None for k in ("training_institution", "joint_team")},
        **{"terms.5.employees_to_train_per_year": None, "terms.1.venue": "Hall C"},
    )
    data.pop("partnership_id")
    saved = post_from(office, page, page, data)
    assert saved.status_code == 303, saved.text
    session.refresh(agreement)
    assert agreement.title == "New title"
    assert agreement.modes[0].terms["venue"] == "Hall C"

    stale = post_from(office, page, page, {**data, "title": "Lost update"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    assert 'value="Lost update"' in stale.text
    session.refresh(agreement)
    assert agreement.title == "New title"


def test_an_approved_agreement_is_not_edited(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = advance(session, make_agreement(session, partnership), "approved")
    session.commit()
    response = office.get(f"/agreements/{agreement.id}/edit", follow_redirects=False)
    assert response.status_code == 303
    detail = office.get(response.headers["location"]).text
    assert "its terms no longer change" in detail
    assert f'href="/agreements/{agreement.id}/edit"' not in detail


def test_deleting_a_draft_asks_first(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership, title="Scrap me")
    session.commit()
    page = f"/agreements/{agreement.id}/delete"
    assert "This cannot be undone." in office.get(page).text
    response = post_from(office, page, page)
    assert response.status_code == 303
    assert session.scalar(select(Agreement.id).where(Agreement.id == agreement.id)) is None


# --- the life cycle ------------------------------------------------------------------------------


def step(client: TestClient, agreement: Agreement, action: str, **extra: str) -> Response:
    page = f"/agreements/{agreement.id}"
    version = re.search(r'name="version" value="(\d+)"', client.get(page).text)
    data = {"action": action, "version": version.group(1) if version else "", **extra}
    return post_from(client, page, f"{page}/transition", data)


# --- who sees what -------------------------------------------------------------------------------


def test_a_coordinator_of_another_department_is_refused(
    session: Session, college: College, partnership: Partnership, browser: Browser
) -> None:
    elsewhere = make_department(session, college)
    coordinator = browser(make_user(session, "department_coordinator", college, elsewhere))
    agreement = make_agreement(session, partnership, title="Not yours")
    session.commit()
    page = f"/agreements/{agreement.id}"
    html = coordinator.get(page).text  # the college's agreements are readable
    assert "Not yours" in html
    assert f'href="{page}/edit"' not in html
    assert "Submit for review" not in html
    assert coordinator.get(f"{page}/edit").status_code == 403
    refused = step(coordinator, agreement, "submit")
    assert refused.status_code == 403
    create = post_from(coordinator, "/agreements/new", "/agreements/new", form_data(partnership))
    assert create.status_code == 403
    assert "only their own department" in create.text
    session.refresh(agreement)
    assert agreement.status == "draft"


def test_an_enterprise_contact_sees_only_their_own_approved_agreements(
    session: Session,
    college: College,
    department: Department,
    partnership: Partnership,
    browser: Browser,
) -> None:
    stranger_co = make_enterprise(session, name="Stranger Ltd")
    stranger = make_partnership(session, college, stranger_co, department)
    draft = make_agreement(session, partnership, title="Internal draft")
    approved = advance(
        session, make_agreement(session, partnership, title="Ready to sign"), "approved"
    )
    foreign = advance(session, make_agreement(session, stranger, title="Not theirs"), "approved")
    contact = browser(make_contact_user(session, partnership.enterprise))
    session.commit()
    html = contact.get("/agreements").text
    assert "Ready to sign" in html
    assert "Internal draft" not in html
    assert "Not theirs" not in html
    assert 'href="/agreements/new"' not in html
    assert contact.get(f"/agreements/{draft.id}").status_code == 404
    assert contact.get(f"/agreements/{foreign.id}").status_code == 404
    detail = contact.get(f"/agreements/{approved.id}").text
    assert "Sign for the enterprise" in detail
    assert "Next steps" not in detail
    assert contact.get("/agreements/new").status_code == 403
    assert contact.get(f"/agreements/{approved.id}/edit").status_code == 403


def test_the_partnership_page_lists_its_agreements(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    running(session, partnership, modes=(1, 5), title="Joint academy")
    session.commit()
    html = office.get(f"/partnerships/{partnership.id}").text
    section = html[html.index('id="agreements"') : html.index(">History<")]
    assert "Joint academy" in section
    assert "Active" in section
    assert 'title="5 · School–enterprise training"' in section
    assert f'href="/agreements/new?partnership_id={partnership.id}"' in section


def test_the_detail_page_renders_in_chinese(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = running(session, partnership)
    session.commit()
    office.cookies.set(LANGUAGE_COOKIE, "zh_CN")
    for url in (f"/agreements/{agreement.id}", "/agreements"):
        response = office.get(url)
        assert response.status_code == 200
        assert '<html lang="zh-CN">' in response.text
        assert "二级学院" in response.text  # "Department", translated
    renew = office.get(f"/agreements/{agreement.id}/renew")
    assert renew.status_code == 200
    assert "取消" in renew.text
