"""Agreement services: drafting, terms, editing and deleting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import service, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import Agreement, AgreementStatus
from tandem.agreement.schemas import (
    AgreementUpdate,
    TransitionRequest,
)
from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from tests.agreement.actors import coordinator, events, office
from tests.agreement.helpers import (
    END,
    START,
    advance,
    agreement_data,
    make_agreement,
    partnership_for,
)
from tests.factories import ACTOR, make_college, make_department

S = AgreementStatus
TODAY = date(2026, 3, 1)


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
        steps.transition(
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
    steps.transition(
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


def test_only_drafts_are_deleted(session: Session, world: dict) -> None:
    draft = make_agreement(session, world["partnership"])
    active = advance(session, make_agreement(session, world["partnership"]), "active")
    with pytest.raises(Conflict):
        service.delete_agreement(session, actor=ACTOR, agreement=active)
    service.delete_agreement(session, actor=ACTOR, agreement=draft)
    assert session.get(Agreement, draft.id) is None
    assert START < END
