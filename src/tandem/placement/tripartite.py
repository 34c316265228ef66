"""The tripartite agreement (三方协议) of college, host and student for one placement.

The office generates it from the placement's terms (a snapshot: what the agreement states);
each party then confirms it in the platform — the office for the college, the host's contact,
the student — or the office uploads the signed paper scan. It counts as signed when its terms
still match the placement's and all three confirmed or a scan is on file. Regenerating replaces
the snapshot and clears every confirmation and the scan: they were given to other terms.

Each change is audited and re-runs the placement's compliance gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.orm import utcnow
from tandem.placement import documents, scope
from tandem.placement import tripartite_terms as terms_of
from tandem.placement.kinds import PlacementStatus
from tandem.placement.models import Placement
from tandem.placement.models_records import PlacementDocument, TripartiteAgreement

PARTIES = ("college", "host", "student")
PARTY_LABELS = {
    "college": N_("College"),
    "host": N_("Host enterprise"),
    "student": N_("Student"),
}
CLOSED = frozenset({PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY})
AUDITED = (
    "number",
    "college_confirmed_at",
    "host_confirmed_at",
    "student_confirmed_at",
    "scan_document_id",
)


def require_open(placement: Placement) -> None:
    """Refuse a change to the records of a placement that is completed or ended early."""
    if placement.status in CLOSED:
        raise Conflict(
            N_(
                "Placement %(id)s has ended (completed or ended early): its records can no "
                "longer change."
            ),
            code="placement_closed",
            id=placement.id,
        )


def recheck_gate(session: Session, placement: Placement, actor: Actor | None = None) -> None:
    """Re-run the placement's compliance gate after one of its facts changed (a ready
    placement that no longer passes goes back to draft, audited as ``actor``)."""
    from tandem.placement import gate  # here: the gate reads this module

    gate.recheck(session, placement, actor)


def agreement_of(session: Session, placement: Placement) -> TripartiteAgreement | None:
    return session.scalar(
        select(TripartiteAgreement).where(TripartiteAgreement.placement_id == placement.id)
    )


def number_for(session: Session, placement: Placement) -> str:
    college = session.get_one(College, placement.college_id)
    return f"{college.code}-{placement.start_on.year}-{placement.id:06d}"


def confirmed_at(agreement: TripartiteAgreement, party: str) -> datetime | None:
    value: datetime | None = getattr(agreement, f"{party}_confirmed_at")
    return value


def terms_changed(agreement: TripartiteAgreement, placement: Placement) -> list[str]:
    """The term fields that changed since the agreement was generated (empty: none)."""
    return terms_of.changed_fields(agreement.terms, placement)


def is_signed(session: Session, placement: Placement) -> bool:
    """An agreement with the placement's current terms, confirmed by all three parties or with
    the signed scan on file."""
    agreement = agreement_of(session, placement)
    if agreement is None or terms_changed(agreement, placement):
        return False
    if agreement.scan_document_id is not None:
        return True
    return all(confirmed_at(agreement, party) is not None for party in PARTIES)


def signed_map(session: Session, placements: Sequence[Placement]) -> dict[int, bool]:
    """:func:`is_signed` of many placements at once (the gate's daily check)."""
    found = {p.id: False for p in placements}
    by_id = {p.id: p for p in placements}
    locations = terms_of.locations(session, [p.position_id for p in placements if p.position_id])
    ids = sorted(found)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stmt = select(TripartiteAgreement).where(TripartiteAgreement.placement_id.in_(chunk))
        for agreement in session.scalars(stmt):
            placement = by_id[agreement.placement_id]
            location = locations.get(placement.position_id or 0, "")
            if terms_of.changed_fields(agreement.terms, placement, location=location):
                continue
            found[placement.id] = agreement.scan_document_id is not None or all(
                confirmed_at(agreement, party) is not None for party in PARTIES
            )
    return found


def _clear(agreement: TripartiteAgreement) -> None:
    for party in PARTIES:
        setattr(agreement, f"{party}_confirmed_at", None)
        setattr(agreement, f"{party}_confirmed_by_user_id", None)
    agreement.scan_document_id = None


def generate(session: Session, *, actor: Actor, placement: Placement) -> TripartiteAgreement:
    """Generate the agreement from the placement's terms, or regenerate it (a new snapshot;
    every confirmation and the scan are cleared)."""
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office (or the plan's coordinator) generates agreements.")
        )
    if placement.status in CLOSED:
        raise Conflict(
            N_("The placement has ended: its agreement can no longer be changed."),
            code="placement_closed",
        )
    snapshot = terms_of.snapshot(session, placement)
    if snapshot["compliance_kind"] == "post":
        wrong = [
            FieldError(name, "not_allowed_in_post_internship", message)
            for name, message in (
                ("night_shift", N_("A post internship may not include night shifts.")),
                ("holiday_work", N_("A post internship may not include work on public holidays.")),
            )
            if getattr(placement, name)
        ]
        if wrong:
            raise ValidationFailed(
                N_(
                    "The agreement cannot state terms the rules forbid: change the placement's "
                    "terms first, then generate the agreement."
                ),
                errors=wrong,
            )
    agreement = agreement_of(session, placement)
    if agreement is None:
        agreement = TripartiteAgreement(
            college_id=placement.college_id,
            placement_id=placement.id,
            number=number_for(session, placement),
            terms=snapshot,
        )
        session.add(agreement)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            entity=agreement,
            college_id=placement.college_id,
            after={"number": agreement.number, "terms": snapshot["terms"]},
            summary=agreement.number,
        )
    else:
        before = {**audit.snapshot(agreement, AUDITED), "terms": agreement.terms.get("terms")}
        _clear(agreement)
        agreement.terms = snapshot
        agreement.number = number_for(session, placement)
        agreement.generated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="regenerate",
            entity=agreement,
            college_id=placement.college_id,
            before=before,
            after={**audit.snapshot(agreement, AUDITED), "terms": snapshot["terms"]},
            summary=agreement.number,
        )
    recheck_gate(session, placement, actor)
    return agreement


