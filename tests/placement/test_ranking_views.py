"""The ranking pages: a student's list (buttons, htmx, refusals) and a host's applicants."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement.models import HostRank, Preference
from tests.conftest import csrf_from
from tests.factories import Browser
from tests.placement.ranking_helpers import in_phase, listed
from tests.placement.world import PlacementWorld

HTMX = {"HX-Request": "true", "HX-Target": "ranking"}


def _list(session: Session, w: PlacementWorld, index: int = 0) -> list[int]:
    return list(
        session.scalars(
            select(Preference.position_id)
            .where(Preference.student_id == w.seniors[index].id)
            .order_by(Preference.rank)
        )
    )


def test_a_student_builds_their_list_with_the_buttons(
    session: Session, world: PlacementWorld, browser: Browser
) -> None:
    w = world
    in_phase(session, w, "student_ranking")
    session.commit()
    page_url = f"/placement-plans/{w.plan.id}/my-preferences"
    me = browser(w.users["student"])
    page = me.get(page_url)
    assert page.status_code == 200
    assert "My positions" in page.text
    assert w.positions[2].title in page.text
    assert f'value="add:{w.positions[2].id}"' in page.text
    token = csrf_from(page.text)
    p = [x.id for x in w.positions]
    for op in (f"add:{p[2]}", f"add:{p[0]}"):
        done = me.post(page_url, data={"op": op, "csrf_token": token}, follow_redirects=False)
        assert done.status_code == 303
        assert done.headers["location"] == page_url
    assert _list(session, w) == [p[2], p[0]]
    up = me.post(page_url, data={"op": f"up:{p[0]}", "csrf_token": token}, headers=HTMX)
    assert up.status_code == 200
    assert "<html" not in up.text
    assert 'id="ranking"' in up.text
    assert "Your list is saved." in up.text
    assert _list(session, w) == [p[0], p[2]]
    me.post(page_url, data={"op": f"remove:{p[2]}", "csrf_token": token})
    assert _list(session, w) == [p[0]]
    # closed: the reason, with the date, in place of the buttons
    in_phase(session, w, "host_ranking")
    session.commit()
    refused = me.post(page_url, data={"op": f"add:{p[1]}", "csrf_token": token}, headers=HTMX)
    assert refused.status_code == 409
    assert "Ranking positions has closed" in refused.text
    assert _list(session, w) == [p[0]]
    again = me.get(page_url)
    assert 'value="add:' not in again.text


def test_a_student_sees_only_their_own_list(
    session: Session, world: PlacementWorld, browser: Browser
) -> None:
    w = world
    in_phase(session, w, "student_ranking")
    session.commit()
    me = browser(w.users["student"])
    other = w.seniors[1].id
    assert (
        me.get(f"/placement-plans/{w.plan.id}/my-preferences?student_id={other}").status_code == 404
    )
    assert me.get(f"/placement-plans/{w.other_plan.id}/my-preferences").status_code == 404
    contact = browser(w.users["contact1"])
    assert contact.get(f"/placement-plans/{w.plan.id}/my-preferences").status_code == 403


def test_the_office_finds_a_student_and_ranks_for_them(
    session: Session, world: PlacementWorld, browser: Browser
) -> None:
    w = world
    in_phase(session, w, "student_ranking")
    listed(session, w, 0, 1)
    session.commit()
    office = browser(w.users["office"])
    url = f"/placement-plans/{w.plan.id}/my-preferences"
    chooser = office.get(url)
    assert chooser.status_code == 200
    assert "Students taking part" in chooser.text
    target = w.seniors[3]
    found = office.get(f"{url}?q={target.student_number}")
    assert f"student_id={target.id}" in found.text
    page = office.get(f"{url}?student_id={target.id}")
    assert target.name in page.text
    done = office.post(
        url,
        data={
            "op": f"add:{w.positions[1].id}",
            "student_id": str(target.id),
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == f"{url}?student_id={target.id}"
    assert _list(session, w, 3) == [w.positions[1].id]


@pytest.fixture
def applied(session: Session, world: PlacementWorld) -> PlacementWorld:
    listed(session, world, 0, 0)
    listed(session, world, 1, 2, 1)  # host 1 second
    listed(session, world, 2, 1)
    listed(session, world, 4, 2)
    in_phase(session, world, "host_ranking")
    session.commit()
    return world


def _ranks(session: Session) -> dict[int, tuple[int | None, bool]]:
    rows = session.execute(select(HostRank.student_id, HostRank.rank, HostRank.excluded))
    return {sid: (rank, excluded) for sid, rank, excluded in rows}


def test_a_contact_ranks_the_applicants_on_the_page(
    session: Session, applied: PlacementWorld, browser: Browser
) -> None:
    w = applied
    s = [x.id for x in w.seniors]
    contact = browser(w.users["contact1"])
    url = f"/placement-plans/{w.plan.id}/applicants"
    page = contact.get(url)
    assert page.status_code == 200
    assert w.seniors[0].name in page.text
    assert w.seniors[4].name not in page.text
    assert "data-sortable" in page.text
    assert "/static/vendor/sortablejs/Sortable.min.js" in page.text
    token = csrf_from(page.text)
    form = {
        "csrf_token": token,
        "form": "rank",
        f"row_{s[0]}": "1",
        f"row_{s[1]}": "1",
        f"row_{s[2]}": "1",
        f"rank_{s[0]}": "2",
        f"rank_{s[1]}": "2",
        f"rank_{s[2]}": "",
        f"excluded_{s[2]}": "on",
    }
    done = contact.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == url
    assert _ranks(session) == {s[0]: (2, False), s[1]: (2, False), s[2]: (None, True)}
    bad = contact.post(url, data={**form, f"rank_{s[0]}": "zero"})
    assert bad.status_code == 422
    assert "is not a rank" in bad.text
    assert contact.get(f"{url}?host={w.hosts[1].id}").status_code == 404
    assert contact.get(f"/placement-plans/{w.other_plan.id}/applicants").status_code == 404
    assert browser(w.users["student"]).get(url).status_code == 403


def test_upload_score_and_template_on_the_page(
    session: Session, applied: PlacementWorld, browser: Browser
) -> None:
    w = applied
    s = [x.id for x in w.seniors]
    contact = browser(w.users["contact1"])
    url = f"/placement-plans/{w.plan.id}/applicants"
    token = csrf_from(contact.get(url).text)
    sheet = contact.get(f"{url}/template.xlsx")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {w.seniors[i].student_number for i in (0, 1, 2)}
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["学号", "排名"])
    ws.append([w.seniors[0].student_number, 1])
    ws.append(["NOPE-1", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = contact.post(
        f"{url}/upload", data={"csrf_token": token}, files={"file": ("r.xlsx", buffer.getvalue())}
    )
    assert refused.status_code == 422
    assert "Row 3" in refused.text
    assert "NOPE-1" in refused.text
    assert _ranks(session) == {}
    scored = contact.post(
        f"{url}/score",
        data={"csrf_token": token, "form": "score", "choice": "100", "major": "0", "year": "0"},
        follow_redirects=False,
    )
    assert scored.status_code == 303
    assert _ranks(session) == {s[0]: (1, False), s[2]: (1, False), s[1]: (3, False)}
    too_much = contact.post(
        f"{url}/score", data={"csrf_token": token, "form": "score", "choice": "500"}
    )
    assert too_much.status_code == 422
    assert "How high they ranked you" in too_much.text


def test_staff_choose_the_host(session: Session, applied: PlacementWorld, browser: Browser) -> None:
    w = applied
    office = browser(w.users["office"])
    url = f"/placement-plans/{w.plan.id}/applicants"
    chooser = office.get(url)
    assert f"?host={w.hosts[0].id}" in chooser.text
    assert f"?host={w.hosts[1].id}" in chooser.text
    page = office.get(f"{url}?host={w.hosts[1].id}")
    assert w.seniors[4].name in page.text
    teacher = browser(w.users["teacher"]).get(f"{url}?host={w.hosts[1].id}")
    assert teacher.status_code == 200
    assert "data-sortable" not in teacher.text
    assert "You may look at this ranking but not change it." in teacher.text
