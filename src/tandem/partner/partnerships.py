"""Business rules for partnerships: one per college and enterprise, with a status life cycle.

prospect → vetting → active ⇄ dormant → ended; prospect and vetting may end early, and an ended
partnership may restart as a prospect. Becoming active needs a start date, ending needs a reason.
Department coordinators manage only their own department's partnerships.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.partner import repository
from tandem.partner.labels import status_label
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.partner.schemas import PartnershipCreate, PartnershipUpdate, StatusChange
from tandem.partner.service import Duplicate
from tandem.people.models import Teacher, TeacherStatus

S = PartnershipStatus
TRANSITIONS: dict[PartnershipStatus, tuple[PartnershipStatus, ...]] = {
    S.PROSPECT: (S.VETTING, S.ENDED),
    S.VETTING: (S.ACTIVE, S.ENDED),
    S.ACTIVE: (S.DORMANT, S.ENDED),  # a partnership may end while active (with a reason)
    S.DORMANT: (S.ACTIVE, S.ENDED),
    S.ENDED: (S.PROSPECT,),
}
INITIAL_STATUSES = (S.PROSPECT, S.VETTING, S.ACTIVE)
STARTED = frozenset({S.ACTIVE, S.DORMANT})  # statuses that need a start date
PARTNERSHIP_FIELDS = (
    "enterprise_id",
    "status",
    "ended_reason",
    "department_id",
    "start_date",
    "account_manager_id",
    "tags",
    "notes",
)
STATUS_FIELDS = ("status", "ended_reason", "start_date")


def allowed_next(status: str) -> tuple[PartnershipStatus, ...]:
    return TRANSITIONS.get(PartnershipStatus(status), ())


def can_see_notes(actor: Actor, partnership: Partnership) -> bool:
    """Notes stay within the college (and platform administration); never for enterprises."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        return False
    return actor.is_platform_wide or actor.college_id == partnership.college_id


def can_manage(actor: Actor, partnership: Partnership) -> bool:
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return partnership.department_id == actor.department_id
    return actor.is_platform_wide or actor.college_id == partnership.college_id


def _require_department(actor: Actor, department_id: int | None) -> None:
    if actor.role == Role.DEPARTMENT_COORDINATOR and department_id != actor.department_id:
        raise PermissionDenied(
            N_("Department coordinators manage only their own department's partnerships."),
            code="other_department",
        )


def _college_id(session: Session, actor: Actor, wanted: int | None) -> int:
    if actor.is_platform_wide:
        if wanted is None or session.get(College, wanted) is None:
            raise ValidationFailed.single(
                "college_id", "missing", N_("Choose the college the partnership belongs to.")
            )
        return wanted
    if actor.college_id is None or wanted not in (None, actor.college_id):
        raise ValidationFailed.single(
            "college_id", "own_college_only", N_("You can add partnerships for your college only.")
        )
    return actor.college_id


def _check_department(session: Session, college_id: int, department_id: int | None) -> None:
    if department_id is None:
        return
    department = session.get(Department, department_id)
    if department is None or department.college_id != college_id:
        raise ValidationFailed.single(
            "department_id", "unknown_record", N_("Choose a department of this college.")
        )


def _check_account_manager(session: Session, college_id: int, teacher_id: int | None) -> None:
    if teacher_id is None:
        return
    teacher = session.get(Teacher, teacher_id)
    if teacher is None or teacher.college_id != college_id:
        raise ValidationFailed.single(
            "account_manager_id",
            "unknown_record",
            N_("Choose a teacher of this college as the account manager."),
        )
    if teacher.status == TeacherStatus.LEFT:
        raise ValidationFailed.single(
            "account_manager_id",
            "teacher_left",
            N_("%(name)s has left the college; choose a current teacher."),
            name=teacher.name,
        )


def _require_start_date(start_date: date | None) -> None:
    if start_date is None:
        raise ValidationFailed.single(
            "start_date",
            "start_date_required",
            N_("Enter the start date: an active partnership needs one."),
        )


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    partnership: Partnership,
    before: dict[str, Any] | None,
    fields: tuple[str, ...] = PARTNERSHIP_FIELDS,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=partnership,
        college_id=partnership.college_id,
        before=before,
        after=audit.snapshot(partnership, fields),
        summary=partnership.enterprise.name,
    )


