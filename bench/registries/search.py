"""Benchmark: searching students by name in the large demo college (target: p95 < 100 ms).

Builds a database with ``tandem demo --size large`` (20,000 students in college LARGE), then
times ``tandem.people.repository.list_students`` — the query behind /students and
/api/v1/students: the count and the first page of 25, with class and major — for random
searches by surname, by a given-name fragment and by full name, each in a session of its own
(like a request), as LARGE's cooperation office sees them. On PostgreSQL the tables are
ANALYZEd after the build (autovacuum would have done it in a database in use).

    .venv/bin/python bench/registries/search.py --db sqlite
    .venv/bin/python bench/registries/search.py --db postgresql [--pg-url URL] [--explain]

On PostgreSQL it uses the schema ``bench_registries`` only: dropped and created at the start,
dropped at the end (``--keep`` keeps it for a later ``--reuse``). ``--sqlite-file F`` reuses
(or builds) that SQLite file.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_PG_URL,
    configure,
    drop_schema,
    fresh_schema,
    load_average,
    machine,
    percentile,
    run_tandem,
    stamp,
    with_search_path,
)

SCHEMA = "bench_registries"
TARGET_P95_MS = 100.0
WARM_UP = 10


def queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, text): 40 % surnames, 30 % given-name fragments, 30 % full names."""
    from tandem.demo.people_data import GIVEN, SURNAMES, chinese_name

    drawn = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.4:
            drawn.append(("surname", rng.choice(SURNAMES)))
        elif roll < 0.7:
            given = rng.choice(GIVEN)
            drawn.append(("fragment", given if rng.random() < 0.5 else given[0]))
        else:
            drawn.append(("full name", chinese_name(rng)))
    return drawn


def office_actor(session: Any) -> Any:
    from sqlalchemy import select

    from tandem.auth.actor import Actor
    from tandem.auth.models import User
    from tandem.auth.roles import Role
    from tandem.college.models import College
    from tandem.demo.large import LARGE_CODE, LARGE_OFFICE

    college_id = session.scalar(select(College.id).where(College.code == LARGE_CODE))
    user_id = session.scalar(select(User.id).where(User.email == LARGE_OFFICE))
    return Actor(label="bench", user_id=user_id, role=Role.COLLEGE_ADMIN, college_id=college_id)


def large_is_built(url: str) -> bool:
    from sqlalchemy import func, inspect, select

    from tandem.college.models import College
    from tandem.db import build_engine
    from tandem.people.models import Student

    engine = build_engine(url)
    try:
        if "student" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as conn:
            count = conn.scalar(
                select(func.count(Student.id))
                .join(College, College.id == Student.college_id)
                .where(College.code == "LARGE")
            )
        return bool(count)
    finally:
        engine.dispose()


def analyze(url: str) -> None:
    """Fresh planner statistics, as autovacuum would have them in a database in use."""
    from sqlalchemy import text

    from tandem.db import build_engine

    engine = build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE student, school_class, major"))
    engine.dispose()


def measure(url: str, drawn: list[tuple[str, str]]) -> dict[str, Any]:
    from sqlalchemy.orm import Session

    from tandem.db import build_engine
    from tandem.kit.pagination import ListParams
    from tandem.people.repository import list_students

    engine = build_engine(url)
    with Session(engine) as session:
        actor = office_actor(session)
    timings: dict[str, list[float]] = {}
    matches: list[int] = []
    for index, (kind, q) in enumerate(drawn):
        with Session(engine) as session:
            started = time.perf_counter()
            page = list_students(session, actor=actor, params=ListParams(q=q, per_page=25))
            elapsed = (time.perf_counter() - started) * 1000
        if index >= WARM_UP:
            timings.setdefault(kind, []).append(elapsed)
            matches.append(page.total)
    engine.dispose()
    every = [t for values in timings.values() for t in values]
    by_kind = {
        kind: {"n": len(v), "p50_ms": statistics.median(v), "p95_ms": percentile(v, 95)}
        for kind, v in timings.items()
    }
    return {
        "queries": len(every),
        "p50_ms": statistics.median(every),
        "p95_ms": percentile(every, 95),
        "max_ms": max(every),
        "mean_ms": statistics.fmean(every),
        "mean_matches": statistics.fmean(matches),
        "by_kind": by_kind,
    }


def explain(url: str, q: str) -> None:
    """The plans of the statements list_students runs for ``q`` (captured, then explained)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tandem.db import build_engine
    from tandem.kit.pagination import ListParams
    from tandem.people.repository import list_students

    engine = build_engine(url)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    with Session(engine) as session:
        actor = office_actor(session)
        event.listen(engine, "before_cursor_execute", capture)
        list_students(session, actor=actor, params=ListParams(q=q, per_page=25))
        event.remove(engine, "before_cursor_execute", capture)
    prefix = (
        "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with engine.connect() as conn:
        for statement, parameters in captured:
            print(f"\n--- {' '.join(statement.split())[:300]}")
            for row in conn.exec_driver_sql(prefix + statement, parameters):
                print("   ", " | ".join(str(cell) for cell in row))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite-file", type=Path, help="reuse (or build) this SQLite file")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument(
        "--reuse", action="store_true", help="use the schema a --keep run left (no rebuild)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as tmp:
        if args.db == "postgresql":
            configure(args.pg_url, Path(tmp) / "var")
            url = (
                with_search_path(args.pg_url, SCHEMA)
                if args.reuse
                else fresh_schema(args.pg_url, SCHEMA)
            )
        else:
            database = args.sqlite_file or Path(tmp) / "large.db"
            url = f"sqlite:///{database.resolve()}"
        env = configure(url, Path(tmp) / "var")
        build_seconds = None
        try:
            if not large_is_built(url):
                for step in (["db", "upgrade"], ["demo", "--size", "large", "--seed", "2026"]):
                    run = run_tandem(step, env)
                    if run.returncode != 0:
                        print(run.output, file=sys.stderr)
                        return 1
                build_seconds = run.seconds
            if args.db == "postgresql":
                analyze(url)
            drawn = queries(random.Random(args.seed), args.queries + WARM_UP)
            load = load_average()
            result = measure(url, drawn)
            if args.explain:
                explain(url, "王")
        finally:
            if args.db == "postgresql" and not args.keep:
                drop_schema(args.pg_url, SCHEMA)
    result |= {
        "db": args.db,
        "machine": machine(),
        "date": stamp(),
        "load_average": load,
        "build_s": build_seconds,
    }
    verdict = "met" if result["p95_ms"] < TARGET_P95_MS else "MISSED"
    print(
        f"{args.db}: {result['queries']} searches, p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
        f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict}); "
        f"{result['mean_matches']:.0f} matches on average; load average {load:.1f} before"
    )
    for kind, stats in result["by_kind"].items():
        print(
            f"  {kind:10} n={stats['n']:3}  "
            f"p50 {stats['p50_ms']:.1f} ms  p95 {stats['p95_ms']:.1f} ms"
        )
    if build_seconds is not None:
        print(f"  build (tandem demo --size large): {build_seconds:.1f} s")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if verdict == "met" else 3


if __name__ == "__main__":
    sys.exit(main())
