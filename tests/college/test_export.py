"""Excel exports of the college and department lists."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.config import Settings
from tests.factories import make_college, make_department, make_user, sign_in
from tests.sheets import column, read_sheet, records


def test_export_applies_the_search_and_sort_of_the_page(web: TestClient, session: Session) -> None:
    for i in range(30):
        make_college(session, f"XP{i:02d}", name_en=f"Export College {i:02d}")
    make_college(session, "OTHERX", name_en="Someone Else")
    session.commit()
    query = {"q": "export college", "sort": "-code", "page": "2"}
    response = web.get("/colleges/export.xlsx", params=query)
    codes = column(response, "Code")
    # Every matching row, in the page's order, whatever the page number in the link.
    assert codes == [f"XP{i:02d}" for i in range(29, -1, -1)]
    page = web.get("/colleges", params={"q": "export college", "sort": "-code"})
    assert [c for c in codes[:25] if c in page.text] == codes[:25]
    assert response.headers["content-disposition"].startswith('attachment; filename="colleges-')


def test_headers_follow_the_language(web: TestClient, session: Session) -> None:
    make_college(session, "LANG1")
    session.commit()
    english = read_sheet(web.get("/colleges/export.xlsx", params={"q": "LANG1"}))
    assert english[0] == ("Code", "Name (Chinese)", "Name (English)", "Region code", "Registered")
    chinese = read_sheet(
        web.get("/colleges/export.xlsx", params={"q": "LANG1"}, headers={"Accept-Language": "zh"})
    )
    assert chinese[0] == ("代码", "中文名称", "英文名称", "行政区划代码", "登记时间")
    assert chinese[1][0] == "LANG1"


def test_formula_like_names_are_neutralised(web: TestClient, session: Session) -> None:
    college = make_college(session, "FORMULA")
    college.name_en = '=HYPERLINK("http://evil.example","x")'
    session.commit()
    row = records(web.get("/colleges/export.xlsx", params={"q": "FORMULA"}))[0]
    assert row["Name (English)"] == '\'=HYPERLINK("http://evil.example","x")'


def test_a_college_admin_exports_only_their_college(
    client: TestClient, session: Session, settings: Settings
) -> None:
    own, other = make_college(session, "OWNC"), make_college(session, "OTHC")
    make_department(session, own, "OWND")
    make_department(session, other, "OTHD")
    sign_in(client, session, make_user(session, "college_admin", own), settings)
    assert column(client.get("/colleges/export.xlsx"), "Code") == ["OWNC"]
    own_departments = client.get(f"/colleges/{own.id}/departments/export.xlsx")
    assert column(own_departments, "Code") == ["OWND"]
    assert client.get(f"/colleges/{other.id}/departments/export.xlsx").status_code == 404


def test_department_export_searches(web: TestClient, session: Session) -> None:
    college = make_college(session, "DEPX")
    for code in ("MECH", "MEDIA", "ART"):
        make_department(session, college, code)
    session.commit()
    url = f"/colleges/{college.id}/departments/export.xlsx"
    response = web.get(url, params={"sort": "-code"})
    assert read_sheet(response)[0] == ("Code", "Name (Chinese)", "Name (English)")
    assert column(response, "Code") == ["MEDIA", "MECH", "ART"]
    assert column(web.get(url, params={"q": "MEC"}), "Code") == ["MECH"]
    assert 'filename="departments-DEPX-' in response.headers["content-disposition"]


def test_list_pages_link_to_their_export_with_the_filters(
    web: TestClient, session: Session
) -> None:
    college = make_college(session, "LINKS")
    session.commit()
    page = web.get("/colleges", params={"q": "LINKS", "page": "1"})
    assert 'href="/colleges/export.xlsx?q=LINKS"' in page.text
    detail = web.get(f"/colleges/{college.id}", params={"q": "x"})
    assert f'href="/colleges/{college.id}/departments/export.xlsx?q=x"' in detail.text
