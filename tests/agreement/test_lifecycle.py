"""The agreement state machine (pure): examples and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.agreement import lifecycle
from tandem.agreement.lifecycle import Action, Facts, decide, requirements
from tandem.agreement.models import AgreementKind, AgreementStatus, Party
from tandem.kit.errors import Conflict, ValidationFailed

S = AgreementStatus
TODAY = date(2026, 6, 1)
BOTH = frozenset({Party.COLLEGE, Party.ENTERPRISE})


def complete(status: str, **changes: object) -> Facts:
    values: dict[str, object] = {
        "status": status,
        "title": "Agreement",
        "department_id": 1,
        "modes": (1,),
        "start_date": date(2026, 1, 1),
        "end_date": date(2027, 12, 31),
        "number": "AG-1",
        "college_signatory": "Wang",
        "enterprise_signatory": "Li",
        "signed_parties": BOTH,
    }
    values.update(changes)
    return Facts(**values)  # type: ignore[arg-type]


def fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


def test_the_main_path_goes_from_draft_to_active() -> None:
    status = S.DRAFT
    for action in (Action.SUBMIT, Action.APPROVE, Action.SIGN, Action.ACTIVATE):
        status = decide(action, complete(status), today=TODAY)
    assert status == S.ACTIVE


def test_one_signature_keeps_the_agreement_approved() -> None:
    facts = complete(S.APPROVED, signed_parties=frozenset({Party.COLLEGE}))
    assert decide(Action.SIGN, facts, today=TODAY) == S.APPROVED


def test_submitting_needs_the_terms_of_each_mode() -> None:
    facts = complete(S.DRAFT, modes=(1, 5), missing_terms={5: ("joint_team",)})
    with pytest.raises(ValidationFailed) as caught:
        decide(Action.SUBMIT, facts, today=TODAY)
    assert fields(caught.value) == {"terms.5.joint_team"}


def test_submitting_needs_dates_department_and_a_mode() -> None:
    facts = complete(S.DRAFT, start_date=None, end_date=None, department_id=None, modes=())
    with pytest.raises(ValidationFailed) as caught:
        decide(Action.SUBMIT, facts, today=TODAY)
    assert fields(caught.value) == {"start_date", "end_date", "department_id", "modes"}


def test_a_framework_agreement_needs_no_modes_or_department() -> None:
    facts = complete(S.DRAFT, kind=AgreementKind.FRAMEWORK, modes=(), department_id=None)
    assert decide(Action.SUBMIT, facts, today=TODAY) == S.IN_REVIEW


def test_signing_needs_the_number_and_both_signatories() -> None:
    facts = complete(S.APPROVED, number=" ", enterprise_signatory="")
    with pytest.raises(ValidationFailed) as caught:
        decide(Action.SIGN, facts, today=TODAY)
    assert fields(caught.value) == {"number", "enterprise_signatory"}


def test_dates_out_of_order_are_refused_even_in_a_draft() -> None:
    facts = complete(S.DRAFT, end_date=date(2025, 1, 1))
    assert [e.code for e in requirements(S.DRAFT, facts)] == ["dates_out_of_order"]


def test_an_illegal_step_names_the_state_and_the_step() -> None:
    with pytest.raises(Conflict) as caught:
        decide(Action.ACTIVATE, complete(S.DRAFT), today=TODAY)
    assert caught.value.code == "invalid_transition"
    assert caught.value.params == {"current": "Draft", "action": "Activate"}


@pytest.mark.parametrize("action", [Action.RETURN, Action.TERMINATE])
def test_return_and_terminate_need_a_reason(action: Action) -> None:
    status = S.IN_REVIEW if action == Action.RETURN else S.ACTIVE
    with pytest.raises(ValidationFailed) as caught:
        decide(action, complete(status), today=TODAY)
    assert fields(caught.value) == {"reason"}
    assert decide(action, complete(status), today=TODAY, reason="Changed plans")


def test_activation_waits_for_the_start_date() -> None:
    facts = complete(S.SIGNED, start_date=TODAY + timedelta(days=1))
    with pytest.raises(ValidationFailed):
        decide(Action.ACTIVATE, facts, today=TODAY)
    assert decide(Action.ACTIVATE, facts, today=TODAY + timedelta(days=1)) == S.ACTIVE


def test_ending_early_needs_a_reason() -> None:
    with pytest.raises(ValidationFailed):
        decide(Action.END, complete(S.ACTIVE), today=TODAY)
    after_end = date(2028, 1, 1)
    assert decide(Action.END, complete(S.ACTIVE), today=after_end) == S.ENDED


def test_an_auto_renewing_agreement_is_never_due_to_expire() -> None:
    near_end = date(2027, 12, 1)
    assert lifecycle.is_due_to_expire(complete(S.ACTIVE), near_end)
    assert not lifecycle.is_due_to_expire(complete(S.ACTIVE, auto_renew=True), near_end)


def test_renewed_end_runs_on_whole_terms_past_today() -> None:
    end = lifecycle.renewed_end(date(2024, 1, 1), date(2025, 1, 1), None, date(2026, 3, 1))
    assert end == date(2027, 1, 1)
    assert lifecycle.renewed_end(date(2024, 1, 1), date(2025, 1, 31), 1, date(2025, 2, 15)) == (
        date(2025, 2, 28)
    )


statuses = st.sampled_from(list(S))
actions = st.sampled_from(list(Action))


@given(status=statuses, action=actions)
def test_complete_agreements_take_exactly_the_listed_transitions(status: S, action: Action) -> None:
    """With every requirement met (past its end, a reason given), a listed step is taken and
    leads where the table says; any other step is refused as an invalid transition."""
    sources, target, _ = lifecycle.TRANSITIONS[action]
    facts = complete(status, auto_renew=action == Action.AUTO_RENEW)
    if status in sources:
        assert decide(action, facts, today=date(2030, 1, 1), reason="r") == target
    else:
        with pytest.raises(Conflict) as caught:
            decide(action, facts, today=date(2030, 1, 1), reason="r")
        assert caught.value.code == "invalid_transition"


@given(status=st.sampled_from(sorted(lifecycle.CLOSED)), action=actions)
def test_closed_agreements_take_no_step(status: S, action: Action) -> None:
    with pytest.raises(Conflict):
        decide(action, complete(status), today=TODAY, reason="r")


@given(
    start=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    days=st.integers(1, 4000),
    months=st.one_of(st.none(), st.integers(1, 60)),
    late=st.integers(0, 5000),
)
def test_auto_renewal_always_reaches_past_today(
    start: date, days: int, months: int | None, late: int
) -> None:
    end = start + timedelta(days=days)
    today = end + timedelta(days=late)
    new_end = lifecycle.renewed_end(start, end, months, today)
    assert new_end >= today
    assert new_end >= end
