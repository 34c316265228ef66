"""The shared export pieces: file names, cells, chunked reading, the response and its audit."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.export import field
from tandem.kit.i18n import N_, set_language
from tests.factories import make_college


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


FIELDS = (
    field("name", "名称", "Name"),
    field("count", "数量", "Count"),
    field("when", "时间", "When", lambda r: export.local_time(r.when)),
)


def wall_clock(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A naive datetime, as read back from an Excel cell."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).replace(tzinfo=None)


def _row(name: str, count: int = 1, when: datetime | None = None) -> SimpleNamespace:
    return SimpleNamespace(name=name, count=count, when=when)


def test_file_names_are_ascii_with_the_date_and_a_localised_alternative() -> None:
    day = date(2026, 11, 26)
    assert export.filename("students", day) == "students-2026-11-26.xlsx"
    assert export.filename("departments-DEMO 1/2", day) == "departments-DEMO-1-2-2026-11-26.xlsx"
    header = export.content_disposition("students", "学生", day)
    assert header.startswith('attachment; filename="students-2026-11-26.xlsx"; ')
    assert "filename*=UTF-8''%E5%AD%A6%E7%94%9F-2026-11-26.xlsx" in header
    header.encode("ascii")  # a header value must be plain ASCII


def test_response_is_a_one_sheet_workbook_with_headers_in_the_language() -> None:
    rows = [_row("甲", 3, datetime(2026, 1, 1, 16, 30, tzinfo=UTC)), _row("乙", -2)]
    response = export.xlsx_response(
        FIELDS, iter(rows), stem="things", title=N_("Students"), language="en"
    )
    assert response.media_type == export.XLSX_MEDIA_TYPE
    assert response.headers["content-type"] == export.XLSX_MEDIA_TYPE
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="things-' in response.headers["content-disposition"]
    found = sheet_rows(bytes(response.body))
    assert found[0] == ("Name", "Count", "When")
    # Stored in UTC, written as the platform's wall-clock time (Asia/Shanghai by default).
    assert found[1] == ("甲", 3, wall_clock(2026, 1, 2, 0, 30))
    assert found[2] == ("乙", -2, None)  # a negative number is a number, not a formula

    zh = export.xlsx_response(FIELDS, iter(rows), stem="things", title="x", language="zh_CN")
    assert sheet_rows(bytes(zh.body))[0] == ("名称", "数量", "时间")


def test_sheet_and_file_take_the_translated_title() -> None:
    set_language("zh_CN")
    response = export.xlsx_response(FIELDS, [], stem="students", title=N_("Students"))
    workbook = load_workbook(io.BytesIO(bytes(response.body)))
    assert workbook.worksheets[0].title == "学生"
    assert sheet_rows(bytes(response.body)) == [("名称", "数量", "时间")]
    assert "%E5%AD%A6%E7%94%9F" in response.headers["content-disposition"]


def test_formula_like_text_is_neutralised() -> None:
    texts = ["=1+1", "+86 123", "-x", "@SUM(A1)", '=HYPERLINK("http://evil")', "plain"]
    response = export.xlsx_response(
        FIELDS[:1], [_row(t) for t in texts], stem="x", title="x", language="en"
    )
    values = [row[0] for row in sheet_rows(bytes(response.body))[1:]]
    assert values == [
        "'=1+1",
        "'+86 123",
        "'-x",
        "'@SUM(A1)",
        '\'=HYPERLINK("http://evil")',
        "plain",
    ]


def test_cell_helpers() -> None:
    set_language("en")
    assert export.yes_no(True) == "Yes"
    assert export.yes_no(None) == "No"
    assert export.text("") is None
    long = "x" * (export.MAX_CELL_TEXT + 10)
    assert len(export.text(long) or "") == export.MAX_CELL_TEXT
    assert export.local_time(None) is None
    # A naive time from the database is taken as UTC.
    assert export.local_time(wall_clock(2026, 6, 1, 0, 0)) == wall_clock(2026, 6, 1, 8, 0)


def test_chunks_read_every_row_a_few_at_a_time(session: Session) -> None:
    codes = {make_college(session).code for _ in range(5)}
    stmt = select(College).where(College.code.in_(codes)).order_by(College.code)
    sizes = [len(chunk) for chunk in export.chunks(session, stmt, size=2)]
    assert sizes == [2, 2, 1]
    assert [c.code for c in export.stream(session, stmt, size=2)] == sorted(codes)


def test_tally_counts_what_passes_through() -> None:
    tally: export.Tally[int] = export.Tally(lambda r: r.count)
    passed = list(tally(_row(n, c) for n, c in (("a", 1), ("b", 2), ("c", 1))))
    assert [r.name for r in passed] == ["a", "b", "c"]
    assert tally.counts == {1: 2, 2: 1}


def test_record_export_writes_one_entry_per_college(session: Session) -> None:
    a, b = make_college(session), make_college(session)
    actor = Actor(label="office@a", user_id=1, role="college_admin", college_id=a.id)
    export.record_export(
        session, actor=actor, list_name="students", counts={a.id: 3, b.id: 1}, filters="status=x"
    )
    session.flush()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
    ).all()
    assert [(e.college_id, e.entity_type, e.entity_id) for e in entries] == [
        (a.id, "college", str(a.id)),
        (b.id, "college", str(b.id)),
    ]
    assert entries[0].changes == {
        "list": [None, "students"],
        "rows": [None, 3],
        "filters": [None, "status=x"],
    }
    assert entries[0].summary == f"{a.code}: students (3)"


def test_an_export_that_found_nothing_is_recorded_for_the_actors_college(session: Session) -> None:
    college = make_college(session)
    actor = Actor(label="office", user_id=1, role="college_admin", college_id=college.id)
    export.record_export(session, actor=actor, list_name="teachers", counts={}, filters="")
    session.flush()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.college_id == college.id
    assert entry.changes == {"list": [None, "teachers"], "rows": [None, 0]}
