"""Route-by-role rules for allocation rounds and results (used by tests/test_route_access.py).

Rounds are the college's working material: its staff read them (students and enterprise
contacts are refused, they read results); only the cooperation office runs, publishes,
discards and adjusts. In the shared access world the plan is in the student-ranking phase and
its round is published, so running, publishing and discarding answer 409 and adjusting
without a reason 422: let through. Results: every role that reads placements, for the plans
it sees.
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission, Role, allows

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def staff_read(role: str, variant: str) -> str:
    if role == "anonymous":
        return "login"
    if not allows(role, P.PLACEMENT_READ) or role in (Role.STUDENT, Role.ENTERPRISE_CONTACT):
        return "denied"
    if variant == "other" and role != Role.PLATFORM_ADMIN:
        return "hidden"
    return "ok"


RUN = perm(P.ALLOCATION_RUN)
RULES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/placement-plans/{plan_id}/rounds"): staff_read,
    ("POST", "/api/v1/placement-plans/{plan_id}/rounds"): RUN,
    ("GET", "/api/v1/rounds/{round_id}"): staff_read,
    ("GET", "/api/v1/rounds/{round_id}/assignments"): staff_read,
    ("POST", "/api/v1/rounds/{round_id}/publish"): RUN,
    ("POST", "/api/v1/rounds/{round_id}/discard"): RUN,
    ("POST", "/api/v1/rounds/{round_id}/adjust"): RUN,
    ("GET", "/api/v1/placement-plans/{plan_id}/results"): perm(P.PLACEMENT_READ),
    ("GET", "/placement-plans/{plan_id}/rounds"): staff_read,
    ("POST", "/placement-plans/{plan_id}/rounds"): RUN,
    ("GET", "/rounds/{round_id}"): staff_read,
    ("GET", "/rounds/{round_id}/publish"): RUN,
    ("POST", "/rounds/{round_id}/publish"): RUN,
    ("GET", "/rounds/{round_id}/discard"): RUN,
    ("POST", "/rounds/{round_id}/discard"): RUN,
    ("GET", "/rounds/{round_id}/adjust"): RUN,
    ("POST", "/rounds/{round_id}/adjust"): RUN,
    ("GET", "/placement-plans/{plan_id}/results"): perm(P.PLACEMENT_READ),
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/placement-plans/{plan_id}/rounds"): {"objective": "stable", "seed": 1},
    ("POST", "/api/v1/rounds/{round_id}/adjust"): {
        "student_id": 1,
        "position_id": None,
        "reason": "",
    },
}
