"""link agreement terms to the register

The terms of existing agreements named their places in text: mode 1 ``venue`` and mode 7
``simulated_site`` (a venue), mode 2 ``base_name`` (a training base). For each, find the record
of the agreement's college with exactly that name (trimmed) or create one, and link the term to
it (``agreement_resource``). A venue created here is a productive base's floor for mode 1 (with
the terms' area) or a simulated practice site for mode 7; a base is an on-campus base of the
agreement's partnership. Codes are ``AG-<agreement id>-<n>``.

Downgrade removes the links this step makes (a term linked to a record of exactly its name) and
keeps the records.

Plain SQL through tables declared here: a migration never imports the application's models.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 14:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from alembic import op

import tandem.kit.orm

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

meta = sa.MetaData()
agreement = sa.Table(
    "agreement",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("college_id", sa.Integer),
    sa.Column("partnership_id", sa.Integer),
    sa.Column("department_id", sa.Integer),
    sa.Column("number", sa.String(60)),
)
agreement_mode = sa.Table(
    "agreement_mode",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agreement_id", sa.Integer),
    sa.Column("mode", sa.Integer),
    sa.Column("terms", sa.JSON),
)


def stamps() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("version", sa.Integer),
        sa.Column("created_at", tandem.kit.orm.UTCDateTime(timezone=True)),
        sa.Column("updated_at", tandem.kit.orm.UTCDateTime(timezone=True)),
    )


venue = sa.Table(
    "venue",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("college_id", sa.Integer),
    sa.Column("code", sa.String(30)),
    sa.Column("name", sa.String(200)),
    sa.Column("building", sa.String(100)),
    sa.Column("kind", sa.String(20)),
    sa.Column("area_m2", sa.Numeric(12, 2)),
    sa.Column("workstations", sa.Integer),
    sa.Column("ownership", sa.String(20)),
    sa.Column("department_id", sa.Integer),
    sa.Column("status", sa.String(20)),
    sa.Column("note", sa.String(1000)),
    *stamps(),
)
training_base = sa.Table(
    "training_base",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("college_id", sa.Integer),
    sa.Column("code", sa.String(30)),
    sa.Column("name", sa.String(200)),
    sa.Column("kind", sa.String(20)),
    sa.Column("partnership_id", sa.Integer),
    sa.Column("agreement_id", sa.Integer),
    sa.Column("department_id", sa.Integer),
    sa.Column("address", sa.String(300)),
    sa.Column("workstations", sa.Integer),
    sa.Column("host_staff_on_post", sa.Integer),
    sa.Column("projects", sa.String(1000)),
    sa.Column("lodging", sa.Boolean),
    sa.Column("status", sa.String(20)),
    sa.Column("note", sa.String(1000)),
    *stamps(),
)
agreement_resource = sa.Table(
    "agreement_resource",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("college_id", sa.Integer),
    sa.Column("agreement_id", sa.Integer),
    sa.Column("term_key", sa.String(60)),
    sa.Column("venue_id", sa.Integer),
    sa.Column("base_id", sa.Integer),
)

# term key -> (mode, term, table, kind of a record created for it)
PLACE_TERMS: dict[str, tuple[int, str, sa.Table, str]] = {
    "1.venue": (1, "venue", venue, "productive_base"),
    "2.base_name": (2, "base_name", training_base, "on_campus"),
    "7.simulated_site": (7, "simulated_site", venue, "simulated_site"),
}
MODES = sorted({mode for mode, _, _, _ in PLACE_TERMS.values()})


def _text(terms: Any, name: str) -> str:
    value = terms.get(name) if isinstance(terms, dict) else None
    return value.strip()[:200] if isinstance(value, str) else ""


def _area(terms: Any) -> Decimal | None:
    raw = terms.get("area_m2") if isinstance(terms, dict) else None
    try:
        area = Decimal(str(raw)) if raw not in (None, "") else None
    except InvalidOperation:
        return None
    return area if area is not None and 0 < area < Decimal("1e10") else None


def _named(conn: sa.Connection, table: sa.Table, college_id: int) -> dict[str, int]:
    """The college's records by trimmed name (the first made, on a tie)."""
    rows = conn.execute(
        sa.select(table.c.id, table.c.name)
        .where(table.c.college_id == college_id)
        .order_by(table.c.id.desc())
    )
    return {row.name.strip(): row.id for row in rows}


