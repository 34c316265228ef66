"""Benchmark: a year of utilisation over ~2,150 resources and ~500,000 bookings, and a resource's
calendar for a week.

Builds college BENCH once (8 departments, 40 partner enterprises, an office account) and a
generated year of resources (``tandem.demo.resources_large.generate_year``: 150 venues, 2,000
equipment lines, 500,000 bookings), updates the planner's statistics, then measures, each the
median of ``--runs`` runs in a session of its own (after one run to warm up):

1. the full-year college utilisation report as the page asks for it (grouped by college, by
   month) through ``tandem.resource.utilisation.utilisation`` — target < 2 s — and the same
   through ``GET /api/v1/utilisation`` and ``GET /utilisation`` (the page with its charts);
   for information also by resource and by week;
2. a resource's calendar for a week — target < 200 ms: the calendar query
   (``tandem.resource.bookings_list.resource_calendar``) for the busiest equipment line's
   busiest week, and its page ``GET /equipment/{id}/calendar?day=…``.

    .venv/bin/python bench/resources/utilisation.py [--db sqlite|postgresql] [--runs 7]
        [--sqlite-file F] [--pg-url URL] [--keep] [--reuse] [--bookings N]

On SQLite the database is a temporary file unless ``--sqlite-file`` names one (built there when
it holds no college BENCH yet, reused otherwise). On PostgreSQL it uses the schema
``bench_resources`` only (dropped and created; ``--keep`` keeps it, ``--reuse`` measures an
existing one again). Exits 0 when both targets are met, 3 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registries"))

from common import (
    DEFAULT_PG_URL,
    configure,
    drop_schema,
    fresh_schema,
    load_average,
    machine,
    stamp,
    with_search_path,
)

SCHEMA = "bench_resources"
CODE = "BENCH"
REPORT_TARGET, CALENDAR_TARGET = 2.0, 0.2


def build(url: str, *, bookings: int, venues: int, equipment: int) -> dict[str, Any]:
    """Migrations, college BENCH with partners and an office account, and the generated year."""
    from rich.progress import Progress
    from sqlalchemy import select

    import tandem.models  # noqa: F401 - every table, so foreign keys resolve
    from tandem.auth import service as auth_service
    from tandem.auth.actor import Actor
    from tandem.auth.roles import Role
    from tandem.auth.schemas import UserInvite
    from tandem.college import service as college_service
    from tandem.college.models import College
    from tandem.college.schemas import CollegeCreate, DepartmentCreate
    from tandem.db import session_scope
    from tandem.demo.resources_large import generate_year
    from tandem.kit.identifiers import USCC_CHARSET, uscc_check_character
    from tandem.migrations import upgrade
    from tandem.partner import partnerships
    from tandem.partner import service as partner_service
    from tandem.partner.schemas import EnterpriseCreate, PartnershipCreate

    upgrade(url)
    actor = Actor.system("bench")
    with session_scope() as session:
        if session.scalar(select(College.id).where(College.code == CODE)) is not None:
            return {"built": False}
        college = college_service.create_college(
            session,
            actor=actor,
            data=CollegeCreate(
                code=CODE, name_zh="基准学院", name_en="Bench", region_code="440100"
            ),
        )
        for n in range(8):
            college_service.create_department(
                session,
                actor=actor,
                college=college,
                data=DepartmentCreate(code=f"D{n}", name_zh=f"二级学院{n}", name_en=f"Dept {n}"),
            )
        for n in range(40):
            digits = "".join(USCC_CHARSET[(n // 31**i) % 31] for i in range(8))
            body = f"91440101{digits}B"
            enterprise = partner_service.create_enterprise(
                session,
                actor=actor,
                data=EnterpriseCreate(
                    uscc=body + uscc_check_character(body),
                    name=f"基准企业{n:02d}有限公司",
                    kind="private",
                    industry_section="C",
                    size_band="medium",
                    region_code="440100",
                ),
            )
            partnerships.create_partnership(
                session,
                actor=actor,
                data=PartnershipCreate(enterprise_id=enterprise.id, college_id=college.id),
            )
        auth_service.create_user(
            session,
            actor=actor,
            data=UserInvite(
                email="office@bench.example",
                display_name="Office",
                role=Role.COLLEGE_ADMIN,
                college_id=college.id,
            ),
            password=None,
        )
        session.flush()
        started = time.perf_counter()
        with Progress(transient=True) as progress:
            task = progress.add_task("Bookings", total=bookings)
            made = generate_year(
                session,
                college_id=college.id,
                first=first_day(),
                venues=venues,
                equipment=equipment,
                bookings=bookings,
                progress=lambda done, total: progress.update(task, completed=done),
            )
    made["generate_s"] = round(time.perf_counter() - started, 1)
    made["built"] = True
    return made


def first_day() -> date:
    """The generated year ends about two months from today (past bookings are confirmed)."""
    from tandem.kit.dates import local_today

    return local_today() - timedelta(days=300)


def analyse(url: str) -> None:
    from sqlalchemy import text

    from tandem.db import build_engine

    engine = build_engine(url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def median_of(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    """Median wall time and median CPU time of this process over ``runs`` runs (one warm-up)."""
    work()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def measure(runs: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    import tandem.models  # noqa: F401
    from tandem.auth import service as auth_service
    from tandem.auth.models import User
    from tandem.college.models import College
    from tandem.config import get_settings
    from tandem.db import get_sessionmaker, session_scope
    from tandem.main import create_app
    from tandem.resource import utilisation as service
    from tandem.resource.models import Booking, Equipment
    from tandem.resource.utilisation import Selection

    first = first_day()
    last = first + timedelta(days=364)
    with session_scope() as session:
        college = session.scalars(select(College).where(College.code == CODE)).one()
        user = session.scalars(select(User).where(User.email == "office@bench.example")).one()
        actor = auth_service.actor_for(user)
        _, raw_token = auth_service.create_token(session, actor=actor, user=user, name="bench")
        total = session.scalar(select(func.count()).where(Booking.college_id == college.id))
        busiest = session.execute(
            select(Booking.equipment_id, func.count().label("n"))
            .where(Booking.college_id == college.id, Booking.equipment_id.is_not(None))
            .group_by(Booking.equipment_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        line_id = busiest.equipment_id
        days = session.scalars(select(Booking.day).where(Booking.equipment_id == line_id)).all()
    counts: dict[date, int] = {}
    for day in days:
        monday = day - timedelta(days=day.weekday())
        counts[monday] = counts.get(monday, 0) + 1
    monday = max(counts, key=lambda d: counts[d])
    sessions = get_sessionmaker()

    def report(group: str = "college", bucket: str | None = "month") -> Callable[[], Any]:
        def run() -> Any:
            with sessions() as session:
                college_row = session.get(College, college.id)
                assert college_row is not None
                selection = Selection(first=first, last=last, group=group, bucket=bucket)  # type: ignore[arg-type]
                return service.utilisation(
                    session, actor=actor, college=college_row, selection=selection
                )

        return run

    results: dict[str, Any] = {"bookings": total, "line_id": line_id, "week": monday.isoformat()}
    results["report_s"], results["report_cpu_s"] = median_of(runs, report())
    sample = report()().report
    results["utilisation_pct"] = str(sample.total.utilisation_rate)
    results["underused"] = len(sample.underused)
    results["report_resource_s"], _ = median_of(max(3, runs // 2), report("resource", "month"))
    results["report_week_s"], _ = median_of(max(3, runs // 2), report("college", "week"))
    results["report_plain_s"], _ = median_of(max(3, runs // 2), report("college", None))

    app = create_app(get_settings(), sessions)
    logging.getLogger().setLevel(logging.WARNING)  # not a line per request
    client = TestClient(
        app, headers={"Authorization": f"Bearer {raw_token}", "Accept-Language": "en"}
    )
    period = f"from={first.isoformat()}&to={last.isoformat()}"

    def get(url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.text[:300])
            return response

        return run

    results["api_s"], _ = median_of(runs, get(f"/api/v1/utilisation?{period}&bucket=month"))
    results["page_s"], _ = median_of(runs, get(f"/utilisation?{period}"))

    try:
        from tandem.resource.bookings_list import resource_calendar
    except ImportError:  # the calendar's own query, if the helper is not there
        resource_calendar = None

    def calendar_query() -> Any:
        with sessions() as session:
            line = session.get(Equipment, line_id)
            assert line is not None
            if resource_calendar is not None:
                return resource_calendar(
                    session, resource=line, first=monday, last=monday + timedelta(days=6)
                )
            return session.scalars(
                select(Booking).where(
                    Booking.equipment_id == line_id,
                    Booking.day >= monday,
                    Booking.day <= monday + timedelta(days=6),
                )
            ).all()

    results["calendar_query_s"], _ = median_of(runs * 3, calendar_query)
    calendar_url = f"/equipment/{line_id}/calendar?day={monday.isoformat()}"
    if client.get(calendar_url).status_code == 200:
        results["calendar_page_s"], _ = median_of(runs * 3, get(calendar_url))
    else:  # the calendar page is not there (yet)
        results["calendar_page_s"] = None
    with sessions() as session:
        results["week_bookings"] = session.scalar(
            select(func.count()).where(
                Booking.equipment_id == line_id,
                Booking.day >= monday,
                Booking.day <= monday + timedelta(days=6),
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite-file", type=Path)
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the schema.")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: measure it again.")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bookings", type=int, default=500_000)
    parser.add_argument("--venues", type=int, default=150)
    parser.add_argument("--equipment", type=int, default=2000)
    args = parser.parse_args()
    load = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db == "sqlite":
            path = args.sqlite_file or Path(tmp) / "resources.db"
            url = f"sqlite:///{path}"
        elif args.reuse:
            url = with_search_path(args.pg_url, SCHEMA)
        else:
            url = fresh_schema(args.pg_url, SCHEMA)
        configure(url, Path(tmp))
        try:
            made = build(url, bookings=args.bookings, venues=args.venues, equipment=args.equipment)
            if made.get("built"):
                print(f"Built: {made}")
            analyse(url)
            results = measure(args.runs)
        finally:
            if args.db == "postgresql" and not (args.keep or args.reuse):
                drop_schema(args.pg_url, SCHEMA)
    page = results["calendar_page_s"]
    met = (
        results["report_s"] < REPORT_TARGET
        and (page if page is not None else results["calendar_query_s"]) < CALENDAR_TARGET
    )
    print(
        f"Bookings in the year: {results['bookings']:,}; utilisation {results['utilisation_pct']} %"
    )
    for key, label in [
        ("report_s", "Year report (college, by month)"),
        ("report_cpu_s", "  its CPU time in this process"),
        ("report_resource_s", "Year report by resource, by month"),
        ("report_week_s", "Year report by week"),
        ("report_plain_s", "Year report without a time series"),
        ("api_s", "GET /api/v1/utilisation (year, by month)"),
        ("page_s", "GET /utilisation (year, charts)"),
        ("calendar_query_s", f"Calendar query, a week ({results['week_bookings']} bookings)"),
        ("calendar_page_s", "GET /equipment/{id}/calendar (week)"),
    ]:
        value = results[key]
        shown = "—" if value is None else f"{value * 1000:,.0f} ms"
        print(f"  {label:<48} {shown:>10}")
    summary = {
        "benchmark": "resources-utilisation",
        "when": stamp(),
        "machine": machine(),
        "db": args.db,
        **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in results.items()},
        "generate_s": made.get("generate_s"),
        "load_before": round(load, 1),
        "target": f"report < {REPORT_TARGET:.0f} s, calendar < {CALENDAR_TARGET * 1000:.0f} ms",
        "met": met,
    }
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
