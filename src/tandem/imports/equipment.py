"""Importing (and exporting) the equipment register, keyed by the asset tag within the college.

A new asset tag adds a line with :func:`tandem.resource.equipment.create_equipment`, checked by
:class:`EquipmentCreate` — the schema and service the pages and the API use. An asset tag the
college's register already has updates that line with the cells that are filled in, through
:func:`tandem.resource.equipment.update_equipment` (blank cells keep what is recorded); a row that
says what is recorded already is "unchanged".

References are written as people know them: the owning enterprise by its name (or short name)
or its USCC — resolved to the college's partnership with it — the venue and the department by
their codes, the agreement by its number. :func:`export_cells` writes a line the same way, under
the same headers, so an exported file imports again unchanged.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tandem.agreement.models import Agreement
from tandem.auth.actor import Actor
from tandem.college.models import Department
from tandem.kit.i18n import N_, gettext
from tandem.kit.identifiers import normalise_code, uscc_problem
from tandem.kit.spreadsheet import FORMULA_STARTS, ROUNDED_MARK, SheetRow, Table
from tandem.partner.models import Partnership
from tandem.resource import equipment as service
from tandem.resource import scope
from tandem.resource.kinds import ACQUISITION_LABELS, EQUIPMENT_STATUS_LABELS, OWNERSHIP_LABELS
from tandem.resource.models import Equipment, Venue
from tandem.resource.schemas_equipment import EquipmentCreate, EquipmentUpdate
from tandem.resource.scope import shown_agreement, shows_internal

from .columns import fold
from .columns_equipment import EQUIPMENT_COLUMNS
from .common import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    Batch,
    chunks,
    coded,
    given,
    once,
    rounded_cells,
)

# Schema fields → spreadsheet columns.
FIELDS = {
    "partnership_id": "enterprise",
    "enterprise_share_pct": "college_share_pct",
    "venue_id": "venue_code",
    "agreement_id": "agreement_number",
    "department_id": "department_code",
}
TEXT_INPUTS = ("asset_tag", "name", "model", "maker", "category", "quantity", "acquired_on", "note")
NUMBER_INPUTS = ("college_share_pct", "value_cny", "teaching_hour_value_cny")
CODED = (("ownership", "ownership"), ("acquisition", "acquisition"), ("status", "equipment_status"))
_NUMBER_NOISE = re.compile(r"[,，\s¥￥元%％]|CNY|RMB", re.IGNORECASE)

UNKNOWN_ENTERPRISE = N_(
    "The college has no partnership with an enterprise named or coded %(value)s. Write the "
    "enterprise's name or USCC as on its page, or start a partnership with it first."
)
AMBIGUOUS_ENTERPRISE = N_(
    "Several of the college's partner enterprises are called %(value)s: write the enterprise's "
    "USCC instead."
)
UNKNOWN_VENUE = N_("No venue with code %(value)s in this college.")
UNKNOWN_DEPARTMENT = N_("No department with code %(value)s in this college.")
UNKNOWN_AGREEMENT = N_("No agreement with number %(value)s in this college.")


class _Lookups:
    """The college's partnerships, venues, departments and agreements, by what rows call them."""

    def __init__(self, batch: Batch, college_id: int) -> None:
        session = batch.session
        stmt = (
            select(Partnership)
            .where(Partnership.college_id == college_id)
            .options(selectinload(Partnership.enterprise))
        )
        self.by_uscc: dict[str, Partnership] = {}
        self.by_name: dict[str, list[Partnership]] = {}
        for partnership in session.scalars(stmt):
            enterprise = partnership.enterprise
            self.by_uscc[enterprise.uscc] = partnership
            names = {fold(enterprise.name), fold(enterprise.short_name or "")} - {""}
            for name in names:
                self.by_name.setdefault(name, []).append(partnership)
        self.venues = {
            v.code.upper(): v.id
            for v in session.scalars(select(Venue).where(Venue.college_id == college_id))
        }
        self.departments = {
            d.code.upper(): d.id
            for d in session.scalars(select(Department).where(Department.college_id == college_id))
        }
        self.agreements = {
            a.number: a.id
            for a in session.scalars(
                select(Agreement).where(Agreement.college_id == college_id, Agreement.number != "")
            )
        }

    def partnership(self, text: str) -> tuple[Partnership | None, str | None]:
        """The partnership the cell names, or the message saying why none."""
        code = normalise_code(text)
        if uscc_problem(code) is None and code in self.by_uscc:
            return self.by_uscc[code], None
        found = self.by_name.get(fold(text), [])
        if len(found) == 1:
            return found[0], None
        return None, AMBIGUOUS_ENTERPRISE if found else UNKNOWN_ENTERPRISE


def import_equipment(batch: Batch, table: Table) -> None:
    college_id = batch.college_id
    assert college_id is not None  # noqa: S101 - import_rows requires the college for equipment
    tags: dict[str, int] = {}
    for row in table.rows:
        rounded_cells(batch, row)
        if (tag := row.values.get("asset_tag")) is not None:
            once(batch, tags, tag, row.number, "asset_tag")
    lookups = _Lookups(batch, college_id)
    existing = _existing(batch, college_id, list(tags))
    for row in table.rows:
        tag = row.values.get("asset_tag") or ""
        status = _row(batch, row, lookups, existing.get(tag))
        batch.outcome(row.number, tag, status)
        batch.tick()


