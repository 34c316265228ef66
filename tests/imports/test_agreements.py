"""Importing existing agreements: states, modes, both languages, row errors, all or none."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from tandem.agreement.models import Agreement, AgreementEvent
from tandem.auth import service as auth_service
from tandem.cli import app as tandem_cli
from tandem.config import Settings
from tandem.imports.service import template_workbook
from tandem.partner.models import Enterprise, Partnership
from tests.agreement.helpers import make_agreement
from tests.conftest import csrf_from
from tests.factories import make_user, sign_in
from tests.imports.helpers import Campus, count, csv, run, sheet_of, xlsx
from tests.partner.helpers import make_enterprise, make_partnership, valid_uscc
from tests.sheets import XLSX

HEADER_EN: list[Any] = [
    "Enterprise USCC",
    "Department code",
    "Title",
    "Number",
    "Kind",
    "Modes",
    "Status",
    "Start date",
    "End date",
    "Signed on",
    "Auto renew",
    "Renewal months",
    "Notice days",
    "Value",
    "In-kind value",
    "College signatory",
    "Enterprise signatory",
    "Summary",
]
HEADER_ZH: list[Any] = [
    "统一社会信用代码",
    "二级学院代码",
    "协议名称",
    "协议编号",
    "协议类型",
    "合作模式",
    "协议状态",
    "开始日期",
    "结束日期",
    "签署日期",
    "自动续期",
    "续期月数",
    "提前通知天数",
    "协议金额",
    "实物价值",
    "学校签署人",
    "企业签署人",
    "协议摘要",
]


@dataclass
class Partners:
    acme: Partnership  # department INFO
    bolt: Partnership  # no department
    stranger: Enterprise  # registered, but no partnership with the college


@pytest.fixture
def partners(session: Session, campus: Campus) -> Partners:
    acme = make_partnership(session, campus.college, make_enterprise(session), campus.info)
    bolt = make_partnership(session, campus.college, make_enterprise(session))
    return Partners(acme, bolt, make_enterprise(session, name="Stranger Ltd"))


def row(uscc: str, title: str, number: str | None = None, **cells: object) -> list[Any]:
    """A row under HEADER_EN; cells are given by the column's English header in snake case."""
    values: dict[str, object] = {"enterprise_uscc": uscc, "title": title, "number": number}
    values.update(cells)
    keys = [h.lower().replace(" ", "_").replace("-", "_") for h in HEADER_EN]
    unknown = set(values) - set(keys)
    assert not unknown, unknown
    return [values.get(k) for k in keys]


def _uscc(session: Session, partnership: Partnership) -> str:
    enterprise = session.get(Enterprise, partnership.enterprise_id)
    assert enterprise is not None
    return enterprise.uscc


def agreements(session: Session) -> dict[str, Agreement]:
    return {a.number or a.title: a for a in session.scalars(select(Agreement))}


def signed_row(code: str, title: str, number: str, status: str, **cells: object) -> list[Any]:
    defaults: dict[str, object] = {
        "modes": "1",
        "status": status,
        "start_date": date(2024, 9, 1),
        "end_date": date(2027, 8, 31),
        "college_signatory": "王校长",
        "enterprise_signatory": "李总",
    }
    defaults.update(cells)
    return row(code, title, number, **defaults)


