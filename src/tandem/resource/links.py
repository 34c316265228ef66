"""Agreements wired to the register: terms that name a place linked to its venue or training
base, equipment lines linked to the agreement, and the register counted for obligations.

Terms that name places: mode 1 ``venue`` and mode 7 ``simulated_site`` (a venue), mode 2
``base_name`` (a training base); each such term has at most one link. Equipment named in terms
(mode 2 college / enterprise equipment, mode 3 equipment placed) links the other way, with
``Equipment.agreement_id``.

Rights: whoever may read the agreement reads its links (the records they may see); linking and
unlinking take the right to manage the agreement (the office; a coordinator, their department's)
and sight of the record; linking or unlinking an equipment line also takes the right to change
that line (as editing it would). A line lent under an agreement keeps one. Flushes and audits,
never commits.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tandem.agreement import service as agreement_service
from tandem.agreement.lifecycle import Right
from tandem.agreement.models import Agreement
from tandem.agreement.modes import Mode, term_label
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource.kinds import Acquisition, BaseStatus, Ownership, VenueStatus
from tandem.resource.models import AgreementResource, Equipment, TrainingBase, Venue
from tandem.resource.scope import can_manage, can_see, get_visible, visible

# term key -> (mode, term name, the record it names)
PLACE_TERMS: dict[str, tuple[int, str, type[Venue] | type[TrainingBase]]] = {
    "1.venue": (1, "venue", Venue),
    "2.base_name": (2, "base_name", TrainingBase),
    "7.simulated_site": (7, "simulated_site", Venue),
}
EQUIPMENT_TERMS: tuple[tuple[int, str], ...] = (
    (2, "college_equipment"),
    (2, "enterprise_equipment"),
    (3, "equipment_placed"),
)
OWNER_ORDER = (Ownership.COLLEGE, Ownership.ENTERPRISE, Ownership.JOINT)
MIN_SCORE = 0.5  # suggestions below this similarity are left out
MAX_SUGGESTIONS = 5  # per term
LINK_FIELDS = ("agreement_id", "term_key", "venue_id", "base_id")
Place = TypeVar("Place", Venue, TrainingBase)


def norm(text: str) -> str:
    """Compared as people mean it: full-width as half-width, any case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def similarity(term: str, name: str) -> float:
    """1 for the same name; the share of the longer one covered when one contains the other;
    else the overlap of their character pairs (Dice), which works for Chinese names too."""
    a, b = norm(term), norm(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.5 + 0.5 * min(len(a), len(b)) / max(len(a), len(b))
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return 0.0
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def term_text(agreement: Agreement, term_key: str) -> str:
    """The agreement's text for a place-naming term ("" when the mode or the term is absent)."""
    mode, name, _ = PLACE_TERMS[term_key]
    for m in agreement.modes:
        if m.mode == mode:
            value = m.terms.get(name)
            return value.strip() if isinstance(value, str) else ""
    return ""


def equipment_terms(agreement: Agreement) -> list[tuple[str, str]]:
    """(label, text) of the terms that name equipment."""
    found = []
    for m in agreement.modes:
        for mode, name in EQUIPMENT_TERMS:
            value = m.terms.get(name) if m.mode == mode else None
            if isinstance(value, str) and value.strip():
                found.append((term_label(Mode(mode), name), value.strip()))
    return found


def place_term_label(term_key: str) -> str:
    mode, name, _ = PLACE_TERMS[term_key]
    return term_label(Mode(mode), name)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    id: int
    term_key: str
    term_text: str
    record: Venue | TrainingBase

    @property
    def kind(self) -> str:
        return "venue" if isinstance(self.record, Venue) else "base"


@dataclass(frozen=True)
class OwnerGroup:
    ownership: str
    lines: list[Equipment]

    @property
    def quantity(self) -> int:
        return sum(e.quantity for e in self.lines)

    @property
    def value_cny(self) -> Decimal:
        return sum((e.value_cny or Decimal(0) for e in self.lines), Decimal(0))


@dataclass(frozen=True)
class Suggestion:
    term_key: str
    term_text: str
    kind: str  # venue | base
    record_id: int
    name: str
    score: float


@dataclass
class AgreementResources:
    links: list[Link] = field(default_factory=list)
    equipment: list[OwnerGroup] = field(default_factory=list)
    unlinked: list[tuple[str, str]] = field(default_factory=list)  # (term key, text)
    suggestions: list[Suggestion] = field(default_factory=list)
    equipment_terms: list[tuple[str, str]] = field(default_factory=list)
    can_change: bool = False


def can_change(actor: Actor, agreement: Agreement) -> bool:
    return agreement_service.has_right(actor, agreement, Right.EDIT)


def _links(session: Session, agreement: Agreement) -> list[AgreementResource]:
    stmt = (
        select(AgreementResource)
        .where(AgreementResource.agreement_id == agreement.id)
        .order_by(AgreementResource.term_key, AgreementResource.id)
        .options(
            selectinload(AgreementResource.venue).selectinload(Venue.partnership),
            selectinload(AgreementResource.base).selectinload(TrainingBase.partnership),
        )
    )
    return list(session.scalars(stmt))


def linked_equipment(session: Session, *, actor: Actor, agreement: Agreement) -> list[Equipment]:
    stmt = (
        select(Equipment)
        .where(Equipment.agreement_id == agreement.id, visible(Equipment, actor))
        .order_by(Equipment.name, Equipment.asset_tag)
    )
    return list(session.scalars(stmt))


def resources_of(session: Session, *, actor: Actor, agreement: Agreement) -> AgreementResources:
    """The agreement's links to records the actor may see, its equipment grouped by owner, and
    (for who may change them) suggestions for the place-naming terms not linked yet."""
    found = AgreementResources(can_change=can_change(actor, agreement))
    linked_keys = set()
    for row in _links(session, agreement):
        record = row.venue if row.venue is not None else row.base
        linked_keys.add(row.term_key)
        if record is None or not can_see(actor, record) or row.term_key not in PLACE_TERMS:
            continue
        found.links.append(Link(row.id, row.term_key, term_text(agreement, row.term_key), record))
    groups: dict[str, list[Equipment]] = defaultdict(list)
    for line in linked_equipment(session, actor=actor, agreement=agreement):
        groups[line.ownership].append(line)
    found.equipment = [OwnerGroup(o, groups[o]) for o in OWNER_ORDER if groups.get(o)]
    found.equipment_terms = equipment_terms(agreement)
    if actor.role != Role.ENTERPRISE_CONTACT:  # the college's own bookkeeping
        found.unlinked = [
            (key, text)
            for key in PLACE_TERMS
            if key not in linked_keys and (text := term_text(agreement, key))
        ]
    if found.can_change:
        found.suggestions = suggest(session, actor=actor, agreement=agreement)
    return found


def _candidates(
    session: Session, actor: Actor, agreement: Agreement, model: type[Place]
) -> list[tuple[int, str]]:
    closed = VenueStatus.CLOSED if model is Venue else BaseStatus.CLOSED
    stmt = (
        select(model.id, model.name)
        .where(
            model.college_id == agreement.college_id,
            model.status != closed,
            visible(model, actor),
        )
        .order_by(model.id)
    )
    return [(row.id, row.name) for row in session.execute(stmt)]


def suggest(session: Session, *, actor: Actor, agreement: Agreement) -> list[Suggestion]:
    """For each place-naming term not linked yet, the register records whose name matches the
    term's text (case, spaces and full-width ignored), best first."""
    linked = {row.term_key for row in _links(session, agreement)}
    suggestions: list[Suggestion] = []
    cache: dict[type[Any], list[tuple[int, str]]] = {}
    for key, (_, _, model) in PLACE_TERMS.items():
        text = term_text(agreement, key)
        if key in linked or not text:
            continue
        if model not in cache:
            cache[model] = (
                _candidates(session, actor, agreement, Venue)
                if model is Venue
                else _candidates(session, actor, agreement, TrainingBase)
            )
        scored = [
            Suggestion(key, text, "venue" if model is Venue else "base", rid, name, score)
            for rid, name in cache[model]
            if (score := similarity(text, name)) >= MIN_SCORE
        ]
        scored.sort(key=lambda s: (-s.score, s.name, s.record_id))
        suggestions.extend(scored[:MAX_SUGGESTIONS])
    return suggestions


# --- changing ------------------------------------------------------------------------------------


def _require_change(actor: Actor, agreement: Agreement) -> None:
    if not can_change(actor, agreement):
        raise PermissionDenied(
            N_("Only those who manage this agreement may link it to the register."),
            code="not_manager",
        )


def _audit_link(
    session: Session, actor: Actor, action: str, link: AgreementResource, agreement: Agreement
) -> None:
    values = audit.snapshot(link, LINK_FIELDS)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=link,
        college_id=link.college_id,
        before=values if action == "delete" else None,
        after=values if action != "delete" else None,
        summary=agreement.title,
    )


