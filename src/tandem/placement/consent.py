"""Consents recorded by the office with the signed form (guardians have no accounts): the
guardian's consent, required for a student under 18 on the start date, and the informed consent
a plan may require for every placement.

A consent of a kind replaces the earlier one (both audited); removing one asks for confirmation
on the page. Each change re-runs the placement's compliance gate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.placement import documents, scope
from tandem.placement.cohort import age_on
from tandem.placement.models import Placement
from tandem.placement.models_records import Consent, PlacementDocument
from tandem.placement.tripartite import CLOSED, recheck_gate, require_open

GUARDIAN, INFORMED = "guardian", "informed"
KINDS = (GUARDIAN, INFORMED)
KIND_LABELS = {GUARDIAN: N_("Guardian consent"), INFORMED: N_("Informed consent")}
DOCUMENT_KIND = {GUARDIAN: documents.GUARDIAN_CONSENT, INFORMED: documents.INFORMED_CONSENT}
ADULT_AGE = 18
AUDITED = ("kind", "signer_name", "relation", "signed_on", "document_id")


def _require_manage(actor: Actor, placement: Placement) -> None:
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office (or the plan's coordinator) records consents.")
        )


def may_view(actor: Actor, placement: Placement) -> bool:
    """The consents (guardian's name, the forms) are the college's and the student's business."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        return False
    if actor.role == Role.STUDENT:
        return actor.student_id == placement.student_id
    return True


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationFailed.single(
            "kind",
            "unknown_consent_kind",
            N_("Choose the kind of consent: guardian or informed."),
        )
    return kind


def is_minor(placement: Placement) -> bool:
    return age_on(placement.student.birth_date, placement.start_on) < ADULT_AGE


def required(placement: Placement) -> dict[str, bool]:
    """Which consents the placement needs: the guardian's for a minor on the start date, the
    informed consent when its plan requires it."""
    plan = placement.plan
    return {
        GUARDIAN: is_minor(placement),
        INFORMED: bool(plan is not None and plan.requires_informed_consent),
    }


def consent_of(session: Session, placement: Placement, kind: str) -> Consent | None:
    return session.scalar(
        select(Consent).where(Consent.placement_id == placement.id, Consent.kind == kind)
    )


def has_consent(session: Session, placement: Placement, kind: str) -> bool:
    return consent_of(session, placement, kind) is not None


def consent_kinds(session: Session, placement_ids: Iterable[int]) -> dict[int, set[str]]:
    """The kinds of consent on file for many placements (the gate's daily check)."""
    ids = sorted(set(placement_ids))
    found: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        stmt = select(Consent.placement_id, Consent.kind).where(
            Consent.placement_id.in_(ids[start : start + 500])
        )
        for placement_id, kind in session.execute(stmt):
            found[placement_id].add(kind)
    return dict(found)


def _validate(signer_name: str, relation: str, signed_on: date | None) -> tuple[str, str, date]:
    errors: list[FieldError] = []
    signer = signer_name.strip()
    relation = relation.strip()
    if not signer:
        errors.append(
            FieldError("signer_name", "missing", N_("Enter the name of who signed the form."))
        )
    elif len(signer) > 100:
        errors.append(
            FieldError(
                "signer_name",
                "string_too_long",
                N_("Enter at most %(max_length)s characters."),
                {"max_length": 100},
            )
        )
    if len(relation) > 40:
        errors.append(
            FieldError(
                "relation",
                "string_too_long",
                N_("Enter at most %(max_length)s characters."),
                {"max_length": 40},
            )
        )
    if signed_on is None:
        errors.append(FieldError("signed_on", "missing", N_("Enter the date the form was signed.")))
    elif signed_on > local_today():
        errors.append(
            FieldError(
                "signed_on",
                "date_in_future",
                N_("The form cannot have been signed after today: check the date."),
            )
        )
    if errors or signed_on is None:
        raise ValidationFailed(errors=errors)
    return signer, relation, signed_on


def record(
    session: Session,
    *,
    actor: Actor,
    placement: Placement,
    kind: str,
    signer_name: str,
    relation: str,
    signed_on: date | None,
    upload: tuple[str, bytes] | None,
    max_bytes: int,
) -> Consent:
    """Record a consent with its signed form (``upload``: file name and bytes); it replaces an
    earlier consent of the same kind."""
    _require_manage(actor, placement)
    check_kind(kind)
    signer, relation, signed = _validate(signer_name, relation, signed_on)
    if upload is None or not upload[0]:
        raise ValidationFailed.single(
            "file", "missing", N_("Upload the signed consent form (a PDF or a scan).")
        )
    if placement.status in CLOSED:
        raise Conflict(
            N_("The placement has ended: its records can no longer change."),
            code="placement_closed",
        )
    document = documents.store(
        session,
        actor=actor,
        placement=placement,
        kind=DOCUMENT_KIND[kind],
        filename=upload[0],
        content=upload[1],
        max_bytes=max_bytes,
    )
    existing = consent_of(session, placement, kind)
    before = audit.snapshot(existing, AUDITED) if existing is not None else None
    old_document = existing.document_id if existing is not None else None
    consent = existing or Consent(
        college_id=placement.college_id, placement_id=placement.id, kind=kind
    )
    consent.signer_name = signer
    consent.relation = relation
    consent.signed_on = signed
    consent.document_id = document.id
    consent.recorded_by_user_id = actor.user_id
    consent.recorded_at = utcnow()
    session.add(consent)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update" if existing is not None else "create",
        entity=consent,
        college_id=placement.college_id,
        before=before,
        after=audit.snapshot(consent, AUDITED),
        summary=f"{kind} {signer}",
    )
    if old_document is not None:
        previous = session.get(PlacementDocument, old_document)
        if previous is not None:
            documents.discard(session, actor=actor, document=previous)
    recheck_gate(session, placement, actor)
    return consent


