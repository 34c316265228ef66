"""Obligations checked against the equipment register: "the enterprise provides 10 CNC machines"
counts the lines linked to the agreement whose name or category contains the text, owned by the
obligation's side, not retired — in the API (``register``) and on the page, with the shortfall;
counted with one query per agreement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.orm import Session

from tandem.agreement import obligations
from tandem.agreement.models import Agreement
from tandem.agreement.schemas import ObligationUpdate
from tandem.college.models import College
from tandem.kit.errors import Conflict
from tandem.partner.models import Partnership
from tandem.resource.links_register import count_in_register, register_checks
from tandem.resource.models import Equipment
from tests.agreement.helpers import advance, make_agreement, make_obligation
from tests.factories import ACTOR, Browser, bearer, make_user


def _line(session: Session, agreement: Agreement, tag: str, name: str, **fields: Any) -> None:
    session.add(
        Equipment(
            college_id=agreement.college_id,
            asset_tag=tag,
            name=name,
            acquisition=fields.pop("acquisition", "lent"),
            agreement_id=fields.pop("agreement_id", agreement.id),
            **fields,
        )
    )
    session.flush()


@pytest.fixture
def agreement(session: Session, partnership: Partnership) -> Agreement:
    """Mode 2, approved; the register holds 8 of the enterprise's CNC machines for it (and lines
    that do not count: retired, the college's own, another agreement's, another kind)."""
    found = make_agreement(session, partnership, modes=(2,))
    other = make_agreement(session, partnership, modes=(2,), title="Other")
    firm = {"ownership": "enterprise", "partnership_id": partnership.id}
    _line(session, found, "E-1", "数控车床", category="CNC machine", quantity=5, **firm)
    _line(session, found, "E-2", "五轴加工中心", category="cnc Machine", quantity=2, **firm)
    _line(
        session,
        found,
        "J-1",
        "CNC machine (shared)",
        quantity=1,
        ownership="joint",
        partnership_id=partnership.id,
    )
    _line(session, found, "R-1", "CNC machine", quantity=4, status="retired", **firm)
    _line(session, found, "C-1", "CNC machine", quantity=6, ownership="college")
    _line(session, found, "O-1", "CNC machine", quantity=9, agreement_id=other.id, **firm)
    _line(session, found, "X-1", "Robot arm", category="Robots", quantity=3, **firm)
    advance(session, found, "approved")
    return found


def test_counting_is_by_text_owner_and_case() -> None:
    lines = [
        ("数控车床", "CNC machine", 5, "enterprise"),
        ("Lathe", "cnc MACHINE", 2, "joint"),
        ("CNC machine", "", 6, "college"),
        ("Robot", "Robots", 3, "enterprise"),
    ]
    assert count_in_register(lines, "cnc machine", "enterprise") == 7
    assert count_in_register(lines, "ＣＮＣ machine", "college") == 8  # full-width typed
    assert count_in_register(lines, "数控", "enterprise") == 5
    assert count_in_register(lines, "robot", "college") == 0


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["CNC lathe", "Robot", "数控车床"]),
            st.sampled_from(["CNC", "", "robots"]),
            st.integers(1, 50),
            st.sampled_from(["college", "enterprise", "joint"]),
        ),
        max_size=12,
    ),
    st.sampled_from(["cnc", "robot", "数控", "nothing"]),
)
def test_the_sides_share_only_the_joint_lines(
    lines: list[tuple[str, str, int, str]], category: str
) -> None:
    college = count_in_register(lines, category, "college")
    enterprise = count_in_register(lines, category, "enterprise")

    def fits(name: str, kind: str) -> bool:
        return category in name.lower() or category in kind.lower()

    joint = sum(q for n, c, q, o in lines if o == "joint" and fits(n, c))
    everything = sum(q for n, c, q, _ in lines if fits(n, c))
    assert college + enterprise == everything + joint


def test_an_obligation_short_of_the_register(session: Session, agreement: Agreement) -> None:
    machines = make_obligation(
        session,
        agreement,
        description="Enterprise provides 10 CNC machines",
        quantity=Decimal(10),
        unit="machines",
        period="once",
        register_category="CNC machine",
    )
    make_obligation(session, agreement)  # not counted against the register
    checks = register_checks(session, agreement)
    assert list(checks) == [machines.id]
    check = checks[machines.id]
    assert (check.category, check.required, check.found, check.short) == (
        "CNC machine",
        Decimal(10),
        8,
        Decimal(2),
    )


def test_one_query_for_all_the_obligations(
    session: Session, agreement: Agreement, connection: Any
) -> None:
    for n in range(6):
        make_obligation(session, agreement, quantity=Decimal(n + 1), register_category="cnc")
    session.flush()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        checks = register_checks(session, agreement)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(checks) == 6
    assert len(statements) == 1
    assert {c.found for c in checks.values()} == {8}


def test_the_category_may_change_after_approval_and_nothing_else(
    session: Session, agreement: Agreement
) -> None:
    obligation = make_obligation(session, agreement, quantity=Decimal(10))
    obligations.update_obligation(
        session,
        actor=ACTOR,
        agreement=agreement,
        obligation=obligation,
        data=ObligationUpdate(register_category="数控", version=obligation.version),
    )
    assert obligation.register_category == "数控"
    assert register_checks(session, agreement)[obligation.id].found == 5
    with pytest.raises(Conflict):
        obligations.update_obligation(
            session,
            actor=ACTOR,
            agreement=agreement,
            obligation=obligation,
            data=ObligationUpdate(quantity=Decimal(3), register_category="cnc"),
        )
    assert obligation.register_category == "数控"


def test_the_api_shows_the_register(
    client: TestClient, session: Session, agreement: Agreement, partnership: Partnership
) -> None:
    office = make_user(session, "college_admin", session.get(College, partnership.college_id))
    client.headers.update(bearer(session, office))
    base = f"/api/v1/agreements/{agreement.id}/obligations"
    draft = make_agreement(session, partnership, modes=(2,), title="Draft")
    session.commit()
    made = client.post(
        f"/api/v1/agreements/{draft.id}/obligations",
        json={
            "party": "enterprise",
            "description": "10 CNC machines",
            "quantity": "10",
            "unit": "machines",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
            "register_category": "CNC machine",
        },
    )
    assert made.status_code == 201, made.text
    register = made.json()["register"]
    assert (register["category"], register["found"]) == ("CNC machine", 0)
    assert Decimal(register["required"]) == Decimal(register["short"]) == 10
    too_long = client.post(
        f"/api/v1/agreements/{draft.id}/obligations",
        json={
            "party": "college",
            "description": "x",
            "quantity": "1",
            "unit": "x",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
            "register_category": "x" * 101,
        },
    )
    assert too_long.status_code == 422

    obligation = make_obligation(session, agreement, quantity=Decimal(10), period="once")
    session.commit()
    patched = client.patch(
        f"{base}/{obligation.id}",
        json={"register_category": "CNC machine", "version": obligation.version},
    )
    assert patched.status_code == 200, patched.text
    listed = client.get(base).json()["items"]
    assert listed[0]["register_category"] == "CNC machine"
    assert listed[0]["register"]["found"] == 8
    assert Decimal(listed[0]["register"]["short"]) == 2
    detail = client.get(f"/api/v1/agreements/{agreement.id}").json()
    assert detail["obligations"][0]["register"]["found"] == 8


def test_the_page_shows_the_shortfall(
    session: Session, agreement: Agreement, partnership: Partnership, browser: Browser
) -> None:
    make_obligation(
        session,
        agreement,
        description="Enterprise provides 10 CNC machines",
        quantity=Decimal(10),
        period="once",
        register_category="CNC machine",
    )
    office = make_user(session, "college_admin", session.get(College, partnership.college_id))
    session.commit()
    client = browser(office)
    html = client.get(f"/agreements/{agreement.id}").text
    assert "In the register (“CNC machine”): 8 / 10" in html
    assert "short by 2" in html
    # Approved: only the register check can be edited.
    obligation_id = agreement.obligations[0].id
    form = client.get(f"/agreements/{agreement.id}/obligations/{obligation_id}/edit").text
    assert 'id="frozen"' in form
    assert 'name="register_category"' in form
    assert 'name="quantity"' not in form
