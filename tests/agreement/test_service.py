"""Agreement services: drafting, terms, the life cycle, signatures, renewals and reviews."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import service
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import Agreement, AgreementEvent, AgreementStatus, Party
from tandem.agreement.schemas import (
    AgreementUpdate,
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.auth.service import actor_for
from tandem.college.models import College, Department
from tandem.kit.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from tests.agreement.helpers import (
    END,
    START,
    advance,
    agreement_data,
    make_agreement,
    make_obligation,
    partnership_for,
)
from tests.factories import ACTOR, make_college, make_department, make_user
from tests.partner.helpers import make_enterprise

S = AgreementStatus
TODAY = date(2026, 3, 1)


def _actor(session: Session, role: str, college_id: int | None = None, **bind: int) -> Actor:
    college = session.get(College, college_id) if college_id else None
    department = (
        session.get(Department, bind.pop("department_id")) if "department_id" in bind else None
    )
    user = make_user(session, role, college, department)
    for name, value in bind.items():
        setattr(user, name, value)
    return actor_for(user)


def office(session: Session, college_id: int) -> Actor:
    return _actor(session, Role.COLLEGE_ADMIN, college_id)


def coordinator(session: Session, college_id: int, department_id: int) -> Actor:
    return _actor(session, Role.DEPARTMENT_COORDINATOR, college_id, department_id=department_id)


def contact(session: Session, enterprise_id: int) -> Actor:
    return _actor(session, Role.ENTERPRISE_CONTACT, enterprise_id=enterprise_id)


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    return {"college": college, "department": department, "partnership": partnership}


def events(session: Session, agreement: Agreement) -> list[str]:
    rows = session.scalars(
        select(AgreementEvent.action)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.id)
    )
    return list(rows)


def test_a_new_agreement_is_a_draft_with_its_modes_terms_and_an_audit_entry(
    session: Session, world: dict
) -> None:
    agreement = make_agreement(session, world["partnership"], modes=(5, 1))
    assert agreement.status == S.DRAFT
    assert agreement.mode_numbers == [1, 5]
    assert agreement.department_id == world["department"].id
    assert events(session, agreement) == ["create"]
    audited = session.scalar(
        select(func.count()).where(
            AuditEntry.entity_type == "agreement", AuditEntry.entity_id == str(agreement.id)
        )
    )
    assert audited == 1


def test_drafts_may_have_partial_terms_but_not_terms_for_other_modes(
    session: Session, world: dict
) -> None:
    data = agreement_data(world["partnership"], modes=(1,), terms={"1": {"venue": "Hall A"}})
    agreement = service.create_agreement(session, actor=ACTOR, data=data)
    assert service.missing_by_mode(agreement) == {
        1: ["area_m2", "fee_kind", "training_positions_per_term"]
    }
    bad = agreement_data(world["partnership"], modes=(1,), terms={"1": {}, "4": {"pricing": "x"}})
    with pytest.raises(ValidationFailed) as caught:
        service.create_agreement(session, actor=ACTOR, data=bad)
    assert [(e.field, e.code) for e in caught.value.errors] == [("terms.4", "mode_not_chosen")]


def test_a_coordinator_drafts_only_for_their_own_department(session: Session, world: dict) -> None:
    college = world["college"]
    other = make_department(session, college)
    own = coordinator(session, college.id, world["department"].id)
    agreement = make_agreement(session, world["partnership"], actor=own)
    assert agreement.department_id == world["department"].id
    with pytest.raises(PermissionDenied):
        make_agreement(session, world["partnership"], actor=own, department_id=other.id)
    with pytest.raises(PermissionDenied):
        service.transition(
            session,
            actor=coordinator(session, college.id, other.id),
            agreement=agreement,
            data=TransitionRequest(action=Action.SUBMIT),
        )


def test_another_colleges_partnership_is_refused(session: Session, world: dict) -> None:
    stranger = office(session, make_college(session).id)
    with pytest.raises(ValidationFailed) as caught:
        make_agreement(session, world["partnership"], actor=stranger)
    assert caught.value.errors[0].field == "partnership_id"


def test_numbers_are_unique_within_the_college(session: Session, world: dict) -> None:
    make_agreement(session, world["partnership"], number="AG-7")
    with pytest.raises(Conflict) as caught:
        make_agreement(session, world["partnership"], number="AG-7")
    assert caught.value.errors[0].field == "number"


def test_framework_agreements_hold_mode_agreements_of_the_same_partnership(
    session: Session, world: dict
) -> None:
    framework = make_agreement(session, world["partnership"], modes=(), kind="framework")
    child = make_agreement(session, world["partnership"], framework_id=framework.id)
    assert child.framework_id == framework.id
    with pytest.raises(ValidationFailed):
        make_agreement(session, world["partnership"], modes=(1,), kind="framework")
    elsewhere = partnership_for(session, world["college"], world["department"])
    with pytest.raises(ValidationFailed):
        make_agreement(session, elsewhere, framework_id=framework.id)
    with pytest.raises(Conflict):
        service.delete_agreement(session, actor=ACTOR, agreement=framework)


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
        service.transition(
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
    service.transition(
        session, actor=own, agreement=agreement, data=TransitionRequest(action=Action.SUBMIT)
    )
    assert Action.APPROVE not in service.actions_for(own, agreement)
    with pytest.raises(PermissionDenied):
        service.transition(
            session, actor=own, agreement=agreement, data=TransitionRequest(action=Action.APPROVE)
        )
    service.transition(
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
            service.transition(
                session, actor=ACTOR, agreement=agreement, data=TransitionRequest(action=action)
            )


def test_terms_are_locked_once_approved_and_state_rules_hold_in_review(
    session: Session, world: dict
) -> None:
    agreement = make_agreement(session, world["partnership"], number="AG-2")
    advance(session, agreement, "in_review")
    with pytest.raises(ValidationFailed):  # in review the terms must stay complete
        service.update_agreement(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=AgreementUpdate(terms={"1": {"venue": "Hall"}}),
        )
    service.update_agreement(
        session, actor=ACTOR, agreement=agreement, data=AgreementUpdate(title="Renamed")
    )
    assert agreement.title == "Renamed"
    service.transition(
        session, actor=ACTOR, agreement=agreement, data=TransitionRequest(action=Action.APPROVE)
    )
    with pytest.raises(Conflict):
        service.update_agreement(
            session, actor=ACTOR, agreement=agreement, data=AgreementUpdate(title="Again")
        )
    service.update_agreement(
        session, actor=ACTOR, agreement=agreement, data=AgreementUpdate(summary="Notes may change")
    )


def test_a_stale_edit_is_refused(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"])
    with pytest.raises(StaleVersion):
        service.update_agreement(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=AgreementUpdate(title="x", version=agreement.version + 1),
        )


def test_enterprise_contacts_sign_only_for_their_own_enterprise(
    session: Session, world: dict
) -> None:
    partnership = world["partnership"]
    agreement = advance(session, make_agreement(session, partnership, number="AG-3"), "approved")
    with pytest.raises(PermissionDenied):
        service.sign(
            session,
            actor=contact(session, make_enterprise(session).id),
            agreement=agreement,
            data=SignatureCreate(signatory_name="Li"),
        )
    with pytest.raises(PermissionDenied):  # a contact cannot sign for the college
        service.sign(
            session,
            actor=contact(session, partnership.enterprise_id),
            agreement=agreement,
            data=SignatureCreate(party=Party.COLLEGE, signatory_name="Li"),
        )
    service.sign(
        session,
        actor=contact(session, partnership.enterprise_id),
        agreement=agreement,
        data=SignatureCreate(signatory_name="Director Li"),
        today=TODAY,
    )
    assert agreement.status == S.APPROVED
    assert agreement.enterprise_signatory == "Director Li"
    with pytest.raises(Conflict):
        service.sign(
            session,
            actor=contact(session, partnership.enterprise_id),
            agreement=agreement,
            data=SignatureCreate(signatory_name="Director Li"),
        )
    service.sign(
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
        service.sign(
            session,
            actor=desk,
            agreement=agreement,
            data=SignatureCreate(party=Party.ENTERPRISE, signatory_name="Li"),
        )
    service.sign(
        session,
        actor=desk,
        agreement=agreement,
        data=SignatureCreate(party=Party.ENTERPRISE, signatory_name="Li", on_paper=True),
    )
    assert agreement.signatures[0].on_paper


def test_signing_before_approval_is_refused(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"])
    with pytest.raises(Conflict) as caught:
        service.sign(
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
        service.transition(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=TransitionRequest(action=Action.TERMINATE),
        )
    service.transition(
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
    successor = service.renew(
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
        service.give_notice_of_non_renewal(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=NonRenewalNotice(),
            today=date(2028, 12, 1),
        )
    assert caught.value.code == "notice_too_late"
    service.give_notice_of_non_renewal(
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
    service.record_review(
        session, actor=ACTOR, agreement=agreement, data=ReviewCreate(held_on=date(2026, 5, 31))
    )
    assert agreement.next_review_on == date(2026, 11, 30)
    with pytest.raises(ValidationFailed):
        service.record_review(
            session,
            actor=ACTOR,
            agreement=agreement,
            data=ReviewCreate(held_on=TODAY, next_review_on=TODAY),
        )


def test_dates_move_agreements_along(session: Session, world: dict) -> None:
    agreement = make_agreement(session, world["partnership"], start_date=date(2026, 4, 1))
    advance(session, agreement, "signed")
    system = Actor.system("reminders")
    assert service.advance_by_date(session, actor=system, agreement=agreement, today=TODAY) == []
    assert service.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2026, 4, 1)
    ) == [Action.ACTIVATE]
    assert service.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2028, 10, 10)
    ) == [Action.EXPIRE]
    assert service.advance_by_date(
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
        service.advance_by_date(session, actor=system, agreement=agreement, today=date(2028, 12, 1))
        == []
    )
    taken = service.advance_by_date(
        session, actor=system, agreement=agreement, today=date(2029, 1, 5)
    )
    assert taken == [Action.AUTO_RENEW]
    assert (agreement.status, agreement.end_date) == (S.ACTIVE, date(2029, 12, 31))


def test_only_drafts_are_deleted(session: Session, world: dict) -> None:
    draft = make_agreement(session, world["partnership"])
    active = advance(session, make_agreement(session, world["partnership"]), "active")
    with pytest.raises(Conflict):
        service.delete_agreement(session, actor=ACTOR, agreement=active)
    service.delete_agreement(session, actor=ACTOR, agreement=draft)
    assert session.get(Agreement, draft.id) is None
    assert START < END
