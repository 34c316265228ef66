"""The college's offer: a form for the office (rows of venues, equipment, expertise and capacity,
each with empty rows to add more), read-only for the college's other advice readers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import CurrentActor, require
from tandem.auth.roles import Permission
from tandem.college.models import College
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, PermissionDenied, ValidationFailed
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.needs import derive, service
from tandem.needs.models import CollegeOffer
from tandem.needs.pages import (
    OFFER_GROUP_LABELS,
    OFFER_ROWS,
    offer_errors,
    offer_payload,
    offer_rows,
    padded,
    posted_rows,
    venue_label,
    venue_options,
)
from tandem.needs.schemas import OfferData, OfferUpdate
from tandem.partner.pages import see_other

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def offer_reader(actor: CurrentActor) -> Actor:
    """The office edits the offer; the college's advice readers may look at it."""
    if not (actor.can(Permission.OFFER_MANAGE) or actor.can(Permission.ADVICE_READ)):
        raise PermissionDenied()
    return actor


Reader = Annotated[Actor, Depends(offer_reader)]
Manager = Annotated[Actor, Depends(require(Permission.OFFER_MANAGE))]


def _college(session: Session, actor: Actor, raw: str) -> College | None:
    """The actor's own college; platform admins choose one with ``college_id``."""
    if actor.is_platform_wide:
        return session.get(College, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    return session.get(College, actor.college_id) if actor.college_id else None


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    college: College | None,
    offer: CollegeOffer | None,
    rows: dict[str, list[dict[str, str]]],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    colleges = (
        list(session.scalars(select(College).order_by(College.code)))
        if actor.is_platform_wide
        else []
    )
    can_manage = actor.can(Permission.OFFER_MANAGE) and college is not None
    return render(
        request,
        "needs/offer.html",
        {
            "college": college,
            "colleges": colleges,
            "offer": offer,
            "can_manage": can_manage,
            "groups": [
                {
                    "name": group,
                    "label": gettext(OFFER_GROUP_LABELS[group]),
                    "fields": [(f, gettext(label), kind) for f, label, kind in OFFER_ROWS[group]],
                    "rows": rows[group],
                }
                for group in OFFER_ROWS
            ],
            "values": values,
            "errors": errors,
            "venue_options": venue_options(),
            "venue_label": venue_label,
        },
        status_code=status_code,
    )


@router.get("/college-offer", response_class=HTMLResponse)
def offer_page(
    request: Request, session: DbSession, actor: Reader, college_id: str = ""
) -> Response:
    college = _college(session, actor, college_id)
    offer = service.get_offer(session, college_id=college.id) if college else None
    data = OfferData.model_validate(offer.offer) if offer else OfferData()
    rows = offer_rows(data)
    if actor.can(Permission.OFFER_MANAGE):
        rows = padded(rows)
    values: dict[str, Any] = {
        "takes_production": data.takes_production,
        "note": data.note,
        "version": offer.version if offer else "",
    }
    return _page(request, session, actor, college, offer, rows, values, {})


@router.post("/college-offer", response_class=HTMLResponse)
async def offer_save(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    college = _college(session, actor, values.get("college_id", ""))
    rows = posted_rows(values)
    try:
        if college is None:
            raise ValidationFailed.single(
                "college_id", "missing", N_("Choose the college whose offer this is.")
            )
        data = validate(OfferUpdate, offer_payload(values, rows))
        data.version = form_version(values)
        service.save_offer(session, actor=actor, college_id=college.id, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        offer = service.get_offer(session, college_id=college.id) if college else None
        shown = {
            **values,
            "takes_production": "takes_production" in values,
            "version": values.get("version", ""),
        }
        return _page(
            request,
            session,
            actor,
            college,
            offer,
            padded(rows),
            shown,
            offer_errors(error),
            error.status_code,
        )
    flash(request, N_("The college's offer is saved."))
    suffix = f"?college_id={college.id}" if actor.is_platform_wide else ""
    return see_other(f"/college-offer{suffix}")


@router.post("/college-offer/derive", response_class=HTMLResponse)
async def offer_derive(request: Request, session: DbSession, actor: Manager) -> Response:
    """Replace the offer's venues and equipment with the register's (after a confirmation in the
    page: the two lists are overwritten; expertise, capacity and remarks stay)."""
    values = await read_form(request)
    college = _college(session, actor, values.get("college_id", ""))
    try:
        if college is None:
            raise ValidationFailed.single(
                "college_id", "missing", N_("Choose the college whose offer this is.")
            )
        version = values.get("version", "")
        derive.derive_offer(
            session,
            actor=actor,
            college_id=college.id,
            version=int(version) if version.isdigit() else None,
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        flash(request, error.message, "error", **error.params)
        suffix = f"?college_id={college.id}" if college and actor.is_platform_wide else ""
        return see_other(f"/college-offer{suffix}")
    flash(
        request,
        N_(
            "Venues and equipment derived from the register, with how idle each stood over the "
            "last 180 days. Check them and save any changes."
        ),
    )
    suffix = f"?college_id={college.id}" if actor.is_platform_wide else ""
    return see_other(f"/college-offer{suffix}#venues")
