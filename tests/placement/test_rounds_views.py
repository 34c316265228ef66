"""The adjust page: only the "Not placed" option leaves a student unplaced; any other value
that is no position id is a 422 on the position field, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.models import User
from tandem.placement.models import AllocationRound, RoundAssignment
from tandem.placement.rounds import run_round
from tests.conftest import csrf_from
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld

Browser = Callable[[User], TestClient]


def _held(session: Session, found: AllocationRound, student_id: int) -> int | None:
    session.expire_all()
    return session.scalar(
        select(RoundAssignment.position_id).where(
            RoundAssignment.round_id == found.id, RoundAssignment.student_id == student_id
        )
    )


def test_a_position_that_is_no_id_is_refused_not_read_as_not_placed(
    session: Session, world: PlacementWorld, browser: Browser
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    session.commit()
    s3 = world.seniors[3].id
    placed_at = _held(session, found, s3)
    assert placed_at == world.positions[0].id
    office = browser(world.users["office"])
    page = f"/rounds/{found.id}/adjust"
    form = office.get(page, params={"student_id": s3})
    assert form.status_code == 200
    token = csrf_from(form.text)
    for bad in ("abc", "-1", "1.5", "²", "P0"):
        sent = office.post(
            page,
            data={
                "csrf_token": token,
                "student_id": str(s3),
                "position_id": bad,
                "reason": "typo",
            },
        )
        assert sent.status_code == 422, bad
        assert 'id="e-position_id"' in sent.text
        assert "Choose a position from the list" in sent.text
        assert _held(session, found, s3) == placed_at
    # Without the field at all, nothing is read as "not placed" either.
    missing = office.post(page, data={"csrf_token": token, "student_id": str(s3), "reason": "x"})
    assert missing.status_code == 422
    assert 'id="e-position_id"' in missing.text
    assert _held(session, found, s3) == placed_at
    assert not session.scalar(select(AuditEntry.id).where(AuditEntry.action == "adjust"))

    # The "Not placed" option (an empty value) does leave the student unplaced.
    saved = office.post(
        page,
        data={"csrf_token": token, "student_id": str(s3), "position_id": "", "reason": "ill"},
    )
    assert saved.status_code == 200
    assert "This change creates" in saved.text
    assert _held(session, found, s3) is None
    # A position id moves the student there.
    moved = office.post(
        page,
        data={
            "csrf_token": token,
            "student_id": str(s3),
            "position_id": str(world.positions[0].id),
            "reason": "recovered",
        },
    )
    assert moved.status_code == 200
    assert _held(session, found, s3) == world.positions[0].id
