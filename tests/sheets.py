"""Reading an exported workbook back in tests (openpyxl, as a spreadsheet program would)."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_sheet(response: httpx.Response) -> list[tuple[Any, ...]]:
    """The one sheet's rows (the header first), after checking that this is an xlsx download."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def records(response: httpx.Response) -> list[dict[str, Any]]:
    """The rows as dicts keyed by the header."""
    header, *rows = read_sheet(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def column(response: httpx.Response, name: str) -> list[Any]:
    return [row[name] for row in records(response)]


def every_cell(response: httpx.Response) -> str:
    """All cell values as one text (to check that something appears nowhere)."""
    return "\n".join(str(value) for row in read_sheet(response) for value in row)