def test_a_good_file_records_agreements_in_their_states(
    session: Session, campus: Campus, partners: Partners
) -> None:
    acme, bolt = _uscc(session, partners.acme), _uscc(session, partners.bolt)
    rows = [
        HEADER_EN,
        row(acme, "Draft plan", modes="3"),
        signed_row(acme, "Factory in school", "AG-1", "active", modes="1、5", value="120,000"),
        signed_row(
            bolt,
            "Training contract",
            "AG-2",
            "Signed",
            department_code="mech",
            modes="7",
            signed_on="2024-08-20",
            auto_renew="yes",
            renewal_months=12,
            notice_days=60,
            in_kind_value="¥35000.50",
        ),
        signed_row(acme, "Old base", "AG-3", "ended", modes="2, 4", end_date="2025-06-30"),
        signed_row(acme, "Stopped", "AG-4", "terminated", modes="6"),
        signed_row(acme, "Nearly over", "AG-5", "expiring", modes="Post contract"),
        signed_row(acme, "Umbrella", "AG-6", "active", kind="framework", modes=None),
    ]
    report = run(session, "agreements", xlsx(rows), college=campus.college, actor=campus.office)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (7, 0, 0)
    found = agreements(session)
    assert {n: (a.status, a.mode_numbers) for n, a in found.items()} == {
        "Draft plan": ("draft", [3]),
        "AG-1": ("active", [1, 5]),
        "AG-2": ("signed", [7]),
        "AG-3": ("ended", [2, 4]),
        "AG-4": ("terminated", [6]),
        "AG-5": ("expiring", [4]),
        "AG-6": ("active", []),
    }
    assert all(a.imported and a.college_id == campus.college.id for a in found.values())
    factory, contract, umbrella = found["AG-1"], found["AG-2"], found["AG-6"]
    assert factory.department_id == campus.info.id  # the partnership's department
    assert factory.value_money == Decimal("120000")
    assert factory.modes[0].terms == {}  # terms are not imported: the page shows them missing
    assert contract.department_id == campus.mech.id
    assert contract.partnership_id == partners.bolt.id
    assert (contract.auto_renew, contract.renewal_months, contract.notice_days) == (True, 12, 60)
    assert contract.signed_on == date(2024, 8, 20)
    assert contract.value_in_kind == Decimal("35000.50")
    assert (contract.college_signatory, contract.enterprise_signatory) == ("王校长", "李总")
    assert umbrella.kind == "framework"
    events = session.scalars(
        select(AgreementEvent).where(AgreementEvent.agreement_id == factory.id)
    ).all()
    assert [(e.action, e.to_status) for e in events] == [("import", "active")]

    again = run(session, "agreements", xlsx(rows), college=campus.college, actor=campus.office)
    assert again.ok, again.errors
    # Numbered rows are recognised; a row without a number cannot be, and is a new draft.
    assert (again.created, again.unchanged) == (1, 6)


