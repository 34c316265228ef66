"""Business rules for enterprises' master data, staff counts and contacts.

Master data is shared by every college. Platform administrators and the enterprise's own contacts
change it directly; a college may register a new enterprise and afterwards proposes changes
(:mod:`tandem.partner.proposals`). Functions flush and audit; the caller commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.partner import repository
from tandem.partner.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseStaffCount,
    PartnershipStatus,
)
from tandem.partner.schemas import (
    ContactCreate,
    ContactUpdate,
    EnterpriseChanges,
    EnterpriseCreate,
    EnterpriseUpdate,
    StaffCountCreate,
)

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "short_name",
    "kind",
    "industry_section",
    "industry_detail",
    "size_band",
    "address",
    "region_code",
    "website",
    "certified_level",
    "certified_on",
)
NULLABLE_FIELDS = frozenset({"certified_level", "certified_on"})
CONTACT_FIELDS = ("enterprise_id", "name", "role", "phone", "email")
STAFF_FIELDS = ("enterprise_id", "as_of", "on_post_staff")
# An enterprise still being worked with cannot be archived.
BUSY_STATUSES = (PartnershipStatus.VETTING, PartnershipStatus.ACTIVE)


class Duplicate(Conflict):
    """A record that already exists; the field error says where to find it."""

    code = "duplicate"

    def __init__(
        self, field: str, message: str, *, existing_id: int, existing_url: str, **params: Any
    ) -> None:
        params = {**params, "existing_id": existing_id}
        super().__init__(
            message,
            code="duplicate",
            errors=[FieldError(field, "duplicate", message, params)],
            **params,
        )
        self.existing_id = existing_id
        self.existing_url = existing_url


def enterprise_url(enterprise: Enterprise) -> str:
    return f"/enterprises/{enterprise.id}"


# --- who may change master data ------------------------------------------------------------------


def can_edit_directly(actor: Actor, enterprise: Enterprise) -> bool:
    """Platform administrators (and system actors), and the enterprise's own contacts."""
    if actor.is_platform_wide:
        return True
    return (
        actor.role == Role.ENTERPRISE_CONTACT
        and actor.enterprise_id == enterprise.id
        and actor.can(Permission.ENTERPRISE_EDIT)
    )


def can_propose(actor: Actor, enterprise: Enterprise) -> bool:
    """College roles propose changes; those who may edit directly have no need to."""
    return (
        actor.college_id is not None
        and actor.can(Permission.ENTERPRISE_PROPOSE)
        and not can_edit_directly(actor, enterprise)
    )


def require_edit(actor: Actor, enterprise: Enterprise) -> None:
    if can_edit_directly(actor, enterprise):
        return
    if actor.role == Role.ENTERPRISE_CONTACT:  # another enterprise: not confirmed to exist
        raise NotFound(N_("No enterprise with id %(id)s."), id=enterprise.id)
    raise PermissionDenied(
        N_(
            "Only the enterprise's own contacts and platform administrators change its master "
            "data directly. Propose the change instead."
        ),
        code="propose_instead",
    )


def require_current(enterprise: Enterprise) -> None:
    if enterprise.archived_at is not None:
        raise Conflict(
            N_("%(name)s is archived; restore it before changing it."),
            code="archived",
            name=enterprise.name,
        )


# --- checks shared by create, update and proposals -----------------------------------------------


def refuse_duplicate_uscc(session: Session, uscc: str, *, exclude_id: int | None = None) -> None:
    existing = repository.find_enterprise_by_uscc(session, uscc)
    if existing is not None and existing.id != exclude_id:
        raise Duplicate(
            "uscc",
            N_("This code is already registered as %(name)s (id %(existing_id)s): open it there."),
            existing_id=existing.id,
            existing_url=enterprise_url(existing),
            name=existing.name,
        )


def check_certification(level: str | None, on: date | None) -> None:
    """Certified level and date come together, or neither."""
    if level is not None and on is None:
        raise ValidationFailed.single(
            "certified_on",
            "certification_incomplete",
            N_("Enter the date of the certification, or clear the level."),
        )
    if on is not None and level is None:
        raise ValidationFailed.single(
            "certified_level",
            "certification_incomplete",
            N_("Choose the certification level, or clear the date."),
        )


