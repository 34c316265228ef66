"""The joint steering body of a partnership: members from both sides, meetings with minutes and
decisions, and review dates (a review meeting moves the next review on). Flushes and audits,
never commits. The cooperation office and the partnership's department coordinator manage it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement.models import (
    Agreement,
    AgreementKind,
    SteeringBody,
    SteeringMeeting,
    SteeringMember,
)
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringBodyUpdate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.service import check_version
from tandem.kit.dates import add_months
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership

BODY_FIELDS = (
    "partnership_id",
    "framework_id",
    "name",
    "established_on",
    "review_every_months",
    "next_review_on",
)


def can_manage(actor: Actor, partnership: Partnership) -> bool:
    if actor.is_system:
        return True
    if not actor.can(Permission.AGREEMENT_MANAGE) or actor.role == Role.ENTERPRISE_CONTACT:
        return False
    if not (actor.is_platform_wide or actor.college_id == partnership.college_id):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return partnership.department_id == actor.department_id
    return True


def _require(actor: Actor, partnership: Partnership) -> None:
    if not can_manage(actor, partnership):
        raise PermissionDenied()


def _check_framework(session: Session, partnership_id: int, framework_id: int | None) -> None:
    if framework_id is None:
        return
    framework = session.get(Agreement, framework_id)
    if (
        framework is None
        or framework.kind != AgreementKind.FRAMEWORK
        or framework.partnership_id != partnership_id
    ):
        raise ValidationFailed.single(
            "framework_id",
            "unknown_record",
            N_("Choose a framework agreement of the same partnership."),
        )


def _check_dates(body_or_data: Any, meetings: list[SteeringMeeting]) -> None:
    """The next review comes after the body is set up, and no meeting comes before that."""
    established: date = body_or_data.established_on
    next_review: date | None = body_or_data.next_review_on
    if next_review is not None and next_review < established:
        raise ValidationFailed.single(
            "next_review_on",
            "dates_out_of_order",
            N_("The next review cannot come before the body was set up."),
        )
    earliest = min((m.held_on for m in meetings), default=None)
    if earliest is not None and earliest < established:
        raise ValidationFailed.single(
            "established_on",
            "after_meetings",
            N_("A meeting was held on %(day)s; the body cannot have been set up after that."),
            day=str(earliest),
        )


def _latest_review(body: SteeringBody) -> date | None:
    return max((m.held_on for m in body.meetings if m.is_review), default=None)


def _audit(
    session: Session, actor: Actor, action: str, body: SteeringBody, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=body,
        college_id=body.college_id,
        before=before,
        after=audit.snapshot(body, BODY_FIELDS),
        summary=body.name,
    )


def create_body(session: Session, *, actor: Actor, data: SteeringBodyCreate) -> SteeringBody:
    partnership = session.get(Partnership, data.partnership_id)
    if partnership is None or not (
        actor.is_platform_wide or partnership.college_id == actor.college_id
    ):
        raise ValidationFailed.single(
            "partnership_id", "unknown_record", N_("Choose a partnership of your college.")
        )
    _require(actor, partnership)
    existing = session.query(SteeringBody).filter_by(partnership_id=partnership.id).first()
    if existing is not None:
        raise Conflict(N_("This partnership already has a steering body."), code="duplicate")
    _check_framework(session, partnership.id, data.framework_id)
    _check_dates(data, [])
    body = SteeringBody(
        college_id=partnership.college_id,
        partnership_id=partnership.id,
        framework_id=data.framework_id,
        name=data.name,
        established_on=data.established_on,
        review_every_months=data.review_every_months,
        next_review_on=data.next_review_on
        or add_months(data.established_on, data.review_every_months),
    )
    body.partnership = partnership
    session.add(body)
    session.flush()
    _audit(session, actor, "create", body, None)
    return body


def update_body(
    session: Session, *, actor: Actor, body: SteeringBody, data: SteeringBodyUpdate
) -> SteeringBody:
    _require(actor, body.partnership)
    check_version(body, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    if "framework_id" in values:
        _check_framework(session, body.partnership_id, values["framework_id"])
    before = audit.snapshot(body, BODY_FIELDS)
    for name, value in values.items():
        if value is not None or name in ("framework_id", "next_review_on"):
            setattr(body, name, value)
    _check_dates(body, list(body.meetings))
    session.flush()
    if audit.snapshot(body, BODY_FIELDS) != before:
        _audit(session, actor, "update", body, before)
    return body


def add_member(
    session: Session, *, actor: Actor, body: SteeringBody, data: SteeringMemberCreate
) -> SteeringMember:
    _require(actor, body.partnership)
    member = SteeringMember(name=data.name, side=data.side, position=data.position)
    body.members.append(member)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="add_member",
        entity=body,
        college_id=body.college_id,
        after={"member": f"{data.side}: {data.name}"},
        summary=body.name,
    )
    return member


def remove_member(
    session: Session, *, actor: Actor, body: SteeringBody, member: SteeringMember
) -> None:
    _require(actor, body.partnership)
    if member.body_id != body.id:
        raise ValidationFailed.single("member_id", "unknown_record", N_("Not a member here."))
    audit.record(
        session,
        actor=actor,
        action="remove_member",
        entity=body,
        college_id=body.college_id,
        before={"member": f"{member.side}: {member.name}"},
        summary=body.name,
    )
    body.members.remove(member)
    session.flush()


def add_meeting(
    session: Session, *, actor: Actor, body: SteeringBody, data: SteeringMeetingCreate
) -> SteeringMeeting:
    """Record a meeting; a review meeting sets the next review ``review_every_months`` after
    the latest review (recording an older review afterwards does not move it back)."""
    _require(actor, body.partnership)
    if data.held_on < body.established_on:
        raise ValidationFailed.single(
            "held_on",
            "before_established",
            N_("The body was set up on %(day)s; a meeting cannot come before that."),
            day=str(body.established_on),
        )
    meeting = SteeringMeeting(
        held_on=data.held_on,
        title=data.title,
        minutes=data.minutes,
        decisions=list(data.decisions),
        is_review=data.is_review,
    )
    body.meetings.append(meeting)
    before = audit.snapshot(body, BODY_FIELDS)
    latest = _latest_review(body)
    if data.is_review and latest is not None:
        body.next_review_on = add_months(latest, body.review_every_months)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting",
        entity=body,
        college_id=body.college_id,
        before=before,
        after={**audit.snapshot(body, BODY_FIELDS), "meeting": data.title},
        summary=body.name,
    )
    return meeting


def delete_meeting(
    session: Session, *, actor: Actor, body: SteeringBody, meeting: SteeringMeeting
) -> None:
    _require(actor, body.partnership)
    if meeting.body_id != body.id:
        raise ValidationFailed.single("meeting_id", "unknown_record", N_("Not a meeting here."))
    before = audit.snapshot(body, BODY_FIELDS)
    was_latest_review = meeting.is_review and meeting.held_on == _latest_review(body)
    title = meeting.title
    body.meetings.remove(meeting)
    if was_latest_review:
        # The next review was set from this meeting: set it again from the review before it.
        since = _latest_review(body) or body.established_on
        body.next_review_on = add_months(since, body.review_every_months)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete_meeting",
        entity=body,
        college_id=body.college_id,
        before={**before, "meeting": title},
        after=audit.snapshot(body, BODY_FIELDS),
        summary=body.name,
    )
