"""JSON API under /api/v1 for a partnership's needs profile (dated versions, compared field by
field), the college's offer, and the mode advisor's advice.

Scope: needs are read by whoever may read the partnership (the college's own people; an
enterprise contact its own enterprise's), anything else is a 404. Recording needs is open at
the door to every role with ``needs.edit``; the service decides which partnership (a
coordinator: their own department's; a contact: their own enterprise's). Advice, suggested
teachers and the offer stay inside the college: enterprise contacts get a 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi import status as http
from pydantic import BaseModel, ConfigDict

from tandem.advisor.core import Advice, Reason
from tandem.advisor.teachers import Suggestion
from tandem.agreement.modes import mode_label
from tandem.auth.actor import Actor
from tandem.auth.deps import CurrentActor, require
from tandem.auth.roles import Permission
from tandem.college import repository as colleges
from tandem.kit.deps import DbSession
from tandem.kit.errors import NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, get_language, gettext
from tandem.needs import derive, service
from tandem.needs.models import CollegeOffer, NeedsProfile
from tandem.needs.schemas import (
    NeedsCreate,
    NeedsData,
    NeedsRead,
    OfferData,
    OfferRead,
    OfferUpdate,
)
from tandem.partner import repository
from tandem.partner.models import Partnership
from tandem.partner.schemas import Version

router = APIRouter(prefix="/api/v1", tags=["needs"])

NEEDS = "/partnerships/{partnership_id}/needs"

PartnershipReader = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_READ))]
NeedsEditor = Annotated[Actor, Depends(require(Permission.NEEDS_EDIT))]
AdviceReader = Annotated[Actor, Depends(require(Permission.ADVICE_READ))]
OfferManager = Annotated[Actor, Depends(require(Permission.OFFER_MANAGE))]

OPTION_LABELS = {
    "order_class": N_("Order class"),
    "apprenticeship": N_("Modern apprenticeship"),
}


def offer_reader(actor: CurrentActor) -> Actor:
    """The offer is read by those who manage it and those who read the advice built on it."""
    if not (actor.can(Permission.OFFER_MANAGE) or actor.can(Permission.ADVICE_READ)):
        raise PermissionDenied()
    return actor


OfferReader = Annotated[Actor, Depends(offer_reader)]
CollegeQuery = Annotated[
    int | None,
    Query(ge=1, description="The college (required for platform administrators)."),
]


# --- response shapes -----------------------------------------------------------------------------


class NeedsList(BaseModel):
    items: list[NeedsRead]  # newest first


class ChangeRead(BaseModel):
    path: str  # e.g. "talent.headcount"
    before: Any
    after: Any


class NeedsComparison(BaseModel):
    older: int
    newer: int
    changes: list[ChangeRead]


class AdviceItem(BaseModel):
    option: str  # mode_1 … mode_7, order_class, apprenticeship
    mode: int | None
    label: str
    score: int  # 0–100
    reasons: list[str]
    missing: list[str]
    prefill: dict[str, Any]  # terms to pre-fill an agreement in this mode


class TeacherSuggestion(BaseModel):
    teacher_id: int
    name: str
    department: str
    score: float  # 0–1
    matched: list[str]
    need: str  # rnd | staff_training


class AdviceRead(BaseModel):
    partnership_id: int
    profile_number: int | None  # the needs version the advice is built on (None: none yet)
    advice: list[AdviceItem]  # best first
    teachers: list[TeacherSuggestion]


# --- building the answers ------------------------------------------------------------------------


def needs_read(profile: NeedsProfile) -> NeedsRead:
    return NeedsRead(
        id=profile.id,
        partnership_id=profile.partnership_id,
        number=profile.number,
        recorded_on=profile.recorded_on,
        recorded_at=profile.recorded_at,
        recorded_by=profile.recorded_by_label,
        source=profile.source,
        needs=NeedsData.model_validate(profile.needs),
    )


def _param(value: object) -> object:
    """Lists read as a list in the sentence, not as Python."""
    if isinstance(value, list | tuple | set | frozenset):
        separator = "、" if get_language().startswith("zh") else ", "
        return separator.join(str(item) for item in value)
    return value


def reason_text(reason: Reason) -> str:
    """A reason as a sentence in the reader's language."""
    return gettext(reason.message, **{k: _param(v) for k, v in reason.params.items()})


def option_label(advice: Advice) -> str:
    if advice.mode is not None:
        return mode_label(advice.mode)
    return gettext(OPTION_LABELS.get(advice.option, advice.option))


def advice_item(advice: Advice) -> AdviceItem:
    return AdviceItem(
        option=advice.option,
        mode=advice.mode,
        label=option_label(advice),
        score=advice.score,
        reasons=[reason_text(r) for r in advice.reasons],
        missing=[reason_text(r) for r in advice.missing],
        prefill=dict(advice.prefill),
    )


def offer_read(college_id: int, offer: CollegeOffer | None) -> OfferRead:
    """The saved offer, or an empty one at version 0 (send no version on the first save)."""
    if offer is None:
        return OfferRead(
            college_id=college_id, offer=OfferData(), version=0, updated_at=None, updated_by=""
        )
    return OfferRead(
        college_id=college_id,
        offer=OfferData.model_validate(offer.offer),
        version=offer.version,
        updated_at=offer.updated_at,
        updated_by=offer.updated_by_label,
    )


