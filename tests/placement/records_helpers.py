"""Placements for the tests of the placement records (agreement, consent, documents).

A placement is written directly (the lifecycle service is another part's), from one of the
world's positions, for a student of the plan; ``pdf_bytes``/``png_bytes`` are the smallest
files the upload checks accept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.people.models import Student
from tandem.placement.models import Placement, Position

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def add_placement(
    session: Session, position: Position, student: Student, **fields: Any
) -> Placement:
    plan = position.plan
    placement = Placement(
        college_id=position.college_id,
        student_id=student.id,
        plan_id=plan.id,
        position_id=position.id,
        partnership_id=position.partnership_id,
        enterprise_id=position.partnership.enterprise_id,
        kind=fields.pop("kind", plan.kind),
        start_on=fields.pop("start_on", plan.term_start),
        end_on=fields.pop("end_on", plan.term_end),
        title=fields.pop("title", position.title),
        monthly_pay=fields.pop("monthly_pay", Decimal("4200.00")),
        pay_cycle_days=fields.pop("pay_cycle_days", 30),
        hours_per_day=fields.pop("hours_per_day", Decimal("8.0")),
        days_per_week=fields.pop("days_per_week", Decimal("5.0")),
        shifts=fields.pop("shifts", "08:30-17:30"),
        enterprise_mentor_name=fields.pop("enterprise_mentor_name", "王师傅"),
        **fields,
    )
    session.add(placement)
    session.flush()
    return placement


def minor_birth(placement: Placement) -> date:
    """A birth date that makes the student 17 on the placement's start date."""
    start = placement.start_on
    return date(start.year - 17, start.month, 1)
