"""Route-by-role rules for students' lists and hosts' applicants (tests/test_route_access.py).

The records come from access_common: the plan is in ``student_ranking``; the contact's
enterprise hosts its position; the student is placed by a published round (so changing their
list is a 409, let through). Staff without ``student_id`` / ``host`` get a 422 (API) or the
chooser page (let through). Students see no applicants and contacts no students' lists (403);
another college's plan is a 404 for all but the platform administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem.auth.roles import Permission, Role, allows

P = Permission
Rule = Callable[[str, str], str]


def _rule(permission: Permission, refused: frozenset[str] = frozenset()) -> Rule:
    """Permission first (403), then the plan (404 in another college), then the role's part."""

    def outcome(role: str, variant: str) -> str:
        if role == "anonymous":
            return "login"
        if not allows(role, permission):
            return "denied"
        if variant == "other" and role != Role.PLATFORM_ADMIN:
            return "hidden"
        return "denied" if role in refused else "ok"

    return outcome


NO_CONTACT = frozenset({Role.ENTERPRISE_CONTACT.value})
NO_STUDENT = frozenset({Role.STUDENT.value})
READ_LISTS = _rule(P.PLACEMENT_READ, NO_CONTACT)
RANK_LIST = _rule(P.PREFERENCE_RANK)
READ_APPLICANTS = _rule(P.PLACEMENT_READ, NO_STUDENT)
RANK_APPLICANTS = _rule(P.APPLICANT_RANK)

API = "/api/v1/placement-plans/{plan_id}"
PAGE = "/placement-plans/{plan_id}"

RULES: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/preferences"): READ_LISTS,
    ("PUT", f"{API}/preferences"): RANK_LIST,
    ("GET", f"{API}/available-positions"): READ_LISTS,
    ("GET", f"{API}/applicants"): READ_APPLICANTS,
    ("PUT", f"{API}/applicants/ranking"): RANK_APPLICANTS,
    ("POST", f"{API}/applicants/score"): RANK_APPLICANTS,
    ("POST", f"{API}/applicants/upload"): RANK_APPLICANTS,
    ("GET", f"{PAGE}/my-preferences"): READ_LISTS,
    ("POST", f"{PAGE}/my-preferences"): RANK_LIST,
    ("GET", f"{PAGE}/applicants"): READ_APPLICANTS,
    ("POST", f"{PAGE}/applicants"): RANK_APPLICANTS,
    ("POST", f"{PAGE}/applicants/upload"): RANK_APPLICANTS,
    ("POST", f"{PAGE}/applicants/score"): RANK_APPLICANTS,
    ("GET", f"{PAGE}/applicants/template.xlsx"): READ_APPLICANTS,
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", f"{API}/preferences"): {"position_ids": []},
    ("PUT", f"{API}/applicants/ranking"): {"entries": []},
    ("POST", f"{API}/applicants/score"): {"weights": {"choice": 100}},
}