def create_partnership(session: Session, *, actor: Actor, data: PartnershipCreate) -> Partnership:
    college_id = _college_id(session, actor, data.college_id)
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None:
        raise ValidationFailed.single(
            "enterprise_id", "unknown_record", N_("Choose a registered enterprise.")
        )
    if enterprise.archived_at is not None:
        raise ValidationFailed.single(
            "enterprise_id",
            "archived",
            N_("%(name)s is archived; a new partnership cannot start with it."),
            name=enterprise.name,
        )
    existing = repository.find_partnership(
        session, college_id=college_id, enterprise_id=enterprise.id
    )
    if existing is not None:
        raise Duplicate(
            "enterprise_id",
            N_("The college already has a partnership with %(name)s: open it instead."),
            existing_id=existing.id,
            existing_url=f"/partnerships/{existing.id}",
            name=enterprise.name,
        )
    if data.status not in INITIAL_STATUSES:
        raise ValidationFailed.single(
            "status",
            "invalid_initial_status",
            N_("A new partnership starts as one of: %(allowed)s."),
            allowed=", ".join(status_label(s) for s in INITIAL_STATUSES),
        )
    department_id = data.department_id
    if department_id is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        department_id = actor.department_id
    _require_department(actor, department_id)
    _check_department(session, college_id, department_id)
    _check_account_manager(session, college_id, data.account_manager_id)
    if data.status in STARTED:
        _require_start_date(data.start_date)
    partnership = Partnership(
        college_id=college_id,
        enterprise_id=enterprise.id,
        status=data.status,
        department_id=department_id,
        start_date=data.start_date,
        account_manager_id=data.account_manager_id,
        tags=data.tags,
        notes=data.notes,
    )
    session.add(partnership)
    session.flush()
    _audit(session, actor, "create", partnership, None)
    return partnership


def update_partnership(
    session: Session, *, actor: Actor, partnership: Partnership, data: PartnershipUpdate
) -> Partnership:
    """Change department, start date, account manager, tags or notes (null clears the first
    three); the status changes only through :func:`change_status`."""
    _require_department(actor, partnership.department_id)
    check_version(partnership, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("tags", "notes"):
        if values.get(name, "") is None:
            del values[name]
    if "department_id" in values:
        _require_department(actor, values["department_id"])
        _check_department(session, partnership.college_id, values["department_id"])
    if "account_manager_id" in values:
        _check_account_manager(session, partnership.college_id, values["account_manager_id"])
    if "start_date" in values and partnership.status in STARTED:
        _require_start_date(values["start_date"])
    before = audit.snapshot(partnership, PARTNERSHIP_FIELDS)
    for name, value in values.items():
        setattr(partnership, name, value)
    session.flush()
    if audit.snapshot(partnership, PARTNERSHIP_FIELDS) != before:
        _audit(session, actor, "update", partnership, before)
    return partnership


def change_status(
    session: Session, *, actor: Actor, partnership: Partnership, data: StatusChange
) -> Partnership:
    """Move along the life cycle; anything else is refused, naming the allowed next states."""
    _require_department(actor, partnership.department_id)
    check_version(partnership, data.version)
    current = PartnershipStatus(partnership.status)
    allowed = allowed_next(current)
    if data.status not in allowed:
        message = N_("A partnership in %(current)s can move only to: %(allowed)s.")
        params = {
            "current": status_label(current),
            "allowed": ", ".join(status_label(s) for s in allowed) or gettext(N_("nothing")),
        }
        raise Conflict(
            message,
            code="invalid_transition",
            errors=[FieldError("status", "invalid_transition", message, params)],
            **params,
        )
    before = audit.snapshot(partnership, STATUS_FIELDS)
    if data.status == S.ACTIVE:
        start = data.start_date or partnership.start_date
        _require_start_date(start)
        partnership.start_date = start
    if data.status == S.ENDED:
        if not data.reason:
            raise ValidationFailed.single(
                "reason", "reason_required", N_("Say why the partnership ends.")
            )
        partnership.ended_reason = data.reason
    if current == S.ENDED:
        partnership.ended_reason = ""  # a restart: the old reason stays in the audit log
    partnership.status = data.status
    session.flush()
    _audit(session, actor, "transition", partnership, before, STATUS_FIELDS)
    return partnership
