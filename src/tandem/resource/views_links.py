"""Agreement pages: the "Resources" section (each place-naming term's venue or base, the
equipment the agreement brought, suggestions) and its forms to link and unlink.

The section is rendered inside the agreement's detail page (``resources_context`` feeds it); its
forms post here and come back to ``/agreements/{id}#resources``. A failed step shows the detail
page again with the message beside the form that failed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import ColumnElement, Row, case, false, or_, select
from sqlalchemy.orm import Session

from tandem.agreement import repository
from tandem.agreement import views_detail as detail
from tandem.agreement.deps import Manager
from tandem.agreement.models import Agreement
from tandem.agreement.pages import form_errors, number, see_other, url_of
from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, ValidationFailed
from tandem.kit.forms import read_form
from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import like_pattern
from tandem.kit.web import flash, verify_csrf
from tandem.resource import links
from tandem.resource.kinds import (
    ACQUISITION_LABELS,
    EQUIPMENT_STATUS_LABELS,
    OWNERSHIP_LABELS,
    BaseStatus,
    EquipmentStatus,
    Ownership,
    VenueStatus,
)
from tandem.resource.models import Equipment, TrainingBase, Venue
from tandem.resource.scope import visible

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
MAX_EQUIPMENT_OPTIONS = 40  # shown in the list (any other line is linked by its asset tag)
MAX_EQUIPMENT_CANDIDATES = 200  # read from the database and scored
MAX_TERM_PIECES = 60  # pairs of characters of the equipment terms matched in SQL
Place = TypeVar("Place", Venue, TrainingBase)


def _label(labels: dict[Any, str], code: str) -> str:
    for key, text in labels.items():
        if key == code:
            return gettext(text)
    return code


def _records(
    session: Session, actor: Actor, agreement: Agreement, model: type[Place]
) -> list[tuple[int, str]]:
    closed = VenueStatus.CLOSED if model is Venue else BaseStatus.CLOSED
    rows = session.execute(
        select(model.id, model.code, model.name)
        .where(
            model.college_id == agreement.college_id,
            model.status != closed,
            visible(model, actor),
        )
        .order_by(model.name, model.id)
    )
    return [(r.id, f"{r.name} ({r.code})") for r in rows]


def _place_options(
    session: Session, actor: Actor, agreement: Agreement
) -> dict[str, list[tuple[int, str]]]:
    """For each place-naming term of the agreement's modes: the records it may link to."""
    options: dict[str, list[tuple[int, str]]] = {}
    cache: dict[str, list[tuple[int, str]]] = {}
    for key, (mode, _, model) in links.PLACE_TERMS.items():
        if mode not in agreement.mode_numbers:
            continue
        kind = "venue" if model is Venue else "base"
        if kind not in cache:
            cache[kind] = (
                _records(session, actor, agreement, Venue)
                if kind == "venue"
                else _records(session, actor, agreement, TrainingBase)
            )
        options[key] = cache[kind]
    return options


def _matches_terms(texts: list[str]) -> ColumnElement[bool]:
    """Lines whose name or category shares a pair of characters with an equipment term (every
    line :func:`links.similarity` scores above 0, up to case and full-width forms), in SQL."""
    pieces: set[str] = set()
    for text in texts:
        normal = links.norm(text)
        pieces |= {normal[i : i + 2] for i in range(len(normal) - 1)} or {normal}
    patterns = sorted(p for p in pieces if p)[:MAX_TERM_PIECES]
    if not patterns:
        return false()
    return or_(
        *(
            column.ilike(like_pattern(piece), escape="\\")
            for piece in patterns
            for column in (Equipment.name, Equipment.category)
        )
    )


def _equipment_options(
    session: Session, actor: Actor, agreement: Agreement
) -> list[tuple[int, str]]:
    """Lines that could be linked: not linked yet, not retired, the college's own or this
    partner's (alone or jointly); the ones that fit the equipment terms (and the partner's)
    first. The database filters and ranks roughly (the partner's, then those sharing
    characters with the terms) and returns at most MAX_EQUIPMENT_CANDIDATES; only those are
    scored by similarity here."""
    texts = [text for _, text in links.equipment_terms(agreement)]
    own = case((Equipment.partnership_id == agreement.partnership_id, 0), else_=1)
    named = case((_matches_terms(texts), 0), else_=1)
    stmt = (
        select(
            Equipment.id,
            Equipment.asset_tag,
            Equipment.name,
            Equipment.category,
            Equipment.quantity,
            Equipment.partnership_id,
        )
        .where(
            Equipment.college_id == agreement.college_id,
            Equipment.agreement_id.is_(None),
            Equipment.status != EquipmentStatus.RETIRED,
            or_(
                Equipment.ownership == Ownership.COLLEGE,
                Equipment.partnership_id == agreement.partnership_id,
            ),
            visible(Equipment, actor),
        )
        .order_by(own, named, Equipment.name, Equipment.id)
        .limit(MAX_EQUIPMENT_CANDIDATES)
    )
    rows = list(session.execute(stmt))

    def fit(row: Row[int, str, str, str, int, int | None]) -> float:
        mine = 1.0 if row.partnership_id == agreement.partnership_id else 0.0
        score = max(
            (
                max(links.similarity(text, row.name), links.similarity(text, row.category))
                for text in texts
            ),
            default=0.0,
        )
        return mine + score

    best = sorted(rows, key=lambda r: -fit(r))[:MAX_EQUIPMENT_OPTIONS]  # stable: by name
    return [(r.id, f"{r.asset_tag} · {r.name} ×{r.quantity}") for r in best]