def _unneutralised(row: SheetRow) -> None:
    """Text an export wrote with a leading apostrophe (so no spreadsheet runs it as a formula)
    reads as it was: the same file imports again unchanged."""
    for key, value in row.values.items():
        if value is not None and value.startswith("'") and value[1:2] in FORMULA_STARTS:
            row.values[key] = value[1:]


def _values(batch: Batch, row: SheetRow, lookups: _Lookups, failed: set[str]) -> dict[str, Any]:
    _unneutralised(row)
    values: dict[str, Any] = given(row, TEXT_INPUTS, failed)
    for name in NUMBER_INPUTS:
        if (text := row.values.get(name)) is not None:
            values[name] = _NUMBER_NOISE.sub("", text)
    for column, choices in CODED:
        if (code := coded(batch, row, column, choices, failed)) is not None:
            values[column] = code
    if (text := row.values.get("enterprise")) is not None:
        partnership, problem = lookups.partnership(text)
        if partnership is None:
            batch.error(row.number, "enterprise", problem or UNKNOWN_ENTERPRISE, value=text)
            failed.add("partnership_id")
        else:
            values["partnership_id"] = partnership.id
    references = (
        ("venue_code", "venue_id", lookups.venues, UNKNOWN_VENUE),
        ("department_code", "department_id", lookups.departments, UNKNOWN_DEPARTMENT),
        ("agreement_number", "agreement_id", lookups.agreements, UNKNOWN_AGREEMENT),
    )
    for column, field_name, known, message in references:
        text = row.values.get(column)
        if text is None or text.startswith(ROUNDED_MARK):
            continue
        key = text.upper() if column != "agreement_number" else text
        if key in known:
            values[field_name] = known[key]
        else:
            batch.error(row.number, column, message, value=text)
            failed.add(field_name)
    return values


def _row(batch: Batch, row: SheetRow, lookups: _Lookups, recorded: Equipment | None) -> str:
    failed: set[str] = set()
    values = _values(batch, row, lookups, failed)
    if recorded is not None:
        return _update(batch, row, recorded, values, failed)
    values["college_id"] = batch.college_id
    data = batch.validated(row.number, EquipmentCreate, values, FIELDS, skip=failed)
    if data is None or row.number in batch.bad:
        return ERROR
    create = partial(service.create_equipment, batch.session, actor=batch.actor, data=data)
    return CREATED if batch.guarded(row.number, FIELDS, create) is not None else ERROR


def _update(
    batch: Batch, row: SheetRow, recorded: Equipment, values: dict[str, Any], failed: set[str]
) -> str:
    data = batch.validated(row.number, EquipmentUpdate, values, FIELDS, skip=failed)
    if data is None or row.number in batch.bad:
        return ERROR
    before = service.snapshot(recorded)
    change = partial(
        service.update_equipment, batch.session, actor=batch.actor, equipment=recorded, data=data
    )
    if batch.guarded(row.number, FIELDS, change) is None:
        return ERROR
    return UNCHANGED if service.snapshot(recorded) == before else UPDATED


def _existing(batch: Batch, college_id: int, tags: list[str]) -> dict[str, Equipment]:
    found: dict[str, Equipment] = {}
    for part in chunks(tags):
        stmt = select(Equipment).where(
            Equipment.college_id == college_id, Equipment.asset_tag.in_(part)
        )
        found.update((e.asset_tag, e) for e in batch.session.scalars(stmt))
    return found


# --- export --------------------------------------------------------------------------------------


def _label(labels: dict[Any, str], code: str) -> str:
    found = {str(k): v for k, v in labels.items()}.get(code)
    return gettext(found) if found else code


def _number(value: Decimal | None) -> Decimal | int | None:
    """A whole amount as an integer cell, else the amount as it is."""
    if value is None:
        return None
    amount = Decimal(value)
    return int(amount) if amount == amount.to_integral_value() else amount


def export_cells(equipment: Equipment, *, actor: Actor) -> list[Any]:
    """A line as a row under :data:`EQUIPMENT_COLUMNS`, in the reader's language (load its
    partnership's enterprise, venue, agreement and department with it). What ``actor`` may not
    know is left blank: a venue they may not see, an agreement they could not open, and — for
    an enterprise contact — the college's remarks."""
    enterprise = equipment.partnership.enterprise if equipment.partnership else None
    venue = equipment.venue if equipment.venue and scope.can_see(actor, equipment.venue) else None
    agreement = shown_agreement(actor, equipment.agreement)
    cells: dict[str, Any] = {
        "asset_tag": equipment.asset_tag,
        "name": equipment.name,
        "model": equipment.model or None,
        "maker": equipment.maker or None,
        "category": equipment.category or None,
        "quantity": equipment.quantity,
        "ownership": _label(OWNERSHIP_LABELS, equipment.ownership),
        "enterprise": enterprise.name if enterprise else None,
        "college_share_pct": _number(equipment.college_share_pct),
        "acquisition": _label(ACQUISITION_LABELS, equipment.acquisition),
        "value_cny": _number(equipment.value_cny),
        "acquired_on": equipment.acquired_on,
        "venue_code": venue.code if venue else None,
        "agreement_number": (agreement.number or None) if agreement else None,
        "department_code": equipment.department.code if equipment.department else None,
        "status": _label(EQUIPMENT_STATUS_LABELS, equipment.status),
        "teaching_hour_value_cny": _number(equipment.teaching_hour_value_cny),
        "note": (equipment.note or None) if shows_internal(actor, equipment.college_id) else None,
    }
    return [cells[column.key] for column in EQUIPMENT_COLUMNS]
