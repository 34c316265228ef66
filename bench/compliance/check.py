"""Benchmark: the compliance check over 100,000 fact documents.

Builds ``--documents`` varied fact documents (default 100,000; seeded, so every run checks the
same ones: about a third break at least one rule, some lack facts), then times

1. the core: ``check_all`` over the decoded documents (validation + every cn-2021 rule), and
2. the command: ``tandem compliance check FILE --lang en`` on one JSON file holding the list,
   start-up, JSON decoding and printing included.

    .venv/bin/python bench/compliance/check.py [--documents N] [--rules cn-2021]

Target: 100,000 documents checked in under 5 s (the core; the command is reported beside it).
The CPU time of the core is printed too: on a busy machine wall time exceeds it.
No database is used.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registries"))

from common import load_average, machine, stamp

from tandem.compliance.evaluator import check_all
from tandem.compliance.ruleset import load_ruleset

TARGET_SECONDS = 5.0
BASE: dict[str, Any] = {
    "as_of": "2026-03-01",
    "kind": "post",
    "student": {
        "birth_date": "2008-05-01",
        "year_of_study": 2,
        "gender": "F",
        "guardian_consent": True,
    },
    "host": {
        "on_post_staff": 200,
        "interns": 10,
        "venue_category": "manufacturing",
        "via_intermediary": False,
    },
    "post": {
        "staff": 40,
        "interns": 5,
        "labour_intensity": 2,
        "high_risk": False,
        "restrictions": [],
        "wage": 5000,
    },
    "terms": {
        "start": "2026-03-01",
        "end": "2026-08-31",
        "monthly_pay": 4200,
        "pay_cycle_days": 30,
        "paid_in_money": True,
        "hours_per_day": 8,
        "days_per_week": 5,
        "night_shift": False,
        "holiday_work": False,
        "fees": [],
        "tripartite_agreement_signed": True,
        "insurance": {"start": "2026-03-01", "end": "2026-08-31", "paid_by": "college"},
    },
}
CATEGORIES = ["manufacturing", "manufacturing", "logistics", "retail", "hospitality", "it_services"]


def document(rng: random.Random) -> dict[str, Any]:
    """A realistic placement: most pass, about one in three breaks a rule, a few lack a fact."""
    doc = copy.deepcopy(BASE)
    start = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    young = rng.random() < 0.04
    born = start - timedelta(days=rng.randrange(15 * 365 if young else 17 * 365, 22 * 365))
    doc["kind"] = "post" if rng.random() < 0.85 else "cognition"
    doc["student"].update(
        birth_date=born.isoformat(),
        year_of_study=1 if rng.random() < 0.03 else rng.choice([2, 3]),
        gender=rng.choice("FM"),
    )
    staff = rng.randrange(50, 2000)
    doc["host"].update(
        on_post_staff=staff,
        interns=rng.randrange(0, staff // 10 + (5 if rng.random() < 0.05 else 0)),
        venue_category="ktv" if rng.random() < 0.01 else rng.choice(CATEGORIES),
    )
    post_staff = rng.randrange(10, 200)
    wage = Decimal(rng.randrange(3000, 9000))
    doc["post"].update(
        staff=post_staff,
        interns=rng.randrange(0, post_staff // 5 + (3 if rng.random() < 0.05 else 0)),
        labour_intensity=3 if rng.random() < 0.02 else rng.choice([1, 2]),
        wage=wage,
        restrictions=["minor_prohibited"] if rng.random() < 0.05 else [],
    )
    share = Decimal(rng.choice([75, 80, 85, 90, 100, 100, 100])) / 100
    end = start + timedelta(days=30 * rng.choice([3, 5, 5, 6, 6]))
    terms = doc["terms"]
    terms.update(
        start=start.isoformat(),
        end=end.isoformat(),
        monthly_pay=(wage * share).quantize(Decimal("0.01")),
        hours_per_day=Decimal("8.5") if rng.random() < 0.03 else Decimal(8),
        insurance=[
            {
                "start": start.isoformat(),
                "end": (start + timedelta(days=60)).isoformat(),
                "paid_by": "college",
            },
            {
                "start": (start + timedelta(days=61)).isoformat(),
                "end": end.isoformat(),
                "paid_by": "host",
            },
        ],
    )
    if rng.random() < 0.03:
        del terms["tripartite_agreement_signed"]  # a missing fact: a warning
    return doc


def encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    raise TypeError(type(value))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rules", default="cn-2021")
    args = parser.parse_args()
    load = load_average()
    rng = random.Random(2026)
    documents = [document(rng) for _ in range(args.documents)]
    ruleset = load_ruleset(args.rules)

    started, cpu_started = time.perf_counter(), time.process_time()
    reports = check_all(documents, ruleset, "en")
    core = time.perf_counter() - started
    core_cpu = time.process_time() - cpu_started
    assert isinstance(reports, list)
    failing = sum(not r["ok"] for r in reports)
    violations = sum(len(r["violations"]) for r in reports)

    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "facts.json"
        file.write_text(json.dumps(documents, default=encode), encoding="utf-8")
        tandem = str(Path(sys.executable).parent / "tandem")
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own command
            [tandem, "compliance", "check", str(file), "--lang", "en"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        command = time.perf_counter() - started

    result = {
        "benchmark": "compliance.check",
        "when": stamp(),
        "machine": machine(),
        "load_before": load,
        "documents": args.documents,
        "rules": args.rules,
        "failing_documents": failing,
        "violations": violations,
        "core_seconds": round(core, 2),
        "core_cpu_seconds": round(core_cpu, 2),
        "core_documents_per_second": round(args.documents / core),
        "command_seconds": round(command, 2),
        "command_exit": done.returncode,
        "target_seconds": TARGET_SECONDS,
    }
    print(
        f"{args.documents:,} documents ({failing:,} with a block violation, {violations:,} "
        f"violations): core {core:.2f} s ({core_cpu:.2f} s CPU), command {command:.2f} s "
        f"(target < {TARGET_SECONDS} s)"
    )
    print(json.dumps(result))
    return 0 if core < TARGET_SECONDS else 3


if __name__ == "__main__":
    sys.exit(main())