def _codes(conn: sa.Connection, table: sa.Table, college_id: int) -> set[str]:
    return set(conn.scalars(sa.select(table.c.code).where(table.c.college_id == college_id)))


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(
        sa.select(
            agreement.c.id,
            agreement.c.college_id,
            agreement.c.partnership_id,
            agreement.c.department_id,
            agreement.c.number,
            agreement_mode.c.mode,
            agreement_mode.c.terms,
        )
        .join(agreement_mode, agreement_mode.c.agreement_id == agreement.c.id)
        .where(agreement_mode.c.mode.in_(MODES))
        .order_by(agreement.c.id, agreement_mode.c.mode)
    ).all()
    created: dict[int, int] = {}  # agreement id -> records made for it so far
    for row in rows:
        for key, (mode, term, table, kind) in PLACE_TERMS.items():
            name = _text(row.terms, term) if row.mode == mode else ""
            if not name:
                continue
            record_id = _named(conn, table, row.college_id).get(name)
            if record_id is None:
                record_id = _create(conn, row, table, kind, name, created, now)
            conn.execute(
                agreement_resource.insert().values(
                    college_id=row.college_id,
                    agreement_id=row.id,
                    term_key=key,
                    venue_id=record_id if table is venue else None,
                    base_id=record_id if table is training_base else None,
                )
            )


def _create(
    conn: sa.Connection,
    row: Any,
    table: sa.Table,
    kind: str,
    name: str,
    created: dict[int, int],
    now: datetime,
) -> int:
    taken = _codes(conn, table, row.college_id)
    n = created.get(row.id, 0)
    while True:
        n += 1
        code = f"AG-{row.id}-{n}"
        if code not in taken:
            break
    created[row.id] = n
    reference = row.number or f"#{row.id}"
    common = {
        "college_id": row.college_id,
        "code": code,
        "name": name,
        "kind": kind,
        "department_id": row.department_id,
        "workstations": 0,
        "status": "active",
        "note": f"由协议 {reference} 的条款生成 · from the terms of agreement {reference}",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    if table is venue:
        values = common | {
            "building": "",
            "area_m2": _area(row.terms) if kind == "productive_base" else None,
            "ownership": "college",
        }
    else:
        values = common | {
            "partnership_id": row.partnership_id,
            "agreement_id": row.id,
            "address": "",
            "host_staff_on_post": 0,
            "projects": "",
            "lodging": False,
        }
    key = conn.execute(table.insert().values(**values)).inserted_primary_key
    assert key is not None  # noqa: S101 - an insert of one row has its key
    return int(key[0])


def downgrade() -> None:
    conn = op.get_bind()
    links = conn.execute(
        sa.select(
            agreement_resource.c.id,
            agreement_resource.c.term_key,
            agreement_mode.c.mode,
            agreement_mode.c.terms,
            venue.c.name.label("venue_name"),
            training_base.c.name.label("base_name"),
        )
        .join(agreement_mode, agreement_mode.c.agreement_id == agreement_resource.c.agreement_id)
        .outerjoin(venue, venue.c.id == agreement_resource.c.venue_id)
        .outerjoin(training_base, training_base.c.id == agreement_resource.c.base_id)
        .where(agreement_resource.c.term_key.in_(list(PLACE_TERMS)))
    ).all()
    doomed = set()
    for link in links:
        mode, term, table, _ = PLACE_TERMS[link.term_key]
        if link.mode != mode:
            continue
        name = link.venue_name if table is venue else link.base_name
        text = _text(link.terms, term)
        if text and name is not None and name.strip() == text:
            doomed.add(link.id)
    if doomed:
        conn.execute(agreement_resource.delete().where(agreement_resource.c.id.in_(doomed)))