def resources_context(session: Session, actor: Actor, agreement: Agreement) -> dict[str, Any]:
    """What the agreement page's "Resources" section shows."""
    found = links.resources_of(session, actor=actor, agreement=agreement)
    return {
        "resources": found,
        "place_term_label": links.place_term_label,
        "place_options": _place_options(session, actor, agreement) if found.can_change else {},
        "equipment_options": _equipment_options(session, actor, agreement)
        if found.can_change
        else [],
        "ownership_label": lambda code: _label(OWNERSHIP_LABELS, code),
        "acquisition_label": lambda code: _label(ACQUISITION_LABELS, code),
        "equipment_status_label": lambda code: _label(EQUIPMENT_STATUS_LABELS, code),
        "money": number,
    }


def _get(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    return repository.get_agreement(session, actor=actor, agreement_id=agreement_id)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def _failed(
    request: Request,
    session: Session,
    actor: Actor,
    agreement: Agreement,
    error: AppError,
    name: str,
    values: dict[str, str],
    shown: tuple[str, ...],
) -> Response:
    session.rollback()
    if error.status_code == 403:
        raise error
    forms = {"name": name, "values": values, "errors": form_errors(error, shown=shown)}
    return detail.render_detail(request, session, actor, agreement, error=error, forms=forms)


def _back(agreement: Agreement) -> Response:
    return see_other(f"{url_of(agreement)}#resources")


@router.post("/agreements/{agreement_id}/resources", response_class=HTMLResponse)
async def link_term(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    """Link a term to a record: ``term_key`` with ``record`` ("venue:12", "base:3") from the
    form's select, or ``venue_id`` / ``base_id`` from a suggestion's button."""
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    term_key = values.get("term_key", "")
    kind, _, raw = values.get("record", "").partition(":")
    venue_id = _int(values.get("venue_id") or (raw if kind == "venue" else None))
    base_id = _int(values.get("base_id") or (raw if kind == "base" else None))
    try:
        if not term_key:
            raise ValidationFailed.single(
                "term_key", "missing", N_("Choose the term whose place you are linking.")
            )
        link = links.link_term(
            session,
            actor=actor,
            agreement=agreement,
            term_key=term_key,
            venue_id=venue_id,
            base_id=base_id,
        )
    except AppError as error:
        return _failed(
            request,
            session,
            actor,
            agreement,
            error,
            f"link_{term_key}",
            values,
            ("record", "venue_id", "base_id"),
        )
    record = link.venue if link.venue is not None else link.base
    flash(
        request,
        N_("“%(term)s” is now linked to %(name)s."),
        term=links.place_term_label(term_key),
        name=record.name if record is not None else "",
    )
    return _back(agreement)


@router.post("/agreements/{agreement_id}/resources/{link_id}/delete", response_class=HTMLResponse)
async def unlink_term(
    agreement_id: int, link_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    try:
        links.unlink_term(session, actor=actor, agreement=agreement, link_id=link_id)
    except AppError as error:
        if error.status_code == 404:
            raise
        return _failed(request, session, actor, agreement, error, "unlink", {}, ())
    flash(request, N_("Link removed; the record stays in the register."))
    return _back(agreement)


@router.post("/agreements/{agreement_id}/equipment", response_class=HTMLResponse)
async def link_equipment(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    """Link a line chosen in the list, or found by its asset tag."""
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    try:
        equipment_id = _int(values.get("equipment_id"))
        tag = values.get("asset_tag", "").strip()
        if equipment_id is None and tag:
            equipment_id = session.scalar(
                select(Equipment.id).where(
                    Equipment.college_id == agreement.college_id,
                    Equipment.asset_tag == tag,
                    visible(Equipment, actor),
                )
            )
            if equipment_id is None:
                raise ValidationFailed.single(
                    "asset_tag",
                    "unknown_record",
                    N_("No equipment of this college has the asset tag %(value)s."),
                    value=tag,
                )
        if equipment_id is None:
            raise ValidationFailed.single(
                "equipment_id",
                "missing",
                N_("Choose an equipment line, or type its asset tag."),
            )
        line = links.link_equipment(
            session, actor=actor, agreement=agreement, equipment_id=equipment_id
        )
    except AppError as error:
        return _failed(
            request,
            session,
            actor,
            agreement,
            error,
            "link_equipment",
            values,
            ("equipment_id", "asset_tag"),
        )
    flash(request, N_("Equipment %(tag)s linked to the agreement."), tag=line.asset_tag)
    return _back(agreement)


@router.post(
    "/agreements/{agreement_id}/equipment/{equipment_id}/delete", response_class=HTMLResponse
)
async def unlink_equipment(
    agreement_id: int, equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    try:
        line = links.unlink_equipment(
            session, actor=actor, agreement=agreement, equipment_id=equipment_id
        )
    except AppError as error:
        if error.status_code == 404:
            raise
        return _failed(request, session, actor, agreement, error, "unlink", {}, ())
    flash(
        request,
        N_("Equipment %(tag)s unlinked; it stays in the register."),
        tag=line.asset_tag,
    )
    return _back(agreement)
