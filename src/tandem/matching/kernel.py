"""SPA-student compiled with numba: the same algorithm as :mod:`tandem.matching.spa`, step for
step, over flat arrays (tests check that both give the same allocation).

The pure-Python version stays the reference; this one exists because a region's 100,000
students must be allocated in well under a second. Position heaps live in one flat array, each
sized to the position's capacity or its number of acceptable applicants, whichever is smaller,
plus one slot for the applicant that over-fills it. The compiled code is cached on disk
(``cache=True``), so only the first run on a machine pays for compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tandem.matching.instance import Instance, IntArray


@njit(cache=True, nogil=True)
def _push(heap: IntArray, base: int, size: int, value: int) -> None:
    """Max-heap push onto heap[base : base + size]."""
    at = size
    while at > 0:
        parent = (at - 1) // 2
        if heap[base + parent] >= value:
            break
        heap[base + at] = heap[base + parent]
        at = parent
    heap[base + at] = value


@njit(cache=True, nogil=True)
def _pop(heap: IntArray, base: int, size: int) -> int:
    """Max-heap pop from heap[base : base + size]; returns the largest value."""
    top: int = heap[base]
    size -= 1
    value = heap[base + size]
    at = 0
    while True:
        child = 2 * at + 1
        if child >= size:
            break
        if child + 1 < size and heap[base + child + 1] > heap[base + child]:
            child += 1
        if heap[base + child] <= value:
            break
        heap[base + at] = heap[base + child]
        at = child
    if size > 0:
        heap[base + at] = value
    return top


@njit(cache=True, nogil=True)
def _spa(
    pref_start: IntArray,
    pref_position: IntArray,
    pref_rank: IntArray,
    position_host: IntArray,
    position_capacity: IntArray,
    host_capacity: IntArray,
    host_start: IntArray,
    host_order: IntArray,
) -> IntArray:
    n = len(pref_start) - 1
    m = len(position_capacity)
    h = len(host_capacity)
    big = len(host_order) + 1

    applicants = np.zeros(m, np.int64)
    for e in range(len(pref_position)):
        if pref_rank[e] >= 0:
            applicants[pref_position[e]] += 1
    heap_start = np.zeros(m + 1, np.int64)
    position_limit = np.empty(m, np.int64)
    for j in range(m):
        heap_start[j + 1] = heap_start[j] + min(position_capacity[j], applicants[j]) + 1
        position_limit[j] = big if position_capacity[j] > 0 else -1
    heap = np.empty(heap_start[m], np.int64)
    position_count = np.zeros(m, np.int64)
    host_limit = np.empty(h, np.int64)
    host_worst = np.empty(h, np.int64)
    for k in range(h):
        host_limit[k] = big if host_capacity[k] > 0 else -1
        host_worst[k] = host_start[k + 1] - host_start[k] - 1
    host_count = np.zeros(h, np.int64)
    holds = np.zeros(len(host_order), np.uint8)
    entry = np.full(n, -1, np.int64)
    cursor = pref_start[:-1].copy()
    free = np.empty(n, np.int64)
    for i in range(n):
        free[i] = n - 1 - i
    free_top = n

    while free_top > 0:
        free_top -= 1
        i = free[free_top]
        e = cursor[i]
        end = pref_start[i + 1]
        j = -1
        k = -1
        r = -1
        while e < end:
            r = pref_rank[e]
            if r >= 0:
                j = pref_position[e]
                k = position_host[j]
                if r <= position_limit[j] and r <= host_limit[k]:
                    break
            e += 1
        cursor[i] = e
        if e == end:
            continue
        entry[i] = e
        _push(heap, heap_start[j], position_count[j], r)
        position_count[j] += 1
        holds[host_start[k] + r] = 1
        host_count[k] += 1
        if position_count[j] > position_capacity[j]:
            dropped = _pop(heap, heap_start[j], position_count[j])
            position_count[j] -= 1
            holds[host_start[k] + dropped] = 0
            host_count[k] -= 1
            loser = host_order[host_start[k] + dropped]
            entry[loser] = -1
            free[free_top] = loser
            free_top += 1
        elif host_count[k] > host_capacity[k]:
            dropped = host_worst[k]
            loser = host_order[host_start[k] + dropped]
            t = pref_position[entry[loser]]
            _pop(heap, heap_start[t], position_count[t])
            position_count[t] -= 1
            holds[host_start[k] + dropped] = 0
            host_count[k] -= 1
            entry[loser] = -1
            free[free_top] = loser
            free_top += 1
        if position_count[j] == position_capacity[j]:
            position_limit[j] = heap[heap_start[j]]
        if host_count[k] == host_capacity[k]:
            w = host_worst[k]
            while holds[host_start[k] + w] == 0:
                w -= 1
            host_worst[k] = w
            host_limit[k] = w
    return entry


def stable_entries(instance: Instance) -> IntArray:
    """The student-optimal stable allocation as the entry each student holds (-1: none)."""
    result: IntArray = _spa(
        instance.pref_start,
        instance.pref_position,
        instance.pref_rank,
        instance.position_host,
        instance.position_capacity,
        instance.host_capacity,
        instance.host_start,
        instance.host_order,
    )
    return result
