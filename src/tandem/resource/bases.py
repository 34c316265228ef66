"""Training bases: on campus (productive bases, 校中厂) and off campus at their host enterprise.

Reads go through :mod:`tandem.resource.scope`: a college's staff see its bases, an enterprise's
contacts the bases their enterprise hosts (or produces in), another college's base is a 404.
The cooperation office manages the college's bases, a department coordinator their
department's. Writes flush and audit, never commit; a base that still has venues (or that
agreements name) is not deleted: move its venues or close it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.agreement.models import Agreement
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, FieldError, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import Major
from tandem.resource import scope
from tandem.resource.kinds import BaseKind, EquipmentStatus
from tandem.resource.models import AgreementResource, Equipment, TrainingBase, Venue
from tandem.resource.schemas_bases import BaseCreate, BaseUpdate
from tandem.resource.venues import (
    check_college,
    check_department,
    check_partnership,
    check_rights,
    require_manage,
)

BASE_FIELDS = (
    "code",
    "name",
    "kind",
    "partnership_id",
    "agreement_id",
    "department_id",
    "address",
    "founded_on",
    "workstations",
    "host_staff_on_post",
    "projects",
    "lodging",
    "intern_subsidy_cny",
    "college_funding_per_student_cny",
    "status",
    "note",
)
NULLABLE = frozenset(
    {
        "partnership_id",
        "agreement_id",
        "department_id",
        "founded_on",
        "intern_subsidy_cny",
        "college_funding_per_student_cny",
    }
)
BASE_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "code": TrainingBase.code,
    "name": TrainingBase.name,
    "kind": TrainingBase.kind,
    "host": Enterprise.name,
    "founded_on": TrainingBase.founded_on,
    "workstations": TrainingBase.workstations,
    "status": TrainingBase.status,
    "updated_at": TrainingBase.updated_at,
}


@dataclass(frozen=True)
class BaseFilter:
    kind: str = ""
    status: str = ""
    department_id: int | None = None
    partnership_id: int | None = None
    college_id: int | None = None


# --- reading -------------------------------------------------------------------------------------


def bases_query(
    *, actor: Actor, params: ListParams, filters: BaseFilter | None = None
) -> Select[TrainingBase]:
    """The bases ``actor`` sees, searched (code, name, address, host), filtered and sorted."""
    filters = filters or BaseFilter()
    stmt = (
        select(TrainingBase)
        .outerjoin(Partnership, Partnership.id == TrainingBase.partnership_id)
        .outerjoin(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(scope.visible(TrainingBase, actor))
    )
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                TrainingBase.code.ilike(pattern, escape="\\"),
                TrainingBase.name.ilike(pattern, escape="\\"),
                TrainingBase.address.ilike(pattern, escape="\\"),
                Enterprise.name.ilike(pattern, escape="\\"),
                Enterprise.short_name.ilike(pattern, escape="\\"),
            )
        )
    if filters.kind:
        stmt = stmt.where(TrainingBase.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(TrainingBase.status == filters.status)
    for column, value in (
        (TrainingBase.department_id, filters.department_id),
        (TrainingBase.partnership_id, filters.partnership_id),
        (TrainingBase.college_id, filters.college_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    stmt = apply_sort(stmt, params.sort, BASE_SORTS, default="code")
    return stmt.order_by(TrainingBase.id).options(
        selectinload(TrainingBase.partnership).selectinload(Partnership.enterprise),
        selectinload(TrainingBase.department),
        selectinload(TrainingBase.agreement),
        selectinload(TrainingBase.majors),
    )


def list_bases(
    session: Session, *, actor: Actor, params: ListParams, filters: BaseFilter | None = None
) -> Page[TrainingBase]:
    return paginate(session, bases_query(actor=actor, params=params, filters=filters), params)


def get_base(session: Session, *, actor: Actor, base_id: int) -> TrainingBase:
    """A base ``actor`` may see; anyone else's is a 404."""
    return scope.get_visible(session, TrainingBase, actor=actor, record_id=base_id)


