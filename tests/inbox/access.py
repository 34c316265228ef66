"""Route-by-role rules for the inbox (used by tests/test_route_access.py).

The inbox is personal: every signed-in user has one, and a notice is only ever its owner's.
The "own" notice belongs to the cooperation office's account, so every other role (platform
administrators included) gets a 404 for it; the "other" notice belongs to a user of college B,
a 404 for everyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission, Role
from tandem.college.models import College, Department
from tandem.inbox.models import Notice
from tests.factories import make_user

SIGNED_IN = "signed_in"
P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def own_notice(role: str, variant: str) -> str:
    if role == "anonymous":
        return "login"
    return "ok" if variant == "own" and role == Role.COLLEGE_ADMIN else "hidden"


RULES: dict[tuple[str, str], Any] = {
    ("GET", "/inbox"): SIGNED_IN,
    ("POST", "/inbox/read-all"): SIGNED_IN,
    ("POST", "/inbox/{notice_id}/read"): own_notice,
    ("POST", "/inbox/run"): perm(P.AGREEMENT_APPROVE),
    ("GET", "/api/v1/inbox"): SIGNED_IN,
    ("POST", "/api/v1/inbox/read-all"): SIGNED_IN,
    ("POST", "/api/v1/inbox/{notice_id}/read"): own_notice,
}


def _notice(session: Session, user: User) -> Notice:
    notice = Notice(
        user_id=user.id,
        college_id=user.college_id,
        key=f"test:{user.id}",
        kind="review_overdue",
        subject="A notice",
        body="Its body",
        link="/",
    )
    session.add(notice)
    session.flush()
    return notice


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    own = _notice(session, users[Role.COLLEGE_ADMIN.value])
    other = _notice(session, make_user(session, "college_admin", b, password=None))
    return {"own": {"notice_id": own.id}, "other": {"notice_id": other.id}}
