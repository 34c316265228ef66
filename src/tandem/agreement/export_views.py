"""Excel export of the agreement list: the page's own filters, search, sort and scope, every
matching row, headers in the reader's language (an enterprise contact's file holds only their
enterprise's approved agreements, as their list does)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session, selectinload

from tandem.agreement import repository
from tandem.agreement.deps import Reader
from tandem.agreement.labels import KIND_LABELS, label, status_label
from tandem.agreement.models import Agreement, Obligation
from tandem.agreement.modes import mode_label
from tandem.agreement.obligations import standing_of
from tandem.agreement.pages import ListFilter
from tandem.agreement.progress import Progress
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.export import Field, field, local_time, yes_no
from tandem.kit.i18n import N_, get_language
from tandem.partner.models import Partnership

router = APIRouter(include_in_schema=False)

Row = tuple[Agreement, College, int]  # the agreement, its college, obligations behind


def _rows(session: Session, stmt: Any) -> Iterator[Row]:
    today = local_today()
    colleges: dict[int, College] = {}
    for chunk in export.chunks(session, stmt):
        for agreement in chunk:
            if agreement.college_id not in colleges:
                colleges[agreement.college_id] = session.get_one(College, agreement.college_id)
            behind = sum(
                1
                for o in agreement.obligations
                if standing_of(o, today).progress == Progress.BEHIND
            )
            yield agreement, colleges[agreement.college_id], behind


def _fields(actor: Actor) -> Sequence[Field[Any]]:
    fields: list[Field[Any]] = [
        field("number", "协议编号", "Number", lambda r: export.text(r[0].number)),
        field("title", "协议名称", "Title", lambda r: export.text(r[0].title)),
        field("enterprise", "企业", "Enterprise", lambda r: r[0].partnership.enterprise.name),
        field("uscc", "统一社会信用代码", "USCC", lambda r: r[0].partnership.enterprise.uscc),
    ]
    if not actor.college_id:
        fields.append(field("college", "院校", "College", lambda r: r[1].name(get_language())))
    fields += [
        field("kind", "协议类型", "Type", lambda r: label(KIND_LABELS, r[0].kind)),
        field(
            "modes",
            "合作模式",
            "Modes",
            lambda r: "; ".join(mode_label(m) for m in r[0].mode_numbers) or None,
        ),
        field(
            "department",
            "二级学院",
            "Department",
            lambda r: r[0].department.name(get_language()) if r[0].department else None,
        ),
        field("status", "状态", "Status", lambda r: status_label(r[0].status)),
        field("start_date", "开始日期", "Start date", lambda r: r[0].start_date),
        field("end_date", "结束日期", "End date", lambda r: r[0].end_date),
        field("auto_renew", "自动续期", "Renews itself", lambda r: yes_no(r[0].auto_renew)),
        field("signed_on", "签署日期", "Signed on", lambda r: r[0].signed_on),
        field(
            "college_signatory",
            "学校签署人",
            "College signatory",
            lambda r: export.text(r[0].college_signatory),
        ),
        field(
            "enterprise_signatory",
            "企业签署人",
            "Enterprise signatory",
            lambda r: export.text(r[0].enterprise_signatory),
        ),
        field("value_money", "协议金额（元）", "Value (CNY)", lambda r: r[0].value_money),
        field("value_in_kind", "实物价值（元）", "In kind (CNY)", lambda r: r[0].value_in_kind),
        field("obligations", "承诺事项", "Obligations", lambda r: len(r[0].obligations)),
        field("behind", "滞后的承诺事项", "Obligations behind", lambda r: r[2]),
        field("next_review_on", "下次评审", "Next review", lambda r: r[0].next_review_on),
        field("updated_at", "最近修改", "Last changed", lambda r: local_time(r[0].updated_at)),
    ]
    return fields


@router.get("/agreements/export.xlsx")
def agreement_export(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: ListFilter,
) -> Response:
    stmt = repository.agreements_query(actor=actor, params=params, filters=filters).options(
        selectinload(Agreement.obligations).selectinload(Obligation.deliveries),
        selectinload(Agreement.partnership).selectinload(Partnership.enterprise),
    )
    return export.xlsx_response(
        _fields(actor), _rows(session, stmt), stem="agreements", title=N_("Agreements")
    )
