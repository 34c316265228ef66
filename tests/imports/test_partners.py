"""Importing partner enterprises: shared master data, staff counts, contacts, partnerships."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.kit.errors import PermissionDenied
from tandem.partner.models import (
    Enterprise,
    EnterpriseChangeProposal,
    EnterpriseContact,
    EnterpriseStaffCount,
    Partnership,
)
from tests.factories import make_user
from tests.imports.helpers import Campus, count, run, xlsx
from tests.partner.helpers import make_contact_user, make_enterprise, valid_uscc

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "企业类型",
    "行业门类",
    "企业规模",
    "行政区划代码",
    "产教融合型企业等级",
    "认定日期",
    "在岗职工人数",
    "人数统计日期",
    "联系人",
    "联系电话",
    "建立合作关系",
]
FIRST, SECOND = valid_uscc(700001), valid_uscc(700002)


def partner_rows() -> list[list[object]]:
    spaced = " ".join([FIRST[:6], FIRST[6:12].lower(), FIRST[12:]])
    return [
        HEADER,
        [
            spaced,
            "广州精工机械有限公司",
            "民营企业",
            "C 制造业",
            "中型",
            440100.0,
            "省级",
            45000,
            120.0,
            "2025年12月31日",
            "李经理",
            "13800001111",
            "是",
        ],
        [
            SECOND,
            "粤信科技股份有限公司",
            "state-owned",
            "i",
            "Large",
            "440106",
            None,
            None,
            None,
            None,
            None,
            None,
            "否",
        ],
        [None] * 13,
    ]


def test_new_enterprises_with_staff_contacts_and_partnership(
    session: Session, campus: Campus
) -> None:
    data = xlsx(partner_rows(), title="合作企业名单", width=13)
    report = run(session, "partners", data, college=campus.college, actor=campus.office)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first = session.scalar(select(Enterprise).where(Enterprise.uscc == FIRST))
    second = session.scalar(select(Enterprise).where(Enterprise.uscc == SECOND))
    assert first is not None
    assert second is not None
    assert (first.kind, first.industry_section, first.size_band, first.region_code) == (
        "private",
        "C",
        "medium",
        "440100",
    )
    assert (first.certified_level, first.certified_on) == ("provincial", date(2023, 3, 15))
    assert (second.kind, second.industry_section, second.size_band) == ("state_owned", "I", "large")
    staff = session.scalars(select(EnterpriseStaffCount)).all()
    assert [(s.as_of, s.on_post_staff) for s in staff] == [(date(2025, 12, 31), 120)]
    contact = session.scalar(select(EnterpriseContact))
    assert contact is not None
    assert (contact.name, contact.phone) == ("李经理", "13800001111")
    partnership = session.scalar(select(Partnership))
    assert partnership is not None
    assert (partnership.college_id, partnership.enterprise_id, partnership.status) == (
        campus.college.id,
        first.id,
        "prospect",
    )
    again = run(session, "partners", data, college=campus.college, actor=campus.office)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count(session, Partnership) == 1
    assert count(session, EnterpriseStaffCount) == 1


def test_a_college_never_overwrites_shared_master_data(session: Session, campus: Campus) -> None:
    existing = make_enterprise(session, uscc=FIRST, name="旧名称有限公司")
    rows = [
        [*HEADER[:6], "建立合作关系"],
        [FIRST, "新名称有限公司", "民营企业", "C", "中型", "440100", "是"],
    ]
    report = run(session, "partners", xlsx(rows), college=campus.college, actor=campus.office)
    assert report.ok, report.errors
    assert [(n.row, n.message) for n in report.notes] == [
        (2, "unchanged (shared record; propose changes on its page)")
    ]
    assert report.outcomes[0].status == "updated"  # a partnership was started
    session.expire_all()
    assert existing.name == "旧名称有限公司"
    assert count(session, EnterpriseChangeProposal) == 0
    assert count(session, Partnership) == 1
    only_shared = run(session, "partners", xlsx(rows), college=campus.college, actor=campus.office)
    assert (only_shared.unchanged, only_shared.updated) == (1, 0)
    assert only_shared.outcomes[0].status == "shared"


def test_the_platform_updates_master_data_and_adds_counts_and_contacts(
    session: Session, campus: Campus
) -> None:
    existing = make_enterprise(session, uscc=FIRST, name="旧名称有限公司", size_band="small")
    rows = [
        [
            "USCC",
            "Name",
            "Kind",
            "Industry section",
            "Size",
            "Region code",
            "On-post staff",
            "Staff count date",
            "Contact name",
            "Contact role",
        ],
        [FIRST, "新名称有限公司", None, None, None, None, 80, "2026-01-31", "王主管", "人事"],
    ]
    report = run(session, "partners", xlsx(rows), college=None)
    assert report.ok, report.errors
    assert report.updated == 1
    session.expire_all()
    assert (existing.name, existing.size_band) == ("新名称有限公司", "small")  # blank keeps
    assert [c.on_post_staff for c in existing.staff_counts] == [80]
    assert [(c.name, c.role) for c in existing.contacts] == [("王主管", "人事")]
    again = run(session, "partners", xlsx(rows), college=None)
    assert again.unchanged == 1
    rows[1][9] = "人力资源部"
    changed = run(session, "partners", xlsx(rows), college=None)
    assert changed.updated == 1
    session.expire_all()
    assert [(c.name, c.role) for c in existing.contacts] == [("王主管", "人力资源部")]
    rows[1][6] = 81  # another count for a date already recorded: the service refuses it
    refused = run(session, "partners", xlsx(rows), college=None)
    assert [(e.row, e.column) for e in refused.errors] == [(2, "staff_as_of")]


def test_partner_row_errors(session: Session, campus: Campus) -> None:
    broken = FIRST[:17] + ("0" if FIRST[17] != "0" else "1")
    rows = [
        HEADER,
        [
            broken,
            "甲公司",
            "民营企业",
            "C",
            "中型",
            "440100",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            SECOND,
            "乙公司",
            "合伙",
            "Z",
            "巨型",
            "999999",
            "省级",
            None,
            -5,
            None,
            None,
            None,
            "也许",
        ],
        [
            SECOND.lower(),
            "丙公司",
            "民营企业",
            "C",
            "中型",
            "440100",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            valid_uscc(700003),
            "丁公司",
            "民营企业",
            "C",
            "中型",
            "440100",
            "国家级",
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    report = run(session, "partners", xlsx(rows), college=campus.college, actor=campus.office)
    found = [(e.row, e.column) for e in report.errors]
    assert (2, "uscc") in found
    assert {(3, c) for c in ("kind", "size_band", "partnership", "industry_section")} <= set(found)
    assert (3, "region_code") in found
    assert (5, "certified_on") in found
    assert (3, "staff_as_of") in found
    assert (3, "on_post_staff") in found
    assert (4, "uscc") in found
    assert "check character" in report.errors[0].message
    assert count(session, Enterprise) == 0


def test_partnerships_need_a_college_and_the_right_role(session: Session, campus: Campus) -> None:
    rows = [
        [*HEADER[:6], "建立合作关系"],
        [FIRST, "甲公司", "民营企业", "C", "中型", "440100", "是"],
    ]
    report = run(session, "partners", xlsx(rows), college=None)
    assert [(e.row, e.column) for e in report.errors] == [(2, "partnership")]
    coordinator = auth_service.actor_for(
        make_user(session, "department_coordinator", campus.college, campus.mech)
    )
    done = run(session, "partners", xlsx(rows), college=campus.college, actor=coordinator)
    assert done.ok, done.errors
    partnership = session.scalar(select(Partnership))
    assert partnership is not None
    assert partnership.department_id == campus.mech.id
    contact = auth_service.actor_for(make_contact_user(session, make_enterprise(session)))
    teacher = auth_service.actor_for(make_user(session, "teacher", campus.college))
    for actor in (contact, teacher):
        with pytest.raises(PermissionDenied):
            run(session, "partners", xlsx(rows), college=None, actor=actor)
