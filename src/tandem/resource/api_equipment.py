"""JSON API for the equipment register and its maintenance records under /api/v1/equipment.

Scope comes from :mod:`tandem.resource.scope`: a college's own register, an enterprise
contact's enterprise's lines, every line for platform admins; anything else is a 404. Changing
the register needs ``resource.manage`` at the door; the service then checks the line itself (a
department coordinator: their own department's). A contact reads neither the college's
remarks (null) nor the code of a venue they may not see, nor an agreement they could not open.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi import status as http

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import page_meta
from tandem.resource import equipment as service
from tandem.resource import maintenance, scope
from tandem.resource.kinds import Acquisition, EquipmentStatus, Ownership
from tandem.resource.models import Equipment
from tandem.resource.schemas_equipment import (
    EquipmentCreate,
    EquipmentList,
    EquipmentRead,
    EquipmentTotals,
    EquipmentUpdate,
    MaintenanceCreate,
    MaintenanceList,
    MaintenanceRead,
)
from tandem.resource.scope import shown_agreement, shows_internal

router = APIRouter(prefix="/api/v1", tags=["equipment"])

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Manager = Annotated[Actor, Depends(require(Permission.RESOURCE_MANAGE))]
ONE = "/equipment/{equipment_id}"
IdFilter = Annotated[int | None, Query(ge=1)]
CENT = Decimal("0.01")


def _cents(value: Decimal | None) -> Decimal | None:
    """Money and shares with two decimals, as stored (also right after a write)."""
    return None if value is None else Decimal(value).quantize(CENT)


def equipment_read(equipment: Equipment, actor: Actor) -> EquipmentRead:
    partnership = equipment.partnership
    enterprise = partnership.enterprise if partnership is not None else None
    venue = equipment.venue
    agreement = shown_agreement(actor, equipment.agreement)
    return EquipmentRead(
        id=equipment.id,
        college_id=equipment.college_id,
        asset_tag=equipment.asset_tag,
        name=equipment.name,
        model=equipment.model,
        maker=equipment.maker,
        category=equipment.category,
        quantity=equipment.quantity,
        ownership=Ownership(equipment.ownership),
        partnership_id=equipment.partnership_id,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else None,
        college_share_pct=Decimal(equipment.college_share_pct).quantize(CENT),
        enterprise_share_pct=service.enterprise_share(equipment).quantize(CENT),
        acquisition=Acquisition(equipment.acquisition),
        value_cny=_cents(equipment.value_cny),
        acquired_on=equipment.acquired_on,
        venue_id=equipment.venue_id,
        venue_code=venue.code if venue is not None and scope.can_see(actor, venue) else None,
        agreement_id=agreement.id if agreement else None,
        department_id=equipment.department_id,
        status=EquipmentStatus(equipment.status),
        teaching_hour_value_cny=_cents(equipment.teaching_hour_value_cny),
        note=equipment.note if shows_internal(actor, equipment.college_id) else None,
        version=equipment.version,
        created_at=equipment.created_at,
        updated_at=equipment.updated_at,
    )


@router.get(
    "/equipment",
    response_model=EquipmentList,
    summary="List and search the equipment register, with the totals of every matching line",
)
def list_equipment(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    category: Annotated[str, Query(max_length=100)] = "",
    status: EquipmentStatus | None = None,
    ownership: Ownership | None = None,
    acquisition: Acquisition | None = None,
    venue_id: IdFilter = None,
    base_id: Annotated[
        int | None, Query(ge=1, description="Equipment in the training base's venues.")
    ] = None,
    department_id: IdFilter = None,
    partnership_id: IdFilter = None,
    agreement_id: IdFilter = None,
    college_id: IdFilter = None,
) -> EquipmentList:
    filters = service.EquipmentFilter(
        category=category.strip(),
        status=status or "",
        ownership=ownership or "",
        acquisition=acquisition or "",
        venue_id=venue_id,
        base_id=base_id,
        department_id=department_id,
        partnership_id=partnership_id,
        agreement_id=agreement_id,
        college_id=college_id,
    )
    page = service.list_equipment(session, actor=actor, params=params, filters=filters)
    sums = service.totals(session, actor=actor, q=params.q, filters=filters)
    return EquipmentList(
        items=[equipment_read(e, actor) for e in page.items],
        meta=page_meta(page),
        totals=EquipmentTotals(lines=sums.lines, quantity=sums.quantity, value_cny=sums.value_cny),
        categories=service.categories(session, actor=actor),
    )


@router.post(
    "/equipment",
    response_model=EquipmentRead,
    status_code=http.HTTP_201_CREATED,
    summary="Add a line to the register (platform administrators name the college)",
)
def create_equipment(
    data: EquipmentCreate, response: Response, session: DbSession, actor: Manager
) -> EquipmentRead:
    created = service.create_equipment(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/equipment/{created.id}"
    return equipment_read(created, actor)


@router.get(ONE, response_model=EquipmentRead, summary="One line of the equipment register")
def get_equipment(equipment_id: int, session: DbSession, actor: Reader) -> EquipmentRead:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    return equipment_read(found, actor)


@router.patch(
    ONE,
    response_model=EquipmentRead,
    summary="Change a line (send the version you read to avoid overwriting someone's change)",
)
def update_equipment(
    equipment_id: int, data: EquipmentUpdate, session: DbSession, actor: Manager
) -> EquipmentRead:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    service.update_equipment(session, actor=actor, equipment=found, data=data)
    return equipment_read(found, actor)


@router.delete(
    ONE,
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a line entered by mistake (one that has been booked is retired instead)",
)
def delete_equipment(equipment_id: int, session: DbSession, actor: Manager) -> Response:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    service.delete_equipment(session, actor=actor, equipment=found)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


# --- maintenance ---------------------------------------------------------------------------------


@router.get(
    f"{ONE}/maintenance",
    response_model=MaintenanceList,
    summary="A line's maintenance history, newest first, with its total cost and downtime",
)
def list_maintenance(equipment_id: int, session: DbSession, actor: Reader) -> MaintenanceList:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    history = maintenance.records_of(session, equipment=found)
    return MaintenanceList(
        items=[MaintenanceRead.model_validate(r) for r in history.records],
        total_cost_cny=history.total_cost_cny,
        total_downtime_hours=history.total_downtime_hours,
    )


@router.post(
    f"{ONE}/maintenance",
    response_model=MaintenanceRead,
    status_code=http.HTTP_201_CREATED,
    summary="Record maintenance done (optionally setting the line's status at the same time)",
)
def add_maintenance(
    equipment_id: int, data: MaintenanceCreate, session: DbSession, actor: Manager
) -> MaintenanceRead:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    record = maintenance.add_record(session, actor=actor, equipment=found, data=data)
    return MaintenanceRead.model_validate(record)


@router.delete(
    f"{ONE}/maintenance/{{record_id}}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a maintenance record entered by mistake",
)
def delete_maintenance(
    equipment_id: int, record_id: int, session: DbSession, actor: Manager
) -> Response:
    found = service.get_equipment(session, actor=actor, equipment_id=equipment_id)
    record = maintenance.get_record(session, equipment=found, record_id=record_id)
    maintenance.delete_record(session, actor=actor, equipment=found, record=record)
    return Response(status_code=http.HTTP_204_NO_CONTENT)
