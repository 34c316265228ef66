"""Life-cycle steps: transitions, signatures, renewal, notice of non-renewal, reviews, dates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tandem.agreement import service, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import AgreementStatus, Party
from tandem.agreement.schemas import (
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.auth.actor import Actor
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tests.agreement.actors import contact, coordinator, events, office
from tests.agreement.helpers import (
    END,
    advance,
    agreement_data,
    make_agreement,
    make_obligation,
)
from tests.factories import ACTOR
from tests.partner.helpers import make_enterprise

S = AgreementStatus
TODAY = date(2026, 3, 1)


def test_the_whole_life_cycle_is_on_the_timeline(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"], number="AG-1")
    advance(session, agreement, "active", today=TODAY)
    assert agreement.status == S.ACTIVE
    assert agreement.signed_on == TODAY
    assert events(session, agreement) == [
        "create",
        "submit",
        "approve",
        "signature",
        "sign",
        "activate",
    ]


def test_submitting_with_missing_terms_lists_them_and_changes_nothing(
    session: Session, world: dict
) -> None:
    data = agreement_data(world["partnership"], modes=(7,), terms={"7": {"simulated_site": "S"}})
    agreement = service.create_agreement(session, actor=ACTOR, data=data)
    with pytest.raises(ValidationFailed) as caught:
        steps.transition(
            session, actor=ACTOR, agreement=agreement, data=TransitionRequest(action=Action.SUBMIT)
        )
    assert {e.field for e in caught.value.errors} == {
        "terms.7.courses_contracted",
        "terms.7.contracted_hours_per_year",
    }
    assert agreement.status == S.DRAFT
    assert events(session, agreement) == ["create"]


def test_only_the_office_approves(session: Session, world: dict) -> None:
    college = world["college"]
    agreement = make_agreement(session, world["partnership"])
    own = coordinator(session, college.id, world["department"].id)
    steps.transition(
        session, actor=own, agreement=agreement, data=TransitionRequest(action=Action.SUBMIT)
    )
    assert Action.APPROVE not in service.actions_for(own, agreement)
    with pytest.raises(PermissionDenied):
        steps.transition(
            session, actor=own, agreement=agreement, data=TransitionRequest(action=Action.APPROVE)
        )
    steps.transition(
        session,
        actor=office(session, college.id),
        agreement=agreement,
        data=TransitionRequest(action=Action.APPROVE),
    )
    assert agreement.status == S.APPROVED


def test_system_steps_cannot_be_requested(session: Session, world: dict) -> None:
    agreement = advance(session, make_agreement(session, world["partnership"]), "active")
    for action in (Action.EXPIRE, Action.AUTO_RENEW, Action.SIGN, Action.RENEW):
        with pytest.raises(ValidationFailed):
            steps.transition(
                session, actor=ACTOR, agreement=agreement, data=TransitionRequest(action=action)
            )


def test_enterprise_contacts_sign_only_for_their_own_enterprise(
    session: Session, world: dict
) -> None:
    partnership = world["partnership"]
    agreement = advance(session, make_agreement(session, partnership, number="AG-3"), "approved")
    with pytest.raises(PermissionDenied):
        steps.sign(
            session,
            actor=contact(session, make_enterprise(session).id),
            agreement=agreement,
            data=SignatureCreate(signatory_name="Li"),
        )
    with pytest.raises(PermissionDenied):  # a contact cannot sign for the college
        steps.sign(
            session,
            actor=contact(session, partnership.enterprise_id),
            agreement=agreement,
            data=SignatureCreate(party=Party.COLLEGE, signatory_name="Li"),
        )
    steps.sign(
        session,
        actor=contact(session, partnership.enterprise_id),
        agreement=agreement,
        data=SignatureCreate(signatory_name="Director Li"),
        today=TODAY,
    )
    assert agreement.status == S.APPROVED
    assert agreement.enterprise_signatory == "Director Li"
    with pytest.raises(Conflict):
        steps.sign(
            session,
            actor=contact(session, partnership.enterprise_id),
            agreement=agreement,
            data=SignatureCreate(signatory_name="Director Li"),
        )
    steps.sign(
        session,
        actor=office(session, world["college"].id),
        agreement=agreement,
        data=SignatureCreate(signatory_name="Principal Wang"),
        today=TODAY,
    )
    assert agreement.status == S.SIGNED


def test_the_office_records_an_enterprises_signature_only_as_made_on_paper(
    session: Session, world: dict
) -> None:
    agreement = advance(
        session, make_agreement(session, world["partnership"], number="AG-4"), "approved"
    )
    desk = office(session, world["college"].id)
    with pytest.raises(ValidationFailed):
        steps.sign(
            session,
            actor=desk,
            agreement=agreement,
            data=SignatureCreate(party=Party.ENTERPRISE, signatory_name="Li"),
        )
    steps.sign(
        session,
        actor=desk,
        agreement=agreement,
        data=SignatureCreate(party=Party.ENTERPRISE, signatory_name="Li", on_paper=True),
    )
    assert agreement.signatures[0].on_paper


def test_signing_before_approval_is_refused(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"])
    with pytest.raises(Conflict) as caught:
        steps.sign(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=SignatureCreate(party=Party.COLLEGE, signatory_name="Wang"),
        )
    assert caught.value.code == "invalid_transition"
    assert agreement.signatures == []


def test_terminating_needs_a_reason_and_closes_the_agreement(session: Session, world: dict) -> None:
    agreement = advance(session, make_agreement(session, world["partnership"]), "active")
    with pytest.raises(ValidationFailed):
        steps.transition(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=TransitionRequest(action=Action.TERMINATE),
        )
    steps.transition(
        session,
        actor=ACTOR,
        agreement=agreement,
        today=TODAY,
        data=TransitionRequest(action=Action.TERMINATE, reason="Plant closed"),
    )
    assert (agreement.status, agreement.closed_on, agreement.close_reason) == (
        S.TERMINATED,
        TODAY,
        "Plant closed",
    )


def test_renewal_starts_a_draft_successor_with_the_same_terms_and_obligations(
    session: Session, world: dict
) -> None:
    agreement = make_agreement(session, world["partnership"], modes=(1, 3))
    make_obligation(session, agreement)
    advance(session, agreement, "active")
    successor = steps.renew(
        session, actor=ACTOR, agreement=agreement, data=RenewalRequest(), today=TODAY
    )
    assert agreement.status == S.RENEWED
    assert successor.status == S.DRAFT
    assert successor.renews_id == agreement.id
    assert successor.start_date == date(2029, 1, 1)
    assert successor.mode_numbers == [1, 3]
    assert successor.modes[0].terms == agreement.modes[0].terms
    assert [o.description for o in successor.obligations] == ["Training positions"]
    assert successor.obligations[0].starts_on == date(2029, 1, 1)


def test_notice_of_non_renewal_must_come_within_the_notice_period(
    session: Session, world: dict
) -> None:
    agreement = make_agreement(session, world["partnership"], auto_renew=True, notice_days=60)
    advance(session, agreement, "active")
    with pytest.raises(Conflict) as caught:
        steps.give_notice_of_non_renewal(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=NonRenewalNotice(),
            today=date(2028, 12, 1),
        )
    assert caught.value.code == "notice_too_late"
    steps.give_notice_of_non_renewal(
        session,
        actor=ACTOR,
        agreement=agreement,
        data=NonRenewalNotice(reason="Moving"),
        today=TODAY,
    )
    assert not agreement.auto_renew
    assert events(session, agreement)[-1] == "non_renewal"


def test_a_review_moves_the_next_review_on(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"], review_every_months=6)
    steps.record_review(
        session, actor=ACTOR, agreement=agreement, data=ReviewCreate(held_on=date(2026, 5, 31))
    )
    assert agreement.next_review_on == date(2026, 11, 30)
    with pytest.raises(ValidationFailed):
        steps.record_review(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=ReviewCreate(held_on=TODAY, next_review_on=TODAY),
        )


def test_dates_move_agreements_along(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"], start_date=date(2026, 4, 1))
    advance(session, agreement, "signed")
    system = Actor.system("reminders")
    assert steps.advance_by_date(session, actor=system, agreement=agreement, today=TODAY) == []
    assert steps.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2026, 4, 1)
    ) == [Action.ACTIVATE]
    assert steps.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2028, 10, 10)
    ) == [Action.EXPIRE]
    assert steps.advance_by_date(
        session, actor=system, agreement=agreement, today=END.replace(year=2029, month=1, day=1)
    ) == [Action.END]
    assert agreement.status == S.ENDED


def test_an_auto_renewing_agreement_runs_on_and_never_expires(
    session: Session, world: dict
) -> None:
    agreement = make_agreement(session, world["partnership"], auto_renew=True, renewal_months=12)
    advance(session, agreement, "active")
    system = Actor.system("reminders")
    assert (
        steps.advance_by_date(session, actor=system, agreement=agreement, today=date(2028, 12, 1))
        == []
    )
    taken = steps.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2029, 1, 5)
    )
    assert taken == [Action.AUTO_RENEW]
    assert (agreement.status, agreement.end_date) == (S.ACTIVE, date(2029, 12, 31))