def changed_values(enterprise: Enterprise, changes: EnterpriseChanges) -> dict[str, Any]:
    """The given fields that differ from the record (null clears only the nullable ones)."""
    given = changes.model_dump(exclude_unset=True, exclude={"version"})
    values: dict[str, Any] = {}
    for name, value in given.items():
        if value is None and name not in NULLABLE_FIELDS:
            continue
        if getattr(enterprise, name) != value:  # StrEnum members equal their stored text
            values[name] = value
    return values


def check_changes(session: Session, enterprise: Enterprise, values: dict[str, Any]) -> None:
    """Would the record still be valid with ``values`` applied? (Raises if not.)"""
    if "uscc" in values:
        refuse_duplicate_uscc(session, values["uscc"], exclude_id=enterprise.id)
    check_certification(
        values.get("certified_level", enterprise.certified_level),
        values.get("certified_on", enterprise.certified_on),
    )


# --- enterprises ---------------------------------------------------------------------------------


def _audit_enterprise(
    session: Session,
    actor: Actor,
    action: str,
    enterprise: Enterprise,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=enterprise,
        college_id=None,  # master data belongs to no college
        before=before,
        after=after,
        summary=f"{enterprise.uscc} {enterprise.name}",
    )


def create_enterprise(session: Session, *, actor: Actor, data: EnterpriseCreate) -> Enterprise:
    """Register an enterprise (with a first staff count and contacts, if given)."""
    refuse_duplicate_uscc(session, data.uscc)
    check_certification(data.certified_level, data.certified_on)
    enterprise = Enterprise(**data.model_dump(exclude={"staff_count", "contacts"}))
    session.add(enterprise)
    session.flush()
    _audit_enterprise(
        session, actor, "create", enterprise, None, audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    )
    if data.staff_count is not None:
        _add_staff_count(session, actor, enterprise, data.staff_count)
    for contact in data.contacts:
        _add_contact(session, actor, enterprise, contact)
    return enterprise


def update_enterprise(
    session: Session, *, actor: Actor, enterprise: Enterprise, data: EnterpriseUpdate
) -> Enterprise:
    """Change master data directly (platform administrators and the enterprise's contacts)."""
    require_edit(actor, enterprise)
    require_current(enterprise)
    check_version(enterprise, data.version)
    values = changed_values(enterprise, data)
    check_changes(session, enterprise, values)
    if not values:
        return enterprise
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    for name, value in values.items():
        setattr(enterprise, name, value)
    session.flush()
    _audit_enterprise(
        session, actor, "update", enterprise, before, audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    )
    return enterprise


def archive_enterprise(
    session: Session, *, actor: Actor, enterprise: Enterprise, version: int | None = None
) -> Enterprise:
    """Archive instead of delete: the record stays for history; refused while in active work."""
    require_platform(actor)
    check_version(enterprise, version)
    if enterprise.archived_at is not None:
        return enterprise
    busy = repository.open_partnership_count(session, enterprise=enterprise, statuses=BUSY_STATUSES)
    if busy:
        raise Conflict(
            N_(
                "%(name)s still has %(count)s partnership(s) in vetting or active; "
                "they must end or become dormant before it is archived."
            ),
            code="in_use",
            name=enterprise.name,
            count=busy,
        )
    enterprise.archived_at = utcnow()
    session.flush()
    _audit_enterprise(
        session, actor, "archive", enterprise, {"archived": False}, {"archived": True}
    )
    return enterprise


def restore_enterprise(
    session: Session, *, actor: Actor, enterprise: Enterprise, version: int | None = None
) -> Enterprise:
    require_platform(actor)
    check_version(enterprise, version)
    if enterprise.archived_at is None:
        return enterprise
    enterprise.archived_at = None
    session.flush()
    _audit_enterprise(
        session, actor, "restore", enterprise, {"archived": True}, {"archived": False}
    )
    return enterprise


