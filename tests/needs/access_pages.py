"""Route-by-role rules for the needs pages (used by tests/test_route_access.py); the API's rules
and the records both use (``prepare``: ``partnership_id`` and ``number``) are in
tests/needs/access.py.

The partnership pages follow the usual college scope: the "own" partnership is in the department
coordinator's department and with the enterprise the contact is bound to, so each role with the
permission gets through there and sees nothing of college B's. The offer has no record in its
path: readers are those who manage it and those who read the advice (a platform admin posting
without choosing a college gets a 422: let through).
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission
from tests.needs.access import offer_reader, perm

P = Permission
N = "/partnerships/{partnership_id}/needs"

RULES: dict[tuple[str, str], Any] = {
    ("GET", N): perm(P.PARTNERSHIP_READ),
    ("GET", f"{N}/edit"): perm(P.NEEDS_EDIT),
    ("POST", f"{N}/edit"): perm(P.NEEDS_EDIT),
    ("GET", f"{N}/compare"): perm(P.PARTNERSHIP_READ),
    ("GET", "/college-offer"): offer_reader,
    ("POST", "/college-offer"): perm(P.OFFER_MANAGE),
}
