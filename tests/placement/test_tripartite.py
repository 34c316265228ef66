"""The tripartite agreement's service: generating the snapshot, each party's confirmation and
the refusals, regenerating (confirmations cleared), what counts as signed, and the PDF."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.placement import scope, tripartite
from tandem.placement.models import Placement
from tandem.placement.models_records import PlacementDocument, TripartiteAgreement
from tests.placement.records_helpers import PDF, add_placement
from tests.placement.world import PlacementWorld


@pytest.fixture
def placement(session: Session, world: PlacementWorld) -> Placement:
    student = world.seniors[0]  # the world's student user
    student.name = "张小明"
    student.id_number_masked = "440101********123X"
    return add_placement(session, world.positions[0], student)  # at contact1's enterprise


def _audits(session: Session, action: str) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(
        AuditEntry.entity_type == "tripartite_agreement", AuditEntry.action == action
    )
    return list(session.scalars(stmt))


def _confirm_all(session: Session, world: PlacementWorld, placement: Placement) -> None:
    for name in ("office", "contact1", "student"):
        tripartite.confirm(session, actor=world.actor(name), placement=placement)


def test_generate_snapshots_the_parties_and_terms(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    agreement = tripartite.generate(session, actor=world.actor("office"), placement=placement)
    assert agreement.number == f"{world.college.code}-2027-{placement.id:06d}"
    t = agreement.terms
    assert t["college"]["code"] == world.college.code
    assert t["host"] == {
        "name": world.enterprises[0].name,
        "uscc": world.enterprises[0].uscc,
        "address": world.enterprises[0].address,
    }
    assert t["student"]["name"] == "张小明"
    assert t["student"]["id_number"] == "440101********123X"  # only ever the masked number
    assert t["student"]["class"] == world.senior.name
    assert t["terms"]["monthly_pay"] == "4200"
    assert t["terms"]["start_on"] == "2027-03-01"
    assert t["terms"]["night_shift"] is False
    assert t["mentors"]["enterprise"] == "王师傅"
    assert any("8小时" in duty for duty in t["duties"])
    assert any("押金" in duty for duty in t["duties"])
    assert [e.summary for e in _audits(session, "create")] == [agreement.number]
    assert placement.checked_at is not None  # the gate re-ran


def test_only_the_office_generates(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    for name in ("teacher", "student", "contact1"):
        with pytest.raises(PermissionDenied):
            tripartite.generate(session, actor=world.actor(name), placement=placement)
    tripartite.generate(session, actor=world.actor("coordinator"), placement=placement)


def test_a_post_internship_agreement_cannot_state_night_shifts(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    placement.night_shift = True
    placement.holiday_work = True
    with pytest.raises(ValidationFailed) as caught:
        tripartite.generate(session, actor=world.actor("office"), placement=placement)
    assert {e.field for e in caught.value.errors} == {"night_shift", "holiday_work"}
    assert tripartite.agreement_of(session, placement) is None


def test_each_party_confirms_once(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    with pytest.raises(Conflict):  # nothing to confirm yet
        tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    agreement = tripartite.generate(session, actor=world.actor("office"), placement=placement)
    tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    assert agreement.student_confirmed_at is not None
    assert agreement.student_confirmed_by_user_id == world.users["student"].id
    assert agreement.host_confirmed_at is None
    assert agreement.college_confirmed_at is None
    assert not tripartite.is_signed(session, placement)
    with pytest.raises(Conflict) as again:
        tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    assert again.value.code == "already_confirmed"
    tripartite.confirm(session, actor=world.actor("contact1"), placement=placement)
    assert agreement.host_confirmed_by_user_id == world.users["contact1"].id
    tripartite.confirm(session, actor=world.actor("office"), placement=placement)
    assert agreement.college_confirmed_by_user_id == world.users["office"].id
    assert tripartite.is_signed(session, placement)
    assert len(_audits(session, "confirm")) == 3
    names = {row["party"]: row["by"] for row in tripartite.confirmations(session, agreement)}
    assert names["student"] == world.users["student"].display_name


def test_nobody_confirms_for_another_party(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    # Another enterprise's contact, a teacher, a coordinator (no right to confirm), another
    # student: none of them is a party.
    other_student = world.users["student"]
    other_student.student_id = world.seniors[1].id
    session.flush()
    for name in ("contact2", "teacher", "coordinator", "student"):
        assert scope.party_of(world.actor(name), placement) is None
        with pytest.raises(PermissionDenied):
            tripartite.confirm(session, actor=world.actor(name), placement=placement)


def test_regenerating_clears_every_confirmation_and_the_scan(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    office = world.actor("office")
    agreement = tripartite.generate(session, actor=office, placement=placement)
    _confirm_all(session, world, placement)
    tripartite.upload_scan(
        session, actor=office, placement=placement, filename="s.pdf", content=PDF, max_bytes=1000
    )
    placement.monthly_pay = Decimal("4500")
    session.flush()
    again = tripartite.generate(session, actor=office, placement=placement)
    assert again.id == agreement.id
    assert again.terms["terms"]["monthly_pay"] == "4500"
    assert again.college_confirmed_at is None
    assert again.host_confirmed_at is None
    assert again.student_confirmed_at is None
    assert again.scan_document_id is None
    assert not tripartite.is_signed(session, placement)
    (entry,) = _audits(session, "regenerate")
    assert entry.changes["student_confirmed_at"][1] is None
    assert entry.changes["terms"][0]["monthly_pay"] == "4200"


def test_a_scan_alone_is_enough(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    office = world.actor("office")
    with pytest.raises(Conflict):  # a scan of which agreement?
        tripartite.upload_scan(
            session, actor=office, placement=placement, filename="s.pdf", content=PDF, max_bytes=99
        )
    tripartite.generate(session, actor=office, placement=placement)
    with pytest.raises(PermissionDenied):
        tripartite.upload_scan(
            session,
            actor=world.actor("contact1"),
            placement=placement,
            filename="s.pdf",
            content=PDF,
            max_bytes=1000,
        )
    first = tripartite.upload_scan(
        session, actor=office, placement=placement, filename="s.pdf", content=PDF, max_bytes=1000
    )
    assert first.kind == "tripartite_scan"
    assert tripartite.is_signed(session, placement)
    second = tripartite.upload_scan(
        session, actor=office, placement=placement, filename="t.pdf", content=PDF, max_bytes=1000
    )
    assert session.get(PlacementDocument, first.id) is None  # the earlier scan is replaced
    found = tripartite.scan_of(session, actor=world.actor("contact1"), placement=placement)
    assert found.id == second.id


def test_changed_terms_unsign_the_agreement(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    office = world.actor("office")
    agreement = tripartite.generate(session, actor=office, placement=placement)
    tripartite.upload_scan(
        session, actor=office, placement=placement, filename="s.pdf", content=PDF, max_bytes=1000
    )
    assert tripartite.is_signed(session, placement)
    placement.hours_per_day = Decimal("8.00")  # the same value, written differently
    session.flush()
    assert tripartite.is_signed(session, placement)
    placement.hours_per_day = Decimal("9")
    session.flush()
    assert not tripartite.is_signed(session, placement)
    assert tripartite.terms_changed(agreement, placement) == ["hours_per_day"]
    assert tripartite.signed_map(session, [placement]) == {placement.id: False}
    with pytest.raises(Conflict) as outdated:
        tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    assert outdated.value.code == "agreement_outdated"
    section = tripartite.section(session, actor=office, placement=placement)
    assert section["changed"] == ["Hours a day"]
    assert section["signed"] is False


def test_signed_map_matches_is_signed(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    other = add_placement(session, world.positions[2], world.seniors[1])
    unsigned = add_placement(session, world.positions[1], world.seniors[2])
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    _confirm_all(session, world, placement)
    tripartite.generate(session, actor=world.actor("office"), placement=other)
    assert tripartite.signed_map(session, [placement, other, unsigned]) == {
        placement.id: True,
        other.id: False,
        unsigned.id: False,
    }


def test_section_says_what_each_actor_may_do(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    before = tripartite.section(session, actor=world.actor("office"), placement=placement)
    assert before["agreement"] is None
    assert before["can"]["generate"]
    assert not before["can"]["pdf"]
    assert not before["can"]["confirm"]
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    student = tripartite.section(session, actor=world.actor("student"), placement=placement)
    assert student["party"] == "student"
    assert student["can"]["confirm"]
    assert not student["can"]["generate"]
    assert not student["can"]["upload_scan"]
    teacher = tripartite.section(session, actor=world.actor("teacher"), placement=placement)
    assert teacher["party"] is None
    assert not teacher["can"]["confirm"]
    assert teacher["can"]["pdf"]
    tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    student = tripartite.section(session, actor=world.actor("student"), placement=placement)
    assert not student["can"]["confirm"]
    assert student["confirmations"][2]["at"] is not None


def test_pdf_renders_the_agreement_in_chinese(
    session: Session, world: PlacementWorld, placement: Placement, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        tripartite.pdf(session, placement)
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    data = tripartite.pdf(session, placement)
    assert data.startswith(b"%PDF")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(data)
    pdffonts, pdftotext = shutil.which("pdffonts"), shutil.which("pdftotext")  # poppler-utils
    if pdffonts:  # the vendored font is embedded (not a system fallback)
        fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True).stdout
        assert "Tandem-Noto-Sans-SC" in fonts
    if pdftotext:
        text = subprocess.run(
            [pdftotext, str(path), "-"], capture_output=True, text=True
        ).stdout.replace(" ", "")
        assert "职业学校学生实习三方协议" in text
        assert "张小明" in text
        assert world.seniors[0].student_number in text
        assert "已于" in text  # the student's confirmation, with its time
        assert "440101********123X" in text


def test_another_colleges_agreement_is_hidden(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    with pytest.raises(NotFound):
        scope.get_placement(session, actor=world.actor("other_office"), placement_id=placement.id)
    with pytest.raises(NotFound):
        scope.get_placement(session, actor=world.actor("contact2"), placement_id=placement.id)
    assert session.scalars(select(TripartiteAgreement)).first() is None


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_the_agreement_of_an_ended_placement_cannot_change(
    session: Session, world: PlacementWorld, placement: Placement, status: str
) -> None:
    office = world.actor("office")
    agreement = tripartite.generate(session, actor=office, placement=placement)
    placement.status = status
    session.flush()
    with pytest.raises(Conflict) as refused:
        tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    assert refused.value.code == "placement_closed"
    assert "has ended" in str(refused.value)
    with pytest.raises(Conflict) as refused:
        tripartite.upload_scan(
            session,
            actor=office,
            placement=placement,
            filename="agreement.pdf",
            content=PDF,
            max_bytes=1 << 20,
        )
    assert refused.value.code == "placement_closed"
    assert agreement.student_confirmed_at is None
    assert agreement.scan_document_id is None