def require_platform(actor: Actor) -> None:
    if not actor.is_platform_wide:
        raise PermissionDenied(
            N_("Only a platform administrator archives or restores an enterprise."),
            code="platform_only",
        )


# --- staff counts --------------------------------------------------------------------------------


def staff_count_on(enterprise: Enterprise, day: date) -> EnterpriseStaffCount | None:
    """The latest count on or before ``day`` (intern caps use the count valid then), or None."""
    earlier = [count for count in enterprise.staff_counts if count.as_of <= day]
    return max(earlier, key=lambda count: count.as_of, default=None)


def add_staff_count(
    session: Session, *, actor: Actor, enterprise: Enterprise, data: StaffCountCreate
) -> EnterpriseStaffCount:
    require_edit(actor, enterprise)
    require_current(enterprise)
    return _add_staff_count(session, actor, enterprise, data)


def _add_staff_count(
    session: Session, actor: Actor, enterprise: Enterprise, data: StaffCountCreate
) -> EnterpriseStaffCount:
    existing = repository.find_staff_count(session, enterprise=enterprise, as_of=data.as_of)
    if existing is not None:
        message = N_(
            "A count for %(date)s is already recorded (%(count)s). "
            "Delete it first to record a corrected one."
        )
        params = {"date": data.as_of.isoformat(), "count": existing.on_post_staff}
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("as_of", "duplicate", message, params)],
            **params,
        )
    count = EnterpriseStaffCount(
        enterprise_id=enterprise.id, as_of=data.as_of, on_post_staff=data.on_post_staff
    )
    session.add(count)
    session.flush()
    session.expire(enterprise, ["staff_counts"])
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=count,
        college_id=None,
        after=audit.snapshot(count, STAFF_FIELDS),
        summary=f"{enterprise.name} {data.as_of.isoformat()}: {data.on_post_staff}",
    )
    return count


def delete_staff_count(
    session: Session, *, actor: Actor, enterprise: Enterprise, staff_count: EnterpriseStaffCount
) -> None:
    require_edit(actor, enterprise)
    require_current(enterprise)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=staff_count,
        college_id=None,
        before=audit.snapshot(staff_count, STAFF_FIELDS),
        summary=f"{enterprise.name} {staff_count.as_of.isoformat()}",
    )
    session.delete(staff_count)
    session.flush()
    session.expire(enterprise, ["staff_counts"])


# --- contacts ------------------------------------------------------------------------------------


def add_contact(
    session: Session, *, actor: Actor, enterprise: Enterprise, data: ContactCreate
) -> EnterpriseContact:
    require_edit(actor, enterprise)
    require_current(enterprise)
    return _add_contact(session, actor, enterprise, data)


def _add_contact(
    session: Session, actor: Actor, enterprise: Enterprise, data: ContactCreate
) -> EnterpriseContact:
    contact = EnterpriseContact(enterprise_id=enterprise.id, **data.model_dump())
    session.add(contact)
    session.flush()
    session.expire(enterprise, ["contacts"])
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=contact,
        college_id=None,
        after=audit.snapshot(contact, CONTACT_FIELDS),
        summary=f"{enterprise.name}: {contact.name}",
    )
    return contact


def update_contact(
    session: Session,
    *,
    actor: Actor,
    enterprise: Enterprise,
    contact: EnterpriseContact,
    data: ContactUpdate,
) -> EnterpriseContact:
    require_edit(actor, enterprise)
    require_current(enterprise)
    before = audit.snapshot(contact, CONTACT_FIELDS)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(contact, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=contact,
        college_id=None,
        before=before,
        after=audit.snapshot(contact, CONTACT_FIELDS),
        summary=f"{enterprise.name}: {contact.name}",
    )
    return contact


def delete_contact(
    session: Session, *, actor: Actor, enterprise: Enterprise, contact: EnterpriseContact
) -> None:
    require_edit(actor, enterprise)
    require_current(enterprise)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=contact,
        college_id=None,
        before=audit.snapshot(contact, CONTACT_FIELDS),
        summary=f"{enterprise.name}: {contact.name}",
    )
    session.delete(contact)
    session.flush()
    session.expire(enterprise, ["contacts"])