def test_chinese_headers_and_labels(session: Session, campus: Campus, partners: Partners) -> None:
    acme = _uscc(session, partners.acme)
    rows = [
        HEADER_ZH,
        [acme, "INFO", "战略合作框架协议", "KJ-01", "框架协议", None, "已签署", "2025-01-01",
         "2029-12-31", "2024年12月28日", "是", None, None, None, None, "王校长", "李总", "总体"],
        [acme, None, "引企入校合作协议", "YQ-01", "模式协议", "引企入校，校企共训", "生效中",
         "2025-03-01", "2028-02-29", None, "否", None, None, "50000", None, "王校长", "李总", None],
        [acme, None, "设备共享协议", "SB-01", None, "2", "即将到期", "2023-09-01", "2026-08-31",
         None, None, None, None, None, None, "王校长", "李总", None],
        [acme, None, "旧协议", "JX-01", None, "4", "已结束", "2021-09-01", "2024-08-31",
         None, None, None, None, None, None, "王校长", "李总", None],
        [acme, None, "终止的协议", "ZZ-01", None, "6", "已终止", "2022-09-01", "2025-08-31",
         None, None, None, None, None, None, "王校长", "李总", None],
        [acme, None, "草拟中", None, None, "3", "草稿", None, None,
         None, None, None, None, None, None, None, None, None],
    ]  # fmt: skip
    report = run(
        session, "agreements", xlsx(rows, title="合作协议台账", width=18), college=campus.college
    )
    assert report.ok, report.errors
    found = agreements(session)
    assert {n: (a.kind, a.status, a.mode_numbers) for n, a in found.items()} == {
        "KJ-01": ("framework", "signed", []),
        "YQ-01": ("mode", "active", [1, 5]),
        "SB-01": ("mode", "expiring", [2]),
        "JX-01": ("mode", "ended", [4]),
        "ZZ-01": ("mode", "terminated", [6]),
        "草拟中": ("mode", "draft", [3]),
    }
    assert found["KJ-01"].signed_on == date(2024, 12, 28)
    assert found["KJ-01"].auto_renew is True
    assert found["YQ-01"].auto_renew is False


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(
    session: Session, campus: Campus, partners: Partners
) -> None:
    acme = _uscc(session, partners.acme)
    stranger = partners.stranger.uscc
    recorded = make_agreement(session, partners.acme, number="OLD-1", title="Recorded")
    before = count(session, Agreement)
    nobody = valid_uscc(999_999)
    rows = [
        HEADER_EN,
        signed_row(acme, "Fine", "N-1", "active"),  # row 2: fine on its own
        signed_row(nobody, "Unknown enterprise", "N-2", "active"),  # 3
        signed_row(stranger, "No partnership", "N-3", "active"),  # 4
        signed_row(acme, "Unknown mode", "N-4", "active", modes="1,9"),  # 5
        signed_row(acme, "Backwards", "N-5", "active", end_date="2024-01-01"),  # 6
        signed_row(acme, "Odd status", "N-6", "approved"),  # 7
        signed_row(acme, "Twice", "N-1", "active"),  # 8
        signed_row(acme, "Recorded again", "OLD-1", "active"),  # 9
        row(acme, "Signed without terms", None, status="signed", modes="1"),  # 10
        signed_row(acme, "Bad cells", "N-7", "active", department_code="ART", auto_renew="maybe"),
        row(acme, "", None, modes="framework?", kind="framework"),  # 12
        row(acme, "Signed draft", None, modes="1", signed_on="2024-01-01"),  # 13
    ]
    report = run(session, "agreements", xlsx(rows), college=campus.college, actor=campus.office)
    assert not report.ok
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert "No enterprise with USCC" in errors[(3, "uscc")]
    assert "Stranger Ltd" in errors[(4, "uscc")]
    assert "no partnership" in errors[(4, "uscc")]
    assert "Add partnership" in errors[(4, "uscc")]  # and how to fix it
    assert errors[(5, "modes")] == "9 is not a mode of cooperation: choose a number from 1 to 7."
    assert errors[(6, "end_date")] == "The end date must come after the start date."
    assert "approved is not a status an agreement can be imported in" in errors[(7, "status")]
    assert errors[(8, "number")] == "N-1 is in the file twice: rows 2 and 8."
    assert "Agreement OLD-1 is already recorded" in errors[(9, "number")]
    assert "Title, Status" in errors[(9, "number")]
    assert "number" in errors[(10, "number")].lower()
    for column in ("start_date", "end_date", "college_signatory", "enterprise_signatory"):
        assert (10, column) in errors
    assert "No department with code ART" in errors[(11, "department_code")]
    assert "maybe is not a valid value here" in errors[(11, "auto_renew")]
    assert errors[(12, "name")] == "This field is required."
    assert "framework? is not a mode of cooperation" in errors[(12, "modes")]
    assert errors[(13, "signed_on")].startswith("A draft has not been signed")
    assert not any(r == 2 for r, _ in errors)
    assert report.created == report.unchanged == 0
    assert count(session, Agreement) == before
    session.refresh(recorded)
    assert (recorded.title, recorded.status) == ("Recorded", "draft")


def test_a_recorded_agreement_said_again_is_unchanged(
    session: Session, campus: Campus, partners: Partners
) -> None:
    make_agreement(session, partners.acme, number="OLD-1", title="Recorded", modes=(1, 5))
    acme = _uscc(session, partners.acme)
    rows = [HEADER_EN, row(acme, "Recorded", "OLD-1", modes="5,1")]
    report = run(session, "agreements", xlsx(rows), college=campus.college)
    assert report.ok, report.errors
    assert (report.created, report.unchanged) == (0, 1)


def test_a_department_coordinator_imports_only_for_their_department(
    session: Session, campus: Campus, partners: Partners
) -> None:
    coordinator = auth_service.actor_for(
        make_user(session, "department_coordinator", campus.college, department=campus.mech)
    )
    acme = _uscc(session, partners.acme)
    rows = [HEADER_EN, row(acme, "Mine", modes="1", department_code="MECH")]
    rows.append(row(acme, "Theirs", modes="1", department_code="INFO"))
    report = run(session, "agreements", xlsx(rows), college=campus.college, actor=coordinator)
    assert [(e.row, e.column) for e in report.errors] == [(3, None)]
    assert "own department" in report.errors[0].message
    assert count(session, Agreement) == 0


