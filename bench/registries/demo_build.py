"""Benchmark: building the large demo, and why its students are written in bulk.

1. Times ``tandem demo --size large`` on a fresh database (wall time and peak RSS of the
   command; target: a few minutes at most).
2. Times ``people.service.create_student`` — the per-row path with its look-ups, flush and
   audit row — for ``--service-rows`` students (default 2,000) added to the default demo in one
   transaction, and extrapolates to 20,000: the reason the large demo's students go through
   the bulk path (see ``tandem/demo/large.py``).

    .venv/bin/python bench/registries/demo_build.py [--db sqlite|postgresql] [--service-rows N]

On PostgreSQL it uses the schema ``bench_demo`` only (dropped and created, then dropped).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from common import (
    DEFAULT_PG_URL,
    children_cpu_seconds,
    children_peak_rss_mb,
    configure,
    drop_schema,
    fresh_schema,
    load_average,
    machine,
    run_tandem,
    stamp,
)

SCHEMA = "bench_demo"
TARGET_SECONDS = 180.0


def service_path(rows: int) -> float:
    """Seconds to add ``rows`` students to the demo's classes through the service."""
    from sqlalchemy import select

    from tandem.auth.actor import Actor
    from tandem.db import session_scope
    from tandem.demo.people_data import phone, student_draft
    from tandem.kit.crypto import cipher
    from tandem.people import service
    from tandem.people.models import SchoolClass, Student
    from tandem.people.schemas import StudentCreate

    rng = random.Random(11)
    actor = Actor.system("bench")
    with session_scope() as session:
        classes = list(session.scalars(select(SchoolClass).order_by(SchoolClass.id)))
        taken = set(session.scalars(select(Student.id_number_hash)))
        started = time.perf_counter()
        for index in range(rows):
            school_class = classes[index % len(classes)]
            person = student_draft(rng, cohort=school_class.cohort_year, number=f"S{index:07d}")
            while cipher().lookup_hash(person.id_number) in taken:  # made-up IDs can repeat
                person = student_draft(rng, cohort=school_class.cohort_year, number=person.number)
            taken.add(cipher().lookup_hash(person.id_number))
            data = StudentCreate(
                student_number=person.number,
                name=person.name,
                gender=person.gender,
                birth_date=person.birth_date,
                id_number=person.id_number,
                class_id=school_class.id,
                phone=person.phone,
                guardian_name=person.name[0] + "建国",
                guardian_phone=phone(rng),
            )
            service.create_student(
                session, actor=actor, data=data, college_id=school_class.college_id
            )
        seconds = time.perf_counter() - started
        session.rollback()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--service-rows", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as tmp:
        var = Path(tmp) / "var"
        if args.db == "postgresql":
            configure(args.pg_url, var)
            url = fresh_schema(args.pg_url, SCHEMA)
        else:
            url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        env = configure(url, var)
        try:
            upgraded = run_tandem(["db", "upgrade"], env)
            load = load_average()
            cpu = children_cpu_seconds()
            build = run_tandem(["demo", "--size", "large"], env)
            rss = children_peak_rss_mb()
            cpu = children_cpu_seconds() - cpu
            if upgraded.returncode or build.returncode:
                print(upgraded.output + build.output, file=sys.stderr)
                return 1
            service_seconds = service_path(args.service_rows)
        finally:
            if args.db == "postgresql":
                drop_schema(args.pg_url, SCHEMA)
    per_row_ms = service_seconds / args.service_rows * 1000
    verdict = "met" if build.seconds < TARGET_SECONDS else "MISSED"
    print(
        f"{args.db}: tandem demo --size large in {build.seconds:.1f} s, peak RSS {rss:.0f} MB "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict}); CPU {cpu:.1f} s, load average "
        f"{load:.1f} before\n"
        f"  service path: {args.service_rows} students in {service_seconds:.1f} s = "
        f"{per_row_ms:.1f} ms each; 20,000 would take ≈ {per_row_ms * 20:.0f} s"
    )
    result = {
        "db": args.db,
        "build_s": build.seconds,
        "build_peak_rss_mb": rss,
        "build_cpu_s": cpu,
        "load_average": load,
        "service_rows": args.service_rows,
        "service_ms_per_row": per_row_ms,
        "machine": machine(),
        "date": stamp(),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0 if verdict == "met" else 3


if __name__ == "__main__":
    sys.exit(main())
