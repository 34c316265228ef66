"""SPA-student (pure Python, the tested reference): the student-optimal stable allocation.

Abraham, Irving and Manlove (2007), "Two algorithms for the Student-Project Allocation
problem", algorithm SPA-student, with the host as the lecturer and positions as projects. A
free student applies to the first position left on their list; an over-full position drops
its worst student, else an over-full host drops its worst; then a full position deletes the
students its host ranks below its worst from that position, and a full host deletes the
students it ranks below its worst from all its positions.

Deletions are kept as one threshold rank per position and per host (an entry is deleted when
the student's host rank is above either): deleted sets only grow, so the thresholds only fall.
A host never loses a student without taking another, so once full it stays full and its worst
student only improves: a scan pointer finds it in amortised O(1). A position only ever loses
its worst student (dropped by itself or, being the host's worst, by the host), so a max-heap
per position needs no lazy deletion.

Returns, for each student, the flat index of the preference entry they hold (-1: unassigned).
"""

from __future__ import annotations

import heapq

from tandem.matching.instance import Instance

NONE = -1


def stable_entries(instance: Instance) -> list[int]:
    """The student-optimal stable allocation as the entry each student holds."""
    start = instance.pref_start.tolist()
    pref_position = instance.pref_position.tolist()
    pref_rank = instance.pref_rank.tolist()
    position_host = instance.position_host.tolist()
    position_capacity = instance.position_capacity.tolist()
    host_capacity = instance.host_capacity.tolist()
    host_start = instance.host_start.tolist()
    host_order = instance.host_order.tolist()
    n, m, h = instance.students, len(position_capacity), len(host_capacity)

    big = len(host_order) + 1
    # A capacity of 0 deletes every pair at once.
    position_limit = [big if c > 0 else -1 for c in position_capacity]
    host_limit = [big if c > 0 else -1 for c in host_capacity]
    position_count = [0] * m
    position_heap: list[list[int]] = [[] for _ in range(m)]  # negated host ranks
    host_count = [0] * h
    host_worst = [host_start[k + 1] - host_start[k] - 1 for k in range(h)]
    holds = [bytearray(host_start[k + 1] - host_start[k]) for k in range(h)]
    entry = [NONE] * n
    cursor = start[:-1]
    free = list(range(n - 1, -1, -1))

    while free:
        i = free.pop()
        e, end = cursor[i], start[i + 1]
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
        heapq.heappush(position_heap[j], -r)
        position_count[j] += 1
        holds[k][r] = 1
        host_count[k] += 1
        if position_count[j] > position_capacity[j]:
            dropped = -heapq.heappop(position_heap[j])
            position_count[j] -= 1
            holds[k][dropped] = 0
            host_count[k] -= 1
            loser = host_order[host_start[k] + dropped]
            entry[loser] = NONE
            free.append(loser)
        elif host_count[k] > host_capacity[k]:
            # Full before this step, so host_worst[k] is its worst and the applicant ranks above.
            dropped = host_worst[k]
            loser = host_order[host_start[k] + dropped]
            t = pref_position[entry[loser]]
            heapq.heappop(position_heap[t])  # the host's worst is its position's worst too
            position_count[t] -= 1
            holds[k][dropped] = 0
            host_count[k] -= 1
            entry[loser] = NONE
            free.append(loser)
        if position_count[j] == position_capacity[j]:
            position_limit[j] = -position_heap[j][0]
        if host_count[k] == host_capacity[k]:
            w = host_worst[k]
            held = holds[k]
            while not held[w]:
                w -= 1
            host_worst[k] = w
            host_limit[k] = w
    return entry
