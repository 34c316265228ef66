"""Instances (pure): the parsed JSON validated once and interned into integer arrays.

An instance is ``{"students": [{"id", "preferences": [position ids]}], "positions": [{"id",
"host", "capacity"}], "hosts": [{"id", "capacity", "ranking": [student id | [tied ids]]}]}``.
Other keys are ignored. Anything malformed raises :class:`MalformedInstance` naming the entry.

Students, positions and hosts become indices in instance order. Each host's ranking becomes a
strict order: students ranked equal are ordered by one seeded lottery (SHA-256 of
``"{seed}:{student id}"``, smallest first). Every entry of a student's preference list keeps
the host's rank of that student (0 = the host's first choice) or -1 when the host did not rank
them (the pair is not acceptable: not an error).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


class MalformedInstance(ValueError):
    """The instance cannot be allocated; ``path`` names the offending entry."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, slots=True, eq=False)
class Instance:
    """An interned instance. Flat arrays with offsets keep 10⁶ entries cheap in memory."""

    student_ids: list[str]
    position_ids: list[str]
    host_ids: list[str]
    position_host: IntArray  # host index of each position
    position_capacity: IntArray
    host_capacity: IntArray
    pref_start: IntArray  # student i's entries are pref_start[i]:pref_start[i + 1]
    pref_position: IntArray  # position of each entry, in the student's order
    pref_rank: IntArray  # the host's rank of the student for each entry; -1: not acceptable
    host_start: IntArray  # host k's order is host_start[k]:host_start[k + 1]
    host_order: IntArray  # students in each host's strict order (lottery applied), best first
    ties: dict[int, list[range]]  # per host with ties: the ranks each lottery ordered
    seed: int

    @property
    def students(self) -> int:
        return len(self.student_ids)

    def preferences(self, student: int) -> range:
        """The flat entry indices of a student's preference list."""
        return range(int(self.pref_start[student]), int(self.pref_start[student + 1]))

    def tied(self, host: int, rank: int) -> range:
        """The ranks the host ranked equal with ``rank`` (just ``rank`` when not tied)."""
        for group in self.ties.get(host, ()):
            if rank in group:
                return group
        return range(rank, rank + 1)


def lottery_key(seed: int, student_id: str) -> bytes:
    """The lottery ticket that orders students ranked equal: the smaller ticket ranks higher."""
    return hashlib.sha256(f"{seed}:{student_id}".encode()).digest()


def _field(entry: Any, key: str, path: str) -> Any:
    """``entry[key]``; ``path`` names the entry ("" for the instance itself)."""
    if not isinstance(entry, dict):
        raise MalformedInstance(path, "must be an object")
    if key not in entry:
        raise MalformedInstance(f"{path}.{key}" if path else key, "is missing")
    return entry[key]


def _list(container: Any, key: str, path: str) -> list[Any]:
    value = _field(container, key, path)
    if not isinstance(value, list):
        raise MalformedInstance(f"{path}.{key}" if path else key, "must be a list")
    return value


def _is_id(value: Any) -> bool:
    return type(value) is str and value != ""


def _ids(items: list[Any], name: str) -> tuple[list[str], dict[str, int]]:
    """The ids of a list of objects in order, and id → index; duplicates are malformed."""
    try:
        ids = [item["id"] for item in items]
    except (TypeError, KeyError):
        ids = [_field(item, "id", f"{name}[{i}]") for i, item in enumerate(items)]
    if set(map(type, ids)) - {str} or "" in ids:
        bad = next(i for i, value in enumerate(ids) if not _is_id(value))
        raise MalformedInstance(f"{name}[{bad}].id", "must be a non-empty string")
    index = dict(zip(ids, range(len(ids)), strict=True))
    if len(index) != len(ids):
        seen: dict[str, int] = {}
        for i, value in enumerate(ids):
            if value in seen:
                raise MalformedInstance(
                    f"{name}[{i}].id", f"duplicate id {quote(value)} (also {name}[{seen[value]}])"
                )
            seen[value] = i
    return ids, index


# Capacities are kept in 64-bit arrays and summed per host: larger ones count as this, which is
# more students than any region has, so the allocation is the same.
CAPACITY_LIMIT = 2**31 - 1


def _capacity(entry: Any, path: str) -> int:
    value = _field(entry, "capacity", path)
    if type(value) is not int or value < 0:
        raise MalformedInstance(
            f"{path}.capacity", f"must be a non-negative integer, not {quote(value)}"
        )
    return min(value, CAPACITY_LIMIT)


