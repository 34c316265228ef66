"""Migration 0007 links the places existing agreements name in their terms to the register:
found by exact (trimmed) name in the agreement's college, else created; downgrade removes the
links and keeps the records; upgrading again links the same records (nothing made twice)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement, AgreementMode
from tandem.college.models import College
from tandem.db import build_engine
from tandem.migrations import alembic_config, upgrade
from tandem.partner.models import Partnership
from tandem.resource.models import AgreementResource, TrainingBase, Venue
from tests.conftest import fresh_postgres_schema, postgres_url
from tests.factories import make_college, make_department
from tests.partner.helpers import make_enterprise, make_partnership

pytestmark = pytest.mark.db


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'links.db'}"
        return
    url = postgres_url()
    if not url:
        pytest.skip("PostgreSQL migration check: set TANDEM_TEST_DATABASE_URL to run it")
    yield fresh_postgres_schema(url, f"tandem_links_{worker_id}")


def _agreement(
    session: Session, partnership: Partnership, title: str, modes: dict[int, dict[str, Any]]
) -> int:
    """An agreement and its modes' terms, written as plain inserts (no service, no hook)."""
    agreement_id = session.execute(
        insert(Agreement)
        .values(
            college_id=partnership.college_id,
            partnership_id=partnership.id,
            department_id=partnership.department_id,
            title=title,
            number=f"NO-{title}",
        )
        .returning(Agreement.id)
    ).scalar_one()
    for mode, terms in modes.items():
        session.execute(
            insert(AgreementMode).values(agreement_id=agreement_id, mode=mode, terms=terms)
        )
    return int(agreement_id)


def _links(session: Session) -> list[tuple[int, str, int | None, int | None]]:
    rows = session.execute(
        select(
            AgreementResource.agreement_id,
            AgreementResource.term_key,
            AgreementResource.venue_id,
            AgreementResource.base_id,
        ).order_by(AgreementResource.agreement_id, AgreementResource.term_key)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _world(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        college, elsewhere = make_college(session), make_college(session)
        department = make_department(session, college)
        partnership = make_partnership(session, college, make_enterprise(session), department)
        other = make_partnership(session, elsewhere, make_enterprise(session), None)
        # Already in the register: the site of agreement "B" (its terms add spaces around it).
        site = Venue(
            college_id=college.id, code="SIM-1", name="智慧仓储物流模拟实训中心", kind="workshop"
        )
        # Another college's venue of the same name as "A"'s: never linked to college's terms.
        stranger = Venue(
            college_id=elsewhere.id, code="X-1", name="实训楼A座一层智能制造车间", kind="workshop"
        )
        session.add_all([site, stranger])
        session.flush()
        ids = {
            "college": college.id,
            "partnership": partnership.id,
            "department": department.id,
            "site": site.id,
            "stranger": stranger.id,
            "A": _agreement(
                session,
                partnership,
                "A",
                {1: {"venue": "实训楼A座一层智能制造车间", "area_m2": "600", "fee_kind": "free"}},
            ),
            "B": _agreement(
                session,
                partnership,
                "B",
                {
                    2: {"base_name": "数控加工生产性实训基地", "college_equipment": "数控车床8台"},
                    7: {"simulated_site": "  智慧仓储物流模拟实训中心 "},
                },
            ),
            "C": _agreement(  # names the same venue as "A": linked to the one made for "A"
                session, partnership, "C", {1: {"venue": "实训楼A座一层智能制造车间"}}
            ),
            "D": _agreement(session, partnership, "D", {1: {"area_m2": "80"}, 5: {}}),
            "framework": _agreement(session, partnership, "F", {}),
            "E": _agreement(session, other, "E", {7: {"simulated_site": "模拟养老照护病区"}}),
        }
        session.commit()
    return ids


def test_terms_are_linked_to_found_or_created_records(database: str) -> None:
    upgrade(database, "0006")
    engine = build_engine(database)
    ids = _world(engine)
    upgrade(database, "0007")
    with Session(engine) as session:
        college = session.get(College, ids["college"])
        assert college is not None
        made = session.scalars(
            select(Venue).where(Venue.code.like("AG-%")).order_by(Venue.id)
        ).all()
        assert [(v.college_id, v.code, v.name, v.kind) for v in made] == [
            (ids["college"], f"AG-{ids['A']}-1", "实训楼A座一层智能制造车间", "productive_base"),
            (
                college_id_of(session, ids["E"]),
                f"AG-{ids['E']}-1",
                "模拟养老照护病区",
                "simulated_site",
            ),
        ]
        floor = made[0]
        assert floor.area_m2 == Decimal("600.00")
        assert (floor.ownership, floor.status, floor.version) == ("college", "active", 1)
        assert floor.department_id == ids["department"]
        assert floor.created_at is not None
        assert floor.updated_at is not None
        assert made[1].area_m2 is None
        base = session.scalars(select(TrainingBase)).one()
        assert (base.code, base.name, base.kind, base.status) == (
            f"AG-{ids['B']}-1",
            "数控加工生产性实训基地",
            "on_campus",
            "active",
        )
        assert (base.partnership_id, base.agreement_id, base.version) == (
            ids["partnership"],
            ids["B"],
            1,
        )
        assert _links(session) == sorted(
            [
                (ids["A"], "1.venue", floor.id, None),
                (ids["B"], "2.base_name", None, base.id),
                (ids["B"], "7.simulated_site", ids["site"], None),
                (ids["C"], "1.venue", floor.id, None),
                (ids["E"], "7.simulated_site", made[1].id, None),
            ]
        )
        links = session.scalars(select(AgreementResource)).all()
        assert all(link.college_id == college_id_of(session, link.agreement_id) for link in links)

    command.downgrade(alembic_config(database), "0006")
    with Session(engine) as session:
        assert _links(session) == []
        assert session.scalar(select(func.count()).select_from(Venue)) == 4  # records stay
        assert session.scalar(select(func.count()).select_from(TrainingBase)) == 1

    upgrade(database, "0007")  # again: the same records, found by name now
    with Session(engine) as session:
        assert len(_links(session)) == 5
        assert session.scalar(select(func.count()).select_from(Venue)) == 4
        assert session.scalar(select(func.count()).select_from(TrainingBase)) == 1
        assert ids["stranger"] not in {v for _, _, v, _ in _links(session)}
    engine.dispose()


def test_a_link_made_by_hand_survives_the_downgrade(database: str) -> None:
    upgrade(database, "0007")
    engine = build_engine(database)
    ids = _world(engine)  # written after 0007: nothing links them yet
    with Session(engine) as session:
        session.add(
            AgreementResource(
                college_id=ids["college"],
                agreement_id=ids["A"],
                term_key="1.venue",
                venue_id=ids["site"],  # not the name in the terms: a choice made by hand
            )
        )
        session.commit()
    command.downgrade(alembic_config(database), "0006")
    with Session(engine) as session:
        assert _links(session) == [(ids["A"], "1.venue", ids["site"], None)]
    engine.dispose()


def college_id_of(session: Session, agreement_id: int) -> int:
    found = session.scalar(select(Agreement.college_id).where(Agreement.id == agreement_id))
    assert found is not None
    return found