def remove(session: Session, *, actor: Actor, placement: Placement, kind: str) -> None:
    """Remove a consent recorded in error (and its form)."""
    _require_manage(actor, placement)
    check_kind(kind)
    require_open(placement)
    consent = consent_of(session, placement, kind)
    if consent is None:
        raise NotFound(N_("No %(kind)s is recorded for this placement."), kind=KIND_LABELS[kind])
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=consent,
        college_id=placement.college_id,
        before=audit.snapshot(consent, AUDITED),
        summary=f"{kind} {consent.signer_name}",
    )
    document_id = consent.document_id
    session.delete(consent)
    session.flush()
    if document_id is not None:
        document = session.get(PlacementDocument, document_id)
        if document is not None:
            documents.discard(session, actor=actor, document=document)
    recheck_gate(session, placement, actor)


def form_of(
    session: Session, *, actor: Actor, placement: Placement, kind: str
) -> PlacementDocument:
    """The signed form of a consent (403 for who may not see consents, 404 when none)."""
    if not may_view(actor, placement):
        raise PermissionDenied(
            N_("Consent forms are kept by the college; ask the cooperation office.")
        )
    check_kind(kind)
    consent = consent_of(session, placement, kind)
    if consent is None or consent.document_id is None:
        raise NotFound(N_("No signed %(kind)s form is on file."), kind=KIND_LABELS[kind])
    return documents.read(
        session, actor=actor, placement=placement, document_id=consent.document_id
    )


def list_consents(session: Session, *, actor: Actor, placement: Placement) -> list[Consent]:
    if not may_view(actor, placement):
        raise PermissionDenied(N_("Consents are kept by the college; ask the cooperation office."))
    stmt = select(Consent).where(Consent.placement_id == placement.id).order_by(Consent.kind)
    return list(session.scalars(stmt))


def section(session: Session, *, actor: Actor, placement: Placement) -> dict[str, Any]:
    """What the placement page shows of the consents, and what ``actor`` may do."""
    needed = required(placement)
    visible = may_view(actor, placement)
    manage = scope.can_manage_placement(actor, placement) and placement.status not in CLOSED
    rows = []
    for kind in KINDS:
        found = consent_of(session, placement, kind)
        rows.append(
            {
                "kind": kind,
                "label": KIND_LABELS[kind],
                "required": needed[kind],
                "reason": (
                    N_("The student is under 18 on the start date.")
                    if kind == GUARDIAN
                    else N_("The placement plan requires informed consent.")
                )
                if needed[kind]
                else "",
                "recorded": found is not None,
                "consent": found if visible else None,
                "form_url": f"/api/v1/placements/{placement.id}/consent-form?kind={kind}"
                if visible and found is not None and found.document_id is not None
                else "",
                "remove_url": f"/placements/{placement.id}/consents/remove?kind={kind}",
            }
        )
    return {
        "placement": placement,
        "rows": rows,
        "visible": visible,
        "missing": [row["label"] for row in rows if row["required"] and not row["recorded"]],
        "can": {"record": manage, "remove": manage},
        "urls": {"new": f"/placements/{placement.id}/consents/new"},
    }