@dataclass(frozen=True)
class BaseStats:
    """A base's venues and the equipment in them, as one reader sees them."""

    venues: int = 0
    venue_workstations: int = 0
    area_m2: Decimal = Decimal(0)
    equipment_value_cny: Decimal = Decimal(0)


def base_stats(session: Session, *, actor: Actor, base_ids: Iterable[int]) -> dict[int, BaseStats]:
    """Per base: its venues (count, workstations, area) and the value of the equipment in
    them that is not retired, summed by the database (one query each)."""
    ids = sorted(set(base_ids))
    if not ids:
        return {}
    venue_rows = session.execute(
        select(
            Venue.base_id,
            func.count(Venue.id),
            func.coalesce(func.sum(Venue.workstations), 0),
            func.coalesce(func.sum(Venue.area_m2), 0),
        )
        .where(Venue.base_id.in_(ids), scope.visible(Venue, actor))
        .group_by(Venue.base_id)
    ).all()
    value_rows = session.execute(
        select(Venue.base_id, func.coalesce(func.sum(Equipment.value_cny), 0))
        .join(Venue, Venue.id == Equipment.venue_id)
        .where(
            Venue.base_id.in_(ids),
            Equipment.status != EquipmentStatus.RETIRED,
            scope.visible(Equipment, actor),
        )
        .group_by(Venue.base_id)
    ).all()
    values: dict[int, Decimal] = {
        base_id: Decimal(str(total)) for base_id, total in value_rows if base_id is not None
    }
    stats: dict[int, BaseStats] = {}
    for base_id, count, workstations, area in venue_rows:
        if base_id is not None:
            stats[base_id] = BaseStats(
                venues=count,
                venue_workstations=int(workstations),
                area_m2=Decimal(str(area)),
                equipment_value_cny=values.get(base_id, Decimal(0)),
            )
    for base_id, value in values.items():
        stats.setdefault(base_id, BaseStats(equipment_value_cny=value))
    return stats


def venues_of(session: Session, *, actor: Actor, base: TrainingBase) -> list[Venue]:
    """The base's venues that ``actor`` sees, by code."""
    stmt = (
        select(Venue)
        .where(Venue.base_id == base.id, scope.visible(Venue, actor))
        .order_by(Venue.code, Venue.id)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class BaseUse:
    venues: int
    links: int

    @property
    def in_use(self) -> bool:
        return bool(self.venues or self.links)


def base_use(session: Session, base: TrainingBase) -> BaseUse:
    """Every venue of the base (whoever sees it) and every agreement term naming it."""
    venues = session.scalar(select(func.count()).where(Venue.base_id == base.id)) or 0
    links = session.scalar(select(func.count()).where(AgreementResource.base_id == base.id)) or 0
    return BaseUse(venues=venues, links=links)


# --- checks --------------------------------------------------------------------------------------


def _check_host(values: dict[str, Any]) -> None:
    if values["kind"] == BaseKind.OFF_CAMPUS and values["partnership_id"] is None:
        raise ValidationFailed.single(
            "partnership_id",
            "host_required",
            N_(
                "An off-campus base is at its host enterprise: choose the host (an enterprise "
                "the college has a partnership with)."
            ),
        )


def _check_agreement(
    session: Session, college_id: int, agreement_id: int | None, partnership_id: int | None
) -> None:
    if agreement_id is None:
        return
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.college_id != college_id:
        raise ValidationFailed.single(
            "agreement_id", "unknown_record", N_("Choose an agreement of this college.")
        )
    if partnership_id is not None and agreement.partnership_id != partnership_id:
        raise ValidationFailed.single(
            "agreement_id",
            "other_partnership",
            N_("Choose an agreement with the base's host enterprise, or clear the agreement."),
        )


def majors_for(session: Session, college_id: int, major_ids: list[int]) -> list[Major]:
    """The majors named, all of this college and not archived (else a clear refusal)."""
    if not major_ids:
        return []
    found = {
        m.id: m
        for m in session.scalars(
            select(Major).where(
                Major.id.in_(major_ids),
                Major.college_id == college_id,
                Major.archived_at.is_(None),
            )
        )
    }
    missing = [str(i) for i in major_ids if i not in found]
    if missing:
        raise ValidationFailed.single(
            "major_ids",
            "unknown_record",
            N_(
                "Choose majors of this college that are not archived (not found or archived: "
                "%(ids)s)."
            ),
            ids=", ".join(missing),
        )
    return sorted((found[i] for i in major_ids), key=lambda m: (m.code, m.id))  # as loaded


def _check_code(session: Session, college_id: int, code: str, other_than: int | None) -> None:
    stmt = select(TrainingBase.id).where(
        TrainingBase.college_id == college_id, TrainingBase.code == code
    )
    if other_than is not None:
        stmt = stmt.where(TrainingBase.id != other_than)
    if session.scalar(stmt.limit(1)) is not None:
        message = N_("Another training base of the college already has the code %(value)s.")
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("code", "duplicate", message, {"value": code})],
            value=code,
        )


