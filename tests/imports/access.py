"""Route-by-role rules for the import pages (used by tests/test_route_access.py).

Students and teachers are imported by those who manage them (college admins, platform admins);
partner enterprises by those who may register enterprises; agreements by those who manage them
(department coordinators too: each row is then checked against their department); the
equipment register by those who manage resources (coordinators: rows of their department). An upload
token belongs to the person who uploaded the file: an unknown one answers 404 to everyone
allowed on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission, allows
from tandem.college.models import College, Department

P = Permission
Rule = Callable[[str, str], str]


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def upload_of_someone(permission: Permission) -> Rule:
    """A route naming an upload ("no-such-token" here): not found for those allowed."""

    def rule(role: str, variant: str) -> str:
        if role == "anonymous":
            return "login"
        return "hidden" if allows(role, permission) else "denied"

    return rule


RULES: dict[tuple[str, str], Any] = {}
for _register, _permission in (
    ("partners", P.ENTERPRISE_CREATE),
    ("students", P.STUDENT_MANAGE),
    ("teachers", P.TEACHER_MANAGE),
    ("agreements", P.AGREEMENT_MANAGE),
    ("equipment", P.RESOURCE_MANAGE),
):
    _base = f"/imports/{_register}"
    RULES[("GET", _base)] = perm(_permission)
    RULES[("POST", _base)] = perm(_permission)  # no file: the form again with an error (422)
    RULES[("GET", f"{_base}/template.xlsx")] = perm(_permission)
    RULES[("POST", f"{_base}/{{token}}")] = upload_of_someone(_permission)
    RULES[("GET", f"{_base}/{{token}}/errors.xlsx")] = upload_of_someone(_permission)

# The pages take multipart uploads, not JSON bodies; an empty post shows the form's error (422).
BODIES: dict[tuple[str, str], dict[str, Any]] = {}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    """Nothing to prepare: the routes name no record."""
    return {"own": {}, "other": {}}
