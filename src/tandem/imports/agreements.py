"""Importing the agreements a college already has, keyed by the agreement number.

Each row names a partner enterprise by its USCC; the college must already have a partnership
with it. A row is checked with :class:`AgreementCreate` (the schema of the pages and the API)
and recorded with :func:`tandem.agreement.service.create_agreement` as *imported*, in the state
the spreadsheet gives (draft, signed, active, expiring, ended or terminated). Terms are not
imported: the agreement's page shows which ones are missing.

Beyond a draft the agreement must have what signing needs (number, both dates, both signatories;
a mode agreement also its department and modes). The number is the key: a number already
recorded in the college is "unchanged" when the row says the same, and an error otherwise —
an import never overwrites an agreement that Tandem keeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tandem.agreement import service
from tandem.agreement.models import Agreement, AgreementStatus
from tandem.agreement.modes import MODE_LABELS, Mode
from tandem.agreement.schemas import AgreementCreate
from tandem.college.models import Department
from tandem.kit.i18n import N_, get_language, translate
from tandem.kit.identifiers import normalise_code
from tandem.kit.spreadsheet import ROUNDED_MARK, SheetRow, Table
from tandem.partner.models import Enterprise, Partnership

from .columns import choose, fold
from .common import CREATED, ERROR, UNCHANGED, Batch, chunks, coded, given, once, rounded_cells

S = AgreementStatus
# Schema fields → spreadsheet columns (the dates' order check is reported on the end date).
FIELDS = {
    "title": "name",
    "partnership_id": "uscc",
    "department_id": "department_code",
    "terms": "modes",
    "__root__": "end_date",
}
TEXT_INPUTS = (
    "name",
    "number",
    "start_date",
    "end_date",
    "renewal_months",
    "notice_days",
    "college_signatory",
    "enterprise_signatory",
    "summary",
)
MONEY_INPUTS = ("value_money", "value_in_kind")
MODE_NAMES_ZH = {
    Mode.ENTERPRISE_INTRODUCTION: "引企入校",
    Mode.EQUIPMENT_SHARING: "设备共享",
    Mode.TECHNOLOGY_PROMOTION: "技术推广",
    Mode.POST_CONTRACT: "岗位承包",
    Mode.JOINT_TRAINING: "校企共训",
    Mode.TRAINING_TRANSPLANT: "培训移植",
    Mode.TRAINING_CONTRACT: "培训承包",
}
_MODE_SEPARATORS = re.compile(r"[,，、;；/|]+")
_MONEY_NOISE = re.compile(r"[,，\s¥￥元]|CNY|RMB", re.IGNORECASE)

UNKNOWN_ENTERPRISE = N_(
    "No enterprise with USCC %(value)s is registered. Register it (or import it in Partner "
    "enterprises with “Add partnership” = yes), then import this row again."
)
NO_PARTNERSHIP = N_(
    "The college has no partnership with %(name)s (%(value)s). Start one on the enterprise's "
    "page (or import it in Partner enterprises with “Add partnership” = yes), then import this "
    "row again."
)
UNKNOWN_DEPARTMENT = N_("No department with code %(value)s in this college.")
UNKNOWN_STATUS = N_(
    "%(value)s is not a status an agreement can be imported in; use one of: Draft, Signed, "
    "Active, Expiring, Ended, Terminated (草稿 / 已签署 / 生效中 / 即将到期 / 已结束 / 已终止)."
)
ALREADY_RECORDED = N_(
    "Agreement %(value)s is already recorded, with a different %(columns)s. Edit it in Tandem, "
    "or leave this row out."
)


class _SignedOn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signed_on: date | None = None


def import_agreements(batch: Batch, table: Table) -> None:
    session, college_id = batch.session, batch.college_id
    assert college_id is not None  # noqa: S101 - import_rows requires the college for agreements
    numbers: dict[str, int] = {}
    codes: set[str] = set()
    for row in table.rows:
        rounded_cells(batch, row)
        if (number := row.values.get("number")) is not None:
            once(batch, numbers, number, row.number, "number")
        if (uscc := row.values.get("uscc")) is not None:
            codes.add(normalise_code(uscc))
    enterprises = _enterprises(batch, sorted(codes))
    partnerships = {
        p.enterprise_id: p
        for p in session.scalars(select(Partnership).where(Partnership.college_id == college_id))
    }
    departments = {
        d.code: d
        for d in session.scalars(select(Department).where(Department.college_id == college_id))
    }
    existing = _existing(batch, college_id, list(numbers))
    for row in table.rows:
        number = row.values.get("number") or ""
        key = number or row.values.get("name") or ""
        status = _row(batch, row, enterprises, partnerships, departments, existing.get(number))
        batch.outcome(row.number, key, status)
        batch.tick()


def _row(
    batch: Batch,
    row: SheetRow,
    enterprises: dict[str, Enterprise],
    partnerships: dict[int, Partnership],
    departments: dict[str, Department],
    recorded: Agreement | None,
) -> str:
    failed: set[str] = set()
    values: dict[str, Any] = given(row, TEXT_INPUTS, failed)
    if "name" in values:
        values["title"] = values.pop("name")
    for name in MONEY_INPUTS:
        if (text := row.values.get(name)) is not None:
            values[name] = _MONEY_NOISE.sub("", text)
    if (kind := coded(batch, row, "kind", "agreement_kind", failed)) is not None:
        values["kind"] = kind
    if (renews := coded(batch, row, "auto_renew", "yes_no", failed)) is not None:
        values["auto_renew"] = renews == "true"
    if (modes := row.values.get("modes")) is not None:
        values["modes"] = _modes(modes)
    status = _status(batch, row, failed)
    partnership = _partnership(batch, row, enterprises, partnerships, failed)
    if partnership is not None:
        values["partnership_id"] = partnership.id
    elif "partnership_id" in failed:
        values["partnership_id"] = 0  # reported already; lets the other cells be checked
    if (code := row.values.get("department_code")) is not None:
        department = departments.get(code)
        if department is None:
            batch.error(row.number, "department_code", UNKNOWN_DEPARTMENT, value=code)
            failed.add("department_id")
        else:
            values["department_id"] = department.id
    data = batch.validated(row.number, AgreementCreate, values, FIELDS, skip=failed)
    signed = batch.validated(
        row.number, _SignedOn, {"signed_on": row.values.get("signed_on")}, {}, skip=failed
    )
    if data is None or signed is None or status is None or partnership is None:
        return ERROR
    if row.number in batch.bad:
        return ERROR
    if recorded is not None:
        return _compare(batch, row, recorded, data, status, signed.signed_on)
    create = partial(_create, batch, data, status, signed.signed_on)
    made = batch.guarded(row.number, FIELDS, create)
    return CREATED if made is not None else ERROR


def _create(batch: Batch, data: AgreementCreate, status: S, signed_on: date | None) -> Agreement:
    return service.create_agreement(
        batch.session,
        actor=batch.actor,
        data=data,
        status=status,
        imported=True,
        signed_on=signed_on,
    )


def _status(batch: Batch, row: SheetRow, failed: set[str]) -> S | None:
    text = row.values.get("status")
    if text is None:
        return S.DRAFT
    code = choose("agreement_status", text)
    if code is None:
        batch.error(row.number, "status", UNKNOWN_STATUS, value=text)
        failed.add("status")
        return None
    return S(code)


def _partnership(
    batch: Batch,
    row: SheetRow,
    enterprises: dict[str, Enterprise],
    partnerships: dict[int, Partnership],
    failed: set[str],
) -> Partnership | None:
    uscc = row.values.get("uscc")
    if uscc is None:
        return None  # a required cell left blank: the schema reports it
    if uscc.startswith(ROUNDED_MARK):  # reported by rounded_cells
        failed.add("partnership_id")
        return None
    enterprise = enterprises.get(normalise_code(uscc))
    if enterprise is None:
        batch.error(row.number, "uscc", UNKNOWN_ENTERPRISE, value=uscc)
        failed.add("partnership_id")
        return None
    partnership = partnerships.get(enterprise.id)
    if partnership is None:
        batch.error(row.number, "uscc", NO_PARTNERSHIP, name=enterprise.name, value=uscc)
        failed.add("partnership_id")
    return partnership


def _modes(text: str) -> list[str]:
    """The modes as numbers where a part names one ("引企入校", "Post contract"); other parts
    are left for the schema to refuse with its message."""
    names = {fold(name): str(int(mode)) for mode, name in MODE_NAMES_ZH.items()}
    for mode, label in MODE_LABELS.items():
        names.setdefault(fold(label), str(int(mode)))
        names.setdefault(fold(translate(label, "zh_CN")), str(int(mode)))
    found: list[str] = []
    for part in _MODE_SEPARATORS.split(text):
        if fold(part) in names:
            found.append(names[fold(part)])
        else:  # also "1 5": numbers apart by spaces
            found.extend(names.get(fold(piece), piece) for piece in part.split())
    return found


def _compare(
    batch: Batch,
    row: SheetRow,
    recorded: Agreement,
    data: AgreementCreate,
    status: S,
    signed_on: date | None,
) -> str:
    """Unchanged if every filled-in cell says what is recorded; else an error on the number."""
    checks: dict[str, Callable[[], bool]] = {
        "uscc": lambda: recorded.partnership_id == data.partnership_id,
        "department_code": lambda: recorded.department_id == data.department_id,
        "name": lambda: recorded.title == data.title,
        "kind": lambda: recorded.kind == data.kind,
        "modes": lambda: sorted(recorded.mode_numbers) == sorted(data.modes),
        "status": lambda: recorded.status == status,
        "start_date": lambda: recorded.start_date == data.start_date,
        "end_date": lambda: recorded.end_date == data.end_date,
        "signed_on": lambda: recorded.signed_on == signed_on,
        "auto_renew": lambda: recorded.auto_renew == data.auto_renew,
        "renewal_months": lambda: recorded.renewal_months == data.renewal_months,
        "notice_days": lambda: recorded.notice_days == data.notice_days,
        "value_money": lambda: Decimal(recorded.value_money) == data.value_money,
        "value_in_kind": lambda: Decimal(recorded.value_in_kind) == data.value_in_kind,
        "college_signatory": lambda: recorded.college_signatory == data.college_signatory,
        "enterprise_signatory": lambda: recorded.enterprise_signatory == data.enterprise_signatory,
        "summary": lambda: recorded.summary == data.summary,
    }
    language = get_language()
    different = [
        batch.register.header(column, language)
        for column, same in checks.items()
        if row.values.get(column) is not None and not same()
    ]
    if not different:
        return UNCHANGED
    batch.error(
        row.number,
        "number",
        ALREADY_RECORDED,
        value=recorded.number,
        columns=", ".join(different),
    )
    return ERROR


def _enterprises(batch: Batch, codes: list[str]) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for part in chunks(codes):
        found.update(
            (e.uscc, e)
            for e in batch.session.scalars(select(Enterprise).where(Enterprise.uscc.in_(part)))
        )
    return found


def _existing(batch: Batch, college_id: int, numbers: list[str]) -> dict[str, Agreement]:
    found: dict[str, Agreement] = {}
    for part in chunks(numbers):
        stmt = (
            select(Agreement)
            .where(Agreement.college_id == college_id, Agreement.number.in_(part))
            .options(selectinload(Agreement.modes))
        )
        found.update((a.number, a) for a in batch.session.scalars(stmt))
    return found
