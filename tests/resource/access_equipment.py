"""Route-by-role rules for the equipment routes, API and pages (used by
tests/test_route_access.py).

``prepare`` makes the "own" line in college A, owned jointly with the enterprise the enterprise
contact is bound to (so the contact sees it) and looked after by department A (so the
department coordinator manages it), with a maintenance record; the "other" line is college B's.
Neither has bookings, so deleting one succeeds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.resource import equipment, maintenance
from tandem.resource.kinds import MaintenanceKind, Ownership
from tandem.resource.schemas_equipment import EquipmentCreate, MaintenanceCreate
from tests.factories import ACTOR
from tests.needs.access import _own_partnership

P = Permission
API = "/api/v1/equipment"
ONE = f"{API}/{{equipment_id}}"
PAGE = "/equipment/{equipment_id}"


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.RESOURCE_READ), perm(P.RESOURCE_MANAGE)

RULES: dict[tuple[str, str], Any] = {
    ("GET", API): READ,
    ("POST", API): MANAGE,  # platform admins must name the college: 422, let through
    ("GET", ONE): READ,
    ("PATCH", ONE): MANAGE,
    ("DELETE", ONE): MANAGE,
    ("GET", f"{ONE}/maintenance"): READ,
    ("POST", f"{ONE}/maintenance"): MANAGE,
    ("DELETE", f"{ONE}/maintenance/{{record_id}}"): MANAGE,
    ("GET", "/equipment"): READ,
    ("GET", "/equipment/export.xlsx"): READ,
    ("GET", "/equipment/new"): MANAGE,
    ("POST", "/equipment/new"): MANAGE,  # an empty form: shown again with its errors (422)
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/edit"): MANAGE,
    ("POST", f"{PAGE}/edit"): MANAGE,
    ("GET", f"{PAGE}/delete"): MANAGE,
    ("POST", f"{PAGE}/delete"): MANAGE,
    ("POST", f"{PAGE}/maintenance"): MANAGE,
    ("POST", f"{PAGE}/maintenance/{{record_id}}/delete"): MANAGE,
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", API): {"asset_tag": "RT-NEW-1", "name": "Route test lathe", "quantity": 2},
    ("PATCH", ONE): {"name": "Renamed lathe"},
    ("POST", f"{ONE}/maintenance"): {
        "done_on": "2025-03-04",
        "kind": "repair",
        "description": "Spindle bearing",
    },
}


def _line(
    session: Session, college: College, department: Department, tag: str, **fields: Any
) -> int:
    data = EquipmentCreate(
        college_id=college.id,
        asset_tag=tag,
        name=f"Lathe {tag}",
        department_id=department.id,
        value_cny=Decimal("120000"),
        **fields,
    )
    line = equipment.create_equipment(session, actor=ACTOR, data=data)
    return line.id


def _record(session: Session, equipment_id: int) -> int:
    line = equipment.get_equipment(session, actor=ACTOR, equipment_id=equipment_id)
    data = MaintenanceCreate(done_on=date(2025, 1, 6), kind=MaintenanceKind.ROUTINE)
    return maintenance.add_record(session, actor=ACTOR, equipment=line, data=data).id


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    partnership = _own_partnership(session, a, departments[0], users)
    own = _line(
        session,
        a,
        departments[0],
        "RT-OWN-1",
        ownership=Ownership.JOINT,
        partnership_id=partnership.id,
        college_share_pct=Decimal(60),
    )
    other = _line(session, b, departments[1], "RT-OTHER-1")
    return {
        "own": {"equipment_id": own, "record_id": _record(session, own)},
        "other": {"equipment_id": other, "record_id": _record(session, other)},
    }
