"""Route-by-role rules for the people routes (used by tests/test_route_access.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College, Department

RULES: dict[tuple[str, str], Any] = {}
BODIES: dict[tuple[str, str], dict[str, Any]] = {}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    """Records for the routes' path parameters: "own" (college A) and "other" (college B)."""
    return {"own": {}, "other": {}}