def link_term(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    term_key: str,
    venue_id: int | None = None,
    base_id: int | None = None,
) -> AgreementResource:
    """Link a place-naming term to a venue or base of the agreement's college (replacing the
    term's previous link)."""
    _require_change(actor, agreement)
    if term_key not in PLACE_TERMS:
        raise ValidationFailed.single(
            "term_key",
            "unknown_term",
            N_(
                "%(value)s is not a term that names a place: use 1.venue, 2.base_name or "
                "7.simulated_site."
            ),
            value=term_key,
        )
    mode, _, model = PLACE_TERMS[term_key]
    if mode not in agreement.mode_numbers:
        raise ValidationFailed.single(
            "term_key",
            "mode_not_chosen",
            N_("The agreement does not have mode %(value)s."),
            value=mode,
        )
    record: Venue | TrainingBase
    if model is Venue:
        if venue_id is None or base_id is not None:
            raise ValidationFailed.single(
                "venue_id", "missing", N_("This term names a venue: choose a venue to link.")
            )
        record = get_visible(session, Venue, actor=actor, record_id=venue_id)
        where = "venue_id"
    else:
        if base_id is None or venue_id is not None:
            raise ValidationFailed.single(
                "base_id",
                "missing",
                N_("This term names a training base: choose a training base to link."),
            )
        record = get_visible(session, TrainingBase, actor=actor, record_id=base_id)
        where = "base_id"
    if record.college_id != agreement.college_id:
        raise ValidationFailed.single(
            where,
            "other_college",
            N_("Choose a record of the agreement's own college."),
        )
    for old in _links(session, agreement):
        if old.term_key == term_key and (old.venue_id, old.base_id) == (venue_id, base_id):
            return old  # already linked so
    return _replace_link(session, actor, agreement, term_key, venue_id, base_id)


