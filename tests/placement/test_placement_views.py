"""Placement pages: the office's list with compliance badges and filters, the host's view, the
export, a student's proposal, the placement page (blocking items with what to do, warnings
with the override form, the records' sections), the confirmations, a mentor's students and a
student's own placement."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.roles import Role
from tandem.people.models import Teacher
from tandem.placement import gate
from tandem.placement.models import Placement
from tests.conftest import csrf_from
from tests.factories import Browser
from tests.placement.placement_factory import add_placement, provide_documents
from tests.placement.world import END, START, PlacementWorld, add_user


def test_the_office_list(browser: Browser, session: Session, world: PlacementWorld) -> None:
    blocked = add_placement(session, world.positions[0], world.seniors[0])
    gate.check(session, blocked)
    unchecked = add_placement(session, world.positions[2], world.seniors[1])
    office = browser(world.users["office"])
    page = office.get("/placements")
    assert page.status_code == 200
    assert world.seniors[0].name in page.text
    assert "Blocked" in page.text
    assert "Not checked" in page.text
    only = office.get("/placements", params={"compliance": "not_checked"})
    assert world.seniors[1].name in only.text
    assert world.seniors[0].name not in only.text
    found = office.get("/placements", params={"q": world.seniors[1].student_number})
    assert world.seniors[1].name in found.text
    assert world.seniors[0].name not in found.text
    fragment = office.get(
        "/placements",
        params={"status": "draft"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert "<html" not in fragment.text
    exported = office.get("/placements/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {rows[1][0], rows[2][0]} == {
        world.seniors[0].student_number,
        world.seniors[1].student_number,
    }
    assert unchecked.id


def test_the_host_sees_its_interns(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    add_placement(session, world.positions[0], world.seniors[0], enterprise_mentor_name="王师傅")
    add_placement(session, world.positions[2], world.seniors[1])
    page = browser(world.users["contact1"]).get("/placements")
    assert page.status_code == 200
    assert "Interns at my enterprise" in page.text
    assert "王师傅" in page.text
    assert world.seniors[0].name in page.text
    assert world.seniors[1].name not in page.text


def test_a_student_proposes_a_placement(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    student = browser(world.users["student"])
    form = student.get("/placements/new")
    assert form.status_code == 200
    assert 'name="student_id"' not in form.text
    token = csrf_from(form.text)
    wrong = student.post(
        "/placements/new",
        data={"csrf_token": token, "partnership_id": str(world.hosts[0].id), "title": "X"},
    )
    assert wrong.status_code == 422
    assert "This field is required." in wrong.text
    done = student.post(
        "/placements/new",
        data={
            "csrf_token": token,
            "partnership_id": str(world.hosts[0].id),
            "title": "Barista",
            "start_on": START.isoformat(),
            "end_on": END.isoformat(),
            "monthly_pay": "3500",
            "paid_in_money": "yes",
            "fees": "Deposit",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    placement = session.scalars(select(Placement).where(Placement.title == "Barista")).one()
    assert placement.fees == ["Deposit"]
    assert placement.student_id == world.seniors[0].id
    page = student.get(done.headers["location"])
    assert "Waiting for approval" in page.text
    assert "No fees may be charged" in page.text or "不得向学生收取" in page.text
    assert browser(world.users["teacher"]).get("/placements/new").status_code == 403


def test_the_placement_page_and_its_actions(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    placement = add_placement(
        session, world.positions[0], world.seniors[0], end_on=date(2027, 9, 20)
    )
    gate.check(session, placement)
    office = browser(world.users["office"])
    page = office.get(f"/placements/{placement.id}")
    assert page.status_code == 200
    assert "What bars the placement" in page.text
    assert "Generate the tripartite agreement below" in page.text
    assert 'id="agreement"' in page.text
    assert 'id="insurance"' in page.text
    assert 'id="consent"' in page.text
    token = csrf_from(page.text)

    refused = office.post(
        f"/placements/{placement.id}/transition", data={"csrf_token": token, "to": "ready"}
    )
    assert refused.status_code == 409
    assert "cannot become ready" in refused.text

    confirm = office.get(f"/placements/{placement.id}/transition", params={"to": "ended_early"})
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.text
    no_reason = office.post(
        f"/placements/{placement.id}/transition", data={"csrf_token": token, "to": "ended_early"}
    )
    assert no_reason.status_code == 422

    provide_documents(session, world, placement)
    page = office.get(f"/placements/{placement.id}")
    assert "Override this warning" in page.text
    empty = office.post(
        f"/placements/{placement.id}/overrides",
        data={"csrf_token": token, "rule_id": "cn2021.duration"},
    )
    assert empty.status_code == 422
    done = office.post(
        f"/placements/{placement.id}/overrides",
        data={"csrf_token": token, "rule_id": "cn2021.duration", "reason": "Course runs long"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = office.get(f"/placements/{placement.id}")
    assert "Course runs long" in page.text
    assert "Overrides on record" in page.text
    ready = office.post(
        f"/placements/{placement.id}/transition",
        data={"csrf_token": token, "to": "ready"},
        follow_redirects=False,
    )
    assert ready.status_code == 303
    session.refresh(placement)
    assert placement.status == "ready"
    edit = office.get(f"/placements/{placement.id}/edit")
    assert edit.status_code == 200
    saved = office.post(
        f"/placements/{placement.id}/edit",
        data={
            **{k: v for k, v in _form_values(edit.text).items()},
            "enterprise_mentor_name": "周师傅",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    session.refresh(placement)
    assert placement.enterprise_mentor_name == "周师傅"
    assert placement.status == "ready"  # the terms did not change
    assert (
        browser(world.users["teacher"]).get(f"/placements/{placement.id}/edit").status_code == 403
    )
    assert (
        browser(world.users["other_office"]).get(f"/placements/{placement.id}").status_code == 404
    )


def _form_values(html: str) -> dict[str, str]:
    import re

    values = dict(
        re.findall(
            r'<input id="f-(\w+)" name="\w+" type="(?:text|date|number)" value="([^"]*)"', html
        )
    )
    values["csrf_token"] = csrf_from(html)
    values["version"] = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    for name in ("venue_category", "labour_intensity"):
        chosen = re.search(rf'<select id="f-{name}".*?<option value="([^"]*)" selected', html, re.S)
        if chosen:
            values[name] = chosen.group(1)
    values["paid_in_money"] = "yes"
    return {k: v for k, v in values.items() if v != ""}


def test_approve_and_reject_pages(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    first = add_placement(session, world.positions[0], world.seniors[0], source="self_found")
    second = add_placement(session, world.positions[2], world.seniors[1], source="self_found")
    office = browser(world.users["office"])
    page = office.get(f"/placements/{first.id}")
    assert "Approve" in page.text
    token = csrf_from(page.text)
    approved = office.post(
        f"/placements/{first.id}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert approved.status_code == 303
    again = office.post(f"/placements/{first.id}/approve", data={"csrf_token": token})
    assert again.status_code == 409
    confirm = office.get(f"/placements/{second.id}/reject")
    assert confirm.status_code == 200
    refused = office.post(f"/placements/{second.id}/reject", data={"csrf_token": token})
    assert refused.status_code == 422
    rejected = office.post(
        f"/placements/{second.id}/reject",
        data={"csrf_token": token, "reason": "No agreement with the host"},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    session.refresh(second)
    assert second.status == "ended_early"
    assert "Rejected" in office.get(f"/placements/{second.id}").text


def test_my_students_puts_attention_first(
    browser: Browser, session: Session, world: PlacementWorld
) -> None:
    teacher = Teacher(
        college_id=world.college.id,
        staff_number="VT0001",
        name="黄老师",
        department_id=world.departments[0].id,
    )
    session.add(teacher)
    session.flush()
    user = add_user(session, Role.TEACHER, world.college, teacher_id=teacher.id)
    quiet = add_placement(
        session,
        world.positions[0],
        world.seniors[1],
        school_mentor_id=teacher.id,
        status="completed",
    )
    late = add_placement(
        session,
        world.positions[0],
        world.seniors[0],
        school_mentor_id=teacher.id,
        start_on=date(2020, 3, 1),
        end_on=date(2030, 3, 1),
    )
    gate.check(session, late)
    page = browser(user).get("/my-students")
    assert page.status_code == 200
    assert page.text.index(world.seniors[0].name) < page.text.index(world.seniors[1].name)
    assert "Not started although the start date has passed" in page.text
    assert "Blocked by the compliance check" in page.text
    assert quiet.id
    unbound = browser(world.users["teacher"]).get("/my-students")
    assert "not linked to a teacher record" in unbound.text


def test_my_placement(browser: Browser, session: Session, world: PlacementWorld) -> None:
    placement = add_placement(session, world.positions[0], world.seniors[0])
    from tandem.placement import tripartite

    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    page = browser(world.users["student"]).get("/my-placement")
    assert page.status_code == 200
    assert world.enterprises[0].name in page.text
    assert "Read and confirm the agreement" in page.text
    assert f"/placements/{placement.id}#agreement" in page.text
    office = browser(world.users["office"]).get("/my-placement")
    assert "This page is for students" in office.text
