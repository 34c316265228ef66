"""Spreadsheets as people send them, and a small college to import them into."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.college.models import College, Department
from tandem.config import Settings, get_settings
from tandem.imports.columns import REGISTERS
from tandem.imports.common import RegisterReport
from tandem.imports.service import import_rows
from tandem.kit.spreadsheet import read_table
from tandem.people.models import SchoolClass
from tests.factories import make_college, make_department, make_user
from tests.people.builders import make_class, make_major, resident_id

CLI = Actor.cli()


def xlsx(rows: list[list[Any]], *, title: str | None = None, width: int = 6) -> bytes:
    """A workbook with ``rows``, under a merged title row when ``title`` is given."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_of(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data)).worksheets[0]


def csv(text: str) -> bytes:
    return text.encode("utf-8")


@dataclass
class Campus:
    """College A (classes, departments, an office) and college B (another office)."""

    college: College
    other: College
    mech: Department
    info: Department
    cnc: SchoolClass  # 数控2401班, cohort 2024
    robots: SchoolClass  # 机器人2501班, cohort 2025
    office: Actor
    other_office: Actor


def make_campus(session: Session) -> Campus:
    college, other = make_college(session), make_college(session)
    mech = make_department(session, college, "MECH")
    info = make_department(session, college, "INFO")
    major = make_major(session, college, mech)
    cnc = make_class(session, college, major, name="数控2401班", cohort_year=2024)
    robots = make_class(session, college, major, name="机器人2501班", cohort_year=2025)
    make_department(session, other, "MECH")
    office = auth_service.actor_for(make_user(session, "college_admin", college))
    other_office = auth_service.actor_for(make_user(session, "college_admin", other))
    return Campus(college, other, mech, info, cnc, robots, office, other_office)


ADULT = date(2004, 5, 17)
MINOR = date(2011, 3, 9)
ID_ADULT = resident_id(ADULT, "440106", 123)
ID_ADULT_2 = resident_id(date(2005, 1, 2), "440111", 456)
ID_MINOR = resident_id(MINOR, "440303", 789)

STUDENT_HEADER_ZH = ["学号", "姓名", "性别", "出生日期", "身份证号", "班级", "学籍状态"]


def students_file(rows: list[list[Any]], **kw: Any) -> bytes:
    return xlsx([STUDENT_HEADER_ZH, *rows], **kw)


def run(
    session: Session,
    register: str,
    data: bytes,
    *,
    college: College | None,
    actor: Actor = CLI,
    settings: Settings | None = None,
    **kw: Any,
) -> RegisterReport:
    table = read_table(data, REGISTERS[register].columns)
    return import_rows(
        session,
        actor=actor,
        register=register,
        table=table,
        college_id=college.id if college else None,
        settings=settings or get_settings(),
        language="en",
        **kw,
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
