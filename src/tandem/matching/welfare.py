"""The welfare objective (pure): place as many students as possible, then minimise the sum of
their 1-based ranks, as one min-cost maximum flow (OR-Tools).

The network is source → student (capacity 1) → position (capacity 1, cost = the rank the
student gave it) → host (the position's capacity) → sink (the host's capacity), with an arc for
every acceptable pair only. A maximum flow of minimum cost is exactly the lexicographic optimum:
most students placed, then the smallest rank sum. All arcs are added at once from arrays.
It is not stable in general: the result reports how many blocking pairs it creates.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from tandem.matching.instance import Instance, IntArray


class WelfareError(RuntimeError):
    """The solver did not report an optimum (it should not happen on a valid instance)."""


def welfare_entries(instance: Instance) -> IntArray:
    """The welfare-optimal allocation as the entry each student holds (-1: none)."""
    n = instance.students
    m = len(instance.position_ids)
    h = len(instance.host_ids)
    source, sink = 0, 1
    student_node = 2
    position_node = student_node + n
    host_node = position_node + m

    acceptable = np.flatnonzero(instance.pref_rank >= 0)
    lengths = np.diff(instance.pref_start)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    rank = np.arange(len(instance.pref_position), dtype=np.int64) - instance.pref_start[owner] + 1

    tails = np.concatenate(
        [
            np.full(n, source),
            student_node + owner[acceptable],
            position_node + np.arange(m),
            host_node + np.arange(h),
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            student_node + np.arange(n),
            position_node + instance.pref_position[acceptable],
            host_node + instance.position_host,
            np.full(h, sink),
        ]
    ).astype(np.int32)
    capacities = np.concatenate(
        [
            np.ones(n + len(acceptable), dtype=np.int64),
            instance.position_capacity,
            instance.host_capacity,
        ]
    )
    costs = np.concatenate(
        [np.zeros(n, dtype=np.int64), rank[acceptable], np.zeros(m + h, dtype=np.int64)]
    )

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise WelfareError(f"min-cost flow ended with status {status}")
    used = np.asarray(flow.flows(np.asarray(arcs, dtype=np.int32)[n : n + len(acceptable)]))
    entries = np.full(n, -1, dtype=np.int64)
    chosen = acceptable[used > 0]
    entries[owner[chosen]] = chosen
    return entries
