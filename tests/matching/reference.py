"""Independent statements of the definitions, over the raw JSON (no interning, no arrays), and
the strategies that generate small instances.

The blocking-pair test is written from Abraham, Irving and Manlove (2007) directly; the
brute force enumerates every feasible allocation of a small instance.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

Allocation = dict[str, str | None]  # student id -> position id or None


@dataclass
class Plain:
    """An instance as plain dictionaries, ties broken by the lottery of ``seed``."""

    students: list[str]
    prefs: dict[str, list[str]]
    host_of: dict[str, str]
    position_cap: dict[str, int]
    host_cap: dict[str, int]
    host_rank: dict[str, dict[str, int]]  # host -> student -> strict rank (0 best)

    @classmethod
    def of(cls, data: dict[str, Any], seed: int = 0) -> Plain:
        host_rank: dict[str, dict[str, int]] = {}
        for host in data["hosts"]:
            order: list[str] = []
            for entry in host["ranking"]:
                if isinstance(entry, list):
                    key = lambda s: hashlib.sha256(f"{seed}:{s}".encode()).hexdigest()  # noqa: E731
                    order.extend(sorted(entry, key=key))
                else:
                    order.append(entry)
            host_rank[host["id"]] = {s: r for r, s in enumerate(order)}
        return cls(
            students=[s["id"] for s in data["students"]],
            prefs={s["id"]: list(s["preferences"]) for s in data["students"]},
            host_of={p["id"]: p["host"] for p in data["positions"]},
            position_cap={p["id"]: p["capacity"] for p in data["positions"]},
            host_cap={h["id"]: h["capacity"] for h in data["hosts"]},
            host_rank=host_rank,
        )

    def acceptable(self, student: str, position: str) -> bool:
        return student in self.host_rank[self.host_of[position]]

    def rank(self, student: str, position: str | None) -> int:
        """1-based rank of a position in the student's list; unplaced ranks last."""
        if position is None:
            return len(self.prefs[student]) + 1
        return self.prefs[student].index(position) + 1

    def feasible(self, allocation: Allocation) -> bool:
        load: dict[str, int] = {}
        host_load: dict[str, int] = {}
        for student, position in allocation.items():
            if position is None:
                continue
            if position not in self.prefs[student] or not self.acceptable(student, position):
                return False
            load[position] = load.get(position, 0) + 1
            host = self.host_of[position]
            host_load[host] = host_load.get(host, 0) + 1
        return all(load[p] <= self.position_cap[p] for p in load) and all(
            host_load[h] <= self.host_cap[h] for h in host_load
        )

    def blocking_pairs(self, allocation: Allocation) -> list[tuple[str, str]]:
        """The pairs that block ``allocation``, straight from the paper's definition."""
        pairs = []
        for student in self.students:
            mine = allocation.get(student)
            for position in self.prefs[student]:
                if position == mine:
                    break
                host = self.host_of[position]
                ranks = self.host_rank[host]
                if student not in ranks:
                    continue
                in_position = [s for s, p in allocation.items() if p == position]
                in_host = [s for s, p in allocation.items() if p and self.host_of[p] == host]
                position_room = len(in_position) < self.position_cap[position]
                host_room = len(in_host) < self.host_cap[host]
                host_prefers = bool(in_host) and ranks[student] < max(ranks[s] for s in in_host)
                position_prefers = bool(in_position) and ranks[student] < max(
                    ranks[s] for s in in_position
                )
                if (
                    (position_room and host_room)
                    or (position_room and not host_room and (student in in_host or host_prefers))
                    or (not position_room and position_prefers)
                ):
                    pairs.append((student, position))
        return pairs

    def allocations(self) -> Iterator[Allocation]:
        """Every feasible allocation."""
        options = [
            [None, *(p for p in self.prefs[s] if self.acceptable(s, p))] for s in self.students
        ]
        for combo in itertools.product(*options):
            allocation = dict(zip(self.students, combo, strict=True))
            if self.feasible(allocation):
                yield allocation


