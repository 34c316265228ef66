"""Route-by-role rules for the utilisation routes (used by tests/test_route_access.py).

Every role that reads resources may ask for utilisation: the college's staff for their college
(platform administrators must name one: a 422, let through), an enterprise contact for the
resources their enterprise owns or hosts. No path names a record, so nothing to prepare.
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


RULES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/utilisation"): perm(P.RESOURCE_READ),
    ("GET", "/api/v1/utilisation/underused"): perm(P.RESOURCE_READ),
    ("GET", "/utilisation"): perm(P.RESOURCE_READ),
    ("GET", "/utilisation/export.xlsx"): perm(P.RESOURCE_READ),
}
