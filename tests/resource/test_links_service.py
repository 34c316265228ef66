"""An agreement's links to the register, through the service the API and the pages use:
suggestions, linking and unlinking terms and equipment, who may, the audit, and the links the
agreement service makes by itself when terms name a record exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement import service as agreement_service
from tandem.agreement.schemas import AgreementUpdate
from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.resource import links
from tandem.resource.models import AgreementResource, Equipment
from tests.agreement.helpers import make_agreement
from tests.factories import ACTOR
from tests.resource.links_world import BASE, SITE, TERMS, WORKSHOP, World, build, venue


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def _audits(session: Session, entity_type: str) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type)
    return list(session.scalars(stmt.order_by(AuditEntry.id)))


# --- matching ------------------------------------------------------------------------------------


def test_similarity_ignores_case_spaces_and_full_width() -> None:
    assert links.similarity("实训楼A座 一层", "实训楼Ａ座一层") == 1.0
    assert links.similarity("CNC Lathe", "cnc lathe") == 1.0
    assert links.similarity("车间", "") == 0.0
    inside = links.similarity("智能制造车间", "实训楼A座一层智能制造车间")
    assert 0.5 < inside < 1.0
    assert links.similarity("数控车床", "养老照护模拟人") == 0.0


@given(st.text(max_size=30), st.text(max_size=30))
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    score = links.similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == links.similarity(b, a)
    if links.norm(a) and links.norm(a) == links.norm(b):
        assert score == 1.0


def test_suggestions_rank_the_exact_name_first(session: Session, world: World) -> None:
    office = world.actor("office")
    found = links.suggest(session, actor=office, agreement=world.agreement)
    by_term: dict[str, list[int]] = {}
    for s in found:
        by_term.setdefault(s.term_key, []).append(s.record_id)
    # The exact name and the full-width one tie at 1.0 (by name, then id); the closed one and
    # college B's are never offered.
    assert set(by_term["1.venue"][:2]) == {world.workshop.id, world.alike.id}
    assert world.closed.id not in by_term["1.venue"]
    assert world.stranger.id not in by_term["1.venue"]
    assert by_term["2.base_name"] == [world.base.id]
    assert by_term["7.simulated_site"][0] == world.site.id
    first = next(s for s in found if s.term_key == "7.simulated_site")
    assert (first.kind, first.term_text, first.score) == ("venue", SITE, 1.0)


def test_linked_terms_get_no_suggestions(session: Session, world: World) -> None:
    office = world.actor("office")
    links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="1.venue",
        venue_id=world.workshop.id,
    )
    keys = {s.term_key for s in links.suggest(session, actor=office, agreement=world.agreement)}
    assert keys == {"2.base_name", "7.simulated_site"}


# --- linking terms -------------------------------------------------------------------------------


def test_link_replaces_the_terms_previous_link_and_is_audited(
    session: Session, world: World
) -> None:
    office = world.actor("office")
    first = links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="1.venue",
        venue_id=world.alike.id,
    )
    second = links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="1.venue",
        venue_id=world.workshop.id,
    )
    again = links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="1.venue",
        venue_id=world.workshop.id,
    )
    assert again.id == second.id  # the same link: nothing changed
    assert first.venue_id == world.alike.id
    rows = session.scalars(
        select(AgreementResource).where(AgreementResource.agreement_id == world.agreement.id)
    ).all()
    assert [(r.term_key, r.venue_id, r.base_id, r.college_id) for r in rows] == [
        ("1.venue", world.workshop.id, None, world.college.id)
    ]
    entries = _audits(session, "agreement_resource")
    assert [e.action for e in entries] == ["create", "delete", "create"]
    assert entries[0].changes["venue_id"] == [None, world.alike.id]
    assert entries[1].changes["venue_id"] == [world.alike.id, None]

    resources = links.resources_of(session, actor=office, agreement=world.agreement)
    assert [(link.term_key, link.term_text, link.record.id) for link in resources.links] == [
        ("1.venue", WORKSHOP, world.workshop.id)
    ]
    assert resources.unlinked == [("2.base_name", BASE), ("7.simulated_site", SITE)]


def test_a_base_term_links_a_training_base(session: Session, world: World) -> None:
    office = world.actor("office")
    link = links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="2.base_name",
        base_id=world.base.id,
    )
    assert (link.base_id, link.venue_id) == (world.base.id, None)
    with pytest.raises(ValidationFailed) as wrong_kind:
        links.link_term(
            session,
            actor=office,
            agreement=world.agreement,
            term_key="2.base_name",
            venue_id=world.site.id,
        )
    assert wrong_kind.value.errors[0].field == "base_id"


def test_refused_links(session: Session, world: World) -> None:
    office = world.actor("office")
    agreement = world.agreement
    with pytest.raises(ValidationFailed) as unknown:
        links.link_term(
            session, actor=office, agreement=agreement, term_key="4.pricing", venue_id=1
        )
    assert unknown.value.errors[0].code == "unknown_term"
    only_mode_1 = make_agreement(session, world.acme, modes=(1,))
    with pytest.raises(ValidationFailed) as not_chosen:
        links.link_term(
            session,
            actor=office,
            agreement=only_mode_1,
            term_key="7.simulated_site",
            venue_id=world.site.id,
        )
    assert not_chosen.value.errors[0].code == "mode_not_chosen"
    # College B's venue: another college's record is not found for the office …
    with pytest.raises(NotFound):
        links.link_term(
            session,
            actor=office,
            agreement=agreement,
            term_key="1.venue",
            venue_id=world.stranger.id,
        )
    # … and refused for those who see every college.
    with pytest.raises(ValidationFailed) as elsewhere:
        links.link_term(
            session,
            actor=ACTOR,
            agreement=agreement,
            term_key="1.venue",
            venue_id=world.stranger.id,
        )
    assert elsewhere.value.errors[0].code == "other_college"
    assert session.scalars(select(AgreementResource)).all() == []


def test_who_may_link(session: Session, world: World) -> None:
    agreement = world.agreement
    for name in ("teacher", "stranger_coordinator", "contact"):
        with pytest.raises(PermissionDenied):
            links.link_term(
                session,
                actor=world.actor(name),
                agreement=agreement,
                term_key="1.venue",
                venue_id=world.workshop.id,
            )
    link = links.link_term(
        session,
        actor=world.actor("coordinator"),
        agreement=agreement,
        term_key="1.venue",
        venue_id=world.workshop.id,
    )
    with pytest.raises(PermissionDenied):
        links.unlink_term(
            session, actor=world.actor("teacher"), agreement=agreement, link_id=link.id
        )
    links.unlink_term(
        session, actor=world.actor("coordinator"), agreement=agreement, link_id=link.id
    )
    assert session.get(AgreementResource, link.id) is None
    assert [e.action for e in _audits(session, "agreement_resource")] == ["create", "delete"]
    with pytest.raises(NotFound):
        links.unlink_term(session, actor=ACTOR, agreement=agreement, link_id=link.id)


def test_what_each_reader_sees(session: Session, world: World) -> None:
    office = world.actor("office")
    for key, record in (("1.venue", world.workshop), ("7.simulated_site", world.site)):
        links.link_term(
            session, actor=office, agreement=world.agreement, term_key=key, venue_id=record.id
        )
    links.link_term(
        session,
        actor=office,
        agreement=world.agreement,
        term_key="2.base_name",
        base_id=world.base.id,
    )
    for name in ("college", "acme", "joint"):
        links.link_equipment(
            session,
            actor=office,
            agreement=world.agreement,
            equipment_id=world.lines[name].id,
        )
    teacher = links.resources_of(session, actor=world.actor("teacher"), agreement=world.agreement)
    assert not teacher.can_change
    assert teacher.suggestions == []
    assert len(teacher.links) == 3
    assert [(g.ownership, g.quantity, g.value_cny) for g in teacher.equipment] == [
        ("college", 4, Decimal("400000")),
        ("enterprise", 8, Decimal("1600000")),
        ("joint", 2, Decimal(0)),
    ]
    # The enterprise's contact sees its own enterprise's records only: the base it hosts and the
    # lines it owns (alone or jointly), not the college's venues and line.
    contact = links.resources_of(session, actor=world.actor("contact"), agreement=world.agreement)
    assert [link.term_key for link in contact.links] == ["2.base_name"]
    assert [g.ownership for g in contact.equipment] == ["enterprise", "joint"]
    assert contact.unlinked == []


# --- equipment -----------------------------------------------------------------------------------


def test_equipment_links_and_unlinks(session: Session, world: World) -> None:
    office = world.actor("office")
    acme = world.lines["acme"]
    version = acme.version
    linked = links.link_equipment(
        session, actor=office, agreement=world.agreement, equipment_id=acme.id
    )
    assert linked.agreement_id == world.agreement.id
    assert linked.version == version + 1
    links.link_equipment(session, actor=office, agreement=world.agreement, equipment_id=acme.id)
    other = make_agreement(session, world.acme, modes=(2,))
    with pytest.raises(Conflict) as elsewhere:
        links.link_equipment(session, actor=office, agreement=other, equipment_id=acme.id)
    assert elsewhere.value.code == "linked_elsewhere"
    with pytest.raises(ValidationFailed) as other_partner:
        links.link_equipment(
            session,
            actor=office,
            agreement=world.agreement,
            equipment_id=world.lines["bolt"].id,
        )
    assert other_partner.value.errors[0].code == "other_partner"
    with pytest.raises(Conflict) as not_linked:
        links.unlink_equipment(
            session,
            actor=office,
            agreement=world.agreement,
            equipment_id=world.lines["college"].id,
        )
    assert not_linked.value.code == "not_linked"
    joint = world.lines["joint"]
    links.link_equipment(session, actor=office, agreement=world.agreement, equipment_id=joint.id)
    links.unlink_equipment(session, actor=office, agreement=world.agreement, equipment_id=joint.id)
    assert session.get(Equipment, joint.id).agreement_id is None  # type: ignore[union-attr]
    entries = _audits(session, "equipment")
    assert [(e.entity_id, e.changes["agreement_id"]) for e in entries] == [
        (str(acme.id), [None, world.agreement.id]),
        (str(joint.id), [None, world.agreement.id]),
        (str(joint.id), [world.agreement.id, None]),
    ]
    with pytest.raises(PermissionDenied):
        links.link_equipment(
            session,
            actor=world.actor("teacher"),
            agreement=world.agreement,
            equipment_id=acme.id,
        )


def test_a_lent_line_keeps_its_agreement(session: Session, world: World) -> None:
    """A line lent by the enterprise must name the agreement it was lent under: unlinking it
    would leave a line every later edit refuses."""
    office = world.actor("office")
    acme = world.lines["acme"]
    links.link_equipment(session, actor=office, agreement=world.agreement, equipment_id=acme.id)
    with pytest.raises(Conflict) as lent:
        links.unlink_equipment(
            session, actor=office, agreement=world.agreement, equipment_id=acme.id
        )
    assert lent.value.code == "lent_needs_agreement"
    assert "change how it came" in str(lent.value)
    session.refresh(acme)
    assert acme.agreement_id == world.agreement.id
    # Once the register says it was donated, it may be unlinked.
    acme.acquisition = "donated"
    session.flush()
    links.unlink_equipment(session, actor=office, agreement=world.agreement, equipment_id=acme.id)
    assert acme.agreement_id is None


def test_only_the_lines_managers_link_or_unlink_it(session: Session, world: World) -> None:
    """A coordinator may manage the agreement yet not another department's line: changing its
    agreement is an edit of the line, refused as editing it would be."""
    coordinator = world.actor("coordinator")
    college_line = world.lines["college"]  # no department: the office's to change
    with pytest.raises(PermissionDenied) as refused:
        links.link_equipment(
            session, actor=coordinator, agreement=world.agreement, equipment_id=college_line.id
        )
    assert refused.value.code == "not_line_manager"
    assert college_line.agreement_id is None
    other = world.lines["joint"]
    other.department_id = world.other_department.id
    session.flush()
    links.link_equipment(
        session, actor=world.actor("office"), agreement=world.agreement, equipment_id=other.id
    )
    with pytest.raises(PermissionDenied):
        links.unlink_equipment(
            session, actor=coordinator, agreement=world.agreement, equipment_id=other.id
        )
    assert other.agreement_id == world.agreement.id
    # Their own department's line they link and unlink.
    other.department_id = world.department.id
    session.flush()
    links.unlink_equipment(
        session, actor=coordinator, agreement=world.agreement, equipment_id=other.id
    )
    assert other.agreement_id is None


# --- links made by the agreement service ---------------------------------------------------------


def test_drafting_links_terms_that_name_a_record_exactly(session: Session, world: World) -> None:
    office = world.actor("office")
    terms = {str(mode): values for mode, values in TERMS.items()}
    agreement = make_agreement(session, world.acme, modes=(1, 2, 7), terms=terms, actor=office)
    rows = {
        r.term_key: (r.venue_id, r.base_id)
        for r in session.scalars(
            select(AgreementResource).where(AgreementResource.agreement_id == agreement.id)
        )
    }
    assert rows == {
        "1.venue": (world.workshop.id, None),
        "2.base_name": (None, world.base.id),
        "7.simulated_site": (world.site.id, None),
    }
    # Renamed in the terms to another record's exact name: the link follows; a name nobody has
    # keeps the link; a mode dropped takes its link with it. Nothing is created.
    renamed = venue(session, world.college, "WS-9", "实训楼B座二层")
    agreement_service.update_agreement(
        session,
        actor=office,
        agreement=agreement,
        data=AgreementUpdate(
            modes=[1, 2],
            terms={"1": TERMS[1] | {"venue": "实训楼B座二层"}, "2": TERMS[2] | {"base_name": "x"}},
            version=agreement.version,
        ),
    )
    rows = {
        r.term_key: (r.venue_id, r.base_id)
        for r in session.scalars(
            select(AgreementResource).where(AgreementResource.agreement_id == agreement.id)
        )
    }
    assert rows == {"1.venue": (renamed.id, None), "2.base_name": (None, world.base.id)}


def test_nothing_is_linked_without_a_record_of_that_name(session: Session, world: World) -> None:
    agreement = make_agreement(
        session,
        world.acme,
        modes=(1,),
        terms={"1": TERMS[1] | {"venue": "不存在的车间"}},
    )
    found = session.scalars(
        select(AgreementResource).where(AgreementResource.agreement_id == agreement.id)
    ).all()
    assert found == []


def test_a_renewal_keeps_the_links_and_the_register_category(session: Session) -> None:
    from datetime import date

    from tandem.agreement import steps
    from tandem.agreement.models import Obligation
    from tandem.agreement.schemas import RenewalRequest
    from tests.agreement.helpers import advance

    world = build(session, status=None)
    agreement = world.agreement
    office = world.actor("office")
    links.link_term(
        session, actor=office, agreement=agreement, term_key="1.venue", venue_id=world.workshop.id
    )
    links.link_term(
        session, actor=office, agreement=agreement, term_key="2.base_name", base_id=world.base.id
    )
    made = {row.term_key: (row.venue_id, row.base_id) for row in links._links(session, agreement)}
    assert made["1.venue"] == (world.workshop.id, None)
    session.add(
        Obligation(
            college_id=agreement.college_id,
            agreement_id=agreement.id,
            party="enterprise",
            description="CNC machines",
            quantity=Decimal(10),
            unit="台",
            starts_on=date(2026, 1, 1),
            due_on=date(2026, 12, 31),
            register_category="数控",
        )
    )
    session.flush()
    session.refresh(agreement)
    advance(session, agreement, "active")
    successor = steps.renew(
        session, actor=ACTOR, agreement=agreement, data=RenewalRequest(), today=date(2026, 6, 1)
    )
    kept = {row.term_key: (row.venue_id, row.base_id) for row in links._links(session, successor)}
    assert kept == made
    assert [o.register_category for o in successor.obligations] == ["数控"]
