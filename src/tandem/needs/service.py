"""Needs profiles (a new dated version per save; versions compared field by field), the college's
offer, and the advice built from both. Flushes and audits, never commits.

Who may do what: the college's office and the partnership's department coordinator, and the
enterprise's own contacts, record needs; the office edits the offer; advice and suggested
teachers stay inside the college (office, coordinators, teachers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tandem.advisor.core import Advice, advise
from tandem.advisor.teachers import Suggestion, TeacherCard, suggest_teachers
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.service import check_version
from tandem.kit.dates import local_today
from tandem.kit.errors import PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, get_language
from tandem.needs.models import CollegeOffer, NeedsProfile
from tandem.needs.schemas import NeedsCreate, NeedsData, OfferData, OfferUpdate
from tandem.partner.models import Partnership, PartnershipStatus
from tandem.people.models import Teacher, TeacherStatus


def can_edit_needs(actor: Actor, partnership: Partnership) -> bool:
    if actor.is_system:
        return True
    if not actor.can(Permission.NEEDS_EDIT) or partnership.status == PartnershipStatus.ENDED:
        return False
    if actor.role == Role.ENTERPRISE_CONTACT:
        return actor.enterprise_id == partnership.enterprise_id
    if not (actor.is_platform_wide or actor.college_id == partnership.college_id):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return partnership.department_id == actor.department_id
    return True


def can_read_advice(actor: Actor, partnership: Partnership) -> bool:
    return actor.can(Permission.ADVICE_READ) and (
        actor.is_platform_wide or actor.college_id == partnership.college_id
    )


# --- needs ---------------------------------------------------------------------------------------


def versions(session: Session, *, partnership: Partnership) -> list[NeedsProfile]:
    """Every version, newest first."""
    stmt = (
        select(NeedsProfile)
        .where(NeedsProfile.partnership_id == partnership.id)
        .order_by(NeedsProfile.number.desc())
    )
    return list(session.scalars(stmt))


def latest(session: Session, *, partnership: Partnership) -> NeedsProfile | None:
    stmt = (
        select(NeedsProfile)
        .where(NeedsProfile.partnership_id == partnership.id)
        .order_by(NeedsProfile.number.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def version(session: Session, *, partnership: Partnership, number: int) -> NeedsProfile | None:
    return session.scalar(
        select(NeedsProfile).where(
            NeedsProfile.partnership_id == partnership.id, NeedsProfile.number == number
        )
    )


def record_needs(
    session: Session, *, actor: Actor, partnership: Partnership, data: NeedsCreate
) -> NeedsProfile:
    """Save the profile as a new version (the old ones stay, to compare)."""
    if not can_edit_needs(actor, partnership):
        raise PermissionDenied(
            N_("You may record needs only for your own partnerships (or your own enterprise)."),
            code="not_yours",
        )
    today = local_today()
    recorded_on = data.recorded_on or today
    if recorded_on > today:
        raise ValidationFailed.single(
            "recorded_on", "in_future", N_("The date of a needs profile cannot be in the future.")
        )
    previous = session.scalar(
        select(func.max(NeedsProfile.number)).where(NeedsProfile.partnership_id == partnership.id)
    )
    profile = NeedsProfile(
        college_id=partnership.college_id,
        partnership_id=partnership.id,
        number=(previous or 0) + 1,
        recorded_on=recorded_on,
        recorded_by_user_id=actor.user_id,
        recorded_by_label=actor.display_name or actor.label,
        source="enterprise" if actor.role == Role.ENTERPRISE_CONTACT else "college",
        needs=data.needs.model_dump(mode="json"),
    )
    profile.partnership = partnership
    session.add(profile)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=profile,
        college_id=partnership.college_id,
        after={"number": profile.number, "needs": profile.needs},
        summary=partnership.enterprise.name,
    )
    return profile


@dataclass(frozen=True)
class Change:
    """One value that differs between two versions: ``path`` like ``talent.headcount``."""

    path: str
    before: Any
    after: Any


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def compare(older: NeedsProfile, newer: NeedsProfile) -> list[Change]:
    """What changed from ``older`` to ``newer``, in the profile's own order."""
    before = _flatten(NeedsData.model_validate(older.needs).model_dump(mode="json"))
    after = _flatten(NeedsData.model_validate(newer.needs).model_dump(mode="json"))
    return [
        Change(path, before.get(path), after[path])
        for path in after
        if before.get(path) != after[path]
    ]


# --- the college's offer -------------------------------------------------------------------------


def get_offer(session: Session, *, college_id: int) -> CollegeOffer | None:
    return session.scalar(select(CollegeOffer).where(CollegeOffer.college_id == college_id))


def offer_data(session: Session, *, college_id: int) -> OfferData:
    offer = get_offer(session, college_id=college_id)
    return OfferData.model_validate(offer.offer) if offer else OfferData()


def save_offer(
    session: Session, *, actor: Actor, college_id: int, data: OfferUpdate
) -> CollegeOffer:
    if not actor.can(Permission.OFFER_MANAGE) or not (
        actor.is_platform_wide or actor.college_id == college_id
    ):
        raise PermissionDenied()
    offer = get_offer(session, college_id=college_id)
    values = data.offer.model_dump(mode="json")
    label = actor.display_name or actor.label
    if offer is None:
        offer = CollegeOffer(college_id=college_id, offer=values, updated_by_label=label)
        session.add(offer)
        before = None
    else:
        check_version(offer, data.version)
        before = {"offer": offer.offer}
        offer.offer = values
        offer.updated_by_label = label
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create" if before is None else "update",
        entity=offer,
        college_id=college_id,
        before=before,
        after={"offer": values},
    )
    return offer


# --- advice --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceResult:
    profile: NeedsProfile | None
    needs: NeedsData
    offer: OfferData
    advice: list[Advice]
    teachers: list[Suggestion]


def teacher_cards(session: Session, *, college_id: int) -> list[TeacherCard]:
    language = get_language()
    stmt = (
        select(Teacher)
        .where(
            Teacher.college_id == college_id,
            Teacher.status == TeacherStatus.ACTIVE,
            Teacher.subjects != "",
        )
        .order_by(Teacher.id)
        .options(selectinload(Teacher.department))
    )
    return [
        TeacherCard(t.id, t.name, t.department.name(language), t.subjects)
        for t in session.scalars(stmt)
    ]


def advice_for(session: Session, *, actor: Actor, partnership: Partnership) -> AdviceResult:
    """The advisor's ranking for the partnership's latest needs and the college's offer, and the
    teachers who fit its R&D problems and training topics."""
    if not can_read_advice(actor, partnership):
        raise PermissionDenied()
    profile = latest(session, partnership=partnership)
    needs = NeedsData.model_validate(profile.needs) if profile else NeedsData()
    offer = offer_data(session, college_id=partnership.college_id)
    teachers = suggest_teachers(
        rnd=needs.rnd.problems if needs.rnd.importance else [],
        staff_training=needs.staff_training.topics if needs.staff_training.importance else [],
        teachers=teacher_cards(session, college_id=partnership.college_id),
    )
    return AdviceResult(profile, needs, offer, advise(needs, offer), teachers)
