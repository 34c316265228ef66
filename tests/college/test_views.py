from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.college.models import College, Department
from tests.conftest import csrf_from, post_form
from tests.factories import make_college, make_department


def test_list_page_searches_sorts_and_pages(web: TestClient, session: Session) -> None:
    for i in range(30):
        make_college(session, f"PG{i:02d}", name_en=f"Page College {i:02d}")
    session.commit()
    page = web.get("/colleges", params={"q": "page college", "sort": "-code"})
    assert page.status_code == 200
    assert page.text.index("PG29") < page.text.index("PG28")
    assert "Page 1 of 2" in page.text
    second = web.get("/colleges", params={"q": "page college", "page": 2})
    assert "PG29" in second.text
    assert "PG00" not in second.text


def test_htmx_search_returns_only_the_results_block(web: TestClient, session: Session) -> None:
    make_college(session, "HTMX1", name_en="Fragment College")
    session.commit()
    fragment = web.get(
        "/colleges",
        params={"q": "fragment"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment.text
    assert "HTMX1" in fragment.text


def test_create_form_shows_errors_beside_fields_and_keeps_input(web: TestClient) -> None:
    response = post_form(
        web, "/colleges/new", {"code": "GOODCODE", "name_zh": "保留的名称", "region_code": "12"}
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="保留的名称"' in html
    assert 'value="GOODCODE"' in html
    assert 'id="e-name_en"' in html
    assert "This field is required." in html
    assert 'id="e-region_code"' in html


def test_create_form_in_chinese(web: TestClient) -> None:
    web.cookies.set("tandem_lang", "zh_CN")
    response = post_form(web, "/colleges/new", {"code": "ZH1"})
    assert "此项为必填项。" in response.text
    assert "请修改下方标出的字段。" in response.text


def test_create_redirects_with_flash(web: TestClient, session: Session) -> None:
    response = post_form(
        web,
        "/colleges/new",
        {"code": "web1", "name_zh": "网页学院", "name_en": "Web College", "region_code": "310000"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    detail = web.get(response.headers["location"])
    assert "College WEB1 registered." in detail.text
    assert session.scalar(select(College).where(College.code == "WEB1")) is not None
    assert "College WEB1 registered." not in web.get(response.headers["location"]).text


def test_post_without_csrf_token_is_refused(web: TestClient, session: Session) -> None:
    response = web.post(
        "/colleges/new",
        data={"code": "NOCSRF", "name_zh": "x", "name_en": "x", "region_code": "440100"},
    )
    assert response.status_code == 403
    assert "Reload the page" in response.text
    forged = web.post("/colleges/new", data={"code": "NOCSRF", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert session.scalar(select(College).where(College.code == "NOCSRF")) is None


def test_csrf_header_is_accepted_for_htmx(web: TestClient, session: Session) -> None:
    token = csrf_from(web.get("/colleges/new").text)
    response = web.post(
        "/colleges/new",
        headers={"X-CSRF-Token": token},
        data={"code": "HDR1", "name_zh": "x", "name_en": "x", "region_code": "440100"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_edit_with_stale_version_keeps_both_edits_apart(web: TestClient, session: Session) -> None:
    college = make_college(session, "EDIT1", name_en="Original")
    session.commit()
    page = f"/colleges/{college.id}/edit"
    token = csrf_from(web.get(page).text)
    first = web.post(
        page,
        data={
            "csrf_token": token,
            "name_zh": "甲",
            "name_en": "First",
            "region_code": "440100",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = web.post(
        page,
        data={
            "csrf_token": token,
            "name_zh": "乙",
            "name_en": "Second",
            "region_code": "440100",
            "version": "1",
        },
    )
    assert second.status_code == 409
    assert "Someone else changed this record" in second.text
    assert 'value="Second"' in second.text
    session.expire_all()
    assert session.get(College, college.id).name_en == "First"  # type: ignore[union-attr]


def test_department_pages_and_confirmed_delete(web: TestClient, session: Session) -> None:
    college = make_college(session)
    session.commit()
    added = post_form(
        web,
        f"/colleges/{college.id}/departments/new",
        {"code": "ART", "name_zh": "艺术", "name_en": "Arts"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    dept = session.scalar(select(Department).where(Department.college_id == college.id))
    assert dept is not None
    dept_id = dept.id
    edit = post_form(
        web,
        f"/colleges/{college.id}/departments/{dept.id}/edit",
        {"name_zh": "艺术", "name_en": "Fine Arts", "version": "1"},
        follow_redirects=False,
    )
    assert edit.status_code == 303
    confirm = web.get(f"/colleges/{college.id}/departments/{dept.id}/delete")
    assert "This cannot be undone." in confirm.text
    assert session.get(Department, dept.id) is not None  # asking is not deleting
    deleted = post_form(
        web, f"/colleges/{college.id}/departments/{dept.id}/delete", {}, follow_redirects=False
    )
    assert deleted.status_code == 303
    session.expire_all()
    assert session.get(Department, dept_id) is None


def test_detail_of_unknown_college_is_a_404_page(web: TestClient) -> None:
    response = web.get("/colleges/987654")
    assert response.status_code == 404
    assert "No college with id 987654." in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_department_list_is_per_college(web: TestClient, session: Session) -> None:
    first, second = make_college(session), make_college(session)
    make_department(session, first, "ONLYFIRST")
    session.commit()
    assert "ONLYFIRST" in web.get(f"/colleges/{first.id}").text
    assert "ONLYFIRST" not in web.get(f"/colleges/{second.id}").text