def allocation_of(result: dict[str, Any]) -> Allocation:
    placed: Allocation = {a["student"]: a["position"] for a in result["assignments"]}
    placed.update({s: None for s in result["unassigned"]})
    return placed


@st.composite
def instances(
    draw: st.DrawFn, max_students: int = 5, max_positions: int = 4, max_hosts: int = 3
) -> dict[str, Any]:
    """Small instances with contention: students list up to three positions, hosts rank most
    of their applicants (some not: unacceptable pairs), ties, a few zero capacities.

    Random instances this small almost never have more than one stable allocation, which
    would leave student-optimality untested; so some plant a ring: students T0..Tr-1 where Ti
    wants Qi then Qi+1, and the host of Qi+1 prefers Ti to Ti+1. The ring alone has two
    stable allocations (each student at their first or each at their second choice).
    """
    ring = draw(st.sampled_from([0, 0, 2, 2, 3]))
    n_hosts = ring + draw(st.integers(1 if not ring else 0, max_hosts - 1 if ring else max_hosts))
    n_positions = ring + draw(st.integers(0 if ring else 1, max_positions - ring // 2 - 1))
    n_students = ring + draw(st.integers(0 if ring else 1, max_students - ring))
    hosts = [f"H{k}" for k in range(n_hosts)]
    capacity = st.sampled_from([0, 1, 1, 1, 2, 2, 3])
    positions = [
        {
            "id": f"P{j}",
            "host": hosts[j] if j < ring else draw(st.sampled_from(hosts)),
            "capacity": 1 if j < ring else draw(capacity),
        }
        for j in range(n_positions)
    ]
    students = []
    for i in range(n_students):
        if i < ring:
            head = [f"P{i}", f"P{(i + 1) % ring}"]
            rest = [p["id"] for p in positions if p["id"] not in head]
            tail = draw(st.permutations(rest))[: draw(st.integers(0, 1))]
            students.append({"id": f"S{i}", "preferences": head + list(tail)})
        else:
            ranked = draw(st.permutations([p["id"] for p in positions]))
            students.append({"id": f"S{i}", "preferences": ranked[: draw(st.integers(0, 3))]})
    prefs = {s["id"]: s["preferences"] for s in students}
    rankings = []
    for k, host in enumerate(hosts):
        mine = {p["id"] for p in positions if p["host"] == host}
        planted = [f"S{(k - 1) % ring}", f"S{k}"] if k < ring else []
        applied = [s["id"] for s in students if mine & set(s["preferences"])]
        applied = [s for s in applied if s not in planted]
        if draw(st.booleans()):
            # Against the students' wishes (those who want the host least come first).
            applied.sort(key=lambda s: -min(prefs[s].index(p) for p in mine & set(prefs[s])))
        else:
            applied = list(draw(st.permutations(applied)))
        chosen = [s for s in applied if draw(st.sampled_from([True, True, True, True, False]))]
        others = [s["id"] for s in students if s["id"] not in applied + planted]
        if others and draw(st.booleans()):  # a host may rank a student who did not apply
            chosen.insert(draw(st.integers(0, len(chosen))), draw(st.sampled_from(others)))
        ranking: list[Any] = list(planted)
        while chosen:
            size = draw(st.sampled_from([1, 1, 1, 2, 3]))
            group, chosen = chosen[:size], chosen[size:]
            ranking.append(list(group) if len(group) > 1 else group[0])
        rankings.append(ranking)
    return {
        "students": students,
        "positions": positions,
        "hosts": [
            {
                "id": h,
                "capacity": 1 if k < ring else draw(st.sampled_from([0, 1, 2, 2, 3, 4])),
                "ranking": r,
            }
            for k, (h, r) in enumerate(zip(hosts, rankings, strict=True))
        ],
    }