def quote(value: Any) -> str:
    """A value as JSON would write it, cut short: messages quote what the file says."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _lookup(index: dict[str, int], value: Any, path: str, kind: str) -> int:
    if type(value) is not str:
        raise MalformedInstance(path, f"must be a {kind} id (a string), not {quote(value)}")
    if value not in index:
        raise MalformedInstance(path, f"unknown {kind} {quote(value)}")
    return index[value]


def _duplicate(
    values: Sequence[Any], paths: Callable[[int], str], what: Callable[[Any], str]
) -> None:
    """Name the second occurrence of a repeated value, and the first."""
    seen: dict[Any, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            raise MalformedInstance(paths(i), f"{what(value)} twice (also {paths(seen[value])})")
        seen[value] = i


def _preferences(students: list[Any], position_index: dict[str, int]) -> tuple[IntArray, IntArray]:
    """Every student's list as position indices, flat, and the lists' lengths."""
    try:
        lists = [student["preferences"] for student in students]
        if set(map(type, lists)) - {list}:
            raise TypeError
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        flat = np.fromiter(
            map(position_index.__getitem__, chain.from_iterable(lists)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
    except (KeyError, TypeError):
        _check_preferences(students, position_index)
        raise  # pragma: no cover - the check names the fault
    # A position listed twice by one student: a repeated (student, position) key.
    keys = np.repeat(np.arange(len(lists), dtype=np.int64), lengths) * len(position_index) + flat
    keys.sort()  # nearly sorted already: cheap
    if len(keys) and bool((keys[1:] == keys[:-1]).any()):
        for i, row in enumerate(lists):
            paths = [f"students[{i}].preferences[{e}]" for e in range(len(row))]
            _duplicate(row, paths.__getitem__, lambda p: f"position {quote(p)} listed")
    return flat, lengths


def _check_preferences(students: list[Any], position_index: dict[str, int]) -> None:
    for i, student in enumerate(students):
        prefs = _list(student, "preferences", f"students[{i}]")
        for e, p in enumerate(prefs):
            _lookup(position_index, p, f"students[{i}].preferences[{e}]", "position")


def _expand(ranking: list[Any], seed: int, ties: list[range]) -> list[Any]:
    """The ranking with each list of tied students replaced by them in lottery order; the
    ranks each list covers are appended to ``ties``. Raises ValueError for an empty list."""
    types = list(map(type, ranking))
    if list not in types:
        return ranking
    expanded: list[Any] = []
    done = 0
    at = types.index(list)
    while True:
        expanded.extend(ranking[done:at])
        tied = ranking[at]
        if not tied:
            raise ValueError("an empty list of tied students")
        if len(tied) > 1:
            ties.append(range(len(expanded), len(expanded) + len(tied)))
        expanded.extend(sorted(tied, key=partial(lottery_key, seed)))
        done = at + 1
        try:
            at = types.index(list, done)
        except ValueError:
            expanded.extend(ranking[done:])
            return expanded


def _check_ranking(ranking: list[Any], k: int, student_index: dict[str, int]) -> None:
    """Name the first malformed entry of a host's ranking."""
    for t, entry in enumerate(ranking):
        path = f"hosts[{k}].ranking[{t}]"
        if type(entry) is list:
            if not entry:
                raise MalformedInstance(path, "an empty list of tied students")
            for u, s in enumerate(entry):
                _lookup(student_index, s, f"{path}[{u}]", "student")
        else:
            _lookup(student_index, entry, path, "student")


def _ranked_twice(
    ranking: list[Any], k: int, student_index: dict[str, int], student_ids: list[str]
) -> None:
    paths: list[str] = []
    students: list[int] = []
    for t, entry in enumerate(ranking):
        if type(entry) is list:
            paths.extend(f"hosts[{k}].ranking[{t}][{u}]" for u in range(len(entry)))
            students.extend(student_index[s] for s in entry)
        else:
            paths.append(f"hosts[{k}].ranking[{t}]")
            students.append(student_index[entry])
    _duplicate(students, paths.__getitem__, lambda s: f"student {quote(student_ids[s])} ranked")


