from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_college


def test_datetimes_come_back_timezone_aware_in_utc(session: Session) -> None:
    college = make_college(session)
    session.flush()
    session.expire(college)
    assert college.created_at.tzinfo is not None
    assert college.created_at.utcoffset() == timedelta(0)


def test_other_time_zones_are_stored_as_the_same_instant(session: Session) -> None:
    college = make_college(session)
    beijing = timezone(timedelta(hours=8))
    college.updated_at = datetime(2026, 3, 1, 8, 0, tzinfo=beijing)
    session.flush()
    session.expire(college)
    assert college.updated_at == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(session: Session) -> None:
    college = make_college(session)
    college.updated_at = datetime(2026, 3, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()
    session.rollback()
