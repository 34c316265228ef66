"""``tandem import``: counts, errors as "row N, column: reason", exit 1, dry runs, templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tandem import db
from tandem.cli import app
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import Student
from tests.imports.helpers import Campus, count, csv, sheet_of, students_file, xlsx
from tests.partner.helpers import valid_uscc


@pytest.fixture
def cli(session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The command line, on the test's database (its commit only releases a savepoint)."""
    monkeypatch.setattr(db, "get_sessionmaker", lambda: session_factory)
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, ["--lang", "en", "import", *args])
    return result.exit_code, result.output


GOOD = [
    ["S1", "甲", "女", "2004-05-17", None, "数控2401班", None],
    ["S2", "乙", "男", "2004-05-17", None, "机器人2501班", "在读"],
]


def test_import_then_again(
    cli: CliRunner, session: Session, campus: Campus, tmp_path: Path
) -> None:
    path = tmp_path / "students.xlsx"
    path.write_bytes(students_file(GOOD))
    code, output = invoke(cli, "students", str(path), "--college", campus.college.code)
    assert code == 0, output
    assert "Created: 2, updated: 0, unchanged: 0." in output
    assert count(session, Student) == 2
    code, output = invoke(cli, "students", str(path), "--college", campus.college.code.lower())
    assert code == 0
    assert "Created: 0, updated: 0, unchanged: 2." in output


def test_errors_are_listed_nothing_is_written_and_the_file_is_marked(
    cli: CliRunner, session: Session, campus: Campus, tmp_path: Path
) -> None:
    path, marked = tmp_path / "students.xlsx", tmp_path / "marked.xlsx"
    path.write_bytes(students_file([*GOOD, ["S3", "丙", "X", "2004-05-17", None, "无此班", None]]))
    code, output = invoke(
        cli,
        "students",
        str(path),
        "--college",
        campus.college.code,
        "--errors-out",
        str(marked),
    )
    assert code == 1
    assert "2 error(s): nothing was imported." in output
    assert "row 4, Gender: X is not a valid value here; use one of: Female, Male (F, M)." in output
    assert "row 4, Class: No class named 无此班 in this college" in output
    assert count(session, Student) == 0
    sheet = sheet_of(marked.read_bytes())
    assert "not a valid value" in sheet.cell(row=4, column=3).comment.text
    assert "No class named" in sheet.cell(row=4, column=6).comment.text
    assert sheet.cell(row=2, column=1).comment is None


def test_dry_run_writes_nothing(
    cli: CliRunner, session: Session, campus: Campus, tmp_path: Path
) -> None:
    path = tmp_path / "students.csv"
    path.write_bytes(csv("学号,姓名,性别,出生日期,班级\nS1,甲,女,2004-05-17,数控2401班\n"))
    code, output = invoke(cli, "students", str(path), "--college", campus.college.code, "--dry-run")
    assert code == 0, output
    assert "Created: 1" in output
    assert "Dry run: nothing was written." in output
    assert count(session, Student) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7\x00\x01", "neither an Excel workbook"),
        ("学号,姓名,性别,出生日期,班级,爱好\n".encode(), "Unknown columns: 爱好"),
        ("学号,姓名\nS1,甲\n".encode(), "Required columns are missing"),
        ("学号,姓名,性别,出生日期,班级\n".encode(), "no data rows"),
    ],
)
def test_files_that_cannot_be_imported(
    cli: CliRunner, campus: Campus, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    code, output = invoke(cli, "students", str(path), "--college", campus.college.code)
    assert code == 1
    assert message in " ".join(output.split())


def test_college_is_needed_and_must_exist(cli: CliRunner, campus: Campus, tmp_path: Path) -> None:
    path = tmp_path / "students.xlsx"
    path.write_bytes(students_file(GOOD))
    code, output = invoke(cli, "students", str(path))
    assert code == 1
    assert "--college is needed" in output
    code, output = invoke(cli, "students", str(path), "--college", "NOPE")
    assert code == 1
    assert "No college with code NOPE" in output


def test_partners_and_accounts(
    cli: CliRunner, session: Session, campus: Campus, tmp_path: Path
) -> None:
    partners = tmp_path / "partners.xlsx"
    partners.write_bytes(
        xlsx(
            [
                [
                    "USCC",
                    "Name",
                    "Kind",
                    "Industry section",
                    "Size",
                    "Region code",
                    "Add partnership",
                ],
                [valid_uscc(800001), "Acme Ltd", "Private", "C", "Small", "440100", "yes"],
            ]
        )
    )
    code, output = invoke(cli, "partners", str(partners), "--college", campus.college.code)
    assert code == 0, output
    assert count(session, Enterprise) == 1
    assert count(session, Partnership) == 1
    teachers = tmp_path / "teachers.csv"
    teachers.write_bytes(
        csv("Staff number,Name,Department code,Email\nT1,Ms Li,mech,li@x.example\n")
    )
    code, output = invoke(
        cli, "teachers", str(teachers), "--college", campus.college.code, "--create-accounts"
    )
    assert code == 0, output
    assert "Invitations queued: 1" in output


@pytest.mark.parametrize(("lang", "first"), [("zh_CN", "学号 *"), ("en", "Student number *")])
def test_template(cli: CliRunner, tmp_path: Path, lang: str, first: str) -> None:
    path = tmp_path / "template.xlsx"
    code, output = invoke(cli, "template", "students", "-o", str(path), "--lang", lang)
    assert code == 0, output
    sheet = sheet_of(path.read_bytes())
    assert sheet.cell(row=1, column=1).value == first
    assert sheet.cell(row=1, column=5).comment is not None  # the ID number's hint
    assert sheet.max_row == 1
