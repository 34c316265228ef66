"""Benchmark: the daily reminder job over a region's worth of agreements.

Loads the default demo, adds ``--agreements`` active agreements (default 10,000) to the demo
college's partnerships — each with two obligations, some behind, with end dates spread from two
months ago to two and a half years ahead, one in five renewing itself — then times
``tandem remind`` twice on the same day as a subprocess: the first run moves agreements by date
(expiring, renewed, ended) and writes the notices; the second finds nothing new (idempotence),
which is the cost of every later cron or in-app run that day.

    .venv/bin/python bench/agreements/remind.py [--db sqlite|postgresql] [--agreements N]

Targets: first run < 60 s and second run < 20 s for 10,000 agreements. On PostgreSQL it uses the
schema ``bench_remind`` only (dropped and created, then dropped).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registries"))

from common import (
    DEFAULT_PG_URL,
    children_peak_rss_mb,
    configure,
    drop_schema,
    fresh_schema,
    load_average,
    machine,
    run_tandem,
    stamp,
)

SCHEMA = "bench_remind"
TERMS = {  # each mode's required terms, so agreements may move on by date
    1: {
        "venue": "Workshop",
        "area_m2": "300",
        "fee_kind": "free",
        "training_positions_per_term": 20,
    },
    2: {"base_name": "Base", "college_equipment": "Lathes", "enterprise_equipment": "Centres"},
    3: {"equipment_placed": "Robot arm", "students_to_train_per_year": 60},
    4: {"production_scope": "Harnesses", "pricing": "4.50 a piece", "quality_terms": "AQL 1.0"},
    5: {"training_institution": "Academy", "joint_team": "3 + 4", "employees_to_train_per_year": 9},
    6: {"programme": "Mechatronics", "certification": "Level 1", "teachers_to_certify": 4},
    7: {
        "simulated_site": "Warehouse",
        "courses_contracted": "Ops",
        "contracted_hours_per_year": 160,
    },
}
FIRST_TARGET, SECOND_TARGET = 60.0, 20.0


def add_agreements(count: int) -> int:
    """Insert ``count`` active agreements with obligations and deliveries (bulk, no services)."""
    from sqlalchemy import select

    import tandem.models  # noqa: F401 - every table, so foreign keys resolve
    from tandem.agreement.models import (
        Agreement,
        AgreementMode,
        AgreementStatus,
        Obligation,
        ObligationDelivery,
    )
    from tandem.college.models import College
    from tandem.db import session_scope
    from tandem.kit.dates import local_today
    from tandem.partner.models import Partnership

    rng = random.Random(6)
    today = local_today()
    with session_scope() as session:
        college = session.scalars(select(College).where(College.code == "DEMO")).one()
        partnerships = list(
            session.scalars(select(Partnership).where(Partnership.college_id == college.id))
        )
        for index in range(count):
            partnership = partnerships[index % len(partnerships)]
            end = today + timedelta(days=rng.randint(-60, 900))
            start = end - timedelta(days=3 * 365)
            mode = rng.randint(1, 7)
            agreement = Agreement(
                college_id=college.id,
                partnership_id=partnership.id,
                department_id=partnership.department_id,
                title=f"Bench agreement {index}",
                number=f"BENCH-{index:06d}",
                status=AgreementStatus.ACTIVE,
                college_signatory="Wang",
                enterprise_signatory="Li",
                start_date=start,
                end_date=end,
                auto_renew=rng.random() < 0.2,
                signed_on=start,
            )
            agreement.modes.append(AgreementMode(mode=mode, terms=TERMS[mode]))
            for party in ("college", "enterprise"):
                obligation = Obligation(
                    college_id=college.id,
                    party=party,
                    mode=mode,
                    description="Training positions",
                    quantity=Decimal(20),
                    unit="positions",
                    period="term",
                    starts_on=start,
                    due_on=end,
                )
                delivered = rng.choice([0, 40, 80, 120])
                if delivered:
                    obligation.deliveries.append(
                        ObligationDelivery(
                            college_id=college.id,
                            amount=Decimal(delivered),
                            delivered_on=start + timedelta(days=200),
                        )
                    )
                agreement.obligations.append(obligation)
            session.add(agreement)
            if index % 1000 == 999:
                session.flush()
                session.expunge_all()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--agreements", type=int, default=10_000)
    args = parser.parse_args()
    load = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'remind.db'}"
        else:
            url = fresh_schema(args.pg_url, SCHEMA)
        env = configure(url, Path(tmp))
        try:
            for step in (["db", "upgrade"], ["demo"]):
                if run_tandem(step, env).returncode != 0:
                    return 1
            add_agreements(args.agreements)
            first = run_tandem(["remind"], env)
            second = run_tandem(["remind"], env)
            print(first.output[-1500:])
        finally:
            if args.db == "postgresql":
                drop_schema(args.pg_url, SCHEMA)
    met = first.seconds < FIRST_TARGET and second.seconds < SECOND_TARGET
    result = {
        "benchmark": "remind",
        "when": stamp(),
        "machine": machine(),
        "db": args.db,
        "agreements": args.agreements,
        "first_run_s": round(first.seconds, 1),
        "second_run_s": round(second.seconds, 1),
        "peak_rss_mb": round(children_peak_rss_mb()),
        "load_before": round(load, 1),
        "target": f"first < {FIRST_TARGET:.0f} s, second < {SECOND_TARGET:.0f} s",
        "met": met,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
