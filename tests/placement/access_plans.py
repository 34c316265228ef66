"""Route-by-role rules for the placement plan routes (used by tests/test_route_access.py).

The records come from tests/placement/access_common.py: in college A a plan of the
coordinator's department in ``student_ranking`` that the student's class takes part in, with a
published position at the contact's enterprise; in college B the same with another enterprise.
Deleting the own plan is refused (not a draft: a 409 counts as let through); moving its phase
goes to host ranking. The eligible students are the college's staff's only.
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission, Role, allows

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE, PUBLISH = perm(P.PLACEMENT_READ), perm(P.PLAN_MANAGE), perm(P.POSITION_PUBLISH)
API = "/api/v1/placement-plans"
ONE = f"{API}/{{plan_id}}"
PAGES = "/placement-plans"
PAGE = f"{PAGES}/{{plan_id}}"
STAFF = {Role.PLATFORM_ADMIN, Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR, Role.TEACHER}


def staff_only(role: str, variant: str) -> str:
    """The eligible students: a student or a contact may see the plan, not its cohort."""
    if role == "anonymous":
        return "login"
    if not allows(role, P.PLACEMENT_READ):
        return "denied"
    if variant == "other" and role != Role.PLATFORM_ADMIN:
        return "hidden"
    return "ok" if role in STAFF else "denied"


RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", API): READ,
    ("POST", API): MANAGE,
    ("GET", ONE): READ,
    ("PATCH", ONE): MANAGE,
    ("DELETE", ONE): MANAGE,
    ("POST", f"{ONE}/phase"): MANAGE,
    ("GET", f"{ONE}/summary"): READ,
    ("GET", f"{ONE}/capacity"): READ,
    ("GET", f"{ONE}/students"): staff_only,
    # Pages
    ("GET", PAGES): READ,
    ("GET", f"{PAGES}/new"): MANAGE,
    ("POST", f"{PAGES}/new"): MANAGE,
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/edit"): MANAGE,
    ("POST", f"{PAGE}/edit"): MANAGE,
    ("GET", f"{PAGE}/phase"): MANAGE,
    ("POST", f"{PAGE}/phase"): MANAGE,
    ("GET", f"{PAGE}/delete"): MANAGE,
    ("POST", f"{PAGE}/delete"): MANAGE,
    ("GET", f"{PAGE}/positions.xlsx"): READ,
}

# A new plan without majors or classes is a 422 (let through) once past the rights.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", API): {
        "name": "Route plan",
        "kind": "post",
        "term_start": "2027-09-01",
        "term_end": "2028-01-31",
    },
    ("PATCH", ONE): {"note": "Route test"},
    ("POST", f"{ONE}/phase"): {"phase": "host_ranking"},
}
