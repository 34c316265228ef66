"""Importing the equipment register: references by name or code, coded values in both
languages, updates by asset tag, every row error at once with nothing written, a coordinator's
rows, the page and the CLI — and the round trip: an exported register imports again unchanged."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tandem import db
from tandem.auth import service as auth_service
from tandem.cli import app as tandem_cli
from tandem.config import Settings
from tandem.imports.service import template_workbook
from tandem.resource.models import Equipment
from tests.conftest import csrf_from
from tests.factories import make_user, sign_in
from tests.imports.helpers import count, run, sheet_of, xlsx
from tests.resource.equipment_world import World, build, make_line
from tests.sheets import XLSX

HEADER_EN: list[Any] = [
    "Asset tag",
    "Name",
    "Model",
    "Maker",
    "Category",
    "Quantity",
    "Ownership",
    "Enterprise",
    "College share %",
    "Acquisition",
    "Value (CNY)",
    "Acquired on",
    "Venue code",
    "Agreement number",
    "Department code",
    "Status",
    "Note",
]
KEYS = [
    "asset_tag",
    "name",
    "model",
    "maker",
    "category",
    "quantity",
    "ownership",
    "enterprise",
    "share",
    "acquisition",
    "value",
    "acquired_on",
    "venue",
    "agreement",
    "department",
    "status",
    "note",
]
HEADER_ZH: list[Any] = [
    "资产编号",
    "设备名称",
    "数量",
    "产权归属",
    "所属企业",
    "学校占比（%）",
    "来源方式",
    "资产价值（元）",
    "使用状态",
]


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def row(tag: str, name: str | None = "CNC lathe", **cells: object) -> list[Any]:
    values: dict[str, object] = {"asset_tag": tag, "name": name}
    values.update(cells)
    assert not set(values) - set(KEYS), set(values) - set(KEYS)
    return [values.get(k) for k in KEYS]


def lines(session: Session) -> dict[str, Equipment]:
    return {e.asset_tag: e for e in session.scalars(select(Equipment))}


def office(session: Session, world: World) -> Any:
    return auth_service.actor_for(world.users["office"])


def test_a_good_file_adds_lines_with_their_references(session: Session, world: World) -> None:
    data = xlsx(
        [
            HEADER_EN,
            row(
                "ZC-001",
                quantity=4,
                category="CNC machine tools",
                value="¥480,000.00",
                acquired_on=date(2024, 9, 1),
                venue="ws-1",
                department="mech",
                status="在用",
            ),
            row(
                "ZC-002",
                "Robot arm",
                ownership="校企共有",
                enterprise="Acme Robotics",
                share="60%",
                acquisition="准捐赠",
                agreement="AG-ACME-1",
            ),
            row(
                "ZC-003",
                "Laser cutter",
                ownership="Enterprise",
                enterprise=world.bolt.enterprise.uscc,
                acquisition="Lent by an enterprise",
                agreement="AG-BOLT-1",
                status="idle",
            ),
            row("ZC-004", "Drill", ownership="企业", enterprise="acme", acquisition="donated"),
        ],
        title="2025 设备台账",
        width=17,
    )
    report = run(session, "equipment", data, college=world.college, actor=office(session, world))
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    found = lines(session)
    lathe, robot, cutter, drill = (found[f"ZC-00{i}"] for i in range(1, 5))
    assert (lathe.quantity, lathe.value_cny, lathe.acquired_on) == (
        4,
        Decimal("480000"),
        date(2024, 9, 1),
    )
    assert (lathe.venue_id, lathe.department_id, lathe.status) == (
        world.workshop.id,
        world.mech.id,
        "in_use",
    )
    assert (robot.ownership, robot.partnership_id, robot.college_share_pct) == (
        "joint",
        world.acme.id,
        60,
    )
    assert (robot.acquisition, robot.agreement_id) == ("quasi_donated", world.acme_agreement.id)
    assert (cutter.ownership, cutter.partnership_id, cutter.acquisition, cutter.status) == (
        "enterprise",
        world.bolt.id,
        "lent",
        "idle",
    )
    assert (drill.partnership_id, drill.college_share_pct) == (world.acme.id, 0)


def test_chinese_headers(session: Session, world: World) -> None:
    data = xlsx([HEADER_ZH, ["ZC-9", "示波器", 10, "学校", None, None, "购置", "35000", "闲置"]])
    report = run(session, "equipment", data, college=world.college)
    assert report.errors == [], report.errors
    scope = lines(session)["ZC-9"]
    assert (scope.name, scope.quantity, scope.ownership, scope.status) == (
        "示波器",
        10,
        "college",
        "idle",
    )


def test_every_problem_is_reported_and_nothing_is_written(session: Session, world: World) -> None:
    make_line(session, world.college, "ZC-OLD")
    data = xlsx(
        [
            HEADER_EN,
            row("ZC-1", enterprise="Nobody Ltd", ownership="joint", share="50"),
            row("ZC-2", venue="NOPE"),
            row("ZC-3", ownership="shared somehow"),
            row("ZC-4", ownership="joint", enterprise="Acme Robotics", share="100"),
            row("ZC-5", acquisition="lent"),
            row("ZC-1"),
            row("ZC-6", name=None, quantity="0"),
            row("ZC-OLD", enterprise="Acme Robotics"),
            row("ZC-7", "Fine line"),
        ]
    )
    report = run(session, "equipment", data, college=world.college)
    problems = {(e.row, e.column): e.message for e in report.errors}
    assert problems[(2, "enterprise")].startswith(
        "The college has no partnership with an enterprise named or coded Nobody Ltd."
    )
    assert problems[(3, "venue_code")] == "No venue with code NOPE in this college."
    assert problems[(4, "ownership")].startswith("shared somehow is not a valid value here")
    assert "one side owns it alone" in problems[(5, "college_share_pct")]
    assert {(6, "agreement_number"), (6, "ownership")} <= set(problems)
    assert problems[(7, "asset_tag")] == "ZC-1 is in the file twice: rows 2 and 7."
    assert {(8, "name"), (8, "quantity")} <= set(problems)
    assert problems[(9, "enterprise")].startswith("Equipment the college owns alone")
    assert not any(e.row == 10 for e in report.errors)
    assert (report.created, report.updated) == (0, 0)
    assert set(lines(session)) == {"ZC-OLD"}


def test_an_existing_tag_updates_its_line_and_the_same_row_again_is_unchanged(
    session: Session, world: World
) -> None:
    line = make_line(session, world.college, "ZC-1", quantity=4, note="keep me")
    data = xlsx([HEADER_EN, row("ZC-1", quantity=6, status="Under maintenance")])
    report = run(session, "equipment", data, college=world.college)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert (line.quantity, line.status, line.note, line.version) == (6, "maintenance", "keep me", 2)
    again = run(session, "equipment", data, college=world.college)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert line.version == 2


def test_a_coordinator_imports_only_for_their_department(session: Session, world: World) -> None:
    coordinator = auth_service.actor_for(world.users["coordinator"])
    data = xlsx([HEADER_EN, row("M-1"), row("I-1", department="INFO")])
    report = run(session, "equipment", data, college=world.college, actor=coordinator)
    assert [(e.row, e.column) for e in report.errors] == [(3, None)]
    assert "own department" in report.errors[0].message
    ok = run(
        session,
        "equipment",
        xlsx([HEADER_EN, row("M-1")]),
        college=world.college,
        actor=coordinator,
    )
    assert ok.created == 1
    assert lines(session)["M-1"].department_id == world.mech.id


def test_the_template_has_the_columns_with_hints() -> None:
    sheet = sheet_of(template_workbook("equipment", "zh_CN"))
    assert sheet.cell(row=1, column=1).value == "资产编号 *"
    assert sheet.cell(row=1, column=8).value == "所属企业"
    assert sheet.cell(row=1, column=1).comment is not None


# --- the round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_an_exported_register_imports_again_unchanged(
    app: FastAPI, session: Session, settings: Settings, world: World, language: str
) -> None:
    make_line(
        session,
        world.college,
        "ZC-1",
        venue_id=world.workshop.id,
        department_id=world.mech.id,
        note="=SUM(A1) is text",
        teaching_hour_value_cny=Decimal("150.5"),
    )
    make_line(
        session,
        world.college,
        "ZC-2",
        name="Robot arm",
        ownership="joint",
        partnership_id=world.acme.id,
        college_share_pct=Decimal("62.5"),
        acquisition="quasi_donated",
        agreement_id=world.acme_agreement.id,
        value_cny=Decimal("1234.56"),
        status="retired",
    )
    make_line(
        session,
        world.college,
        "ZC-3",
        ownership="enterprise",
        partnership_id=world.bolt.id,
        acquisition="lent",
        agreement_id=world.bolt_agreement.id,
        value_cny=None,
        acquired_on=None,
    )
    before = {tag: (e.version, e.updated_at) for tag, e in lines(session).items()}
    user = make_user(session, "college_admin", world.college)
    accept = "zh-CN" if language == "zh_CN" else "en"
    browser = sign_in(TestClient(app, headers={"Accept-Language": accept}), session, user, settings)
    exported = browser.get("/equipment/export.xlsx")
    assert exported.status_code == 200
    assert exported.headers["content-type"] == XLSX
    header = [c.value for c in sheet_of(exported.content)[1]]
    assert header[0] == ("资产编号 *" if language == "zh_CN" else "Asset tag *")

    report = run(session, "equipment", exported.content, college=world.college)
    assert report.errors == [], report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    after = {tag: (e.version, e.updated_at) for tag, e in lines(session).items()}
    assert after == before

    # The same file imported into another college's empty register recreates what it can:
    # the references (enterprise, venue, agreement) are college A's, so they are refused there.
    elsewhere = run(session, "equipment", exported.content, college=world.other)
    assert {e.column for e in elsewhere.errors} >= {"enterprise", "venue_code"}


def test_the_import_page_previews_then_imports(
    app: FastAPI, session: Session, settings: Settings, world: World
) -> None:
    browser = sign_in(
        TestClient(app, headers={"Accept-Language": "en"}),
        session,
        world.users["office"],
        settings,
    )
    page = browser.get("/imports/equipment")
    assert page.status_code == 200
    assert "Import equipment" in page.text
    assert "资产编号" in page.text
    preview = browser.post(
        "/imports/equipment",
        data={"csrf_token": csrf_from(page.text)},
        files={"file": ("设备.xlsx", xlsx([HEADER_EN, row("W-1", "网页车床")]), XLSX)},
    )
    assert preview.status_code == 200, preview.text
    assert "网页车床" in preview.text
    assert count(session, Equipment) == 0
    action = re.search(r'action="(/imports/equipment/[A-Za-z0-9_-]{43})"', preview.text)
    assert action, preview.text
    done = browser.post(
        action.group(1), data={"csrf_token": csrf_from(preview.text)}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, "/equipment")
    assert set(lines(session)) == {"W-1"}


@pytest.fixture
def cli(session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(db, "get_sessionmaker", lambda: session_factory)
    return CliRunner()


def test_the_cli_imports_equipment(
    cli: CliRunner, session: Session, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "equipment.xlsx"
    path.write_bytes(xlsx([HEADER_EN, row("CLI-1"), row("CLI-2", venue="NOPE")]))
    args = ["--lang", "en", "import", "equipment", str(path), "--college", world.college.code]
    result = cli.invoke(tandem_cli, args)
    assert result.exit_code == 1
    assert "row 3, Venue code: No venue with code NOPE" in " ".join(result.output.split())
    assert count(session, Equipment) == 0
    path.write_bytes(xlsx([HEADER_EN, row("CLI-1")]))
    result = cli.invoke(tandem_cli, args)
    assert result.exit_code == 0, result.output
    assert "Created: 1, updated: 0, unchanged: 0." in result.output
    assert count(session, Equipment) == 1
