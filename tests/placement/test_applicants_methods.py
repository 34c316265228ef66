"""Ranking applicants by a score or by an uploaded spreadsheet (all rows or none)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement import applicants, applicants_methods
from tandem.placement.applicants import RankEntry, Weights
from tandem.placement.applicants_methods import RankingUploadFailed
from tandem.placement.models import HostRank, PlanHost
from tests.placement.ranking_helpers import in_phase, listed
from tests.placement.world import PlacementWorld, add_class, add_student


@pytest.fixture
def applied(session: Session, world: PlacementWorld) -> PlacementWorld:
    listed(session, world, 0, 0, 2)  # host 1 first
    listed(session, world, 1, 2, 1)  # host 1 second
    listed(session, world, 2, 2, 2 - 1, 0)  # host 1 second (position 1)
    listed(session, world, 3, 1)  # host 1 first
    in_phase(session, world, "host_ranking")
    return world


def _ranks(
    session: Session, w: PlacementWorld
) -> dict[int, tuple[int | None, bool, Decimal | None]]:
    rows = session.execute(
        select(HostRank.student_id, HostRank.rank, HostRank.excluded, HostRank.score).where(
            HostRank.partnership_id == w.hosts[0].id
        )
    )
    return {sid: (rank, excluded, score) for sid, rank, excluded, score in rows}


def test_a_score_from_the_choice_ranks_first_choices_first_with_ties(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    s = [x.id for x in w.seniors]
    applicants.set_ranking(
        session,
        actor=w.actor("contact1"),
        plan=w.plan,
        partnership=w.hosts[0],
        entries=[RankEntry(s[3], None, True)],
    )
    applicants_methods.score_ranking(
        session,
        actor=w.actor("contact1"),
        plan=w.plan,
        partnership=w.hosts[0],
        weights=Weights(choice=90),
    )
    ranks = _ranks(session, w)
    # max 3 preferences: first choice 90, second 60; senior 3 stays excluded
    assert ranks[s[0]] == (1, False, Decimal("90.00"))
    assert ranks[s[1]] == (2, False, Decimal("60.00"))
    assert ranks[s[2]] == (2, False, Decimal("60.00"))
    assert ranks[s[3]][:2] == (None, True)
    settings = session.scalars(select(PlanHost)).one()
    assert settings.ranking_method == "score"
    assert settings.score_weights == {"choice": 90, "major": 0, "year": 0, "lottery": False}


def test_major_and_year_weights_and_the_lottery(session: Session, applied: PlacementWorld) -> None:
    w = applied
    s = [x.id for x in w.seniors]
    w.positions[0].majors = [w.major]
    session.flush()
    younger = add_student(session, add_class(session, w.major, 2025))
    session.flush()
    from tandem.placement.models import Preference

    session.add(
        Preference(
            college_id=w.college.id,
            plan_id=w.plan.id,
            student_id=younger.id,
            position_id=w.positions[0].id,
            rank=1,
        )
    )
    session.flush()
    applicants_methods.score_ranking(
        session,
        actor=w.actor("office"),
        plan=w.plan,
        partnership=w.hosts[0],
        weights=Weights(choice=0, major=10, year=50),
    )
    ranks = _ranks(session, w)
    assert ranks[s[0]][2] == Decimal("60.00")  # year 3 of 3 → 50, major → 10
    assert ranks[younger.id][2] == Decimal("43.33")  # year 2 of 3
    assert ranks[younger.id][0] == 5
    applicants_methods.score_ranking(
        session,
        actor=w.actor("office"),
        plan=w.plan,
        partnership=w.hosts[0],
        weights=Weights(choice=100, lottery=True),
    )
    assert {rank for rank, _, _ in _ranks(session, w).values()} == {1}
    assert applicants.host_orders(session, w.plan, None)[w.hosts[0].id] == [
        sorted([*s[:4], younger.id])
    ]


def _sheet(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header or ["学号", "排名", "不接受"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_ranking_replaces_the_ranking(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    n = [x.student_number for x in w.seniors]
    data = _sheet([[n[2], 1, ""], [n[0], 2, "否"], [n[1], 2, None], [n[3], None, "是"]])
    applicants_methods.import_ranking(
        session, actor=w.actor("contact1"), plan=w.plan, partnership=w.hosts[0], data=data
    )
    s = [x.id for x in w.seniors]
    ranks = _ranks(session, w)
    assert {k: v[:2] for k, v in ranks.items()} == {
        s[2]: (1, False),
        s[0]: (2, False),
        s[1]: (2, False),
        s[3]: (None, True),
    }
    assert session.scalars(select(PlanHost.ranking_method)).one() == "upload"


def test_a_bad_file_is_refused_row_by_row_and_nothing_changes(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    n = [x.student_number for x in w.seniors]
    data = _sheet(
        [[n[0], 1, ""], [n[4], 2, ""], [n[1], "first", ""], [n[2], 3, "maybe"], [n[0], 4, ""]]
    )
    with pytest.raises(RankingUploadFailed) as caught:
        applicants_methods.import_ranking(
            session, actor=w.actor("contact1"), plan=w.plan, partnership=w.hosts[0], data=data
        )
    rows = {(p.row, p.column): p.message for p in caught.value.rows}
    assert set(rows) == {(3, "student_number"), (4, "rank"), (5, "excluded"), (6, "student_number")}
    assert "not among this host's applicants" in rows[(3, "student_number")]
    assert "rows 2 and 6" in rows[(6, "student_number")]
    assert caught.value.status_code == 422
    assert _ranks(session, w) == {}


def test_the_template_lists_the_applicants_and_comes_back_in(
    session: Session, applied: PlacementWorld
) -> None:
    w = applied
    s = [x.id for x in w.seniors]
    applicants.set_ranking(
        session,
        actor=w.actor("contact1"),
        plan=w.plan,
        partnership=w.hosts[0],
        entries=[RankEntry(s[1], 1), RankEntry(s[0], None, True)],
    )
    content = applicants_methods.template(
        session, actor=w.actor("contact1"), plan=w.plan, partnership=w.hosts[0], language="en"
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Student number *"
    assert rows[1][0] == w.seniors[1].student_number
    assert rows[1][6] == 1
    assert len(rows) == 5
    applicants_methods.import_ranking(
        session, actor=w.actor("contact1"), plan=w.plan, partnership=w.hosts[0], data=content
    )
    assert {k: v[:2] for k, v in _ranks(session, w).items()} == {
        s[1]: (1, False),
        s[0]: (None, True),
    }
