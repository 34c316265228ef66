"""The insurance pages: the list (search, filters, export) by role, adding (also from a
placement, linked at once), the policy with its placements, linking by plan or student numbers,
unlinking, editing, deleting with a confirmation, the placements that need cover, and the
placement page's section."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.kit.web import templates
from tandem.placement import insurance
from tandem.placement.models_records import InsurancePolicy, policy_placement
from tests.conftest import csrf_from, post_form
from tests.factories import Browser
from tests.placement.insurance_helpers import Insured, add_policy, insured
from tests.placement.world import PlacementWorld

LIST = "/insurance-policies"


@pytest.fixture
def ins(session: Session, world: PlacementWorld) -> Insured:
    found = insured(session, world)
    session.commit()
    return found


def _as(browser: Browser, world: PlacementWorld, name: str) -> TestClient:
    return browser(world.users[name])


def _linked(session: Session, policy_id: int) -> set[int]:
    stmt = select(policy_placement.c.placement_id).where(policy_placement.c.policy_id == policy_id)
    return set(session.scalars(stmt))


def _post(client: TestClient, page: str, url: str, data: dict[str, Any]) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_list_by_role(
    browser: Browser, world: PlacementWorld, ins: Insured, session: Session
) -> None:
    add_policy(session, world.college.id, ins.second, number="A-HOST2", insurer="太平洋保险")
    session.commit()
    office = _as(browser, world, "office").get(LIST)
    assert office.status_code == 200
    assert "A-2027-001" in office.text
    assert "A-HOST2" in office.text
    assert "B-2027-001" not in office.text
    assert 'href="/insurance-policies/new"' in office.text
    contact = _as(browser, world, "contact1").get(LIST)
    assert "A-2027-001" in contact.text
    assert "A-HOST2" not in contact.text
    assert 'href="/insurance-policies/new"' not in contact.text
    student = _as(browser, world, "student").get(LIST)
    assert "A-2027-001" in student.text
    assert "A-HOST2" not in student.text
    searched = _as(browser, world, "office").get(LIST, params={"q": "太平洋"})
    assert "A-HOST2" in searched.text
    assert "A-2027-001" not in searched.text
    covering = _as(browser, world, "office").get(LIST, params={"covering": "2027-07-10"})
    assert "No insurance policies match." in covering.text
    junk = _as(browser, world, "office").get(LIST, params={"covering": "soon", "paid_by": "x"})
    assert junk.status_code == 200  # a hand-edited address is ignored, not an error


def test_the_export(browser: Browser, world: PlacementWorld, ins: Insured) -> None:
    response = _as(browser, world, "contact1").get(f"{LIST}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "Remarks" not in rows[0]  # the college's own
    assert [row[1] for row in rows[1:]] == ["A-2027-001"]


def test_add_edit_and_delete_a_policy(
    browser: Browser, world: PlacementWorld, session: Session
) -> None:
    office = _as(browser, world, "office")
    form = office.get(f"{LIST}/new")
    assert "the rule set then blocks every placement" in form.text
    bad = post_form(
        office,
        f"{LIST}/new",
        {
            "insurer": "平安",
            "number": "P-1",
            "start_on": "2027-03-01",
            "end_on": "2027-02-01",
            "paid_by": "college",
        },
    )
    assert bad.status_code == 422
    assert "enter an end date on or after the start date" in bad.text
    done = post_form(
        office,
        f"{LIST}/new",
        {
            "insurer": "平安",
            "number": "P-1",
            "start_on": "2027-03-01",
            "end_on": "2027-08-31",
            "premium": "60",
            "paid_by": "college",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    policy = session.scalars(select(InsurancePolicy).where(InsurancePolicy.number == "P-1")).one()
    url = f"{LIST}/{policy.id}"
    assert done.headers["location"] == url
    page = office.get(url)
    assert "This policy covers no placement yet." in page.text
    edit = office.get(f"{url}/edit")
    assert 'name="version"' in edit.text
    saved = post_form(
        office,
        f"{url}/edit",
        {
            "insurer": "平安",
            "number": "P-1",
            "start_on": "2027-03-01",
            "end_on": "2027-09-30",
            "paid_by": "host",
            "version": str(policy.version),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.refresh(policy)
    assert policy.paid_by == "host"
    assert policy.premium is None
    policy_id = policy.id
    confirm = office.get(f"{url}/delete")
    assert "It covers no placement." in confirm.text
    deleted = _post(office, f"{url}/delete", f"{url}/delete", {})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == LIST
    session.expire_all()
    assert session.get(InsurancePolicy, policy_id) is None


def test_delete_is_refused_while_linked(
    browser: Browser, world: PlacementWorld, ins: Insured
) -> None:
    office = _as(browser, world, "office")
    url = f"{LIST}/{ins.policy.id}"
    confirm = office.get(f"{url}/delete")
    assert "unlink them first" in confirm.text
    refused = _post(office, url, f"{url}/delete", {})
    assert refused.status_code == 409


def test_link_by_plan_and_student_numbers_then_unlink(
    browser: Browser, world: PlacementWorld, ins: Insured, session: Session
) -> None:
    office = _as(browser, world, "office")
    url = f"{LIST}/{ins.policy.id}"
    page = office.get(url)
    assert world.seniors[0].student_number in page.text
    assert f'<option value="{world.plan.id}"' in page.text
    numbers = f"{world.seniors[1].student_number}, {world.seniors[2].student_number}"
    linked = _post(office, url, f"{url}/link", {"student_numbers": numbers})
    assert linked.status_code == 303
    assert _linked(session, ins.policy.id) == {ins.mine.id, ins.second.id, ins.third.id}
    unknown = _post(office, url, f"{url}/link", {"student_numbers": "NOPE-1"})
    assert unknown.status_code == 422
    assert "NOPE-1" in unknown.text
    unlinked = _post(
        office, url, f"{url}/unlink", {"placement_ids": [str(ins.second.id), str(ins.third.id)]}
    )
    assert unlinked.status_code == 303
    assert unlinked.headers["location"] == url
    assert _linked(session, ins.policy.id) == {ins.mine.id}
    by_plan = _post(office, url, f"{url}/link", {"plan_id": str(world.plan.id)})
    assert by_plan.status_code == 303
    assert len(_linked(session, ins.policy.id)) == 3


def test_readers_see_no_forms_and_another_colleges_policy_is_hidden(
    browser: Browser, world: PlacementWorld, ins: Insured
) -> None:
    url = f"{LIST}/{ins.policy.id}"
    contact = _as(browser, world, "contact1").get(url)
    assert contact.status_code == 200
    assert f"{url}/link" not in contact.text
    assert f"{url}/edit" not in contact.text
    assert _as(browser, world, "contact2").get(url).status_code == 404
    assert _as(browser, world, "office").get(f"{LIST}/{ins.other_policy.id}").status_code == 404
    assert _as(browser, world, "teacher").get(f"{LIST}/new").status_code == 403


def test_a_new_policy_from_a_placement_is_linked_to_it(
    browser: Browser, world: PlacementWorld, ins: Insured, session: Session
) -> None:
    office = _as(browser, world, "office")
    new = f"{LIST}/new?placement_id={ins.second.id}"
    form = office.get(new)
    assert 'value="2027-03-01"' in form.text
    assert f'name="placement_id" value="{ins.second.id}"' in form.text
    token = csrf_from(form.text)
    done = office.post(
        f"{LIST}/new",
        data={
            "csrf_token": token,
            "placement_id": str(ins.second.id),
            "insurer": "平安",
            "number": "FOR-2",
            "start_on": "2027-03-01",
            "end_on": "2027-08-31",
            "paid_by": "college",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/placements/{ins.second.id}"
    policy = session.scalars(select(InsurancePolicy).where(InsurancePolicy.number == "FOR-2")).one()
    assert _linked(session, policy.id) == {ins.second.id}
    other = office.get(f"{LIST}/new?placement_id={ins.other_placement.id}")
    assert other.status_code == 404


def test_link_an_existing_policy_from_the_placement(
    browser: Browser, world: PlacementWorld, ins: Insured, session: Session
) -> None:
    office = _as(browser, world, "office")
    token = csrf_from(office.get(LIST).text)
    url = f"/placements/{ins.second.id}/insurance"
    done = office.post(
        url, data={"csrf_token": token, "policy_id": str(ins.policy.id)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/placements/{ins.second.id}"
    assert ins.second.id in _linked(session, ins.policy.id)
    foreign = office.post(
        url,
        data={"csrf_token": token, "policy_id": str(ins.other_policy.id)},
        follow_redirects=False,
    )
    assert foreign.status_code == 303  # back to the placement, with the error flashed
    assert ins.second.id not in _linked(session, ins.other_policy.id)
    student = _as(browser, world, "student")
    token = csrf_from(student.get(LIST).text)
    assert student.post(url, data={"csrf_token": token, "policy_id": "1"}).status_code == 403


def test_placements_that_need_cover(browser: Browser, world: PlacementWorld, ins: Insured) -> None:
    page = _as(browser, world, "office").get(f"{LIST}/needs-cover")
    assert page.status_code == 200
    assert world.seniors[1].name in page.text  # no policy at all
    assert "not covered 2027-07-01 – 2027-08-31" in page.text  # the bound student's gap
    assert _as(browser, world, "teacher").get(f"{LIST}/needs-cover").status_code == 403
    assert _as(browser, world, "contact1").get(f"{LIST}/needs-cover").status_code == 403


def test_the_section_template(session: Session, world: PlacementWorld, ins: Insured) -> None:
    add_policy(session, world.college.id, number="SPARE")

    def render(who: str) -> str:
        section = insurance.section(session, actor=world.actor(who), placement=ins.mine)
        return templates.env.get_template("placement/section_insurance.html").render(
            insurance_section=section, csrf_token="t"
        )

    office = render("office")
    assert "not covered 2027-07-01 – 2027-08-31" in office
    assert '<rect x="0.0"' in office
    assert 'class="gap"' in office
    assert f'action="/placements/{ins.mine.id}/insurance"' in office
    assert f"/insurance-policies/new?placement_id={ins.mine.id}" in office
    assert "style=" not in office
    student = render("student")
    assert "A-2027-001" in student
    assert "/unlink" not in student
    assert "Add a new policy" not in student
