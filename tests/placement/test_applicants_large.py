"""host_orders over many applicants (its speed at 20,000 students is measured by
bench/placement/round.py, not here): ties, exclusions and the unranked group."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tandem.people.models import Student
from tandem.placement import applicants
from tandem.placement.models import HostRank, Preference
from tests.placement.world import PlacementWorld, add_position

STUDENTS, CHOICES, POSITIONS = 2_000, 5, 40


def test_host_orders_of_many_applicants(session: Session, world: PlacementWorld) -> None:
    w = world
    positions = [add_position(session, w.plan, w.hosts[i % 2]).id for i in range(POSITIONS)]
    session.execute(
        insert(Student),
        [
            {
                "college_id": w.college.id,
                "student_number": f"BIG{i:06d}",
                "name": f"Big {i}",
                "gender": "M",
                "birth_date": date(2005, 1, 1),
                "class_id": w.senior.id,
            }
            for i in range(STUDENTS)
        ],
    )
    ids = list(session.scalars(select(Student.id).where(Student.student_number.like("BIG%"))))
    pick = random.Random(7)
    rows = []
    for sid in ids:
        for rank, pid in enumerate(pick.sample(positions, CHOICES), start=1):
            rows.append(
                {
                    "college_id": w.college.id,
                    "plan_id": w.plan.id,
                    "student_id": sid,
                    "position_id": pid,
                    "rank": rank,
                }
            )
    session.execute(insert(Preference), rows)
    ranked = ids[:5000]
    session.execute(
        insert(HostRank),
        [
            {
                "college_id": w.college.id,
                "plan_id": w.plan.id,
                "partnership_id": w.hosts[0].id,
                "student_id": sid,
                "rank": 1 + n // 3,  # groups of three tie
                "excluded": n % 50 == 0,
            }
            for n, sid in enumerate(ranked)
        ],
    )
    session.flush()
    orders = applicants.host_orders(session, w.plan, set(ids))
    first = orders[w.hosts[0].id]
    flat = [s for item in first for s in (item if isinstance(item, list) else [item])]
    assert len(flat) == len(set(flat))
    assert ids[0] not in flat  # excluded
    assert isinstance(first[0], list)
    assert len(first[0]) == 2
    assert isinstance(first[-1], list)  # the unranked applicants, one tied group at the end
    assert len(orders[w.hosts[1].id]) == 1  # nobody ranked by host 2: one group
