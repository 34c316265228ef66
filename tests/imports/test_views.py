"""The import pages: upload, preview, confirm, the marked file, limits, tokens and scope."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session, sessionmaker

from tandem.config import Settings
from tandem.main import create_app
from tandem.people.models import Student
from tests.conftest import csrf_from
from tests.factories import Browser, make_user, sign_in
from tests.imports.helpers import Campus, count, sheet_of, students_file, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    ["W1", "网页甲", "女", "2004-05-17", None, "数控2401班", None],
    ["W2", "网页乙", "男", "2004-05-17", None, "机器人2501班", "在读"],
]
CONFIRM = re.compile(r'action="(/imports/students/[A-Za-z0-9_-]{43})"')


@pytest.fixture
def office(session: Session, campus: Campus, browser: Browser) -> TestClient:
    return browser(make_user(session, "college_admin", campus.college))


def upload(
    client: TestClient,
    data: bytes,
    *,
    register: str = "students",
    name: str = "名单.xlsx",
    **fields: str,
) -> Response:
    token = csrf_from(client.get(f"/imports/{register}").text)
    return client.post(
        f"/imports/{register}",
        data={"csrf_token": token, **fields},
        files={"file": (name, data, XLSX)},
    )


def test_upload_preview_confirm(office: TestClient, session: Session, campus: Campus) -> None:
    page = office.get("/imports/students")
    assert page.status_code == 200
    assert "Import students" in page.text
    assert "学号" in page.text
    assert "Resident ID number" in page.text
    assert 'href="/imports/students/template.xlsx"' in page.text
    preview = upload(office, students_file(GOOD))
    assert preview.status_code == 200
    assert "What importing 名单.xlsx would do" in preview.text
    assert "网页甲" in preview.text
    assert "Nothing has been written yet." in preview.text
    assert count(session, Student) == 0
    action = CONFIRM.search(preview.text)
    assert action, preview.text
    token = csrf_from(preview.text)
    done = office.post(action.group(1), data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/students"
    assert count(session, Student) == 2
    listed = office.get("/students")
    assert "Imported: 2 new, 0 changed, 0 unchanged." in listed.text
    assert 'href="/imports/students"' in listed.text
    again = office.post(action.group(1), data={"csrf_token": token})
    assert again.status_code == 404  # the upload is gone once imported


def test_errors_are_shown_and_the_marked_file_can_be_downloaded(
    office: TestClient, session: Session, campus: Campus
) -> None:
    bad = students_file(
        [*GOOD, ["W3", "网页丙", "X", "2004-05-17", 4.40524188001010e17, "数控2401班", None]]
    )
    preview = upload(office, bad)
    assert preview.status_code == 422
    assert "Nothing has been imported." in preview.text
    assert "4.40524188001010e+17 is a number Excel has rounded" in preview.text
    assert CONFIRM.search(preview.text) is None  # nothing to confirm
    link = re.search(r'href="(/imports/students/[A-Za-z0-9_-]{43}/errors\.xlsx)"', preview.text)
    assert link
    marked = office.get(link.group(1))
    assert marked.status_code == 200
    assert marked.headers["content-type"] == XLSX
    sheet = sheet_of(marked.content)
    assert "not a valid value" in sheet.cell(row=4, column=3).comment.text
    assert "rounded" in sheet.cell(row=4, column=5).comment.text
    assert count(session, Student) == 0
    token = link.group(1).split("/")[3]
    refused = office.post(
        f"/imports/students/{token}", data={"csrf_token": csrf_from(preview.text)}
    )
    assert refused.status_code == 422
    assert count(session, Student) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7\x00\x01", "neither an Excel workbook"),
        (xlsx([["学号", "姓名", "爱好"], ["S1", "甲", "篮球"]]), "Unknown columns: 爱好"),
        (xlsx([["学号", "姓名"], ["S1", "甲"]]), "Required columns are missing"),
    ],
)
def test_files_that_cannot_be_imported(office: TestClient, content: bytes, message: str) -> None:
    response = upload(office, content)
    assert response.status_code == 422
    assert message in response.text


def test_no_file(office: TestClient) -> None:
    token = csrf_from(office.get("/imports/teachers").text)
    response = office.post("/imports/teachers", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a file to upload" in response.text


def test_uploads_over_the_limit_are_refused(
    settings: Settings, session_factory: sessionmaker[Session], session: Session, campus: Campus
) -> None:
    small = create_app(settings.model_copy(update={"upload_max_bytes": 2000}), session_factory)
    client = sign_in(
        TestClient(small, headers={"Accept-Language": "en"}),
        session,
        make_user(session, "college_admin", campus.college),
        settings,
    )
    by_size = upload(client, b"x" * 2001, name="big.csv")  # declared size within the margin
    assert by_size.status_code == 413
    assert "larger than" in by_size.text
    by_header = upload(client, b"x" * 200_000, name="huge.csv")  # refused before reading
    assert by_header.status_code == 413
    assert "The upload is too large" in by_header.text


def test_uploads_are_personal_and_colleges_separate(
    office: TestClient, session: Session, campus: Campus, browser: Browser
) -> None:
    preview = upload(office, students_file(GOOD))
    action = CONFIRM.search(preview.text)
    assert action
    colleague = browser(make_user(session, "college_admin", campus.college))
    token = csrf_from(colleague.get("/imports/students").text)
    assert colleague.post(action.group(1), data={"csrf_token": token}).status_code == 404
    assert colleague.get(action.group(1) + "/errors.xlsx").status_code == 404
    elsewhere = upload(office, students_file(GOOD), college_id=str(campus.other.id))
    assert elsewhere.status_code == 404
    assert count(session, Student) == 0


def test_platform_admins_choose_the_college(
    web: TestClient, session: Session, campus: Campus
) -> None:
    page = web.get("/imports/students")
    assert f'<option value="{campus.college.id}"' in page.text
    missing = upload(web, students_file(GOOD))
    assert missing.status_code == 422
    assert "Choose the college to import into." in missing.text
    chosen = upload(web, students_file(GOOD), college_id=str(campus.college.id))
    assert chosen.status_code == 200
    assert CONFIRM.search(chosen.text)


def test_partners_page_and_templates(office: TestClient) -> None:
    page = office.get("/imports/partners")
    assert page.status_code == 200
    assert "统一社会信用代码" in page.text
    assert "Create accounts" not in page.text
    template = office.get("/imports/teachers/template.xlsx")
    assert template.status_code == 200
    assert "attachment" in template.headers["content-disposition"]
    sheet = sheet_of(template.content)
    assert [c.value for c in sheet[1]][:3] == ["Staff number *", "Name *", "Department code *"]
    assert 'href="/imports/partners"' in office.get("/enterprises").text
    assert 'href="/imports/teachers"' in office.get("/teachers").text