def _require(session: Session, placement: Placement) -> TripartiteAgreement:
    agreement = agreement_of(session, placement)
    if agreement is None:
        raise Conflict(
            N_("No agreement has been generated for this placement yet: the office generates it."),
            code="no_agreement",
        )
    return agreement


def confirm(session: Session, *, actor: Actor, placement: Placement) -> TripartiteAgreement:
    """Confirm the agreement for the party ``actor`` speaks for, with who and when."""
    party = scope.party_of(actor, placement)
    if party is None:
        raise PermissionDenied(
            N_("Only the college, the host enterprise and the student confirm this agreement.")
        )
    require_open(placement)
    agreement = _require(session, placement)
    if terms_changed(agreement, placement):
        raise Conflict(
            N_(
                "The placement's terms changed after the agreement was generated: "
                "the office must generate it again before anyone confirms."
            ),
            code="agreement_outdated",
        )
    if confirmed_at(agreement, party) is not None:
        raise Conflict(
            N_("The %(party)s has already confirmed this agreement."),
            code="already_confirmed",
            party=PARTY_LABELS[party],
        )
    before = audit.snapshot(agreement, AUDITED)
    setattr(agreement, f"{party}_confirmed_at", utcnow())
    setattr(agreement, f"{party}_confirmed_by_user_id", actor.user_id)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="confirm",
        entity=agreement,
        college_id=placement.college_id,
        before=before,
        after=audit.snapshot(agreement, AUDITED),
        summary=f"{agreement.number} {party}",
    )
    recheck_gate(session, placement, actor)
    return agreement


