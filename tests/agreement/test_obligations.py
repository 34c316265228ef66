"""Obligations and deliveries: committed versus delivered, and when they may change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from tandem.agreement import obligations, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.progress import Progress
from tandem.agreement.schemas import (
    DeliveryCreate,
    ObligationCreate,
    ObligationUpdate,
    TransitionRequest,
)
from tandem.kit.errors import Conflict, ValidationFailed
from tests.agreement.helpers import advance, make_agreement, make_obligation, partnership_for
from tests.factories import ACTOR, make_college


@pytest.fixture
def draft(session: Session):
    return make_agreement(session, partnership_for(session, make_college(session)), modes=(1, 5))


def deliver(session: Session, agreement, obligation, amount: int, on: date):
    return obligations.record_delivery(
        session,
        actor=ACTOR,
        agreement=agreement,
        obligation=obligation,
        data=DeliveryCreate(amount=Decimal(amount), delivered_on=on),
    )


def test_deliveries_count_against_what_has_fallen_due(session: Session, draft) -> None:
    obligation = make_obligation(session, draft, mode=1)  # 20 per term, 2026–2028
    advance(session, draft, "active")
    deliver(session, draft, obligation, 20, date(2026, 6, 30))
    assert obligations.standing_of(obligation, date(2026, 7, 2)).progress == Progress.ON_TRACK
    assert obligations.standing_of(obligation, date(2027, 1, 2)).progress == Progress.BEHIND
    deliver(session, draft, obligation, 100, date(2027, 1, 5))
    assert obligations.standing_of(obligation, date(2027, 1, 6)).progress == Progress.MET


def test_deliveries_wait_for_the_signature(session: Session, draft) -> None:
    obligation = make_obligation(session, draft)
    with pytest.raises(Conflict):
        deliver(session, draft, obligation, 1, date(2026, 2, 1))
    assert obligation.deliveries == []


def test_a_delivery_before_the_obligation_starts_is_refused(session: Session, draft) -> None:
    obligation = make_obligation(session, draft)
    advance(session, draft, "active")
    with pytest.raises(ValidationFailed) as caught:
        deliver(session, draft, obligation, 1, date(2025, 12, 31))
    assert caught.value.errors[0].field == "delivered_on"


def test_an_obligation_names_one_of_the_agreements_modes(session: Session, draft) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_obligation(session, draft, mode=4)
    assert caught.value.errors[0].code == "mode_not_chosen"


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", Decimal(-1)), ("quantity", Decimal(0)), ("unit", " "), ("party", "both")],
)
def test_bad_obligations_are_refused_by_the_schema(field: str, value: object) -> None:
    values: dict[str, object] = {
        "party": "college",
        "description": "Workshop",
        "quantity": Decimal(300),
        "unit": "m²",
        "starts_on": date(2026, 1, 1),
        "due_on": date(2026, 12, 31),
        field: value,
    }
    with pytest.raises(PydanticValidationError):
        ObligationCreate(**values)  # type: ignore[arg-type]


def test_commitments_freeze_once_approved(session: Session, draft) -> None:
    obligation = make_obligation(session, draft)
    obligations.update_obligation(
        session,
        actor=ACTOR,
        agreement=draft,
        obligation=obligation,
        data=ObligationUpdate(quantity=Decimal(25)),
    )
    assert obligation.quantity == 25
    with pytest.raises(ValidationFailed):
        obligations.update_obligation(
            session,
            actor=ACTOR,
            agreement=draft,
            obligation=obligation,
            data=ObligationUpdate(due_on=date(2025, 1, 1)),
        )
    advance(session, draft, "approved")
    with pytest.raises(Conflict):
        obligations.delete_obligation(session, actor=ACTOR, agreement=draft, obligation=obligation)


def test_closed_agreements_take_no_new_obligations(session: Session, draft) -> None:
    advance(session, draft, "active")
    steps.transition(
        session,
        actor=ACTOR,
        agreement=draft,
        data=TransitionRequest(action=Action.TERMINATE, reason="Closed"),
    )
    with pytest.raises(Conflict):
        make_obligation(session, draft)
