"""Excel exports of the partner lists: enterprises, partnerships and change proposals.

Each takes its page's query string and scope. A partnership's internal notes are the college's
own: an enterprise contact's file has no notes column at all, and a row's notes are written only
where the reader may see them on the partnership's page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.export import Field, field, local_time, yes_no
from tandem.kit.i18n import N_, get_language
from tandem.partner import repository
from tandem.partner.labels import (
    CERTIFICATION_LABELS,
    FIELD_LABELS,
    INDUSTRY_SECTIONS,
    KIND_LABELS,
    PROPOSAL_LABELS,
    SIZE_LABELS,
    label,
    status_label,
)
from tandem.partner.models import EnterpriseChangeProposal, Partnership
from tandem.partner.pages import enterprise_filter, partnership_filter, proposal_status
from tandem.partner.partnerships import can_see_notes

router = APIRouter()

EnterpriseReader = Annotated[Actor, Depends(require(Permission.ENTERPRISE_READ))]
PartnershipReader = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_READ))]


def _section(code: str) -> str:
    return f"{code} · {label(INDUSTRY_SECTIONS, code)}"


# Enterprise rows are (enterprise, the reader's college's partnership with it or None).
ENTERPRISE_FIELDS = (
    field("name", "名称", "Name", lambda r: r[0].name),
    field("short_name", "简称", "Short name", lambda r: export.text(r[0].short_name)),
    field("uscc", "统一社会信用代码", "USCC", lambda r: r[0].uscc),
    field("kind", "企业类型", "Kind", lambda r: label(KIND_LABELS, r[0].kind)),
    field(
        "industry_section",
        "行业门类",
        "Industry section",
        lambda r: _section(r[0].industry_section),
    ),
    field(
        "industry_detail",
        "具体行业",
        "Industry detail",
        lambda r: export.text(r[0].industry_detail),
    ),
    field("size_band", "规模", "Size", lambda r: label(SIZE_LABELS, r[0].size_band)),
    field("region_code", "行政区划代码", "Region code", lambda r: r[0].region_code),
    field("address", "地址", "Address", lambda r: export.text(r[0].address)),
    field("website", "网站", "Website", lambda r: export.text(r[0].website)),
    field(
        "certified_level",
        "产教融合型企业认定级别",
        "Certified level",
        lambda r: label(CERTIFICATION_LABELS, r[0].certified_level) or None,
    ),
    field("certified_on", "认定日期", "Certified on", lambda r: r[0].certified_on),
    field("archived", "是否归档", "Archived", lambda r: yes_no(r[0].archived_at)),
)
OUR_PARTNERSHIP = field(
    "our_partnership",
    "本校合作关系",
    "Our partnership",
    lambda r: r[1] and status_label(r[1].status),
)


def _with_partnerships(session: Session, actor: Actor, stmt: Select[Any]) -> Iterator[Any]:
    for chunk in export.chunks(session, stmt):
        ours = repository.college_partnerships(
            session, actor=actor, enterprise_ids=[e.id for e in chunk]
        )
        for enterprise in chunk:
            yield enterprise, ours.get(enterprise.id)


@router.get("/enterprises/export.xlsx")
def enterprise_export(
    session: DbSession,
    actor: EnterpriseReader,
    params: ListQuery,
    kind: str = "",
    industry_section: str = "",
    region: str = "",
    certified: str = "",
    archived: str = "current",
) -> Response:
    filters = enterprise_filter(kind, industry_section, region, certified, archived)
    stmt = repository.enterprises_query(actor=actor, params=params, filters=filters)
    fields = (*ENTERPRISE_FIELDS, OUR_PARTNERSHIP) if actor.college_id else ENTERPRISE_FIELDS
    rows = _with_partnerships(session, actor, stmt)
    return export.xlsx_response(fields, rows, stem="enterprises", title=N_("Enterprises"))


# --- partnerships and proposals: rows are (record, its college) ----------------------------------


def _with_colleges(session: Session, stmt: Select[Any]) -> Iterator[tuple[Any, College]]:
    for chunk in export.chunks(session, stmt):
        colleges = repository.colleges_by_id(session, [r.college_id for r in chunk])
        for record in chunk:
            yield record, colleges[record.college_id]


def _college(row: tuple[Any, College]) -> str:
    return row[1].name(get_language())


def _partnership_fields(actor: Actor) -> Sequence[Field[Any]]:
    fields: list[Field[Any]] = [
        field("enterprise", "企业", "Enterprise", lambda r: r[0].enterprise.name),
        field("uscc", "统一社会信用代码", "USCC", lambda r: r[0].enterprise.uscc),
    ]
    if not actor.college_id:
        fields.append(field("college", "院校", "College", _college))
    fields += [
        field("status", "状态", "Status", lambda r: status_label(r[0].status)),
        field(
            "department",
            "二级学院",
            "Department",
            lambda r: r[0].department.name(get_language()) if r[0].department else None,
        ),
        field("start_date", "开始日期", "Start date", lambda r: r[0].start_date),
        field(
            "account_manager",
            "对接教师",
            "Account manager",
            lambda r: r[0].account_manager.name if r[0].account_manager else None,
        ),
        field("tags", "标签", "Tags", lambda r: export.text(", ".join(r[0].tags or ()))),
        field("ended_reason", "终止原因", "Why it ended", lambda r: export.text(r[0].ended_reason)),
        field("updated_at", "最近修改", "Last changed", lambda r: local_time(r[0].updated_at)),
    ]
    if actor.role != Role.ENTERPRISE_CONTACT:  # never a notes column for an enterprise
        fields.append(
            field(
                "notes",
                "内部备注",
                "Internal notes",
                lambda r: export.text(r[0].notes) if can_see_notes(actor, r[0]) else None,
            )
        )
    return fields


@router.get("/partnerships/export.xlsx")
def partnership_export(
    session: DbSession,
    actor: PartnershipReader,
    params: ListQuery,
    status: str = "",
    department_id: str = "",
    tag: str = "",
) -> Response:
    filters = partnership_filter(status, department_id, tag)
    stmt = repository.partnerships_query(actor=actor, params=params, filters=filters).options(
        selectinload(Partnership.enterprise),
        selectinload(Partnership.department),
        selectinload(Partnership.account_manager),
    )
    rows = _with_colleges(session, stmt)
    return export.xlsx_response(
        _partnership_fields(actor), rows, stem="partnerships", title=N_("Partnerships")
    )


def _proposal_fields(actor: Actor) -> Sequence[Field[Any]]:
    fields: list[Field[Any]] = [
        field("created_at", "提出时间", "Proposed", lambda r: local_time(r[0].created_at)),
        field("enterprise", "企业", "Enterprise", lambda r: r[0].enterprise.name),
    ]
    if not actor.college_id:
        fields.append(field("college", "提出院校", "By", _college))
    fields += [
        field(
            "fields",
            "变更字段",
            "Fields",
            lambda r: ", ".join(label(FIELD_LABELS, name) for name in r[0].changes),
        ),
        field("reason", "原因", "Reason", lambda r: export.text(r[0].reason)),
        field("status", "状态", "Status", lambda r: label(PROPOSAL_LABELS, r[0].status)),
        field("decided_at", "审核时间", "Decided", lambda r: local_time(r[0].decided_at)),
    ]
    return fields


@router.get("/proposals/export.xlsx")
def proposal_export(
    session: DbSession, actor: EnterpriseReader, params: ListQuery, status: str | None = None
) -> Response:
    stmt = repository.proposals_query(
        actor=actor, params=params, status=proposal_status(status)
    ).options(selectinload(EnterpriseChangeProposal.enterprise))
    rows = _with_colleges(session, stmt)
    return export.xlsx_response(
        _proposal_fields(actor), rows, stem="proposals", title=N_("Change proposals")
    )