def upload_scan(
    session: Session,
    *,
    actor: Actor,
    placement: Placement,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> PlacementDocument:
    """Keep the signed paper agreement (a PDF or an image); it replaces an earlier scan."""
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office (or the plan's coordinator) uploads signed scans.")
        )
    require_open(placement)
    agreement = _require(session, placement)
    document = documents.store(
        session,
        actor=actor,
        placement=placement,
        kind=documents.TRIPARTITE_SCAN,
        filename=filename,
        content=content,
        max_bytes=max_bytes,
    )
    before = audit.snapshot(agreement, AUDITED)
    old = agreement.scan_document_id
    agreement.scan_document_id = document.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="upload_scan",
        entity=agreement,
        college_id=placement.college_id,
        before=before,
        after=audit.snapshot(agreement, AUDITED),
        summary=f"{agreement.number} {document.filename}",
    )
    if old is not None:
        previous = session.get(PlacementDocument, old)
        if previous is not None:
            documents.discard(session, actor=actor, document=previous)
    recheck_gate(session, placement, actor)
    return document


def scan_of(session: Session, *, actor: Actor, placement: Placement) -> PlacementDocument:
    """The signed scan on file (404 when there is none)."""
    agreement = agreement_of(session, placement)
    if agreement is None or agreement.scan_document_id is None:
        raise NotFound(N_("No signed scan of the agreement has been uploaded."))
    return documents.read(
        session, actor=actor, placement=placement, document_id=agreement.scan_document_id
    )


def pdf(session: Session, placement: Placement) -> bytes:
    """The agreement as a PDF (404 before it is generated)."""
    from tandem.placement import tripartite_pdf  # here: WeasyPrint loads slowly

    agreement = agreement_of(session, placement)
    if agreement is None:
        raise NotFound(N_("No agreement has been generated for this placement yet."))
    return tripartite_pdf.render(agreement, confirmations(session, agreement))


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def confirmations(session: Session, agreement: TripartiteAgreement) -> list[dict[str, Any]]:
    """Each party's confirmation: its label, when and by whom (None: not yet)."""
    by = {p: getattr(agreement, f"{p}_confirmed_by_user_id") for p in PARTIES}
    names = _names(session, {user_id for user_id in by.values() if user_id is not None})
    return [
        {
            "party": party,
            "label": PARTY_LABELS[party],
            "at": confirmed_at(agreement, party),
            "by": names.get(by[party], "") if by[party] is not None else "",
            "by_user_id": by[party],
        }
        for party in PARTIES
    ]


def section(session: Session, *, actor: Actor, placement: Placement) -> dict[str, Any]:
    """What the placement page shows of the agreement, and what ``actor`` may do with it."""
    agreement = agreement_of(session, placement)
    manage = scope.can_manage_placement(actor, placement) and placement.status not in CLOSED
    party = scope.party_of(actor, placement)
    changed = terms_changed(agreement, placement) if agreement is not None else []
    rows = confirmations(session, agreement) if agreement is not None else []
    scan = (
        session.get(PlacementDocument, agreement.scan_document_id)
        if agreement is not None and agreement.scan_document_id is not None
        else None
    )
    mine = next((row for row in rows if row["party"] == party), None)
    base = f"/placements/{placement.id}/agreement"
    return {
        "placement": placement,
        "agreement": agreement,
        "signed": is_signed(session, placement),
        "changed": [gettext(terms_of.TERM_LABELS[name]) for name in changed],
        "confirmations": rows,
        "scan": scan,
        "party": party,
        "party_label": PARTY_LABELS[party] if party else "",
        "can": {
            "generate": manage,
            "pdf": agreement is not None,
            "confirm": bool(
                agreement is not None and mine is not None and mine["at"] is None and not changed
            ),
            "upload_scan": manage and agreement is not None,
            "download_scan": scan is not None
            and documents.may_read(actor, placement, documents.TRIPARTITE_SCAN),
        },
        "urls": {
            "generate": f"{base}/generate",
            "pdf": f"/api/v1{base}.pdf",
            "confirm": f"{base}/confirm",
            "scan": f"{base}/scan",
            "download_scan": f"/api/v1{base}/scan",
        },
    }
