"""Explanations (pure): for every student their result, and for each position they ranked
above it, why they are not there.

Reasons, for a position P of host H that the student ranked higher than their result:

- ``not_acceptable``: H did not rank the student;
- ``full``: P is full and H ranked every student in P higher (``ranked_higher``; those who
  were tied with the student and won the lottery are also in ``by_lottery``);
- ``host_full``: P has room but H is at its cap with students it ranked higher;
- ``blocking_pair``: none of these holds, so the pair blocks the allocation: it happens only
  for the welfare objective, which trades stability for more students placed.

In a stable allocation every position above a student's result has one of the first three.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tandem.matching.instance import Instance, IntArray


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


class _Explainer:
    """The allocation's occupancy, computed once, and the reason for one (student, position).

    Each position's students are sorted by the host's rank once, and each host's tie groups
    indexed by rank, so a reason costs O(1) plus the students it names.
    """

    def __init__(self, instance: Instance, entries: IntArray) -> None:
        self.instance = instance
        self.pref_position: list[int] = instance.pref_position.tolist()
        self.pref_rank: list[int] = instance.pref_rank.tolist()
        self.position_host: list[int] = instance.position_host.tolist()
        self.position_capacity: list[int] = instance.position_capacity.tolist()
        self.host_capacity: list[int] = instance.host_capacity.tolist()
        members: list[list[tuple[int, int]]] = [[] for _ in instance.position_ids]
        self.host_count = [0] * len(instance.host_ids)
        self.host_worst = [-1] * len(instance.host_ids)  # the worst rank a host placed
        for i, e in enumerate(entries.tolist()):
            if e >= 0:
                j = self.pref_position[e]
                k = self.position_host[j]
                members[j].append((self.pref_rank[e], i))
                self.host_count[k] += 1
                self.host_worst[k] = max(self.host_worst[k], self.pref_rank[e])
        for group in members:
            group.sort()
        self.members = members  # (host rank, student), best first
        ids = instance.student_ids
        self.member_ids = [[ids[i] for _, i in group] for group in members]
        self.tie_of: list[dict[int, range]] = [{} for _ in instance.host_ids]
        for k, groups in instance.ties.items():
            self.tie_of[k] = {rank: group for group in groups for rank in group}

    def why(self, i: int, e: int, own_host: int) -> dict[str, Any]:
        instance = self.instance
        j, r = self.pref_position[e], self.pref_rank[e]
        k = self.position_host[j]
        position, host = instance.position_ids[j], instance.host_ids[k]
        student = instance.student_ids[i]
        why: dict[str, Any] = {"position": position, "host": host}
        if r < 0:
            why.update(reason="not_acceptable", message=f"{host} did not rank {student}")
            return why
        placed = self.members[j]
        capacity = self.position_capacity[j]
        if len(placed) >= capacity:
            if not placed or placed[-1][0] < r:
                tied = self.tie_of[k].get(r)
                lottery = (
                    [instance.student_ids[s] for rank, s in placed if rank in tied] if tied else []
                )
                message = f"{position} has no places"
                if capacity:
                    places = _plural(capacity, "place")
                    message = f"{position} is full ({places}) with students {host} ranked higher"
                    if lottery:
                        message += f", {len(lottery)} of them by the tie-breaking lottery"
                why.update(
                    reason="full",
                    ranked_higher=self.member_ids[j],
                    by_lottery=lottery,
                    message=message,
                )
                return why
        elif (
            self.host_count[k] >= self.host_capacity[k] and own_host != k and self.host_worst[k] < r
        ):
            cap = self.host_capacity[k]
            why.update(
                reason="host_full",
                capacity=cap,
                message=f"{host} is at its cap of {_plural(cap, 'student')}, all ranked "
                f"higher than {student}",
            )
            return why
        why.update(
            reason="blocking_pair",
            message=f"{host} would take {student} at {position}: the welfare objective placed "
            "them elsewhere, so this pair blocks the allocation",
        )
        return why


def explain(instance: Instance, entries: IntArray) -> dict[str, dict[str, Any]]:
    """Explanations keyed by student id, in instance order."""
    explainer = _Explainer(instance, entries)
    start = instance.pref_start.tolist()
    out: dict[str, dict[str, Any]] = {}
    for i, own in enumerate(entries.tolist()):
        own_host = explainer.position_host[explainer.pref_position[own]] if own >= 0 else -1
        stop = own if own >= 0 else start[i + 1]
        above = [explainer.why(i, e, own_host) for e in range(start[i], stop)]
        if own >= 0:
            rank = own - start[i] + 1
            position = instance.position_ids[explainer.pref_position[own]]
            message = f"placed at {position}, their {_ordinal(rank)} choice"
            out[instance.student_ids[i]] = {"position": position, "rank": rank}
        else:
            message = "not placed: " + (
                "no position they ranked could take them" if stop > start[i] else "no preferences"
            )
            out[instance.student_ids[i]] = {"position": None, "rank": None}
        out[instance.student_ids[i]].update(message=message, above=above)
    return out


def placements(instance: Instance, entries: IntArray) -> IntArray:
    """The position index of each student (-1: unplaced)."""
    where = np.full(len(entries), -1, dtype=np.int64)
    placed = entries >= 0
    where[placed] = instance.pref_position[entries[placed]]
    return where
