"""The verifier (pure): is an allocation feasible, and which pairs block it?

An allocation is one position (or none) per student. It is feasible when every placed student
ranked their position, its host ranked them, and no position or host holds more students than
its capacity. A pair (student, position) blocks it (Abraham, Irving and Manlove 2007) when the
host ranked the student, the student is unplaced or prefers the position to their own, and

(a) the position and its host both have room; or
(b) the position has room, the host is full, and the student is already at one of the host's
    positions or the host prefers the student to its worst placed student; or
(c) the position is full and the host prefers the student to the position's worst student.

Hosts' preferences are strict: ties are broken by the instance's lottery (its seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tandem.matching.instance import Instance, MalformedInstance, parse_instance, quote

UNPLACED = -1


@dataclass(frozen=True, slots=True)
class Verdict:
    problems: list[str] = field(default_factory=list)  # why it is infeasible, in words
    blocking_pairs: list[tuple[int, int]] = field(default_factory=list)  # (student, position)

    @property
    def feasible(self) -> bool:
        return not self.problems


def entries_of(instance: Instance, placement: Sequence[int]) -> list[int]:
    """The preference entry of each student's position (-1: unplaced or not on their list)."""
    entries = [UNPLACED] * instance.students
    pref_position = instance.pref_position
    for i, j in enumerate(placement):
        if j != UNPLACED:
            for e in instance.preferences(i):
                if pref_position[e] == j:
                    entries[i] = e
                    break
    return entries


def verify(instance: Instance, placement: Sequence[int]) -> Verdict:
    """Feasibility and the blocking pairs of ``placement`` (a position index per student)."""
    n = instance.students
    pref_position = instance.pref_position.tolist()
    pref_rank = instance.pref_rank.tolist()
    position_host = instance.position_host.tolist()
    position_capacity = instance.position_capacity.tolist()
    host_capacity = instance.host_capacity.tolist()
    start = instance.pref_start.tolist()
    entries = entries_of(instance, placement)
    problems: list[str] = []

    # An unacceptable placement counts as the host's worst (it ranked them below everyone).
    unranked = len(instance.host_order)
    position_count = [0] * len(position_capacity)
    host_count = [0] * len(host_capacity)
    position_worst = [-1] * len(position_capacity)
    host_worst = [-1] * len(host_capacity)
    for i, j in enumerate(placement):
        if j == UNPLACED:
            continue
        k = position_host[j]
        e = entries[i]
        name = f"{instance.student_ids[i]} at {instance.position_ids[j]}"
        if e == UNPLACED:
            problems.append(f"{name}: the student did not rank this position")
            rank = unranked
        elif pref_rank[e] < 0:
            problems.append(f"{name}: host {instance.host_ids[k]} did not rank the student")
            rank = unranked
        else:
            rank = pref_rank[e]
        position_count[j] += 1
        host_count[k] += 1
        position_worst[j] = max(position_worst[j], rank)
        host_worst[k] = max(host_worst[k], rank)
    for j, count in enumerate(position_count):
        if count > position_capacity[j]:
            problems.append(
                f"position {instance.position_ids[j]} holds {count} students, "
                f"its capacity is {position_capacity[j]}"
            )
    for k, count in enumerate(host_count):
        if count > host_capacity[k]:
            problems.append(
                f"host {instance.host_ids[k]} holds {count} students, "
                f"its capacity is {host_capacity[k]}"
            )

    blocking: list[tuple[int, int]] = []
    for i in range(n):
        own = entries[i]
        mine = position_host[placement[i]] if placement[i] != UNPLACED else UNPLACED
        stop = own if own != UNPLACED else start[i + 1]
        for e in range(start[i], stop):
            r = pref_rank[e]
            if r < 0:
                continue
            j = pref_position[e]
            k = position_host[j]
            if position_count[j] < position_capacity[j]:
                if host_count[k] < host_capacity[k] or mine == k or r < host_worst[k]:
                    blocking.append((i, j))
            elif position_count[j] > 0 and r < position_worst[j]:
                blocking.append((i, j))
    return Verdict(problems, blocking)


def _seed(result: Any) -> int:
    stats = result.get("stats", {})
    if not isinstance(stats, dict):
        raise MalformedInstance("result.stats", "must be an object")
    seed = stats.get("seed", 0)
    if type(seed) is not int:
        raise MalformedInstance("result.stats.seed", "must be an integer")
    return seed


def read_result(data: Any, result: Any) -> tuple[Instance, list[int], list[str]]:
    """The instance (its ties broken with the result's seed), the placement the result
    describes, and why the document itself is not a valid allocation (a student placed twice,
    or missing). Unknown ids and wrong shapes are malformed (:class:`MalformedInstance`)."""
    if not isinstance(result, dict):
        raise MalformedInstance("result", "must be an object with assignments and unassigned")
    instance = parse_instance(data, seed=_seed(result))
    students = {sid: i for i, sid in enumerate(instance.student_ids)}
    positions = {pid: j for j, pid in enumerate(instance.position_ids)}
    placement = [UNPLACED] * instance.students
    seen = [0] * instance.students
    problems: list[str] = []
    for key in ("assignments", "unassigned"):
        if not isinstance(result.get(key), list):
            raise MalformedInstance(f"result.{key}", "must be a list")
    for a, item in enumerate(result["assignments"]):
        path = f"result.assignments[{a}]"
        if not isinstance(item, dict):
            raise MalformedInstance(path, "must be an object with student and position")
        i = _known(students, item.get("student"), f"{path}.student", "student")
        j = _known(positions, item.get("position"), f"{path}.position", "position")
        seen[i] += 1
        placement[i] = j
    for u, sid in enumerate(result["unassigned"]):
        seen[_known(students, sid, f"result.unassigned[{u}]", "student")] += 1
    for i, times in enumerate(seen):
        if times != 1:
            sid = instance.student_ids[i]
            problems.append(
                f"{sid} is missing from the result"
                if times == 0
                else f"{sid} appears {times} times in the result"
            )
    return instance, placement, problems


def _known(index: dict[str, int], value: Any, path: str, kind: str) -> int:
    if value is None:
        raise MalformedInstance(path, "is missing")
    if type(value) is not str:
        raise MalformedInstance(path, f"must be a {kind} id (a string)")
    if value not in index:
        raise MalformedInstance(path, f"unknown {kind} {quote(value)}")
    return index[value]


def check_result(data: Any, result: Any) -> tuple[dict[str, Any], list[str]]:
    """``{"feasible", "blocking_pairs": [[student, position]]}`` for a result document, and
    the reasons it is infeasible (empty when feasible)."""
    instance, placement, problems = read_result(data, result)
    verdict = verify(instance, placement)
    problems = problems + verdict.problems
    pairs = [[instance.student_ids[i], instance.position_ids[j]] for i, j in verdict.blocking_pairs]
    return {"feasible": not problems, "blocking_pairs": pairs}, problems
