"""A seeded generator of allocation instances at a region's scale.

``students`` students, ``students // 10`` positions with capacities 1-20, ``positions // 5``
hosts of five positions each whose capacity is below their positions' total (50-95 % of it).
Every student ranks 10 positions drawn by popularity (a Zipf-like weight, so a few positions
are wanted by many); positions of the same host may both be ranked. Each host ranks the
students who applied to any of its positions, by a shared merit score plus its own noise
(hosts broadly agree, as in practice), leaves about 3 % of them unranked (not acceptable) and
puts about 5 % of the ranked in ties of two or three.

    .venv/bin/python bench/allocation/generate.py 100000 -o instance.json [--seed 2026]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

PREFERENCES = 10


def generate(students: int, seed: int = 2026) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = students
    m = max(1, n // 10)
    h = max(1, m // 5)
    capacity = rng.integers(1, 21, size=m)
    host_of = np.arange(m) % h  # five positions each (the rest on the first hosts)
    rng.shuffle(host_of)
    totals = np.bincount(host_of, weights=capacity, minlength=h).astype(np.int64)
    host_capacity = np.maximum(1, (totals * rng.uniform(0.5, 0.95, size=h)).astype(np.int64))
    host_capacity = np.minimum(host_capacity, np.maximum(totals - 1, 1))

    popularity = 1.0 / np.arange(1, m + 1) ** 0.9
    popularity = popularity[rng.permutation(m)]
    popularity /= popularity.sum()
    k = min(PREFERENCES, m)
    draws = rng.choice(m, size=(n, 3 * k), p=popularity)
    preferences: list[list[int]] = []
    for row in draws.tolist():
        chosen = list(dict.fromkeys(row))[:k]
        while len(chosen) < k:  # rare: top up uniformly
            extra = int(rng.integers(m))
            if extra not in chosen:
                chosen.append(extra)
        preferences.append(chosen)

    lengths = np.array([len(p) for p in preferences])
    flat = np.fromiter((j for row in preferences for j in row), dtype=np.int64, count=lengths.sum())
    applicant = np.repeat(np.arange(n), lengths)
    pairs = np.unique(host_of[flat] * n + applicant)
    pair_host, pair_student = pairs // n, pairs % n
    merit = rng.normal(size=n)
    score = merit[pair_student] + 0.5 * rng.normal(size=len(pairs))
    order = np.lexsort((-score, pair_host))
    kept = rng.random(len(pairs)) >= 0.03
    order = order[kept[order]]
    tie_start = rng.random(len(order)) < 0.025

    student_ids = [f"S{i + 1}" for i in range(n)]
    position_ids = [f"P{j + 1}" for j in range(m)]
    rankings: list[list[Any]] = [[] for _ in range(h)]
    hosts_sorted = pair_host[order].tolist()
    students_sorted = pair_student[order].tolist()
    ties = tie_start.tolist()
    size = rng.integers(2, 4, size=len(order)).tolist()
    at = 0
    while at < len(order):
        k_host = hosts_sorted[at]
        if ties[at]:
            group = [
                student_ids[students_sorted[t]]
                for t in range(at, min(at + size[at], len(order)))
                if hosts_sorted[t] == k_host
            ]
            rankings[k_host].append(group if len(group) > 1 else group[0])
            at += len(group)
        else:
            rankings[k_host].append(student_ids[students_sorted[at]])
            at += 1
    return {
        "students": [
            {"id": student_ids[i], "preferences": [position_ids[j] for j in row]}
            for i, row in enumerate(preferences)
        ],
        "positions": [
            {"id": position_ids[j], "host": f"H{host_of[j] + 1}", "capacity": int(capacity[j])}
            for j in range(m)
        ],
        "hosts": [
            {"id": f"H{k + 1}", "capacity": int(host_capacity[k]), "ranking": rankings[k]}
            for k in range(h)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    instance = generate(args.students, args.seed)
    args.output.write_text(json.dumps(instance, separators=(",", ":")), encoding="utf-8")
    print(f"{args.output}: {args.students:,} students, {len(instance['positions']):,} positions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
