"""Builders for agreement test records (through the same services the app uses)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement import obligations, service, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import Agreement, Obligation, Party
from tandem.agreement.schemas import (
    AgreementCreate,
    ObligationCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.auth.actor import Actor
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.factories import ACTOR, make_department
from tests.partner.helpers import make_enterprise, make_partnership

# Complete terms for every mode, so an agreement can go through review.
COMPLETE_TERMS: dict[int, dict[str, Any]] = {
    1: {
        "venue": "Workshop B2",
        "area_m2": "300",
        "fee_kind": "free",
        "training_positions_per_term": 20,
    },
    2: {
        "base_name": "Joint CNC base",
        "college_equipment": "4 lathes",
        "enterprise_equipment": "2 five-axis centres",
    },
    3: {"equipment_placed": "Collaborative robot arm", "students_to_train_per_year": 60},
    4: {
        "production_scope": "Wiring harness sub-assembly",
        "pricing": "CNY 4.50 per piece",
        "quality_terms": "AQL 1.0",
    },
    5: {
        "training_institution": "Acme Academy",
        "joint_team": "3 trainers + 4 teachers",
        "employees_to_train_per_year": 120,
    },
    6: {
        "programme": "Siemens mechatronics",
        "certification": "SMSCP level 1",
        "teachers_to_certify": 4,
    },
    7: {
        "simulated_site": "Simulated logistics centre",
        "courses_contracted": "Warehouse ops",
        "contracted_hours_per_year": 160,
    },
}
START, END = date(2026, 1, 1), date(2028, 12, 31)


def partnership_for(
    session: Session, college: College, department: Department | None = None
) -> Partnership:
    department = department or make_department(session, college)
    return make_partnership(session, college, make_enterprise(session), department)


def agreement_data(
    partnership: Partnership, modes: tuple[int, ...] = (1,), **fields: Any
) -> AgreementCreate:
    values: dict[str, Any] = {
        "partnership_id": partnership.id,
        "department_id": partnership.department_id,
        "title": "Cooperation agreement",
        "modes": list(modes),
        "terms": {str(m): COMPLETE_TERMS[m] for m in modes},
        "start_date": START,
        "end_date": END,
        "number": "",
        "college_signatory": "Principal Wang",
        "enterprise_signatory": "Director Li",
    }
    values.update(fields)
    return AgreementCreate(**values)


def make_agreement(
    session: Session,
    partnership: Partnership,
    modes: tuple[int, ...] = (1,),
    actor: Actor = ACTOR,
    **fields: Any,
) -> Agreement:
    return service.create_agreement(
        session, actor=actor, data=agreement_data(partnership, modes, **fields)
    )


def advance(
    session: Session, agreement: Agreement, to: str, today: date = date(2026, 3, 1)
) -> Agreement:
    """Take the agreement along the life cycle to ``to`` (one of approved, signed, active)."""
    path = ["in_review", "approved", "signed", "active"]
    if not agreement.number:
        agreement.number = f"AG-{agreement.id:04d}"
    for step in path[: path.index(to) + 1]:
        if step == "in_review":
            steps.transition(
                session,
                actor=ACTOR,
                agreement=agreement,
                data=TransitionRequest(action=Action.SUBMIT),
                today=today,
            )
        elif step == "approved":
            steps.transition(
                session,
                actor=ACTOR,
                agreement=agreement,
                data=TransitionRequest(action=Action.APPROVE),
                today=today,
            )
        elif step == "signed":
            for party in (Party.COLLEGE, Party.ENTERPRISE):
                steps.sign(
                    session,
                    actor=ACTOR,
                    agreement=agreement,
                    today=today,
                    data=SignatureCreate(party=party, signatory_name="Signer", on_paper=True),
                )
        else:
            steps.transition(
                session,
                actor=ACTOR,
                agreement=agreement,
                data=TransitionRequest(action=Action.ACTIVATE),
                today=today,
            )
    return agreement


def make_obligation(session: Session, agreement: Agreement, **fields: Any) -> Obligation:
    values: dict[str, Any] = {
        "party": "enterprise",
        "description": "Training positions",
        "quantity": Decimal(20),
        "unit": "positions",
        "period": "term",
        "starts_on": START,
        "due_on": END,
    }
    values.update(fields)
    return obligations.add_obligation(
        session, actor=ACTOR, agreement=agreement, data=ObligationCreate(**values)
    )