def _replace_link(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    term_key: str,
    venue_id: int | None,
    base_id: int | None,
) -> AgreementResource:
    for old in _links(session, agreement):
        if old.term_key == term_key:
            _audit_link(session, actor, "delete", old, agreement)
            session.delete(old)
    session.flush()
    link = AgreementResource(
        college_id=agreement.college_id,
        agreement_id=agreement.id,
        term_key=term_key,
        venue_id=venue_id,
        base_id=base_id,
    )
    session.add(link)
    session.flush()
    _audit_link(session, actor, "create", link, agreement)
    return link


def get_link(session: Session, *, agreement: Agreement, link_id: int) -> AgreementResource:
    link = session.get(AgreementResource, link_id)
    if link is None or link.agreement_id != agreement.id:
        raise NotFound(N_("No link with id %(id)s on this agreement."), id=link_id)
    return link


def unlink_term(session: Session, *, actor: Actor, agreement: Agreement, link_id: int) -> None:
    link = get_link(session, agreement=agreement, link_id=link_id)
    _require_change(actor, agreement)
    record = link.venue if link.venue is not None else link.base
    if record is not None and not can_see(actor, record):
        raise NotFound(N_("No link with id %(id)s on this agreement."), id=link_id)
    _audit_link(session, actor, "delete", link, agreement)
    session.delete(link)
    session.flush()


def _audit_equipment(
    session: Session, actor: Actor, line: Equipment, before: int | None, agreement: Agreement
) -> None:
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=line,
        college_id=line.college_id,
        before={"agreement_id": before},
        after={"agreement_id": line.agreement_id},
        summary=f"{line.asset_tag} {line.name} · {agreement.title}",
    )


