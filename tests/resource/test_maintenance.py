"""Maintenance records: recorded (not in the future) by those who manage the line, optionally
setting its status in the same step, listed newest first with totals, deleted by a manager."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import NotFound, PermissionDenied, ValidationFailed
from tandem.resource import maintenance
from tandem.resource.kinds import EquipmentStatus, MaintenanceKind
from tandem.resource.models import Equipment, MaintenanceRecord
from tandem.resource.schemas_equipment import MaintenanceCreate
from tests.resource.equipment_world import World, build, make_line


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


@pytest.fixture
def line(session: Session, world: World) -> Equipment:
    return make_line(session, world.college, department_id=world.mech.id)


def _record(kind: MaintenanceKind = MaintenanceKind.ROUTINE, **fields: object) -> MaintenanceCreate:
    values: dict[str, object] = {"done_on": date(2025, 5, 6), "kind": kind}
    values.update(fields)
    return MaintenanceCreate.model_validate(values)


def test_a_repair_puts_the_line_under_maintenance_and_back_in_use_restores_it(
    session: Session, world: World, line: Equipment
) -> None:
    coordinator = world.actor("coordinator")
    repair = maintenance.add_record(
        session,
        actor=coordinator,
        equipment=line,
        data=_record(
            MaintenanceKind.REPAIR,
            description="Spindle bearing replaced",
            cost_cny="1250.50",
            downtime_hours="16",
            set_status=EquipmentStatus.MAINTENANCE,
        ),
    )
    assert (line.status, line.version) == ("maintenance", 2)
    assert repair.recorded_by_label == world.users["coordinator"].display_name
    maintenance.add_record(
        session,
        actor=coordinator,
        equipment=line,
        data=_record(
            MaintenanceKind.INSPECTION,
            done_on=date(2025, 5, 8),
            cost_cny="200",
            set_status=EquipmentStatus.IN_USE,
        ),
    )
    assert line.status == "in_use"
    history = maintenance.records_of(session, equipment=line)
    assert [r.kind for r in history.records] == ["inspection", "repair"]  # newest first
    assert (history.total_cost_cny, history.total_downtime_hours) == (
        Decimal("1450.50"),
        Decimal(16),
    )
    actions = session.execute(
        select(AuditEntry.entity_type, AuditEntry.action)
        .where(AuditEntry.entity_type.in_(["maintenance_record", "equipment"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [tuple(a) for a in actions] == [
        ("equipment", "create"),
        ("maintenance_record", "create"),
        ("equipment", "update"),
        ("maintenance_record", "create"),
        ("equipment", "update"),
    ]


def test_maintenance_cannot_be_recorded_ahead(
    session: Session, world: World, line: Equipment
) -> None:
    tomorrow = local_today() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        maintenance.add_record(
            session,
            actor=world.actor("office"),
            equipment=line,
            data=_record(done_on=tomorrow, set_status=EquipmentStatus.MAINTENANCE),
        )
    assert caught.value.errors[0].field == "done_on"
    assert "is in the future" in caught.value.errors[0].localised()
    assert line.status == "in_use"
    assert maintenance.records_of(session, equipment=line).records == []


def test_negative_costs_are_refused_by_the_schema() -> None:
    with pytest.raises(ValueError, match="cost_cny"):
        _record(cost_cny="-5")
    with pytest.raises(ValueError, match="kind"):
        MaintenanceCreate.model_validate({"done_on": "2025-01-01", "kind": "polishing"})


def test_only_managers_record_and_delete(session: Session, world: World, line: Equipment) -> None:
    other_department = make_line(session, world.college, "I-1", department_id=world.info.id)
    for actor in (world.actor("teacher"), world.actor("contact")):
        with pytest.raises(PermissionDenied):
            maintenance.add_record(session, actor=actor, equipment=line, data=_record())
    with pytest.raises(PermissionDenied):
        maintenance.add_record(
            session, actor=world.actor("coordinator"), equipment=other_department, data=_record()
        )
    record = maintenance.add_record(
        session, actor=world.actor("office"), equipment=line, data=_record()
    )
    with pytest.raises(PermissionDenied):
        maintenance.delete_record(
            session, actor=world.actor("teacher"), equipment=line, record=record
        )
    maintenance.delete_record(session, actor=world.actor("office"), equipment=line, record=record)
    assert session.get(MaintenanceRecord, record.id) is None
    deleted = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "maintenance_record", AuditEntry.action == "delete"
        )
    )
    assert deleted is not None
    assert deleted.changes["kind"] == ["routine", None]


def test_a_record_belongs_to_its_line(session: Session, world: World, line: Equipment) -> None:
    other = make_line(session, world.college, "ZC-2")
    record = maintenance.add_record(
        session, actor=world.actor("office"), equipment=other, data=_record()
    )
    with pytest.raises(NotFound):
        maintenance.get_record(session, equipment=line, record_id=record.id)
    assert maintenance.get_record(session, equipment=other, record_id=record.id) is record


def test_a_repair_cannot_take_a_booked_line_out_of_service(
    session: Session, world: World, line: Equipment
) -> None:
    from tandem.kit.errors import Conflict
    from tandem.resource.models import Booking

    session.add(
        Booking(
            college_id=line.college_id,
            equipment_id=line.id,
            purpose="teaching",
            title="CNC practice",
            day=local_today() + timedelta(days=1),
            start_min=8 * 60,
            end_min=10 * 60,
            minutes=120,
        )
    )
    session.flush()
    office = world.actor("office")
    repair = _record(MaintenanceKind.REPAIR, set_status=EquipmentStatus.MAINTENANCE)
    with pytest.raises(Conflict) as caught:
        maintenance.add_record(session, actor=office, equipment=line, data=repair)
    assert caught.value.code == "has_future_bookings"
    assert line.status == EquipmentStatus.IN_USE
    assert maintenance.records_of(session, equipment=line).records == []  # nothing written
    routine = _record(MaintenanceKind.ROUTINE)  # a record without a status change is fine
    maintenance.add_record(session, actor=office, equipment=line, data=routine)
    assert len(maintenance.records_of(session, equipment=line).records) == 1
