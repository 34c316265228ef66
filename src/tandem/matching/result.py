"""The engine's entry point (pure): a parsed JSON instance in, the result document out.

``{"assignments": [{"student", "position"}], "unassigned": [student ids], "stats": {...},
"explanations": {...}}`` (explanations only when asked). Every student appears exactly once,
in instance order, in ``assignments`` or in ``unassigned``.
"""

from __future__ import annotations

import sys
from typing import Any, Literal

import numpy as np

from tandem.matching import spa
from tandem.matching.explain import explain as explain_entries
from tandem.matching.explain import placements
from tandem.matching.instance import Instance, IntArray, parse_instance
from tandem.matching.verify import verify

Objective = Literal["stable", "welfare"]
Kernel = Literal["auto", "compiled", "python"]
OBJECTIVES: tuple[Objective, ...] = ("stable", "welfare")


# Preference entries from which ``auto`` loads the compiled kernel. Loading numba and the cached
# kernel costs a new process about 0.45 s of CPU, what the pure-Python kernel needs for about
# 10⁶ entries; once loaded (a long-lived process) it is used for every size.
COMPILED_FROM = 250_000


def stable_entries(instance: Instance, kernel: Kernel = "auto") -> IntArray:
    """SPA-student: the compiled kernel for large instances or once loaded (``auto``), else
    the pure-Python reference; both give the same allocation (a tested property)."""
    if kernel == "auto":
        loaded = "tandem.matching.kernel" in sys.modules
        large = len(instance.pref_position) >= COMPILED_FROM
        kernel = "compiled" if loaded or large else "python"
    if kernel == "compiled":
        try:
            from tandem.matching import kernel as compiled
        except ImportError:  # numba missing: the reference gives the same result, slower
            pass
        else:
            return compiled.stable_entries(instance)
    return np.array(spa.stable_entries(instance), dtype=np.int64)


def _summary(instance: Instance, entries: IntArray) -> dict[str, Any]:
    placed = entries >= 0
    owners = np.flatnonzero(placed)
    ranks = entries[owners] - instance.pref_start[owners] + 1
    counts = np.bincount(ranks) if len(ranks) else np.zeros(1, dtype=np.int64)
    return {
        "assigned": int(placed.sum()),
        "rank_sum": int(ranks.sum()),
        "rank_histogram": {str(r): int(c) for r, c in enumerate(counts.tolist()) if c},
    }


def _places(instance: Instance) -> int:
    """Students the instance can hold at most: each host's cap or its positions' total."""
    totals = np.bincount(
        instance.position_host, weights=instance.position_capacity, minlength=len(instance.host_ids)
    )
    return int(np.minimum(totals, instance.host_capacity).sum())


def build_result(
    instance: Instance, entries: IntArray, objective: Objective, *, explain: bool = False
) -> dict[str, Any]:
    """The result document of an allocation given as the entry each student holds."""
    ids, position_ids = instance.student_ids, instance.position_ids
    where = placements(instance, entries).tolist()
    assignments = [
        {"student": ids[i], "position": position_ids[j]} for i, j in enumerate(where) if j >= 0
    ]
    unassigned = [ids[i] for i, j in enumerate(where) if j < 0]
    summary = _summary(instance, entries)
    stats: dict[str, Any] = {
        "students": instance.students,
        "assigned": summary["assigned"],
        "unassigned": len(unassigned),
        "seed": instance.seed,
        "objective": objective,
        "rank_histogram": summary["rank_histogram"],
        "rank_sum": summary["rank_sum"],
        "positions": len(position_ids),
        "hosts": len(instance.host_ids),
        "places": _places(instance),
        "tied_groups": sum(map(len, instance.ties.values())),
    }
    result: dict[str, Any] = {"assignments": assignments, "unassigned": unassigned, "stats": stats}
    if explain:
        result["explanations"] = explain_entries(instance, entries)
    return result


def allocate(
    data: Any,
    *,
    objective: Objective = "stable",
    seed: int = 0,
    explain: bool = False,
    kernel: Kernel = "auto",
) -> dict[str, Any]:
    """Allocate a parsed JSON instance; raises ``MalformedInstance`` naming a bad entry.

    The stable objective gives the student-optimal stable allocation. The welfare objective
    gives the min-cost-flow optimum and reports beside it the stable allocation's figures, how
    many more students it places and how many blocking pairs it creates.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    instance = parse_instance(data, seed=seed)
    stable = stable_entries(instance, kernel)
    if objective == "stable":
        return build_result(instance, stable, objective, explain=explain)

    from tandem.matching.welfare import welfare_entries

    entries = welfare_entries(instance)
    result = build_result(instance, entries, objective, explain=explain)
    baseline = _summary(instance, stable)
    verdict = verify(instance, placements(instance, entries).tolist())
    result["stats"].update(
        stable=baseline,
        more_placed=result["stats"]["assigned"] - baseline["assigned"],
        blocking_pairs=len(verdict.blocking_pairs),
    )
    return result