def _require_line(actor: Actor, line: Equipment) -> None:
    """Changing the line's agreement is an edit of the line: the same right as editing it."""
    if not can_manage(actor, line):
        raise PermissionDenied(
            N_(
                "Only those who manage equipment %(tag)s (the cooperation office, or its "
                "department's coordinator) may link it to an agreement or unlink it."
            ),
            code="not_line_manager",
            tag=line.asset_tag,
        )


def link_equipment(
    session: Session, *, actor: Actor, agreement: Agreement, equipment_id: int
) -> Equipment:
    """Record that the agreement brought (or covers) this equipment line."""
    _require_change(actor, agreement)
    line = get_visible(session, Equipment, actor=actor, record_id=equipment_id)
    _require_line(actor, line)
    if line.college_id != agreement.college_id:
        raise ValidationFailed.single(
            "equipment_id",
            "other_college",
            N_("Choose equipment of the agreement's own college."),
        )
    if line.ownership != Ownership.COLLEGE and line.partnership_id != agreement.partnership_id:
        raise ValidationFailed.single(
            "equipment_id",
            "other_partner",
            N_(
                "This equipment belongs (in part) to another enterprise: only the college's own "
                "equipment or this partner's can be linked to this agreement."
            ),
        )
    if line.agreement_id == agreement.id:
        return line
    if line.agreement_id is not None:
        raise Conflict(
            N_("Equipment %(tag)s is already linked to agreement %(id)s: unlink it there first."),
            code="linked_elsewhere",
            tag=line.asset_tag,
            id=line.agreement_id,
        )
    line.agreement_id = agreement.id
    session.flush()
    _audit_equipment(session, actor, line, None, agreement)
    return line


def unlink_equipment(
    session: Session, *, actor: Actor, agreement: Agreement, equipment_id: int
) -> Equipment:
    _require_change(actor, agreement)
    line = get_visible(session, Equipment, actor=actor, record_id=equipment_id)
    if line.agreement_id != agreement.id:
        raise Conflict(
            N_("Equipment %(tag)s is not linked to this agreement."),
            code="not_linked",
            tag=line.asset_tag,
        )
    _require_line(actor, line)
    if line.acquisition == Acquisition.LENT:
        raise Conflict(
            N_(
                "Equipment %(tag)s was lent by the enterprise, so it cannot be left without an "
                "agreement. Edit the line in the register first: change how it came (e.g. "
                "donated or purchased), or choose the other agreement it is lent under."
            ),
            code="lent_needs_agreement",
            tag=line.asset_tag,
        )
    line.agreement_id = None
    session.flush()
    _audit_equipment(session, actor, line, agreement.id, agreement)
    return line


def autolink_terms(session: Session, *, actor: Actor, agreement: Agreement) -> int:
    """After the agreement service saved terms: link each place-naming term to the record of
    its college with exactly that name (nothing is created); drop links of modes no longer
    chosen. Returns how many links were made."""
    session.flush()
    existing = _links(session, agreement)
    modes = set(agreement.mode_numbers)
    for old in existing:
        if old.term_key in PLACE_TERMS and PLACE_TERMS[old.term_key][0] not in modes:
            _audit_link(session, actor, "delete", old, agreement)
            session.delete(old)
    current = {
        row.term_key: row.venue or row.base
        for row in existing
        if row.term_key in PLACE_TERMS and PLACE_TERMS[row.term_key][0] in modes
    }
    made = 0
    for key, (_, _, model) in PLACE_TERMS.items():
        text = term_text(agreement, key)
        linked = current.get(key)
        if not text or (linked is not None and linked.name.strip() == text):
            continue
        record_id = session.scalar(
            select(model.id)
            .where(model.college_id == agreement.college_id, model.name == text)
            .order_by(model.id)
            .limit(1)
        )
        if record_id is None:
            continue
        _replace_link(
            session,
            actor,
            agreement,
            key,
            record_id if model is Venue else None,
            record_id if model is TrainingBase else None,
        )
        made += 1
    return made


def carry_over(session: Session, *, actor: Actor, source: Agreement, target: Agreement) -> int:
    """A renewal's successor keeps its predecessor's links from terms to venues and bases
    (equipment lines stay with the agreement they were lent or donated under)."""
    made = 0
    for link in _links(session, source):
        _replace_link(session, actor, target, link.term_key, link.venue_id, link.base_id)
        made += 1
    return made
