"""The PyPI package `matching` (StudentAllocation) on one generated instance, in a process of
its own so that the benchmark can give up on it after a timeout.

Builds the game from dictionaries (timed: "build"), solves it student-optimally (timed:
"solve") and compares its allocation with Tandem's, student by student. `matching` has no ties
and no unacceptable pairs, so it gets the same instance with the ties already broken by
Tandem's lottery (seed 0) and each student's list cut to the positions whose host ranked them.
Prints one JSON line. `matching` recurses deeply (it deep-copies its players): the recursion
limit is raised and the work runs in a thread with a large stack.

    .venv/bin/python bench/allocation/against_matching.py 5000 [--seed 2026]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from tandem.matching import allocate, parse_instance


def dictionaries(data: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    instance = parse_instance(data, seed=0)
    sid, pid, hid = instance.student_ids, instance.position_ids, instance.host_ids
    ranks = instance.pref_rank.tolist()
    positions = instance.pref_position.tolist()
    student_prefs = {
        sid[i]: [pid[positions[e]] for e in instance.preferences(i) if ranks[e] >= 0]
        for i in range(instance.students)
    }
    start, order = instance.host_start.tolist(), instance.host_order.tolist()
    supervisor_prefs = {
        hid[k]: [sid[s] for s in order[start[k] : start[k + 1]]] for k in range(len(hid))
    }
    project_supervisors = {pid[j]: hid[k] for j, k in enumerate(instance.position_host.tolist())}
    project_capacities = dict(zip(pid, instance.position_capacity.tolist(), strict=True))
    supervisor_capacities = dict(zip(hid, instance.host_capacity.tolist(), strict=True))
    return (
        student_prefs,
        supervisor_prefs,
        project_supervisors,
        project_capacities,
        supervisor_capacities,
    )


def run(students: int, seed: int) -> dict[str, Any]:
    from matching.games import StudentAllocation

    data = generate(students, seed)
    prepared = dictionaries(data)
    warnings.simplefilter("ignore")  # it warns about every host whose cap is below its total
    started, cpu = time.perf_counter(), time.process_time()
    game = StudentAllocation.create_from_dictionaries(*prepared)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    found = game.solve(optimal="student")
    solve, solve_cpu = time.perf_counter() - started, time.process_time() - cpu
    theirs = {student.name: project.name for project, group in found.items() for student in group}
    ours = {a["student"]: a["position"] for a in allocate(data, seed=0)["assignments"]}
    return {
        "students": students,
        "build_seconds": round(build, 3),
        "build_cpu_seconds": round(build_cpu, 3),
        "solve_seconds": round(solve, 3),
        "solve_cpu_seconds": round(solve_cpu, 3),
        "assigned": len(theirs),
        "identical": theirs == ours,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    try:
        import matching  # noqa: F401
    except ImportError:
        print(json.dumps({"skipped": "the package `matching` is not installed"}))
        return 0
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    out: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: out.update(run(args.students, args.seed)))
    worker.start()
    worker.join()
    print(json.dumps(out))
    return 0 if out.get("identical") else 1


if __name__ == "__main__":
    sys.exit(main())
