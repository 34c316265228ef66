"""Preferences and host rankings on the placement world, for the round tests.

World: positions P0, P1 at host 1 (2 seats each), P2 at host 2 (3 seats). Six seniors are
eligible (the juniors are first-years). ``prepare_round`` moves the plan to the allocation
phase and writes:

- seniors 0–3 list P0, P1, P2; senior 4 lists P0, P2; senior 5 lists nothing;
- host 1 ranks senior 3 first, seniors 0 and 1 tied second, excludes senior 2;
  host 2 ranks nobody (every applicant tied).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.placement.models import HostRank, Preference
from tests.placement.world import PlacementWorld


def prefer(session: Session, world: PlacementWorld, student: int, positions: list[int]) -> None:
    for rank, index in enumerate(positions, start=1):
        session.add(
            Preference(
                college_id=world.college.id,
                plan_id=world.plan.id,
                student_id=world.seniors[student].id,
                position_id=world.positions[index].id,
                rank=rank,
            )
        )


def host_rank(
    session: Session,
    world: PlacementWorld,
    host: int,
    student: int,
    rank: int | None,
    excluded: bool = False,
) -> None:
    session.add(
        HostRank(
            college_id=world.college.id,
            plan_id=world.plan.id,
            partnership_id=world.hosts[host].id,
            student_id=world.seniors[student].id,
            rank=rank,
            excluded=excluded,
        )
    )


def prepare_round(session: Session, world: PlacementWorld) -> None:
    world.plan.phase = "allocation"
    for student in range(4):
        prefer(session, world, student, [0, 1, 2])
    prefer(session, world, 4, [0, 2])
    host_rank(session, world, 0, 3, 1)
    host_rank(session, world, 0, 0, 2)
    host_rank(session, world, 0, 1, 2)
    host_rank(session, world, 0, 2, None, excluded=True)
    session.flush()