def _check(
    session: Session, college_id: int, values: dict[str, Any], base_id: int | None
) -> list[Major] | None:
    """Every rule on a base's (merged) values before anything changes; the majors when named."""
    _check_host(values)
    check_partnership(session, college_id, values["partnership_id"])
    _check_agreement(session, college_id, values["agreement_id"], values["partnership_id"])
    check_department(session, college_id, values["department_id"])
    majors = (
        majors_for(session, college_id, values["major_ids"])
        if values.get("major_ids") is not None
        else None
    )
    _check_code(session, college_id, values["code"], base_id)
    return majors


# --- writing -------------------------------------------------------------------------------------


def _snapshot(base: TrainingBase) -> dict[str, Any]:
    return {**audit.snapshot(base, BASE_FIELDS), "majors": [m.code for m in base.majors]}


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    base: TrainingBase,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=base,
        college_id=base.college_id,
        before=before,
        after=after,
        summary=f"{base.code} {base.name}",
    )


def create_base(session: Session, *, actor: Actor, data: BaseCreate) -> TrainingBase:
    college_id = check_college(session, actor=actor, college_id=data.college_id)
    values = data.model_dump(exclude={"college_id"})
    if values["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        values["department_id"] = actor.department_id  # a coordinator's base is their dept's
    check_rights(actor, college_id=college_id, department_id=values["department_id"])
    majors = _check(session, college_id, values, None) or []
    values.pop("major_ids")
    base = TrainingBase(college_id=college_id, **values)
    base.majors = majors
    session.add(base)
    session.flush()
    _audit(session, actor, "create", base, None, _snapshot(base))
    return base


def update_base(
    session: Session, *, actor: Actor, base: TrainingBase, data: BaseUpdate
) -> TrainingBase:
    """Change the fields given (``null`` clears an optional one); a stale version is a 409."""
    require_manage(actor, base)
    check_version(base, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    merged = {name: getattr(base, name) for name in BASE_FIELDS} | changes
    check_rights(actor, college_id=base.college_id, department_id=merged["department_id"])
    majors = _check(session, base.college_id, merged, base.id)
    before = _snapshot(base)
    for name, value in changes.items():
        if name != "major_ids":
            setattr(base, name, value)
    if majors is not None:
        base.majors = majors
    session.flush()
    session.expire(base, ["partnership", "department", "agreement"])  # follow the new ids
    after = _snapshot(base)
    if after != before:
        _audit(session, actor, "update", base, before, after)
    return base


def delete_refusal(use: BaseUse) -> Conflict:
    return Conflict(
        N_(
            "This training base cannot be deleted while other records refer to it (venues: "
            "%(venues)s; agreement terms: %(links)s). Move its venues to another base (or clear "
            "their base) first, or close the base instead (set its status to Closed)."
        ),
        code="base_in_use",
        venues=use.venues,
        links=use.links,
    )


def delete_base(session: Session, *, actor: Actor, base: TrainingBase) -> None:
    """Delete a base without venues or agreement links; otherwise refuse and say what to do."""
    require_manage(actor, base)
    use = base_use(session, base)
    if use.in_use:
        raise delete_refusal(use)
    _audit(session, actor, "delete", base, _snapshot(base), None)
    session.delete(base)
    session.flush()
