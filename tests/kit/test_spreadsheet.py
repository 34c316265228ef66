from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from tandem.kit.spreadsheet import (
    Column,
    RowError,
    SpreadsheetProblem,
    cell_text,
    marked_copy,
    neutralise,
    read_table,
    rounded_number_problem,
    sniff,
    write_workbook,
)

COLUMNS = [
    Column("number", "学号", "Student number", required=True, kind="code"),
    Column("name", "姓名", "Name", required=True),
    Column("birth_date", "出生日期", "Birth date", kind="date"),
    Column("id_number", "身份证号", "ID number", kind="code"),
]


def xlsx(rows: list[list[object]], *, title_row: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title_row:
        sheet.append([title_row])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_real_world_mess_is_tidied() -> None:
    data = xlsx(
        [
            ["学号 *", " 姓名", "出生日期", "身份证号"],
            [" ｓ２０２４０１ ", "张三  ", datetime(2006, 5, 1), "11010519491231002x"],  # noqa: DTZ001
            [2024002.0, "李四", 39000, 4.40524188001010e17],
            ["S3", "王五", "2007年3月9日", None],
            ["S4", "赵六", "20070310", None],
            [None, None, None, None],
            [None, None, None, None],
        ],
        title_row="2026 级学生名单（机电学院）",
    )
    table = read_table(data, COLUMNS)
    assert table.header_row == 2
    assert [r.number for r in table.rows] == [3, 4, 5, 6]
    first, second, third, fourth = (r.values for r in table.rows)
    assert first == {
        "number": "S202401",
        "name": "张三",
        "birth_date": "2006-05-01",
        "id_number": "11010519491231002X",
    }
    assert second["number"] == "2024002"
    assert second["birth_date"] == "2006-10-10"  # Excel serial day 39000
    assert rounded_number_problem(second["id_number"]) is not None
    assert "4.40524188001010e+17" in (rounded_number_problem(second["id_number"]) or "")
    assert third["birth_date"] == "2007-03-09"
    assert fourth["birth_date"] == "2007-03-10"


def test_english_headers_and_csv_in_gb18030() -> None:
    text = "Student number,Name,Birth date\nS1,陈静,2006/1/2\n"
    table = read_table(text.encode("gb18030"), COLUMNS)
    assert table.file_kind == "csv"
    assert table.rows[0].values == {"number": "S1", "name": "陈静", "birth_date": "2006-01-02"}
    utf8 = read_table(("\ufeff" + text).encode("utf-8"), COLUMNS)
    assert utf8.rows[0].values["name"] == "陈静"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"   \n", "empty_file"),
        (b"%PDF-1.7\x00\x01binary", "wrong_file_type"),
        (b"PK\x03\x04not really a zip", "wrong_file_type"),
        ("姓名\n张三\n".encode(), "missing_columns"),
        ("学号,姓名,爱好\nS1,张三,篮球\n".encode(), "unknown_columns"),
        ("学号,姓名\n".encode(), "no_rows"),
        (b"foo,bar\n1,2\n", "no_header"),
        ("学号,姓名,Name\nS1,a,b\n".encode(), "duplicate_column"),
    ],
)
def test_file_level_problems_are_named(data: bytes, code: str) -> None:
    with pytest.raises(SpreadsheetProblem) as caught:
        read_table(data, COLUMNS)
    assert caught.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(SpreadsheetProblem):
        sniff(buffer.getvalue())


def test_too_many_rows() -> None:
    text = "学号,姓名\n" + "".join(f"S{i},n\n" for i in range(5))
    with pytest.raises(SpreadsheetProblem) as caught:
        read_table(text.encode(), COLUMNS, max_rows=3)
    assert caught.value.code == "too_many_rows"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_formulas_are_neutralised_on_export(value: str) -> None:
    data = write_workbook(
        COLUMNS, [[value, "n", date(2006, 1, 1), None]], language="en", title="Students"
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == "'" + value
    assert sheet.cell(row=1, column=1).value == "Student number *"
    assert neutralise(5) == 5


def test_template_headers_have_hints_in_the_chosen_language() -> None:
    columns = [Column("number", "学号", "Student number", required=True, hint="Unique")]
    sheet = load_workbook(
        io.BytesIO(write_workbook(columns, [], language="zh_CN", title="学生", with_hints=True))
    ).worksheets[0]
    assert sheet.cell(row=1, column=1).value == "学号 *"
    assert sheet.cell(row=1, column=1).comment is not None


def test_marked_copy_points_at_the_bad_cells() -> None:
    data = xlsx([["学号", "姓名"], ["S1", "张三"], ["S2", None]])
    table = read_table(data, COLUMNS)
    marked = marked_copy(
        data, table, [RowError(3, "name", "Name is required."), RowError(2, None, "Duplicate row.")]
    )
    sheet = load_workbook(io.BytesIO(marked)).worksheets[0]
    assert sheet.cell(row=3, column=2).comment.text == "Name is required."
    assert sheet.cell(row=2, column=1).comment.text == "Duplicate row."
    csv_marked = marked_copy(
        "学号,姓名\nS1,=cmd\n".encode(),
        read_table("学号,姓名\nS1,=cmd\n".encode(), COLUMNS),
        [RowError(2, "name", "bad")],
    )
    csv_sheet = load_workbook(io.BytesIO(csv_marked)).worksheets[0]
    assert csv_sheet.cell(row=2, column=2).value == "'=cmd"


def test_cell_text_conversions() -> None:
    assert cell_text(12.0, "text") == "12"
    assert cell_text(12.5, "text") == "12.5"
    assert cell_text(True, "bool") == "true"
    assert cell_text(" ａｂ ", "code") == "AB"
    assert cell_text("", "text") is None