def test_dry_run_writes_nothing(session: Session, campus: Campus, partners: Partners) -> None:
    acme = _uscc(session, partners.acme)
    data = csv(f"统一社会信用代码,协议名称,合作模式\n{acme},试运行,1\n")
    report = run(session, "agreements", data, college=campus.college, dry_run=True)
    assert report.ok, report.errors
    assert report.created == 1
    assert count(session, Agreement) == 0


def test_template_has_the_columns_with_hints() -> None:
    sheet = sheet_of(template_workbook("agreements", "zh_CN"))
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["统一社会信用代码 *", "二级学院代码", "协议名称 *"]
    assert len(headers) == len(HEADER_ZH)
    assert "1 引企入校" in sheet.cell(row=1, column=6).comment.text
    english = sheet_of(template_workbook("agreements", "en"))
    assert [c.value for c in english[1]][6] == "Status"


@pytest.fixture
def cli(session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(db, "get_sessionmaker", lambda: session_factory)
    return CliRunner()


def test_cli_import_and_errors(
    cli: CliRunner, session: Session, campus: Campus, partners: Partners, tmp_path: Path
) -> None:
    acme = _uscc(session, partners.acme)
    path = tmp_path / "agreements.xlsx"
    path.write_bytes(xlsx([HEADER_EN, signed_row(acme, "Base", "CLI-1", "active")]))
    args = ["--lang", "en", "import", "agreements", str(path), "--college", campus.college.code]
    result = cli.invoke(tandem_cli, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.output
    assert count(session, Agreement) == 0
    result = cli.invoke(tandem_cli, args)
    assert result.exit_code == 0, result.output
    assert "Created: 1, updated: 0, unchanged: 0." in result.output
    assert count(session, Agreement) == 1

    path.write_bytes(xlsx([HEADER_EN, signed_row(acme, "Base", "CLI-2", "active", modes="9")]))
    result = cli.invoke(tandem_cli, args)
    assert result.exit_code == 1
    assert "row 2, Modes: 9 is not a mode of cooperation" in " ".join(result.output.split())
    assert count(session, Agreement) == 1

    result = cli.invoke(tandem_cli, ["--lang", "en", "import", "agreements", str(path)])
    assert result.exit_code == 1
    assert "--college is needed" in result.output
    template = tmp_path / "template.xlsx"
    result = cli.invoke(
        tandem_cli, ["import", "template", "agreements", "-o", str(template), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert sheet_of(template.read_bytes()).cell(row=1, column=1).value == "Enterprise USCC *"


def test_the_import_page_previews_then_imports(
    app: FastAPI,
    session: Session,
    settings: Settings,
    campus: Campus,
    partners: Partners,
) -> None:
    user = make_user(session, "college_admin", campus.college)
    browser = sign_in(TestClient(app, headers={"Accept-Language": "en"}), session, user, settings)
    page = browser.get("/imports/agreements")
    assert page.status_code == 200
    assert "Import agreements" in page.text
    assert "合作模式" in page.text
    acme = _uscc(session, partners.acme)
    token = csrf_from(page.text)
    preview = browser.post(
        "/imports/agreements",
        data={"csrf_token": token},
        files={
            "file": (
                "协议.xlsx",
                xlsx([HEADER_EN, signed_row(acme, "网页协议", "W-1", "active")]),
                XLSX,
            )
        },
    )
    assert preview.status_code == 200, preview.text
    assert "网页协议" in preview.text  # the title, in the preview's name column
    assert count(session, Agreement) == 0
    action = re.search(r'action="(/imports/agreements/[A-Za-z0-9_-]{43})"', preview.text)
    assert action, preview.text
    done = browser.post(
        action.group(1), data={"csrf_token": csrf_from(preview.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/agreements"
    assert count(session, Agreement) == 1
