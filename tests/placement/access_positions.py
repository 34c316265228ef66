"""Route-by-role rules for the position routes (used by tests/test_route_access.py).

The records come from tests/placement/access_common.py (the own position is published at the
contact's enterprise, and a published round places the student there). Adding a position with a
host that does not exist is a 422 once past the rights; publishing the published position and
withdrawing the one a student holds are 409s: all let through.
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, PUBLISH = perm(P.PLACEMENT_READ), perm(P.POSITION_PUBLISH)
PLAN_API = "/api/v1/placement-plans/{plan_id}/positions"
ONE = "/api/v1/positions/{position_id}"
PAGE = "/positions/{position_id}"
NEW_PAGE = "/placement-plans/{plan_id}/positions/new"

RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", PLAN_API): READ,
    ("POST", PLAN_API): PUBLISH,
    ("GET", ONE): READ,
    ("PATCH", ONE): PUBLISH,
    ("POST", f"{ONE}/publish"): PUBLISH,
    ("POST", f"{ONE}/withdraw"): PUBLISH,
    # Pages
    ("GET", NEW_PAGE): PUBLISH,
    ("POST", NEW_PAGE): PUBLISH,
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/edit"): PUBLISH,
    ("POST", f"{PAGE}/edit"): PUBLISH,
    ("POST", f"{PAGE}/publish"): PUBLISH,
    ("GET", f"{PAGE}/withdraw"): PUBLISH,
    ("POST", f"{PAGE}/withdraw"): PUBLISH,
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", PLAN_API): {"partnership_id": 999_999_999, "title": "Route position", "seats": 1},
    ("PATCH", ONE): {"location": "Route town"},
    ("POST", f"{ONE}/withdraw"): {"reason": "Route test"},
}
