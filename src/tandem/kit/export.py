"""Lists exported as Excel workbooks: the page's own query and scope, every row, one sheet.

A list's export route builds the same statement as its page (filters, search, sort, the actor's
scope) and hands it here without pagination. Rows are read in chunks (``yield_per``) and written
through openpyxl's write-only workbook, so a list of tens of thousands of rows never sits in
memory as objects. Headers follow the reader's language; every text cell that a spreadsheet would
run as a formula is neutralised by :func:`tandem.kit.spreadsheet.write_workbook`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.config import get_settings
from tandem.kit.dates import local_today
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.spreadsheet import Column, write_workbook

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500
MAX_CELL_TEXT = 32_000  # Excel refuses more than 32,767 characters in a cell
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_IGNORED_PARAMS = frozenset({"page", "per_page"})


@dataclass(frozen=True)
class Field(Generic[T]):
    """One exported column: its headers in both languages, and how to read it from a row."""

    column: Column
    value: Callable[[T], Any]


def field(
    key: str, header_zh: str, header_en: str, value: Callable[[Any], Any] | None = None
) -> Field[Any]:
    """A column; without ``value`` it reads the row's attribute named ``key``."""
    return Field(Column(key, header_zh, header_en), value or attrgetter(key))


# --- reading every row, in chunks ----------------------------------------------------------------


def chunks(
    session: Session, stmt: Select[Any], *, size: int = CHUNK_SIZE
) -> Iterator[Sequence[Any]]:
    """The statement's rows, ``size`` at a time (a server-side cursor where the driver has one).

    Eager loads (``selectinload``) run once per chunk; rows no longer referenced are released by
    the session's weak identity map as the next chunk arrives.
    """
    result = session.scalars(stmt.execution_options(yield_per=size))
    try:
        yield from result.partitions()
    finally:
        result.close()


def stream(session: Session, stmt: Select[Any], *, size: int = CHUNK_SIZE) -> Iterator[Any]:
    """Every row of the statement, one at a time, read in chunks."""
    for chunk in chunks(session, stmt, size=size):
        yield from chunk


class Tally(Generic[K]):
    """Counts the rows that pass through by a key (say, their college), for the audit entry."""

    def __init__(self, key: Callable[[Any], K]) -> None:
        self.key = key
        self.counts: Counter[K] = Counter()

    def __call__(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            self.counts[self.key(item)] += 1
            yield item


# --- cell values ---------------------------------------------------------------------------------


def local_time(value: datetime | None) -> datetime | None:
    """A stored (UTC) time as the platform's wall-clock time: Excel cells have no time zone."""
    if value is None:
        return None
    zone = ZoneInfo(get_settings().timezone)
    aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(zone).replace(tzinfo=None, microsecond=0)


def yes_no(value: object) -> str:
    return gettext(N_("Yes")) if value else gettext(N_("No"))


def text(value: str | None) -> str | None:
    """Free text for a cell: empty as an empty cell, overlong text cut to what Excel takes."""
    if not value:
        return None
    return value if len(value) <= MAX_CELL_TEXT else value[: MAX_CELL_TEXT - 1] + "…"


# --- the response ---------------------------------------------------------------------------------


def filename(stem: str, day: date) -> str:
    """An ASCII file name such as ``students-2026-11-26.xlsx``."""
    safe = _UNSAFE_NAME.sub("-", stem).strip("-.") or "export"
    return f"{safe}-{day.isoformat()}.xlsx"


def content_disposition(stem: str, title: str, day: date) -> str:
    """An attachment with an ASCII name, and the reader's-language name for browsers that can."""
    localised = f"{title}-{day.isoformat()}.xlsx"
    return f"attachment; filename=\"{filename(stem, day)}\"; filename*=UTF-8''{quote(localised)}"


def xlsx_response(
    fields: Sequence[Field[Any]],
    items: Iterable[Any],
    *,
    stem: str,
    title: str,
    language: str | None = None,
) -> Response:
    """A one-sheet workbook of ``items`` in ``fields``' columns, as a download.

    ``title`` is an untranslated message (marked with ``N_``): it names the sheet and the file.
    """
    language = language or get_language()
    sheet_title = gettext(title)
    rows = ([f.value(item) for f in fields] for item in items)
    data = write_workbook(
        [f.column for f in fields], rows, language=language, title=_sheet_name(sheet_title)
    )
    return Response(
        content=data,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": content_disposition(stem, sheet_title, local_today()),
            "Cache-Control": "no-store",
        },
    )


def _sheet_name(title: str) -> str:
    """Excel forbids some characters in a sheet's name and allows at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"


# --- recording the export ------------------------------------------------------------------------


def filters_of(request: Request) -> str:
    """The list's filters as a query string (pagination left out), for the audit entry."""
    params = [
        (k, v) for k, v in request.query_params.multi_items() if v and k not in _IGNORED_PARAMS
    ]
    return urlencode(params)


def record_export(
    session: Session,
    *,
    actor: Actor,
    list_name: str,
    counts: Mapping[int, int],
    filters: str,
) -> None:
    """Audit an export of personal data: one entry (action "export") per college whose rows
    were in the file, the college as its record; an export that found nothing is recorded
    against the actor's own college."""
    by_college = dict(counts)
    if not by_college and actor.college_id is not None:
        by_college[actor.college_id] = 0
    for college_id, rows in sorted(by_college.items()):
        college = session.get(College, college_id)
        if college is None:
            continue
        audit.record(
            session,
            actor=actor,
            action="export",
            entity=college,
            college_id=college.id,
            after={"list": list_name, "rows": rows, "filters": filters or None},
            summary=f"{college.code}: {list_name} ({rows})",
        )


def audited_xlsx_response(
    request: Request,
    session: Session,
    actor: Actor,
    fields: Sequence[Field[Any]],
    stmt: Select[Any],
    *,
    stem: str,
    title: str,
) -> Response:
    """:func:`xlsx_response` for a list of people's personal data (rows with a ``college_id``):
    the export is recorded in each affected college's audit log, with its filters and count."""
    tally: Tally[int] = Tally(attrgetter("college_id"))
    response = xlsx_response(fields, tally(stream(session, stmt)), stem=stem, title=title)
    record_export(
        session, actor=actor, list_name=stem, counts=tally.counts, filters=filters_of(request)
    )
    return response
