"""Pages for a partnership's needs: the latest profile with its versions and (inside the college)
the advice and suggested teachers; the guided form that records a new version; two versions
compared side by side."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission, Role
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, NotFound, PermissionDenied
from tandem.kit.forms import read_form, validate
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.needs import service
from tandem.needs.models import NeedsProfile
from tandem.needs.pages import (
    ASSET_FIELDS,
    NEED_FIELDS,
    NEED_WHY,
    NOTE_FIELD,
    NeedField,
    advice_rows,
    can_start_agreement,
    change_rows,
    importance_options,
    needs_errors,
    needs_payload,
    needs_values,
    profile_view,
    source_label,
    teacher_rows,
)
from tandem.needs.schemas import NEED_LABELS, NeedsCreate, NeedsData
from tandem.partner import repository
from tandem.partner.models import Partnership
from tandem.partner.pages import see_other

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_READ))]
Editor = Annotated[Actor, Depends(require(Permission.NEEDS_EDIT))]
NOT_YOURS = N_("You may record needs only for your own partnerships (or your own enterprise).")


def _url(partnership: Partnership) -> str:
    return f"/partnerships/{partnership.id}/needs"


def _common(partnership: Partnership) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "enterprise": partnership.enterprise,
        "source_label": source_label,
    }


# --- the profile, its versions and the advice ----------------------------------------------------


@router.get("/partnerships/{partnership_id}/needs", response_class=HTMLResponse)
def needs_page(
    partnership_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    history = service.versions(session, partnership=partnership)
    profile = history[0] if history else None
    advice = teachers = None
    advice_allowed = service.can_read_advice(actor, partnership)
    if advice_allowed and profile is not None:
        result = service.advice_for(session, actor=actor, partnership=partnership)
        advice = advice_rows(result.advice, partnership, can_start=can_start_agreement(actor))
        teachers = teacher_rows(result.teachers)
    return render(
        request,
        "needs/profile.html",
        {
            **_common(partnership),
            "profile": profile,
            "view": profile_view(profile) if profile else None,
            "history": history,
            "advice_allowed": advice_allowed,
            "advice": advice,
            "teachers": teachers,
            "can_edit": service.can_edit_needs(actor, partnership),
            "can_see_offer": actor.can(Permission.ADVICE_READ)
            or actor.can(Permission.OFFER_MANAGE),
        },
    )


# --- the guided form -----------------------------------------------------------------------------


def _editable(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    if not service.can_edit_needs(actor, partnership):
        raise PermissionDenied(NOT_YOURS, code="not_yours")
    return partnership


def _shown_field(field: NeedField) -> dict[str, str]:
    """A field with its label and hint in the reader's language (Jinja's own gettext would
    read a "%" in a message as a placeholder)."""
    return {
        "name": field.name,
        "kind": field.kind,
        "label": gettext(field.label),
        "hint": gettext(field.hint) if field.hint else "",
    }


def _form(
    request: Request,
    actor: Actor,
    partnership: Partnership,
    latest: NeedsProfile | None,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "needs/form.html",
        {
            **_common(partnership),
            "latest": latest,
            "values": values,
            "errors": errors,
            "needs": [
                {
                    "kind": kind.value,
                    "label": gettext(NEED_LABELS[kind]),
                    "why": gettext(NEED_WHY[kind]),
                    "fields": [_shown_field(f) for f in fields],
                }
                for kind, fields in NEED_FIELDS.items()
            ],
            "asset_fields": [_shown_field(f) for f in ASSET_FIELDS],
            "note_field": _shown_field(NOTE_FIELD),
            "importance_options": importance_options(),
            "explain": actor.role == Role.ENTERPRISE_CONTACT,
        },
        status_code=status_code,
    )


@router.get("/partnerships/{partnership_id}/needs/edit", response_class=HTMLResponse)
def needs_edit(
    partnership_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    partnership = _editable(session, actor, partnership_id)
    latest = service.latest(session, partnership=partnership)
    data = NeedsData.model_validate(latest.needs) if latest else NeedsData()
    return _form(request, actor, partnership, latest, needs_values(data), {})


@router.post("/partnerships/{partnership_id}/needs/edit", response_class=HTMLResponse)
async def needs_save(
    partnership_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    partnership = _editable(session, actor, partnership_id)
    values = await read_form(request)
    try:
        data = validate(NeedsCreate, needs_payload(values))
        profile = service.record_needs(session, actor=actor, partnership=partnership, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        latest = service.latest(session, partnership=partnership)
        return _form(
            request,
            actor,
            partnership,
            latest,
            values,
            needs_errors(error),
            error.status_code,
        )
    flash(request, N_("Needs saved as version %(number)s."), number=profile.number)
    return see_other(_url(partnership))


# --- two versions compared -----------------------------------------------------------------------


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def _pick(history: list[NeedsProfile], number: int) -> NeedsProfile:
    for profile in history:
        if profile.number == number:
            return profile
    raise NotFound(N_("No version %(number)s of this needs profile."), number=number)


@router.get("/partnerships/{partnership_id}/needs/compare", response_class=HTMLResponse)
def needs_compare(
    partnership_id: int,
    request: Request,
    session: DbSession,
    actor: Reader,
    older: str = "",
    newer: str = "",
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    history = service.versions(session, partnership=partnership)  # newest first
    context: dict[str, Any] = {**_common(partnership), "history": history, "rows": None}
    if len(history) >= 2:
        newer_number = _number(newer) or history[0].number
        older_number = _number(older) or max(newer_number - 1, 1)
        before, after = _pick(history, older_number), _pick(history, newer_number)
        if before.number > after.number:
            before, after = after, before
        context.update(older=before, newer=after, rows=change_rows(service.compare(before, after)))
    return render(request, "needs/compare.html", context)