def _rankings(
    hosts: list[Any], student_index: dict[str, int], seed: int
) -> tuple[IntArray, list[int], dict[int, list[range]]]:
    """All hosts' strict orders as one flat array of student indices, each host's length, and
    the tie groups the lottery ordered."""
    expanded: list[Any] = []
    lengths: list[int] = []
    ties: dict[int, list[range]] = {}
    for k, host in enumerate(hosts):
        ranking = _list(host, "ranking", f"hosts[{k}]")
        groups: list[range] = []
        try:
            strict = _expand(ranking, seed, groups)
        except ValueError:
            _check_ranking(ranking, k, student_index)
            raise  # pragma: no cover - the check names the fault
        if groups:
            ties[k] = groups
        expanded.extend(strict)
        lengths.append(len(strict))
    try:
        order = np.fromiter(
            map(student_index.__getitem__, expanded), dtype=np.int64, count=len(expanded)
        )
    except (KeyError, TypeError):
        for k, host in enumerate(hosts):
            _check_ranking(host["ranking"], k, student_index)
        raise  # pragma: no cover - the check names the fault
    return order, lengths, ties


def parse_instance(data: Any, *, seed: int = 0) -> Instance:
    """Validate and intern a parsed JSON instance; ties are broken by the lottery of ``seed``."""
    if not isinstance(data, dict):
        raise MalformedInstance("instance", "must be an object with students, positions and hosts")
    students = _list(data, "students", "")
    positions = _list(data, "positions", "")
    hosts = _list(data, "hosts", "")

    host_ids, host_index = _ids(hosts, "hosts")
    host_capacity = [_capacity(host, f"hosts[{k}]") for k, host in enumerate(hosts)]
    position_ids, position_index = _ids(positions, "positions")
    position_host = [
        _lookup(host_index, _field(p, "host", f"positions[{j}]"), f"positions[{j}].host", "host")
        for j, p in enumerate(positions)
    ]
    position_capacity = [_capacity(p, f"positions[{j}]") for j, p in enumerate(positions)]
    student_ids, student_index = _ids(students, "students")
    flat, lengths = _preferences(students, position_index)

    order, host_lengths, ties = _rankings(hosts, student_index, seed)

    n = len(student_ids)
    pref_position, pref_lengths = flat, lengths
    host_order_array = order
    host_len = np.array(host_lengths, dtype=np.int64)
    host_start = np.zeros(len(hosts) + 1, dtype=np.int64)
    np.cumsum(host_len, out=host_start[1:])
    pref_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(pref_lengths, out=pref_start[1:])
    position_host_array = np.array(position_host, dtype=np.int64)

    def twice(at: int) -> None:
        k = int(np.searchsorted(host_start, at, side="right")) - 1
        _ranked_twice(hosts[k]["ranking"], k, student_index, student_ids)

    pref_rank = _host_ranks(
        pref_position, pref_lengths, position_host_array, host_order_array, host_start, twice
    )
    return Instance(
        student_ids=student_ids,
        position_ids=position_ids,
        host_ids=host_ids,
        position_host=position_host_array,
        position_capacity=np.array(position_capacity, dtype=np.int64),
        host_capacity=np.array(host_capacity, dtype=np.int64),
        pref_start=pref_start,
        pref_position=pref_position,
        pref_rank=pref_rank,
        host_start=host_start,
        host_order=host_order_array,
        ties=ties,
        seed=seed,
    )


def _host_ranks(
    pref_position: IntArray,
    pref_lengths: IntArray,
    position_host: IntArray,
    host_order: IntArray,
    host_start: IntArray,
    twice: Callable[[int], None],
) -> IntArray:
    """For every preference entry, the host's rank of that student (-1 when unranked).

    Vectorised: the (student, host) keys of all rankings are sorted once and every entry's
    key is found by binary search, instead of 10⁶ dictionary look-ups. Entries come in student
    order, so the searches walk the sorted keys almost in order (cache-friendly). A key found
    twice is a student ranked twice by one host: ``twice`` gets its index in ``host_order``.
    """
    h = len(host_start) - 1
    host_len = np.diff(host_start)
    keys = host_order * h + np.repeat(np.arange(h, dtype=np.int64), host_len)
    sorter = np.argsort(keys)
    sorted_keys = keys[sorter]
    repeated = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if len(repeated):
        twice(int(sorter[repeated[0]]))
    if len(pref_position) == 0 or len(host_order) == 0:
        return np.full(len(pref_position), -1, dtype=np.int64)
    rank = np.arange(len(host_order), dtype=np.int64) - np.repeat(host_start[:-1], host_len)
    students = np.repeat(np.arange(len(pref_lengths), dtype=np.int64), pref_lengths)
    wanted = students * h + position_host[pref_position]
    at = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
    return np.where(sorted_keys[at] == wanted, rank[sorter[at]], -1)
