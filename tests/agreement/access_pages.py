"""Route-by-role rules for the agreement pages (used by tests/test_route_access.py).

The records come from ``prepare`` in tests/agreement/access_api.py: ``{agreement_id}`` is an
approved mode-1 agreement of the department coordinator's own department, visible to the
enterprise contact ("own"), or one of college B ("other"). Pages that need a right the role lacks
answer 403 before looking anything up; an approved agreement cannot be edited, deleted or renewed,
which is a 409 or a redirect back to the agreement ("ok": the request got through).
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.AGREEMENT_READ), perm(P.AGREEMENT_MANAGE)
A = "/agreements/{agreement_id}"
OB = f"{A}/obligations/{{obligation_id}}"
D = f"{A}/documents/{{document_id}}"

RULES: dict[tuple[str, str], Any] = {
    ("GET", "/agreements"): READ,
    ("GET", "/agreements/export.xlsx"): READ,
    ("GET", "/agreements/new"): MANAGE,
    ("POST", "/agreements/new"): MANAGE,
    ("GET", A): READ,
    ("GET", f"{A}/edit"): MANAGE,
    ("POST", f"{A}/edit"): MANAGE,
    ("GET", f"{A}/delete"): MANAGE,
    ("POST", f"{A}/delete"): MANAGE,
    ("GET", f"{A}/confirm"): MANAGE,
    ("POST", f"{A}/transition"): MANAGE,
    ("POST", f"{A}/sign"): perm(P.AGREEMENT_SIGN),
    ("GET", f"{A}/renew"): MANAGE,
    ("POST", f"{A}/renew"): MANAGE,
    ("POST", f"{A}/review"): MANAGE,
    ("POST", f"{A}/non-renewal"): perm(P.AGREEMENT_APPROVE),
    ("GET", f"{A}/obligations/new"): MANAGE,
    ("POST", f"{A}/obligations/new"): MANAGE,
    ("GET", f"{OB}/edit"): MANAGE,
    ("POST", f"{OB}/edit"): MANAGE,
    ("POST", f"{OB}/delete"): MANAGE,
    ("POST", f"{OB}/deliveries"): MANAGE,
    ("POST", f"{A}/documents"): MANAGE,
    ("GET", D): READ,
    ("POST", f"{D}/delete"): MANAGE,
}
