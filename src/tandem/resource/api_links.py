"""JSON API: an agreement's links to the register (the venue or base each place-naming term
names, the equipment lines it brought) and suggestions for the terms not linked yet.

Reading takes the right to read the agreement (its links to records the caller may see);
changing takes ``agreement.manage`` at the door, then the service checks the agreement (the
office; a coordinator, their department's) and the record (visible, of the same college).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Response
from fastapi import status as http
from pydantic import BaseModel, ConfigDict, Field

from tandem.agreement import repository
from tandem.agreement.deps import Manager, Reader
from tandem.kit.deps import DbSession
from tandem.resource import links
from tandem.resource.models import Equipment, TrainingBase, Venue

router = APIRouter(prefix="/api/v1", tags=["resource"])
A = "/agreements/{agreement_id}"


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term_key: Annotated[str, Field(min_length=1, max_length=60)]
    venue_id: int | None = None
    base_id: int | None = None


class EquipmentLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    equipment_id: int


class RecordRef(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    status: str


class LinkRead(BaseModel):
    id: int
    term_key: str
    term_label: str
    term_text: str
    venue: RecordRef | None
    base: RecordRef | None


class EquipmentLine(BaseModel):
    id: int
    asset_tag: str
    name: str
    model: str
    category: str
    quantity: int
    ownership: str
    acquisition: str
    value_cny: Decimal | None
    status: str


class OwnerGroupRead(BaseModel):
    ownership: str
    quantity: int
    value_cny: Decimal
    items: list[EquipmentLine]


class SuggestionRead(BaseModel):
    term_key: str
    term_text: str
    venue_id: int | None
    base_id: int | None
    name: str
    score: float


class UnlinkedTerm(BaseModel):
    term_key: str
    term_label: str
    term_text: str


class ResourcesRead(BaseModel):
    agreement_id: int
    can_change: bool
    links: list[LinkRead]
    unlinked: list[UnlinkedTerm]
    equipment: list[OwnerGroupRead]
    suggestions: list[SuggestionRead]


def _ref(record: Venue | TrainingBase) -> RecordRef:
    return RecordRef(
        id=record.id, code=record.code, name=record.name, kind=record.kind, status=record.status
    )


def link_read(link: links.Link) -> LinkRead:
    return LinkRead(
        id=link.id,
        term_key=link.term_key,
        term_label=links.place_term_label(link.term_key),
        term_text=link.term_text,
        venue=_ref(link.record) if isinstance(link.record, Venue) else None,
        base=_ref(link.record) if isinstance(link.record, TrainingBase) else None,
    )


def equipment_line(line: Equipment) -> EquipmentLine:
    return EquipmentLine(
        id=line.id,
        asset_tag=line.asset_tag,
        name=line.name,
        model=line.model,
        category=line.category,
        quantity=line.quantity,
        ownership=line.ownership,
        acquisition=line.acquisition,
        value_cny=line.value_cny,
        status=line.status,
    )


def resources_read(agreement_id: int, found: links.AgreementResources) -> ResourcesRead:
    return ResourcesRead(
        agreement_id=agreement_id,
        can_change=found.can_change,
        links=[link_read(link) for link in found.links],
        unlinked=[
            UnlinkedTerm(term_key=key, term_label=links.place_term_label(key), term_text=text)
            for key, text in found.unlinked
        ],
        equipment=[
            OwnerGroupRead(
                ownership=group.ownership,
                quantity=group.quantity,
                value_cny=group.value_cny,
                items=[equipment_line(line) for line in group.lines],
            )
            for group in found.equipment
        ],
        suggestions=[
            SuggestionRead(
                term_key=s.term_key,
                term_text=s.term_text,
                venue_id=s.record_id if s.kind == "venue" else None,
                base_id=s.record_id if s.kind == "base" else None,
                name=s.name,
                score=round(s.score, 3),
            )
            for s in found.suggestions
        ],
    )


@router.get(
    f"{A}/resources",
    response_model=ResourcesRead,
    summary="The venues, bases and equipment an agreement is linked to, and suggestions",
)
def list_resources(agreement_id: int, session: DbSession, actor: Reader) -> ResourcesRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    found = links.resources_of(session, actor=actor, agreement=agreement)
    return resources_read(agreement.id, found)


@router.post(
    f"{A}/resources",
    response_model=LinkRead,
    status_code=http.HTTP_201_CREATED,
    summary="Link a term that names a place (1.venue, 2.base_name, 7.simulated_site) to its record",
)
def link_term(agreement_id: int, data: LinkCreate, session: DbSession, actor: Manager) -> LinkRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    row = links.link_term(
        session,
        actor=actor,
        agreement=agreement,
        term_key=data.term_key,
        venue_id=data.venue_id,
        base_id=data.base_id,
    )
    record = row.venue if row.venue is not None else row.base
    assert record is not None  # noqa: S101 - a link names one record
    return link_read(
        links.Link(row.id, row.term_key, links.term_text(agreement, row.term_key), record)
    )


@router.delete(
    f"{A}/resources/{{link_id}}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a term's link (the venue or base stays in the register)",
)
def unlink_term(agreement_id: int, link_id: int, session: DbSession, actor: Manager) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    links.unlink_term(session, actor=actor, agreement=agreement, link_id=link_id)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.post(
    f"{A}/equipment",
    response_model=EquipmentLine,
    summary="Link an equipment line to the agreement (the college's own, or this partner's)",
)
def link_equipment(
    agreement_id: int, data: EquipmentLinkCreate, session: DbSession, actor: Manager
) -> EquipmentLine:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    line = links.link_equipment(
        session, actor=actor, agreement=agreement, equipment_id=data.equipment_id
    )
    return equipment_line(line)


@router.delete(
    f"{A}/equipment/{{equipment_id}}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Unlink an equipment line from the agreement (the line stays in the register)",
)
def unlink_equipment(
    agreement_id: int, equipment_id: int, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    links.unlink_equipment(session, actor=actor, agreement=agreement, equipment_id=equipment_id)
    return Response(status_code=http.HTTP_204_NO_CONTENT)
