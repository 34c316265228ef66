"""Maintenance records of an equipment line: routine care, repairs, calibrations, inspections,
with their cost and downtime. Flushes and audits, never commits.

Those who manage the line (:func:`tandem.resource.scope.can_manage`) record and delete them;
recording one may set the line's status in the same step — a repair puts it under maintenance,
"back in use" returns it to service.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.errors import NotFound, ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource import booking_rules
from tandem.resource.equipment import require_manage
from tandem.resource.kinds import EquipmentStatus
from tandem.resource.models import Equipment, MaintenanceRecord
from tandem.resource.schemas_equipment import MaintenanceCreate

RECORD_FIELDS = ("done_on", "kind", "description", "cost_cny", "downtime_hours")
DONE_IN_FUTURE = N_(
    "%(date)s is in the future: record maintenance once it is done (book the equipment for "
    "maintenance to plan it)."
)


def _hundredths(value: Decimal | None) -> Decimal | None:
    """As the database keeps it (two decimals), so the answer right after a write is the same."""
    return None if value is None else value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class History:
    records: list[MaintenanceRecord]  # newest first
    total_cost_cny: Decimal
    total_downtime_hours: Decimal


def records_of(session: Session, *, equipment: Equipment) -> History:
    stmt = (
        select(MaintenanceRecord)
        .where(MaintenanceRecord.equipment_id == equipment.id)
        .order_by(MaintenanceRecord.done_on.desc(), MaintenanceRecord.id.desc())
    )
    records = list(session.scalars(stmt))
    cost = sum((Decimal(r.cost_cny) for r in records if r.cost_cny is not None), Decimal(0))
    hours = sum(
        (Decimal(r.downtime_hours) for r in records if r.downtime_hours is not None), Decimal(0)
    )
    return History(records, cost, hours)


def get_record(session: Session, *, equipment: Equipment, record_id: int) -> MaintenanceRecord:
    record = session.get(MaintenanceRecord, record_id)
    if record is None or record.equipment_id != equipment.id:
        raise NotFound(N_("No maintenance record with id %(id)s."), id=record_id)
    return record


def add_record(
    session: Session, *, actor: Actor, equipment: Equipment, data: MaintenanceCreate
) -> MaintenanceRecord:
    require_manage(actor, equipment)
    if data.set_status in (EquipmentStatus.MAINTENANCE, EquipmentStatus.RETIRED) and (
        data.set_status != equipment.status
    ):
        booking_rules.check_no_future_bookings(session, equipment)  # before anything is written
    if data.done_on > local_today():
        raise ValidationFailed.single(
            "done_on", "in_future", DONE_IN_FUTURE, date=data.done_on.isoformat()
        )
    record = MaintenanceRecord(
        college_id=equipment.college_id,
        equipment_id=equipment.id,
        done_on=data.done_on,
        kind=data.kind,
        description=data.description,
        cost_cny=_hundredths(data.cost_cny),
        downtime_hours=_hundredths(data.downtime_hours),
        recorded_by_label=actor.display_name or actor.label,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=record,
        college_id=equipment.college_id,
        after={"equipment_id": equipment.id, **audit.snapshot(record, RECORD_FIELDS)},
        summary=f"{equipment.asset_tag} {equipment.name}",
    )
    if data.set_status is not None and data.set_status != equipment.status:
        before = {"status": equipment.status}
        equipment.status = data.set_status
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="update",
            entity=equipment,
            college_id=equipment.college_id,
            before=before,
            after={"status": equipment.status},
            summary=f"{equipment.asset_tag} {equipment.name}",
        )
    session.expire(equipment, ["maintenance"])
    return record


def delete_record(
    session: Session, *, actor: Actor, equipment: Equipment, record: MaintenanceRecord
) -> None:
    require_manage(actor, equipment)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=record,
        college_id=equipment.college_id,
        before={"equipment_id": equipment.id, **audit.snapshot(record, RECORD_FIELDS)},
        summary=f"{equipment.asset_tag} {equipment.name}",
    )
    session.delete(record)
    session.flush()
    session.expire(equipment, ["maintenance"])
