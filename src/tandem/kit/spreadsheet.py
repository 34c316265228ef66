"""Spreadsheets as people really keep them: read tolerantly, write safely.

Reading takes ``.xlsx`` or ``.csv`` (sniffed from the bytes, never trusted from the name), finds
the header row below any merged title rows, accepts Chinese or English headers, and turns every
cell into tidy text: trimmed, half-width, integers without ``.0``, Excel date serials as ISO
dates. A number Excel has rounded into scientific notation is kept recognisable, so the row's
validation can say what happened instead of storing a wrong ID number.

Writing neutralises cells that a spreadsheet would run as formulas, and can hand back the
uploaded workbook with the bad cells marked and commented.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from tandem.kit.errors import AppError
from tandem.kit.i18n import N_, gettext

Kind = Literal["text", "code", "date", "int", "bool"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROUNDED_MARK = "⚠rounded:"  # prefixes a value Excel stored as a rounded float
HEADER_SCAN_ROWS = 10
_BAD_FILL = PatternFill(start_color="FFF4C7C3", end_color="FFF4C7C3", fill_type="solid")
_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class SpreadsheetProblem(AppError):
    """The file as a whole cannot be read (type, emptiness, headers); nothing was imported."""

    status_code = 422
    code = "bad_spreadsheet"
    title = N_("The file cannot be imported")


@dataclass(frozen=True)
class Column:
    key: str
    header_zh: str
    header_en: str
    required: bool = False
    kind: Kind = "text"
    hint: str = ""  # a translatable note shown as the template header's comment

    def header(self, language: str) -> str:
        return self.header_zh if language.startswith("zh") else self.header_en


@dataclass
class SheetRow:
    number: int  # the row number people see in their spreadsheet
    values: dict[str, str | None]


@dataclass
class Table:
    rows: list[SheetRow]
    header_row: int
    columns: dict[str, int]  # key -> 1-based column index in the file
    file_kind: str


@dataclass
class RowError:
    row: int
    column: str | None  # a Column.key, or None for the whole row
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm_header(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s*＊:：()（）]", "", folded)


def tidy_text(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def sniff(data: bytes) -> Literal["xlsx", "csv"]:
    """What the bytes are: an xlsx (a zip with a workbook inside) or text CSV; else refuse."""
    if not data.strip():
        raise SpreadsheetProblem(N_("The file is empty."), code="empty_file")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise SpreadsheetProblem(
            N_("This is not an Excel workbook (.xlsx). Save it as .xlsx or .csv and try again."),
            code="wrong_file_type",
        )
    if b"\x00" in data[:4096]:
        raise SpreadsheetProblem(
            N_(
                "This file is neither an Excel workbook (.xlsx) nor a CSV file. Old .xls "
                "workbooks must first be saved as .xlsx."
            ),
            code="wrong_file_type",
        )
    return "csv"


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetProblem(
        N_("The CSV file's text encoding is not UTF-8 or GB18030; save it as UTF-8 CSV."),
        code="bad_encoding",
    )


def _raw_rows(data: bytes, kind: str) -> list[list[Any]]:
    if kind == "csv":
        return [list(row) for row in csv.reader(io.StringIO(_decode_csv(data)))]
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetProblem(
            N_("The workbook cannot be opened; it may be damaged or password-protected."),
            code="unreadable_workbook",
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _find_header(rows: list[list[Any]], columns: Sequence[Column]) -> tuple[int, dict[str, int]]:
    """The header row: the first of the top rows where most filled cells name known columns."""
    names = {}
    for column in columns:
        names[_norm_header(column.header_zh)] = column.key
        names[_norm_header(column.header_en)] = column.key
        names[_norm_header(column.key)] = column.key
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [(i, _norm_header(str(v))) for i, v in enumerate(row) if v not in (None, "")]
        known = [(i, names[text]) for i, text in cells if text in names]
        if len(cells) >= 1 and len(known) * 2 > len(cells) and len(known) >= 1:
            unknown = [str(row[i]).strip() for i, text in cells if text not in names]
            if unknown:
                raise SpreadsheetProblem(
                    N_("Unknown columns: %(names)s. Remove them or use the template's headers."),
                    code="unknown_columns",
                    names=", ".join(unknown),
                )
            mapping: dict[str, int] = {}
            for i, key in known:
                if key in mapping:
                    raise SpreadsheetProblem(
                        N_("The column %(name)s appears twice."),
                        code="duplicate_column",
                        name=str(row[i]).strip(),
                    )
                mapping[key] = i + 1
            return index + 1, mapping
    raise SpreadsheetProblem(
        N_(
            "No header row found in the first %(rows)s rows. Use the template's column names "
            "(Chinese or English)."
        ),
        code="no_header",
        rows=HEADER_SCAN_ROWS,
    )


def _date_text(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and 1 <= value < 2958466:  # Excel's serial day numbers
        converted = from_excel(value)
        if isinstance(converted, datetime):
            return converted.date().isoformat()
    if isinstance(value, str):
        text = tidy_text(value)
        match = _TEXT_DATE.match(text) or _COMPACT_DATE.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return text
        return text or None
    return None


def cell_text(value: Any, kind: Kind) -> str | None:
    """One cell as tidy text (None when empty)."""
    if value is None:
        return None
    if kind == "date":
        return _date_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:  # e.g. an 18-digit ID typed into a Number cell
            return f"{ROUNDED_MARK}{value:.14e}"
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = tidy_text(str(value))
    if kind == "code":
        text = text.upper().replace(" ", "")
    return text or None


def read_table(data: bytes, columns: Sequence[Column], *, max_rows: int = 100_000) -> Table:
    kind = sniff(data)
    rows = _raw_rows(data, kind)
    header_row, mapping = _find_header(rows, columns)
    missing = [c for c in columns if c.required and c.key not in mapping]
    if missing:
        raise SpreadsheetProblem(
            N_("Required columns are missing: %(names)s."),
            code="missing_columns",
            names=", ".join(f"{c.header_zh} / {c.header_en}" for c in missing),
        )
    by_key = {c.key: c for c in columns}
    table_rows: list[SheetRow] = []
    for offset, raw in enumerate(rows[header_row:], start=header_row + 1):
        values = {
            key: cell_text(raw[index - 1] if index - 1 < len(raw) else None, by_key[key].kind)
            for key, index in mapping.items()
        }
        if all(v is None for v in values.values()):
            continue  # blank rows (often many at the end) are not data
        table_rows.append(SheetRow(offset, values))
        if len(table_rows) > max_rows:
            raise SpreadsheetProblem(
                N_("The file has more than %(max)s rows; split it."),
                code="too_many_rows",
                max=max_rows,
            )
    if not table_rows:
        raise SpreadsheetProblem(N_("The file has a header but no data rows."), code="no_rows")
    return Table(table_rows, header_row, mapping, kind)


def rounded_number_problem(value: str | None) -> str | None:
    """The message for a value that Excel stored as a rounded number, else None."""
    if value and value.startswith(ROUNDED_MARK):
        return gettext(
            N_(
                "%(value)s is a number Excel has rounded, not the original digits. Format the "
                "column as Text and type the value again."
            ),
            value=value[len(ROUNDED_MARK) :],
        )
    return None


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_workbook(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    language: str,
    title: str,
    with_hints: bool = False,
) -> bytes:
    """An .xlsx with a bold header row in ``language`` and every text cell neutralised."""
    workbook = Workbook(write_only=not with_hints)
    sheet = workbook.create_sheet(title[:31]) if not with_hints else workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    if with_hints:
        sheet.title = title[:31]
    headers = [c.header(language) + (" *" if c.required else "") for c in columns]
    if with_hints:
        sheet.append(headers)
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            if column.hint:
                cell.comment = Comment(gettext(column.hint), "Tandem")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(headers[index - 1]) * 2)
    else:
        sheet.append(headers)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def marked_copy(data: bytes, table: Table, errors: Sequence[RowError]) -> bytes:
    """The uploaded workbook again, with each bad cell filled and commented with its reason."""
    if table.file_kind == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.worksheets[0]
    else:
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        for raw in csv.reader(io.StringIO(_decode_csv(data))):
            sheet.append([neutralise(v) for v in raw])
    by_cell: dict[tuple[int, int], list[str]] = {}
    for error in errors:
        column = table.columns.get(error.column or "", 1)
        by_cell.setdefault((error.row, column), []).append(error.message)
    for (row, column), messages in by_cell.items():
        cell = sheet.cell(row=row, column=column)
        cell.fill = _BAD_FILL
        cell.comment = Comment("\n".join(messages), "Tandem")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
