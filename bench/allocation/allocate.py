"""Benchmark: the allocation engine and `tandem match` at 1k, 5k, 20k and 100k students.

For each size the seeded generator (`generate.py`) builds an instance, then this script times

1. the engine: `tandem.matching.allocate` from parsed JSON objects (``json.loads`` output) to
   the result document, id interning included: the median of ``--repeats`` runs after one
   warm-up (the first call also loads the compiled kernel from numba's cache; it is reported
   as ``engine_first_seconds``); the pure-Python reference kernel is timed beside it;
2. the command: ``tandem match FILE -o RESULT.json`` as a subprocess (start-up, reading and
   writing JSON included): median wall time, its CPU time and peak RSS (``wait4``);
3. the PyPI package `matching` (``StudentAllocation``), for sizes up to ``--matching-max``,
   in a process of its own with a timeout: build and solve times separately, and whether its
   allocation is identical to ours (it must be).

Each CLI result is checked with the verifier (feasible, no blocking pair).

    .venv/bin/python bench/allocation/allocate.py [--sizes 1000 5000 20000 100000]

Targets: at 100,000 students the engine in at most 1 s (median), the command in at most 4 s,
peak RSS at most 600 MB; at 5,000 students at least 100x faster than `matching`'s build +
solve. CPU times are printed beside wall times: on a busy machine wall time exceeds them.
No database is used. Exit 0 when every target is met, 3 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registries"))

from common import load_average, machine, stamp
from generate import generate

from tandem.matching import allocate, check_result

HERE = Path(__file__).resolve().parent

ENGINE_TARGET = 1.0  # s, median at 100k
COMMAND_TARGET = 4.0  # s, at 100k
RSS_TARGET = 600.0  # MB, at 100k
SPEEDUP_TARGET = 100.0  # x, at 5k


def time_engine(text: str, repeats: int, kernel: str = "auto") -> tuple[float, float]:
    """Median wall and CPU seconds of ``allocate`` over fresh ``json.loads`` objects."""
    walls, cpus = [], []
    for _ in range(repeats):
        data = json.loads(text)
        started, cpu = time.perf_counter(), time.process_time()
        allocate(data, kernel=kernel)  # type: ignore[arg-type]
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run_command(instance: Path, output: Path) -> tuple[int, float, float, float]:
    """``tandem match``: exit status, wall seconds, CPU seconds, peak RSS in MB."""
    tandem = str(Path(sys.executable).parent / "tandem")
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [tandem, "match", str(instance), "-o", str(output)], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def against_matching(students: int, seed: int, timeout: float) -> dict[str, Any]:
    try:
        done = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, str(HERE / "against_matching.py"), str(students), "--seed", str(seed)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"skipped": f"did not finish within {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if not lines:
        return {"skipped": f"failed: {done.stderr.strip()[-300:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def measure(size: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    data = generate(size, args.seed)
    text = json.dumps(data, separators=(",", ":"))
    del data
    repeats = args.repeats
    data = json.loads(text)
    started = time.perf_counter()
    allocate(data)  # warm-up: loads the compiled kernel once per process (100k only)
    first = time.perf_counter() - started
    del data
    engine, engine_cpu = time_engine(text, repeats)
    python, python_cpu = time_engine(text, max(1, min(3, repeats)), kernel="python")

    instance, output = folder / f"instance-{size}.json", folder / f"result-{size}.json"
    instance.write_text(text, encoding="utf-8")
    runs = [run_command(instance, output) for _ in range(args.command_repeats)]
    verdict, problems = check_result(json.loads(text), json.loads(output.read_text("utf-8")))
    stats = json.loads(output.read_text("utf-8"))["stats"]
    row: dict[str, Any] = {
        "students": size,
        "positions": stats["positions"],
        "hosts": stats["hosts"],
        "assigned": stats["assigned"],
        "engine_first_seconds": round(first, 3),
        "engine_seconds": round(engine, 3),
        "engine_cpu_seconds": round(engine_cpu, 3),
        "python_kernel_engine_seconds": round(python, 3),
        "python_kernel_engine_cpu_seconds": round(python_cpu, 3),
        "command_exit": max(r[0] for r in runs),
        "command_seconds": round(statistics.median(r[1] for r in runs), 2),
        "command_cpu_seconds": round(statistics.median(r[2] for r in runs), 2),
        "command_peak_rss_mb": round(max(r[3] for r in runs)),
        "verified": verdict["feasible"] and not verdict["blocking_pairs"] and not problems,
    }
    if size <= args.matching_max:
        theirs = against_matching(size, args.seed, args.matching_timeout)
        row["matching"] = theirs
        if "build_seconds" in theirs:
            total = theirs["build_seconds"] + theirs["solve_seconds"]
            row["speedup_vs_matching"] = round(total / engine, 1)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=5, help="engine runs per size")
    parser.add_argument("--command-repeats", type=int, default=3)
    parser.add_argument("--matching-max", type=int, default=20000)
    parser.add_argument("--matching-timeout", type=float, default=900)
    args = parser.parse_args()
    load = load_average()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            row = measure(size, args, Path(folder))
            rows.append(row)
            theirs = row.get("matching", {})
            compared = (
                f"; matching build {theirs['build_seconds']:.2f} s + solve "
                f"{theirs['solve_seconds']:.2f} s, identical {theirs['identical']}, "
                f"{row['speedup_vs_matching']:.0f}x"
                if "build_seconds" in theirs
                else (f"; matching {theirs['skipped']}" if theirs else "")
            )
            print(
                f"{size:>7,} students: {row['assigned']:,} placed; engine "
                f"{row['engine_seconds']:.3f} s ({row['engine_cpu_seconds']:.3f} s CPU; pure "
                f"Python kernel {row['python_kernel_engine_seconds']:.3f} s); command "
                f"{row['command_seconds']:.2f} s ({row['command_cpu_seconds']:.2f} s CPU, "
                f"{row['command_peak_rss_mb']} MB); verified {row['verified']}{compared}",
                flush=True,
            )
    by_size = {row["students"]: row for row in rows}
    checks: dict[str, bool] = {}
    if 100_000 in by_size:
        big = by_size[100_000]
        checks["engine_100k"] = big["engine_seconds"] <= ENGINE_TARGET
        checks["command_100k"] = big["command_seconds"] <= COMMAND_TARGET
        checks["rss_100k"] = big["command_peak_rss_mb"] <= RSS_TARGET
    if 5000 in by_size and "speedup_vs_matching" in by_size[5000]:
        checks["speedup_5k"] = by_size[5000]["speedup_vs_matching"] >= SPEEDUP_TARGET
    checks["verified"] = all(row["verified"] and row["command_exit"] == 0 for row in rows)
    checks["identical_to_matching"] = all(
        row["matching"].get("identical", True) for row in rows if "matching" in row
    )
    result = {
        "benchmark": "allocation.allocate",
        "when": stamp(),
        "machine": machine(),
        "load_before": load,
        "load_after": load_average(),
        "seed": args.seed,
        "rows": rows,
        "targets": {
            "engine_seconds": ENGINE_TARGET,
            "command_seconds": COMMAND_TARGET,
            "peak_rss_mb": RSS_TARGET,
            "speedup_vs_matching": SPEEDUP_TARGET,
        },
        "checks": checks,
    }
    missed = [name for name, ok in checks.items() if not ok]
    print(f"targets: {'all met' if not missed else 'missed: ' + ', '.join(missed)}")
    print(json.dumps(result))
    return 0 if not missed else 3


if __name__ == "__main__":
    sys.exit(main())
