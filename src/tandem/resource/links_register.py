"""Obligations counted against the register: "the enterprise provides 10 CNC machines" is
checked with the equipment lines linked to the agreement (``Equipment.agreement_id``), not
retired, whose name or category contains the obligation's ``register_category``, owned by the
obligation's party (an enterprise: alone or jointly; the college: alone or jointly)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement, Party
from tandem.resource.kinds import EquipmentStatus, Ownership
from tandem.resource.links import norm
from tandem.resource.models import Equipment


@dataclass(frozen=True)
class RegisterCheck:
    category: str
    required: Decimal
    found: int

    @property
    def short(self) -> Decimal:
        return max(Decimal(0), self.required - self.found)


PARTY_OWNERS = {
    Party.ENTERPRISE: (Ownership.ENTERPRISE, Ownership.JOINT),
    Party.COLLEGE: (Ownership.COLLEGE, Ownership.JOINT),
}


def count_in_register(lines: list[tuple[str, str, int, str]], category: str, party: str) -> int:
    """Σ quantity of the lines (name, category, quantity, ownership) whose name or category
    contains ``category`` (any case), owned by ``party`` (alone or jointly)."""
    wanted = norm(category)
    owners = PARTY_OWNERS.get(Party(party), ())
    return sum(
        quantity
        for name, cat, quantity, ownership in lines
        if ownership in owners and (wanted in norm(name) or wanted in norm(cat))
    )


def register_checks(session: Session, agreement: Agreement) -> dict[int, RegisterCheck]:
    """Each obligation with a register category, with the equipment found for it: one query
    for the agreement, whatever the number of obligations."""
    counted = [o for o in agreement.obligations if o.register_category.strip()]
    if not counted:
        return {}
    rows = session.execute(
        select(Equipment.name, Equipment.category, Equipment.quantity, Equipment.ownership).where(
            Equipment.agreement_id == agreement.id, Equipment.status != EquipmentStatus.RETIRED
        )
    ).all()
    lines = [(r.name, r.category, r.quantity, r.ownership) for r in rows]
    return {
        o.id: RegisterCheck(
            o.register_category,
            o.quantity,
            count_in_register(lines, o.register_category, o.party),
        )
        for o in counted
    }