def _version(session: DbSession, partnership: Partnership, number: int) -> NeedsProfile:
    found = service.version(session, partnership=partnership, number=number)
    if found is None:
        raise NotFound(N_("There is no version %(number)s of this needs profile."), number=number)
    return found


def _college_id(session: DbSession, actor: Actor, college_id: int | None) -> int:
    """The college asked for, else the actor's own; another college's is a 404."""
    wanted = college_id if college_id is not None else actor.college_id
    if wanted is None:
        raise ValidationFailed.single(
            "college_id", "required", N_("Choose a college: give its college_id.")
        )
    return colleges.get_college(session, actor=actor, college_id=wanted).id


# --- needs ---------------------------------------------------------------------------------------


@router.get(
    NEEDS,
    response_model=NeedsList,
    summary="Every version of a partnership's needs profile, newest first",
)
def list_needs(partnership_id: int, session: DbSession, actor: PartnershipReader) -> NeedsList:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    return NeedsList(
        items=[needs_read(p) for p in service.versions(session, partnership=partnership)]
    )


@router.post(
    NEEDS,
    response_model=NeedsRead,
    status_code=http.HTTP_201_CREATED,
    summary="Record the needs profile as it stands now (a new dated version)",
)
def record_needs(
    partnership_id: int,
    data: NeedsCreate,
    response: Response,
    session: DbSession,
    actor: NeedsEditor,
) -> NeedsRead:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    profile = service.record_needs(session, actor=actor, partnership=partnership, data=data)
    response.headers["Location"] = f"/api/v1/partnerships/{partnership.id}/needs/{profile.number}"
    return needs_read(profile)


@router.get(
    f"{NEEDS}/compare",
    response_model=NeedsComparison,
    summary="What changed between two versions (by default the latest two)",
)
def compare_needs(
    partnership_id: int,
    session: DbSession,
    actor: PartnershipReader,
    older: Annotated[int | None, Query(ge=1, description="Defaults to newer − 1.")] = None,
    newer: Annotated[int | None, Query(ge=1, description="Defaults to the latest.")] = None,
) -> NeedsComparison:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    if newer is None:
        latest = service.latest(session, partnership=partnership)
        if latest is None:
            raise NotFound(N_("No needs have been recorded for this partnership yet."))
        newer = latest.number
    if older is None:
        older = newer - 1
    if older >= newer:
        raise ValidationFailed.single(
            "older", "not_older", N_("Choose an older version than %(newer)s."), newer=newer
        )
    before = _version(session, partnership, older)
    after = _version(session, partnership, newer)
    changes = [
        ChangeRead(path=c.path, before=c.before, after=c.after)
        for c in service.compare(before, after)
    ]
    return NeedsComparison(older=older, newer=newer, changes=changes)


@router.get(
    f"{NEEDS}/{{number}}",
    response_model=NeedsRead,
    summary="One version of a partnership's needs profile",
)
def get_needs(
    partnership_id: int, number: int, session: DbSession, actor: PartnershipReader
) -> NeedsRead:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    return needs_read(_version(session, partnership, number))


# --- advice --------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/advice",
    response_model=AdviceRead,
    summary="The modes that fit the latest needs and the college's offer, and teachers who fit",
)
def get_advice(partnership_id: int, session: DbSession, actor: AdviceReader) -> AdviceRead:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    result = service.advice_for(session, actor=actor, partnership=partnership)
    return AdviceRead(
        partnership_id=partnership.id,
        profile_number=result.profile.number if result.profile else None,
        advice=[advice_item(a) for a in result.advice],
        teachers=_teachers(result.teachers),
    )


def _teachers(suggestions: Sequence[Suggestion]) -> list[TeacherSuggestion]:
    return [
        TeacherSuggestion(
            teacher_id=s.teacher_id,
            name=s.name,
            department=s.department,
            score=s.score,
            matched=list(s.matched),
            need=s.need,
        )
        for s in suggestions
    ]


# --- the college's offer -------------------------------------------------------------------------


@router.get(
    "/college-offer",
    response_model=OfferRead,
    summary="What the college can put into cooperation (its own; platform admins: college_id)",
)
def get_college_offer(
    session: DbSession, actor: OfferReader, college_id: CollegeQuery = None
) -> OfferRead:
    college = _college_id(session, actor, college_id)
    return offer_read(college, service.get_offer(session, college_id=college))


@router.put(
    "/college-offer",
    response_model=OfferRead,
    summary="Replace the college's offer (send the version you read; omit it on the first save)",
)
def put_college_offer(
    data: OfferUpdate, session: DbSession, actor: OfferManager, college_id: CollegeQuery = None
) -> OfferRead:
    college = _college_id(session, actor, college_id)
    saved = service.save_offer(session, actor=actor, college_id=college, data=data)
    return offer_read(college, saved)


class OfferDerive(BaseModel):
    """Optionally the offer's version you read (a stale one is a 409)."""

    model_config = ConfigDict(extra="forbid")

    version: Version = None


@router.post(
    "/college-offer/derive",
    response_model=OfferRead,
    summary="Derive the offer's venues and equipment from the register and their idle hours "
    "over the last 180 days (replaces those two lists; keeps the rest)",
)
def derive_college_offer(
    session: DbSession,
    actor: OfferManager,
    data: OfferDerive | None = None,
    college_id: CollegeQuery = None,
) -> OfferRead:
    college = _college_id(session, actor, college_id)
    saved = derive.derive_offer(
        session, actor=actor, college_id=college, version=data.version if data else None
    )
    return offer_read(college, saved)
