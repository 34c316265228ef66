"""Enterprises' master data, staff counts, contacts, proposals: rules, scoping and the audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.partner import proposals, repository, service
from tandem.partner.models import Enterprise, EnterpriseChangeProposal, ProposalStatus
from tandem.partner.repository import EnterpriseFilter
from tandem.partner.schemas import (
    ContactCreate,
    ContactUpdate,
    EnterpriseCreate,
    EnterpriseUpdate,
    ProposalCreate,
    ProposalDecision,
    StaffCountCreate,
)
from tests.factories import ACTOR, make_college
from tests.partner.helpers import (
    college_actor,
    contact_actor,
    enterprise_data,
    make_enterprise,
    make_partnership,
    platform_actor,
    valid_uscc,
)


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def enterprise(session: Session) -> Enterprise:
    return make_enterprise(session, name="广州精工机械有限公司", short_name="精工")


def audit_entries(session: Session, entity_type: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
        )
    )


# --- registering and changing ------------------------------------------------------------------


def test_register_with_first_count_and_contact_is_audited_without_a_college(
    session: Session,
) -> None:
    code = valid_uscc()
    data = EnterpriseCreate(
        **enterprise_data(uscc=f"{code[:9]}-{code[9:].lower()}", name="Firm"),
        staff_count={"as_of": "2024-03-01", "on_post_staff": 250},
        contacts=[{"name": "Li Na", "role": "HR"}],
    )
    enterprise = service.create_enterprise(session, actor=ACTOR, data=data)
    assert enterprise.uscc == code
    assert [c.on_post_staff for c in enterprise.staff_counts] == [250]
    assert [c.name for c in enterprise.contacts] == ["Li Na"]
    created = audit_entries(session, "enterprise")[0]
    assert (created.action, created.college_id) == ("create", None)
    assert created.changes["uscc"] == [None, code]
    assert len(audit_entries(session, "enterprise_staff_count")) == 1
    assert len(audit_entries(session, "enterprise_contact")) == 1


def test_duplicate_uscc_links_to_the_existing_record(
    session: Session, enterprise: Enterprise
) -> None:
    typed = enterprise.uscc.lower()
    with pytest.raises(service.Duplicate) as caught:
        make_enterprise(session, uscc=typed)
    error = caught.value
    assert error.status_code == 409
    assert (error.existing_id, error.existing_url) == (
        enterprise.id,
        f"/enterprises/{enterprise.id}",
    )
    assert error.errors[0].field == "uscc"
    assert "already registered as 广州精工机械有限公司" in error.errors[0].localised()


def test_certification_needs_level_and_date_together(
    session: Session, enterprise: Enterprise
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_enterprise(session, certified_level="provincial")
    assert caught.value.errors[0].field == "certified_on"
    service.update_enterprise(
        session,
        actor=ACTOR,
        enterprise=enterprise,
        data=EnterpriseUpdate(certified_level="city", certified_on=date(2023, 5, 1)),
    )
    with pytest.raises(ValidationFailed) as cleared:
        service.update_enterprise(
            session, actor=ACTOR, enterprise=enterprise, data=EnterpriseUpdate(certified_level=None)
        )
    assert cleared.value.errors[0].field == "certified_level"
    service.update_enterprise(
        session,
        actor=ACTOR,
        enterprise=enterprise,
        data=EnterpriseUpdate(certified_level=None, certified_on=None),
    )
    assert enterprise.certified_level is None


def test_direct_edits_belong_to_the_enterprise_and_platform_admins(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    other = make_enterprise(session)
    change = EnterpriseUpdate(short_name="New")
    with pytest.raises(PermissionDenied) as denied:
        service.update_enterprise(
            session, actor=college_actor(session, college), enterprise=enterprise, data=change
        )
    assert denied.value.code == "propose_instead"
    with pytest.raises(NotFound):
        service.update_enterprise(
            session, actor=contact_actor(session, other), enterprise=enterprise, data=change
        )
    service.update_enterprise(
        session, actor=contact_actor(session, enterprise), enterprise=enterprise, data=change
    )
    service.update_enterprise(
        session,
        actor=platform_actor(session),
        enterprise=enterprise,
        data=EnterpriseUpdate(name="Renamed"),
    )
    assert (enterprise.short_name, enterprise.name) == ("New", "Renamed")


def test_update_checks_version_and_duplicates_and_audits_only_changes(
    session: Session, enterprise: Enterprise
) -> None:
    other = make_enterprise(session)
    with pytest.raises(service.Duplicate):
        service.update_enterprise(
            session, actor=ACTOR, enterprise=enterprise, data=EnterpriseUpdate(uscc=other.uscc)
        )
    service.update_enterprise(
        session,
        actor=ACTOR,
        enterprise=enterprise,
        data=EnterpriseUpdate(name="广州精工机械有限公司"),
    )
    assert [e.action for e in audit_entries(session, "enterprise")].count("update") == 0
    service.update_enterprise(
        session, actor=ACTOR, enterprise=enterprise, data=EnterpriseUpdate(address="X", version=1)
    )
    with pytest.raises(StaleVersion):
        service.update_enterprise(
            session,
            actor=ACTOR,
            enterprise=enterprise,
            data=EnterpriseUpdate(address="Y", version=1),
        )
    update = [e for e in audit_entries(session, "enterprise") if e.action == "update"]
    assert [u.changes for u in update] == [{"address": ["", "X"]}]


def test_archive_only_by_platform_and_not_while_in_active_work(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    with pytest.raises(PermissionDenied):
        service.archive_enterprise(
            session, actor=contact_actor(session, enterprise), enterprise=enterprise
        )
    partnership = make_partnership(
        session, college, enterprise, status="active", start_date=date(2024, 1, 1)
    )
    with pytest.raises(Conflict) as busy:
        service.archive_enterprise(session, actor=platform_actor(session), enterprise=enterprise)
    assert busy.value.code == "in_use"
    partnership.status = "dormant"
    service.archive_enterprise(session, actor=platform_actor(session), enterprise=enterprise)
    assert enterprise.archived_at is not None
    with pytest.raises(Conflict) as archived:
        service.update_enterprise(
            session, actor=ACTOR, enterprise=enterprise, data=EnterpriseUpdate(name="N")
        )
    assert archived.value.code == "archived"
    listed = repository.list_enterprises(session, actor=ACTOR, params=ListParams())
    assert enterprise.id not in [e.id for e in listed.items]
    service.restore_enterprise(session, actor=platform_actor(session), enterprise=enterprise)
    assert enterprise.archived_at is None
    assert [e.action for e in audit_entries(session, "enterprise")][-2:] == ["archive", "restore"]


# --- staff counts and contacts -----------------------------------------------------------------


def test_staff_count_on_gives_the_latest_count_on_or_before_a_day(
    session: Session, enterprise: Enterprise
) -> None:
    assert service.staff_count_on(enterprise, date(2030, 1, 1)) is None
    for day, staff in ((date(2024, 1, 1), 200), (date(2023, 1, 1), 100), (date(2025, 7, 1), 260)):
        service.add_staff_count(
            session,
            actor=ACTOR,
            enterprise=enterprise,
            data=StaffCountCreate(as_of=day, on_post_staff=staff),
        )

    def on(day: date) -> int | None:
        found = service.staff_count_on(enterprise, day)
        return found.on_post_staff if found else None

    assert on(date(2022, 12, 31)) is None
    assert on(date(2023, 1, 1)) == 100
    assert on(date(2023, 12, 31)) == 100
    assert on(date(2024, 1, 1)) == 200
    assert on(date(2031, 1, 1)) == 260


def test_one_staff_count_per_date(session: Session, enterprise: Enterprise) -> None:
    data = StaffCountCreate(as_of=date(2024, 1, 1), on_post_staff=10)
    count = service.add_staff_count(session, actor=ACTOR, enterprise=enterprise, data=data)
    with pytest.raises(Conflict) as caught:
        service.add_staff_count(session, actor=ACTOR, enterprise=enterprise, data=data)
    assert caught.value.errors[0].field == "as_of"
    assert "already recorded (10)" in caught.value.localised()
    service.delete_staff_count(session, actor=ACTOR, enterprise=enterprise, staff_count=count)
    assert service.staff_count_on(enterprise, date(2024, 1, 1)) is None
    with pytest.raises(ValueError, match="greater than or equal"):
        StaffCountCreate(as_of=date(2024, 1, 1), on_post_staff=-1)


def test_contacts_are_master_data(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    with pytest.raises(PermissionDenied):
        service.add_contact(
            session,
            actor=college_actor(session, college),
            enterprise=enterprise,
            data=ContactCreate(name="X"),
        )
    own = contact_actor(session, enterprise)
    contact = service.add_contact(
        session, actor=own, enterprise=enterprise, data=ContactCreate(name="Wang", role="HR")
    )
    service.update_contact(
        session,
        actor=own,
        enterprise=enterprise,
        contact=contact,
        data=ContactUpdate(phone="13800138000"),
    )
    assert (contact.role, contact.phone) == ("HR", "13800138000")
    service.delete_contact(session, actor=own, enterprise=enterprise, contact=contact)
    assert repository.list_contacts(session, enterprise=enterprise) == []
    actions = [e.action for e in audit_entries(session, "enterprise_contact")]
    assert actions == ["create", "update", "delete"]


# --- reading: shared master data ---------------------------------------------------------------


def test_every_college_reads_every_enterprise_but_a_contact_only_its_own(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    other = make_enterprise(session)
    teacher = college_actor(session, college, Role.TEACHER)
    assert repository.get_enterprise(session, actor=teacher, enterprise_id=other.id) is other
    seen = repository.list_enterprises(session, actor=teacher, params=ListParams(per_page=200))
    assert {enterprise.id, other.id} <= {e.id for e in seen.items}
    contact = contact_actor(session, enterprise)
    only = repository.list_enterprises(session, actor=contact, params=ListParams())
    assert [e.id for e in only.items] == [enterprise.id]
    with pytest.raises(NotFound):
        repository.get_enterprise(session, actor=contact, enterprise_id=other.id)
    student = college_actor(session, college, Role.STUDENT)
    assert repository.list_enterprises(session, actor=student, params=ListParams()).total == 0


def test_search_and_filters(session: Session) -> None:
    robot = make_enterprise(
        session,
        name="Pearl River Robotics",
        short_name="PRR",
        kind="state_owned",
        industry_section="I",
        region_code="440106",
        certified_level="national",
        certified_on="2022-01-01",
    )
    make_enterprise(session, name="Hebei Steel", region_code="130100", industry_section="C")

    def names(q: str = "", **filters: object) -> list[str]:
        page = repository.list_enterprises(
            session,
            actor=ACTOR,
            params=ListParams(q=q, per_page=200),
            filters=EnterpriseFilter(**filters),
        )
        return [e.name for e in page.items]

    assert names("robotics") == ["Pearl River Robotics"]
    assert names("prr") == ["Pearl River Robotics"]
    tail = robot.uscc[-7:].lower()
    assert names(f"{tail[:3]}-{tail[3:]}") == ["Pearl River Robotics"]
    assert "Pearl River Robotics" in names(region="440000")
    assert "Pearl River Robotics" not in names(region="13")
    assert "Hebei Steel" in names(region="1301")
    assert names(kind="state_owned", industry_section="i") == ["Pearl River Robotics"]
    assert "Pearl River Robotics" in names(certified=True)
    assert "Pearl River Robotics" not in names(certified=False)
    assert names("robotics", archived=True) == []
    with pytest.raises(ValidationFailed):
        repository.list_enterprises(session, actor=ACTOR, params=ListParams(sort="notes"))


# --- change proposals --------------------------------------------------------------------------


def propose(
    session: Session, college: College, enterprise: Enterprise, **changes: object
) -> EnterpriseChangeProposal:
    return proposals.propose_change(
        session,
        actor=college_actor(session, college),
        enterprise=enterprise,
        data=ProposalCreate(changes=changes, reason="Seen on the licence"),
    )


def test_proposal_keeps_only_real_changes_and_is_checked_like_an_update(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    proposal = proposals.propose_change(
        session,
        actor=college_actor(session, college),
        enterprise=enterprise,
        data=ProposalCreate(
            changes={"short_name": "精工", "address": " 广州市黄埔区 ", "industry_section": "m"},
            reason="Moved",
        ),
    )
    assert proposal.changes == {"address": "广州市黄埔区", "industry_section": "M"}
    assert (proposal.college_id, proposal.status) == (college.id, ProposalStatus.OPEN)
    entry = audit_entries(session, "enterprise_change_proposal")[0]
    assert (entry.action, entry.college_id) == ("create", college.id)
    with pytest.raises(ValidationFailed) as unknown:
        propose(session, college, enterprise, notes="x")
    assert unknown.value.errors[0].field == "changes.notes"
    with pytest.raises(ValidationFailed) as invalid:
        propose(session, college, enterprise, uscc="123")
    assert invalid.value.errors[0].field == "changes.uscc"
    assert "18 characters" in invalid.value.errors[0].localised()
    with pytest.raises(ValidationFailed) as same:
        propose(session, college, enterprise, short_name="精工")
    assert same.value.errors[0].code == "no_changes"
    with pytest.raises(ValidationFailed) as half:
        propose(session, college, enterprise, certified_level="city")
    assert half.value.errors[0].field == "changes.certified_on"
    other = make_enterprise(session)
    with pytest.raises(service.Duplicate) as duplicate:
        propose(session, college, enterprise, uscc=other.uscc)
    assert duplicate.value.errors[0].field == "changes.uscc"
    assert duplicate.value.existing_id == other.id


def test_only_colleges_propose(session: Session, enterprise: Enterprise) -> None:
    with pytest.raises(PermissionDenied):
        proposals.propose_change(
            session,
            actor=platform_actor(session),
            enterprise=enterprise,
            data=ProposalCreate(changes={"name": "X"}, reason="r"),
        )


def test_the_enterprise_accepts_and_the_change_is_applied_and_audited(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    proposal = propose(
        session, college, enterprise, name="广州精工集团", website="https://jg.example"
    )
    with pytest.raises(PermissionDenied):
        proposals.accept_proposal(session, actor=college_actor(session, college), proposal=proposal)
    with pytest.raises(PermissionDenied):
        proposals.accept_proposal(
            session,
            actor=contact_actor(session, make_enterprise(session)),
            proposal=proposal,
        )
    proposals.accept_proposal(
        session,
        actor=contact_actor(session, enterprise),
        proposal=proposal,
        data=ProposalDecision(note="Thanks"),
    )
    assert (enterprise.name, enterprise.website) == ("广州精工集团", "https://jg.example")
    assert proposal.status == ProposalStatus.ACCEPTED
    update = next(e for e in audit_entries(session, "enterprise") if e.action == "update")
    assert update.changes["name"] == ["广州精工机械有限公司", "广州精工集团"]
    assert update.college_id is None
    accepted = audit_entries(session, "enterprise_change_proposal")[-1]
    assert (accepted.action, accepted.college_id) == ("accept", college.id)
    with pytest.raises(Conflict) as again:
        proposals.accept_proposal(session, actor=platform_actor(session), proposal=proposal)
    assert again.value.code == "already_decided"


def test_rejection_needs_a_note(session: Session, college: College, enterprise: Enterprise) -> None:
    proposal = propose(session, college, enterprise, name="Wrong")
    with pytest.raises(ValidationFailed) as caught:
        proposals.reject_proposal(
            session, actor=platform_actor(session), proposal=proposal, data=ProposalDecision()
        )
    assert caught.value.errors[0].field == "note"
    proposals.reject_proposal(
        session,
        actor=platform_actor(session),
        proposal=proposal,
        data=ProposalDecision(note="The licence says otherwise"),
    )
    assert enterprise.name == "广州精工机械有限公司"
    assert proposal.decision_note == "The licence says otherwise"


def test_accepting_a_proposal_that_no_longer_fits_is_refused(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    newcomer_code = valid_uscc()
    proposal = propose(session, college, enterprise, uscc=newcomer_code)
    make_enterprise(session, uscc=newcomer_code)
    with pytest.raises(service.Duplicate) as caught:
        proposals.accept_proposal(session, actor=platform_actor(session), proposal=proposal)
    assert caught.value.errors[0].field == "changes.uscc"


def test_colleges_see_their_own_proposals_contacts_their_enterprises(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    other_college = make_college(session)
    mine = propose(session, college, enterprise, name="A")
    theirs = propose(session, other_college, enterprise, name="B")
    on_other = propose(session, college, make_enterprise(session), name="C")

    def visible(actor: Actor) -> set[int]:
        page = repository.list_proposals(session, actor=actor, params=ListParams())
        return {p.id for p in page.items}

    assert visible(college_actor(session, college, Role.TEACHER)) == {mine.id, on_other.id}
    assert visible(contact_actor(session, enterprise)) == {mine.id, theirs.id}
    with pytest.raises(NotFound):
        repository.get_proposal(
            session,
            actor=college_actor(session, college),
            proposal_id=theirs.id,
        )
