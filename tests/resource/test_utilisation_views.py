"""The utilisation page: headline figures, the charts' data blocks and the tables with the same
numbers, filters and errors beside their field, scripts the CSP allows, and the workbook."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tandem.kit.middleware import CONTENT_SECURITY_POLICY
from tandem.kit.web import STATIC_DIR
from tandem.resource.utilisation_pages import PURPOSE_COLOURS
from tests.factories import Browser, make_user
from tests.partner.helpers import make_contact_user
from tests.resource.utilisation_world import MON, SUN, World, build

WEEK = f"from={MON.isoformat()}&to={SUN.isoformat()}"
CHART = re.compile(r"data-chart='([^']*)'")


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


@pytest.fixture
def office(browser: Browser, session: Session, world: World):  # type: ignore[no-untyped-def]
    return browser(make_user(session, "college_admin", world.college, password=None))


def charts(html: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(unescape(raw)) for raw in CHART.findall(html)]


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of a table as the reader sees the cells' text."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def test_the_page_shows_the_week(office, world: World) -> None:  # type: ignore[no-untyped-def]
    response = office.get(f"/utilisation?{WEEK}&group=department")
    assert response.status_code == 200
    html = response.text
    headline = html.split('id="headline"', 1)[1].split("</div>\n\n", 1)[0]
    assert "180.0" in headline
    assert "13.5" in headline
    assert "7.5 %" in headline
    bar, line = charts(html)
    assert bar["type"] == "bar"
    assert line["type"] == "line"
    assert bar["categories"] == [world.department.name("en"), "No department"]
    teaching = next(s for s in bar["series"] if s["name"] == "Teaching")
    assert teaching["color"] == PURPOSE_COLOURS["teaching"]
    # The department's venue: 3 teaching hours used of 40 available = 7.5 %.
    assert teaching["data"][0] == 7.5
    groups = table(html, "groups-table")
    assert groups[1][:7] == [
        world.department.name("en"),
        "1",
        "40.00",
        "7.00",
        "5.50",
        "17.5 %",
        "13.8 %",
    ]
    assert "3.00 h · 7.5 %" in groups[1]  # the same 7.5 % as the bar
    # The line chart, by month: March only.
    assert line["categories"] == ["2026-03"]
    series_rows = table(html, "series-table")
    assert series_rows[1][0] == "2026-03-02 – 2026-03-08"
    assert series_rows[1][5] == "7.5 %"
    booked = next(s for s in line["series"] if s["name"] == "Booked rate")
    assert booked["data"] == [10.0]
    assert series_rows[1][4] == "10.0 %"
    underused = table(html, "underused-table")
    assert [r[0] for r in underused[1:]] == ["Yard (V2)", "Lathes (E1)"]
    assert "Used less than 10 % of their available hours." in html
    valuation = table(html, "valuation-table")
    assert valuation[1][0] == "Lathes (E1)"
    assert valuation[1][-1] == "240.00"
    assert valuation[-1][-1] == "240.00"


def test_the_page_loads_its_scripts_from_this_site_only(office) -> None:  # type: ignore[no-untyped-def]
    response = office.get(f"/utilisation?{WEEK}")
    html = response.text
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all(re.search(r'\bsrc="/static/', s) for s in scripts)
    assert any("/static/vendor/echarts/echarts.min.js" in s for s in scripts)
    assert any("/static/js/charts.js" in s for s in scripts)
    assert ' style="' not in html
    for path in ("/static/vendor/echarts/echarts.min.js", "/static/js/charts.js"):
        assert office.get(path).status_code == 200


def test_other_pages_do_not_load_echarts(office) -> None:  # type: ignore[no-untyped-def]
    assert "echarts" not in office.get("/").text


def test_legend_colours_match_the_stylesheet() -> None:
    css = (STATIC_DIR / "css" / "charts.css").read_text(encoding="utf-8")
    for purpose, colour in PURPOSE_COLOURS.items():
        assert f".swatch.purpose-{purpose.replace('_', '-')} {{ background: {colour}; }}" in css
    assert Path(STATIC_DIR / "vendor" / "echarts" / "LICENSE").exists()


def test_filters_narrow_the_report(office, world: World) -> None:  # type: ignore[no-untyped-def]
    html = office.get(f"/utilisation?{WEEK}&venue_id={world.v2.id}&group=resource").text
    rows = table(html, "groups-table")
    assert [r[0] for r in rows[1:]] == ["Robot (E3)", "Yard (V2)"]
    assert f'<option value="{world.v2.id}" selected>' in html


def test_bad_dates_are_shown_beside_their_field(office) -> None:  # type: ignore[no-untyped-def]
    response = office.get("/utilisation?from=2026-03-10&to=2026-03-01")
    assert response.status_code == 422
    assert 'id="e-to"' in response.text
    assert "swap them" in response.text
    response = office.get("/utilisation?from=soon")
    assert response.status_code == 422
    assert 'id="e-from"' in response.text


def test_chinese_page(browser: Browser, session: Session, world: World) -> None:
    client = browser(make_user(session, "college_admin", world.college, password=None))
    client.cookies.set("tandem_lang", "zh_CN")
    response = client.get(f"/utilisation?{WEEK}")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text


def test_platform_admins_choose_a_college(browser: Browser, session: Session, world: World) -> None:
    client = browser(make_user(session, "platform_admin", password=None))
    html = client.get("/utilisation").text
    assert "Choose a college to see the utilisation of its resources." in html
    html = client.get(f"/utilisation?{WEEK}&college_id={world.college.id}").text
    assert "13.5" in html


def test_enterprise_contact_sees_their_resources(
    browser: Browser, session: Session, world: World
) -> None:
    client = browser(make_contact_user(session, world.partnership.enterprise, password=None))
    html = client.get(f"/utilisation?{WEEK}&group=resource").text
    labels = [r[0] for r in table(html, "groups-table")[1:]]
    assert labels == ["Lathes (E1)", "Robot (E3)", "Yard (V2)"]


def test_another_college_is_not_found(office, world: World) -> None:  # type: ignore[no-untyped-def]
    assert office.get(f"/utilisation?college_id={world.other.id}").status_code == 404


def test_export_has_every_table(office, world: World) -> None:  # type: ignore[no-untyped-def]
    response = office.get(f"/utilisation/export.xlsx?{WEEK}&group=venue&bucket=week")
    assert response.status_code == 200
    assert "utilisation-" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Groups", "Over time", "Under-used", "Valuation"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Used hours"] == 13.5
    assert summary["Utilisation rate (%)"] == 7.5
    groups = list(workbook["Groups"].iter_rows(values_only=True))
    assert groups[0][:3] == ("Group", "Resources", "Available hours")
    by_label = {row[0]: row for row in groups[1:]}
    assert by_label["Workshop 1 (V1)"][4] == 9.5  # V1 and its lathes: used hours
    assert by_label["Yard (V2)"][2] == 80.0  # the yard and the robot
    underused = list(workbook["Under-used"].iter_rows(values_only=True))
    assert [row[0] for row in underused[1:]] == ["Yard (V2)", "Lathes (E1)"]
    valuation = list(workbook["Valuation"].iter_rows(values_only=True))
    assert valuation[-1][0] == "Total"
    assert valuation[-1][-1] == 240.0
    weeks = list(workbook["Over time"].iter_rows(values_only=True))
    assert len(weeks) == 2


def test_export_refuses_a_bad_period(office) -> None:  # type: ignore[no-untyped-def]
    assert office.get("/utilisation/export.xlsx?from=2026-03-10&to=2026-03-01").status_code == 422


def test_the_form_shows_the_default_period(office) -> None:  # type: ignore[no-untyped-def]
    html = office.get("/utilisation").text
    report_first = html.split('name="from"', 1)[1].split(">", 1)[0]
    assert 'value="' in report_first
    assert 'value=""' not in report_first
