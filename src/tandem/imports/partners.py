"""Importing partner enterprises, keyed by the Unified Social Credit Code (platform-wide).

A new enterprise is registered with :func:`tandem.partner.service.create_enterprise` (with its
first staff count and contact), from the same values the registration page sends. An existing
one is shared master data: those who may edit it directly (platform administrators, the CLI)
update it through the service; a college may only propose changes, so such a row is kept as it
is and reported as "unchanged (shared record …)". Either way, ``Add partnership`` = yes starts a
prospective partnership for the importing college when it has none.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tandem.kit.i18n import N_
from tandem.kit.identifiers import normalise_code
from tandem.kit.spreadsheet import SheetRow, Table
from tandem.partner import partnerships, service
from tandem.partner.models import Enterprise, Partnership
from tandem.partner.pages import EXTRA_FIELDS, registration_values
from tandem.partner.schemas import (
    ContactCreate,
    ContactUpdate,
    EnterpriseCreate,
    EnterpriseUpdate,
    PartnershipCreate,
    StaffCountCreate,
)

from .columns import choose
from .common import (
    CREATED,
    ERROR,
    SHARED,
    SHARED_NOTE,
    UNCHANGED,
    UPDATED,
    Batch,
    chunks,
    coded,
    given,
    once,
    rounded_cells,
)

FIELDS = {**EXTRA_FIELDS, "enterprise_id": "uscc", "college_id": "partnership"}
STAFF_FIELDS = {"as_of": "staff_as_of", "on_post_staff": "on_post_staff"}
CONTACT_FIELDS = {k: f"contact_{k}" for k in ("name", "role", "phone", "email")}
TEXT_INPUTS = (
    "uscc",
    "name",
    "short_name",
    "industry_detail",
    "address",
    "region_code",
    "website",
    "certified_on",
    "on_post_staff",
    "staff_as_of",
    "contact_name",
    "contact_role",
    "contact_phone",
    "contact_email",
)
CODED = (("kind", "kind"), ("size_band", "size_band"), ("certified_level", "certified_level"))
NO_COLLEGE = N_("Choose the college the partnership belongs to.")


def import_partners(batch: Batch, table: Table) -> None:
    seen: dict[str, int] = {}
    for row in table.rows:
        rounded_cells(batch, row)
        if (uscc := row.values.get("uscc")) is not None:
            once(batch, seen, normalise_code(uscc), row.number, "uscc")
    existing = _existing(batch.session, list(seen))
    partnered = _partnered(batch.session, batch.college_id)
    for row in table.rows:
        failed: set[str] = set()
        values, wants_partnership = _values(batch, row, failed)
        if wants_partnership and batch.college_id is None:
            batch.error(row.number, "partnership", NO_COLLEGE)
        key = normalise_code(row.values.get("uscc") or "")
        enterprise = existing.get(key)
        if enterprise is None:
            status, enterprise = _create(batch, row, values, failed)
        else:
            status = _update(batch, row, enterprise, values, failed)
        if status != ERROR and enterprise is not None and wants_partnership:
            status = _partnership(batch, row, enterprise, partnered, status)
        batch.outcome(row.number, key, status)
        batch.tick()


def _values(batch: Batch, row: SheetRow, failed: set[str]) -> tuple[dict[str, Any], bool]:
    values: dict[str, Any] = given(row, TEXT_INPUTS, failed)
    for column, choices in CODED:
        code = coded(batch, row, column, choices, failed)
        if code is not None:
            values[column] = code
    section = row.values.get("industry_section")
    if section is not None:
        values["industry_section"] = choose("industry_section", section) or section
    return values, coded(batch, row, "partnership", "yes_no", failed) == "true"


def _create(
    batch: Batch, row: SheetRow, values: dict[str, Any], failed: set[str]
) -> tuple[str, Enterprise | None]:
    data = batch.validated(
        row.number, EnterpriseCreate, registration_values(values), FIELDS, skip=failed
    )
    if data is not None:
        rule = partial(service.check_certification, data.certified_level, data.certified_on)
        batch.check(row.number, FIELDS, rule)
    if data is None or row.number in batch.bad:
        return ERROR, None
    create = partial(service.create_enterprise, batch.session, actor=batch.actor, data=data)
    enterprise = batch.guarded(row.number, FIELDS, create)
    return (CREATED if enterprise else ERROR), enterprise


def _update(
    batch: Batch, row: SheetRow, enterprise: Enterprise, values: dict[str, Any], failed: set[str]
) -> str:
    """Compare the row with the record; apply the differences if the actor may."""
    master = {k: v for k, v in values.items() if k in service.ENTERPRISE_FIELDS}
    data = batch.validated(row.number, EnterpriseUpdate, master, FIELDS, skip=failed)
    staff_values = {k: values[f] for k, f in STAFF_FIELDS.items() if f in values}
    staff = (
        batch.validated(row.number, StaffCountCreate, staff_values, STAFF_FIELDS, skip=failed)
        if staff_values
        else None
    )
    contact_values = {k: values[f] for k, f in CONTACT_FIELDS.items() if f in values}
    contact = (
        batch.validated(row.number, ContactUpdate, contact_values, CONTACT_FIELDS, skip=failed)
        if contact_values
        else None
    )
    if data is None or row.number in batch.bad:
        return ERROR
    changes = service.changed_values(enterprise, data)
    if staff is not None and any(
        c.as_of == staff.as_of and c.on_post_staff == staff.on_post_staff
        for c in enterprise.staff_counts
    ):
        staff = None  # recorded already
    known = _contact_named(enterprise, contact)
    if contact is not None and known is not None:
        given_values = contact.model_dump(exclude_unset=True)
        if all(getattr(known, k) == v for k, v in given_values.items()):
            contact = None  # recorded already
    if not changes and staff is None and contact is None:
        return UNCHANGED
    if not service.can_edit_directly(batch.actor, enterprise):
        batch.note(row.number, SHARED_NOTE)
        return SHARED
    return _apply(batch, row, enterprise, data if changes else None, staff, contact, known)


def _apply(
    batch: Batch,
    row: SheetRow,
    enterprise: Enterprise,
    data: EnterpriseUpdate | None,
    staff: StaffCountCreate | None,
    contact: ContactUpdate | None,
    known: Any,
) -> str:
    session, actor = batch.session, batch.actor
    steps: list[tuple[dict[str, str], Any]] = []
    if data is not None:
        steps.append(
            (
                FIELDS,
                partial(
                    service.update_enterprise,
                    session,
                    actor=actor,
                    enterprise=enterprise,
                    data=data,
                ),
            )
        )
    if staff is not None:
        steps.append(
            (
                STAFF_FIELDS,
                partial(
                    service.add_staff_count, session, actor=actor, enterprise=enterprise, data=staff
                ),
            )
        )
    if contact is not None and known is not None:
        steps.append(
            (
                CONTACT_FIELDS,
                partial(
                    service.update_contact,
                    session,
                    actor=actor,
                    enterprise=enterprise,
                    contact=known,
                    data=contact,
                ),
            )
        )
    elif contact is not None:
        new = batch.validated(
            row.number, ContactCreate, contact.model_dump(exclude_unset=True), CONTACT_FIELDS
        )
        if new is None:
            return ERROR
        steps.append(
            (
                CONTACT_FIELDS,
                partial(service.add_contact, session, actor=actor, enterprise=enterprise, data=new),
            )
        )
    done = [batch.guarded(row.number, fields, step) is not None for fields, step in steps]
    return UPDATED if all(done) else ERROR


def _contact_named(enterprise: Enterprise, contact: ContactUpdate | None) -> Any:
    if contact is None or contact.name is None:
        return None
    return next((c for c in enterprise.contacts if c.name == contact.name), None)


def _partnership(
    batch: Batch, row: SheetRow, enterprise: Enterprise, partnered: set[int], status: str
) -> str:
    if batch.college_id is None or enterprise.id in partnered:
        return status
    data = PartnershipCreate(enterprise_id=enterprise.id, college_id=batch.college_id)
    create = partial(partnerships.create_partnership, batch.session, actor=batch.actor, data=data)
    if batch.guarded(row.number, FIELDS, create) is None:
        return ERROR
    partnered.add(enterprise.id)
    return CREATED if status == CREATED else UPDATED


def _existing(session: Session, codes: list[str]) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for part in chunks(codes):
        stmt = (
            select(Enterprise)
            .where(Enterprise.uscc.in_(part))
            .options(selectinload(Enterprise.contacts), selectinload(Enterprise.staff_counts))
        )
        found.update((e.uscc, e) for e in session.scalars(stmt))
    return found


def _partnered(session: Session, college_id: int | None) -> set[int]:
    if college_id is None:
        return set()
    stmt = select(Partnership.enterprise_id).where(Partnership.college_id == college_id)
    return set(session.scalars(stmt))
