"""Helpers shared by the ranking tests: put the world's plan in a phase, add students' lists."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.placement.models import AllocationRound, Preference, RoundAssignment
from tests.placement.world import PlacementWorld


def in_phase(session: Session, world: PlacementWorld, phase: str) -> None:
    world.plan.phase = phase
    session.flush()


def listed(session: Session, world: PlacementWorld, student_index: int, *positions: int) -> None:
    """Senior ``student_index`` lists the world's positions (by index), first choice first."""
    student = world.seniors[student_index]
    for rank, index in enumerate(positions, start=1):
        session.add(
            Preference(
                college_id=world.college.id,
                plan_id=world.plan.id,
                student_id=student.id,
                position_id=world.positions[index].id,
                rank=rank,
            )
        )
    session.flush()


def published_round(session: Session, world: PlacementWorld, placed: dict[int, int]) -> None:
    """A published round placing senior i at position j for each ``{i: j}``."""
    found = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=1, status="published"
    )
    session.add(found)
    session.flush()
    for i, j in placed.items():
        session.add(
            RoundAssignment(
                college_id=world.college.id,
                round_id=found.id,
                student_id=world.seniors[i].id,
                position_id=world.positions[j].id,
                choice=1,
            )
        )
    session.flush()
