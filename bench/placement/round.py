"""Benchmark: an allocation round of the large demo's placement plan (20,000 students).

Builds college LARGE once (``tandem.demo.large.build_large`` at full scale: 20,000 students,
300 enterprises) and its placement plan (``tandem.demo.placement_large.build_large_plan``:
every active partnership's positions, up to five preferences per student, host rankings),
updates the planner's statistics, then measures, each the median of ``--runs`` runs in a
session of its own after one run to warm up:

1. ``tandem.placement.rounds.run_round`` — load the instance from the database, allocate (the
   stable objective with explanations, and the welfare objective for the comparison), store
   the round and its 20,000 outcomes — committed; target < 10 s. Its steps are timed too;
2. ``tandem.placement.rounds_publish.publish_round`` of that round (draft placements in bulk,
   the plan to results, the announcement), rolled back after each run so the next run starts
   from the same plan.

    .venv/bin/python bench/placement/round.py [--db sqlite|postgresql] [--runs 3]
        [--pg-url URL] [--keep] [--objective stable|welfare]

On SQLite the database is a temporary file. On PostgreSQL it uses the schema
``bench_placement`` only (dropped and created; ``--keep`` keeps it). Exits 0 when the target
is met, 3 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
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
)

SCHEMA = "bench_placement"
TARGET = 10.0


def build(url: str, seed: int) -> dict[str, Any]:
    import tandem.models  # noqa: F401 - every table, so foreign keys resolve
    from tandem.db import session_scope
    from tandem.demo.large import build_large
    from tandem.demo.placement_large import build_large_plan
    from tandem.migrations import upgrade

    upgrade(url)
    started = time.perf_counter()
    with session_scope() as session:
        build_large(session, seed=seed)
    with session_scope() as session:
        counts: dict[str, Any] = dict(build_large_plan(session, seed=seed))
    counts["build_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def analyse(url: str) -> None:
    from sqlalchemy import text

    from tandem.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(text("ANALYZE"))


def plan_id() -> int:
    from sqlalchemy import select

    from tandem.db import session_scope
    from tandem.demo.placement_large import PLAN_NAME
    from tandem.placement.models import PlacementPlan

    with session_scope() as session:
        found = session.scalar(select(PlacementPlan.id).where(PlacementPlan.name == PLAN_NAME))
        assert found is not None
        return found


def run_once(pid: int, objective: str, seed: int) -> dict[str, Any]:
    from tandem.auth.actor import Actor
    from tandem.db import session_scope
    from tandem.placement.models import PlacementPlan
    from tandem.placement.rounds import run_round

    steps: dict[str, float] = {}
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    with session_scope() as session:
        plan = session.get_one(PlacementPlan, pid)
        found = run_round(
            session,
            actor=Actor.system("bench"),
            plan=plan,
            objective=objective,
            seed=seed,
            on_step=lambda name: marks.append((name, time.perf_counter())),
        )
        stats = dict(found.stats)
        round_id = found.id
    total = time.perf_counter() - started
    ends = [m[1] for m in marks[1:]] + [started + total]
    for (name, at), end in zip(marks, ends, strict=True):
        steps[name] = end - at  # "store" includes the commit
    return {"total": total, "steps": steps, "stats": stats, "round_id": round_id}


def publish_once(round_id: int) -> tuple[float, int]:
    from tandem.auth.actor import Actor
    from tandem.config import get_settings
    from tandem.db import get_sessionmaker
    from tandem.placement.models import AllocationRound
    from tandem.placement.rounds_publish import publish_round

    session = get_sessionmaker()()
    try:
        found = session.get_one(AllocationRound, round_id)
        started = time.perf_counter()
        made = publish_round(
            session, actor=Actor.system("bench"), round=found, settings=get_settings()
        )
        session.flush()
        seconds = time.perf_counter() - started
    finally:
        session.rollback()
        session.close()
    return seconds, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--objective", choices=["stable", "welfare"], default="stable")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="tandem-bench-placement-") as tmp:
        if args.db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            url = fresh_schema(args.pg_url, SCHEMA)
        configure(url, Path(tmp) / "var")
        try:
            print(f"Building college LARGE and its placement plan on {args.db} …", flush=True)
            counts = build(url, args.seed)
            analyse(url)
            print(f"Built: {counts}", flush=True)
            pid = plan_id()
            run_once(pid, args.objective, 1)  # warm-up (imports, numba, caches)
            runs = [run_once(pid, args.objective, 1 + i) for i in range(args.runs)]
            publish = [publish_once(runs[-1]["round_id"]) for _ in range(args.runs)]
        finally:
            if args.db == "postgresql" and not args.keep:
                drop_schema(args.pg_url, SCHEMA)
    median = statistics.median(r["total"] for r in runs)
    step_median = {
        name: round(statistics.median(r["steps"][name] for r in runs), 3)
        for name in ("load", "allocate", "store")
    }
    publish_median = statistics.median(s for s, _ in publish)
    stats = runs[-1]["stats"]
    summary = {
        "benchmark": "placement.round",
        "date": stamp(),
        "machine": machine(),
        "db": args.db,
        "objective": args.objective,
        "load_average": [round(load_before, 2), round(load_average(), 2)],
        "built": counts,
        "students": stats["students"],
        "assigned": stats["assigned"],
        "positions": stats["positions"],
        "hosts": stats["hosts"],
        "run_round_seconds": [round(r["total"], 3) for r in runs],
        "run_round_median": round(median, 3),
        "steps_median": step_median,
        "publish_seconds": [round(s, 3) for s, _ in publish],
        "publish_median": round(publish_median, 3),
        "draft_placements": publish[-1][1],
        "target_seconds": TARGET,
        "met": median < TARGET,
    }
    print(
        f"run_round on {args.db}: median {median:.2f} s over {args.runs} runs "
        f"(load {step_median['load']:.2f} s, allocate {step_median['allocate']:.2f} s, "
        f"store {step_median['store']:.2f} s) for {stats['students']} students, "
        f"{stats['assigned']} placed; publish_round median {publish_median:.2f} s "
        f"({publish[-1][1]} draft placements). Target < {TARGET:.0f} s: "
        f"{'met' if median < TARGET else 'MISSED'}"
    )
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if median < TARGET else 3


if __name__ == "__main__":
    sys.exit(main())
