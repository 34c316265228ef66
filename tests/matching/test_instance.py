"""Parsing: ids interned in order, unacceptable pairs kept as such, the lottery, and every kind
of malformed input rejected with the offending entry named."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching import MalformedInstance, parse_instance
from tests.matching.reference import instances


def base() -> dict[str, Any]:
    return {
        "students": [
            {"id": "S1", "preferences": ["P2", "P1"]},
            {"id": "S2", "preferences": ["P1"]},
            {"id": "S3", "preferences": []},
        ],
        "positions": [
            {"id": "P1", "host": "H1", "capacity": 2},
            {"id": "P2", "host": "H2", "capacity": 0},
        ],
        "hosts": [
            {"id": "H1", "capacity": 3, "ranking": [["S1", "S2"], "S3"]},
            {"id": "H2", "capacity": 1, "ranking": []},
        ],
    }


def test_ids_are_interned_in_order_and_unranked_pairs_are_not_acceptable() -> None:
    instance = parse_instance(base())
    assert instance.student_ids == ["S1", "S2", "S3"]
    assert instance.pref_start.tolist() == [0, 2, 3, 3]
    assert instance.pref_position.tolist() == [1, 0, 0]
    # S1 at P2: H2 did not rank S1; at P1 and for S2 the host's lottery order decides.
    first = min(["S1", "S2"], key=lambda s: hashlib.sha256(f"0:{s}".encode()).digest())
    assert instance.pref_rank.tolist() == [-1, 0 if first == "S1" else 1, 0 if first == "S2" else 1]
    assert instance.ties == {0: [range(0, 2)]}
    assert instance.tied(0, 1) == range(0, 2)
    assert instance.tied(0, 2) == range(2, 3)


def test_extra_keys_are_ignored() -> None:
    data = base()
    data["term"] = "2026 spring"
    data["students"][0]["name"] = "王芳"
    assert parse_instance(data).student_ids == ["S1", "S2", "S3"]


def mutate(data: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


DELETE = object()
CASES: list[tuple[list[Any], Any, str, str]] = [
    (["students"], DELETE, "students", "is missing"),
    (["positions"], {"P1": 1}, "positions", "must be a list"),
    (["students", 1], "S2", "students[1]", "must be an object"),
    (["students", 1, "id"], "S1", "students[1].id", 'duplicate id "S1" (also students[0])'),
    (["students", 2, "id"], 3, "students[2].id", "must be a non-empty string"),
    (["students", 2, "id"], "", "students[2].id", "must be a non-empty string"),
    (["students", 0, "preferences"], "P1", "students[0].preferences", "must be a list"),
    (["students", 0, "preferences"], DELETE, "students[0].preferences", "is missing"),
    (
        ["students", 1, "preferences", 0],
        "P99",
        "students[1].preferences[0]",
        'unknown position "P99"',
    ),
    (
        ["students", 0, "preferences", 1],
        "P2",
        "students[0].preferences[1]",
        'position "P2" listed twice (also students[0].preferences[0])',
    ),
    (["positions", 1, "id"], "P1", "positions[1].id", 'duplicate id "P1"'),
    (["positions", 0, "host"], "H9", "positions[0].host", 'unknown host "H9"'),
    (["positions", 0, "host"], DELETE, "positions[0].host", "is missing"),
    (["positions", 0, "capacity"], -1, "positions[0].capacity", "non-negative integer, not -1"),
    (["positions", 0, "capacity"], 2.0, "positions[0].capacity", "not 2.0"),
    (["positions", 0, "capacity"], "2", "positions[0].capacity", 'not "2"'),
    (["positions", 0, "capacity"], True, "positions[0].capacity", "not true"),
    (["hosts", 1, "capacity"], None, "hosts[1].capacity", "not null"),
    (["hosts", 1, "id"], "H1", "hosts[1].id", 'duplicate id "H1" (also hosts[0])'),
    (["hosts", 0, "ranking"], DELETE, "hosts[0].ranking", "is missing"),
    (["hosts", 0, "ranking", 1], "S9", "hosts[0].ranking[1]", 'unknown student "S9"'),
    (["hosts", 0, "ranking", 0, 1], "S4", "hosts[0].ranking[0][1]", 'unknown student "S4"'),
    (["hosts", 0, "ranking", 0, 1], ["S2"], "hosts[0].ranking[0][1]", "must be a student id"),
    (["hosts", 0, "ranking", 1], [], "hosts[0].ranking[1]", "an empty list of tied students"),
    (
        ["hosts", 0, "ranking", 1],
        "S1",
        "hosts[0].ranking[1]",
        'student "S1" ranked twice (also hosts[0].ranking[0][0])',
    ),
]


@pytest.mark.parametrize(("path", "value", "where", "reason"), CASES)
def test_malformed_input_names_the_entry(
    path: list[Any], value: Any, where: str, reason: str
) -> None:
    with pytest.raises(MalformedInstance) as caught:
        parse_instance(mutate(base(), path, value))
    assert caught.value.path == where
    assert reason in caught.value.reason


@pytest.mark.parametrize("data", [[], "x", None, 3])
def test_an_instance_must_be_an_object(data: Any) -> None:
    with pytest.raises(MalformedInstance, match=r"^instance: must be an object"):
        parse_instance(data)


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid instance with one fault, and the path the error must name."""
    data = draw(instances())
    students, positions, hosts = data["students"], data["positions"], data["hosts"]
    i = draw(st.integers(0, len(students) - 1))
    j = draw(st.integers(0, len(positions) - 1))
    k = draw(st.integers(0, len(hosts) - 1))
    prefs, ranking = students[i]["preferences"], hosts[k]["ranking"]
    bad_number = st.sampled_from([-1, -7, 1.5, 2.0, "3", None, True, [1]])
    faults = ["unknown position", "capacity", "host capacity", "unknown host", "unknown student"]
    faults += ["empty tie", "duplicate student id"] if len(students) > 1 else ["empty tie"]
    faults += ["listed twice"] if prefs else []
    faults += ["ranked twice"] if ranking else []
    fault = draw(st.sampled_from(faults))
    if fault == "unknown position":
        prefs.append("NOPE")
        return data, f"students[{i}].preferences[{len(prefs) - 1}]"
    if fault == "listed twice":
        prefs.append(draw(st.sampled_from(prefs)))
        return data, f"students[{i}].preferences[{len(prefs) - 1}]"
    if fault == "capacity":
        positions[j]["capacity"] = draw(bad_number)
        return data, f"positions[{j}].capacity"
    if fault == "host capacity":
        hosts[k]["capacity"] = draw(bad_number)
        return data, f"hosts[{k}].capacity"
    if fault == "unknown host":
        positions[j]["host"] = "NOPE"
        return data, f"positions[{j}].host"
    if fault == "unknown student":
        ranking.append("NOPE")
        return data, f"hosts[{k}].ranking[{len(ranking) - 1}]"
    if fault == "empty tie":
        ranking.append([])
        return data, f"hosts[{k}].ranking[{len(ranking) - 1}]"
    if fault == "ranked twice":
        entry = draw(st.sampled_from(ranking))
        ranking.append(draw(st.sampled_from(entry)) if isinstance(entry, list) else entry)
        return data, f"hosts[{k}].ranking[{len(ranking) - 1}]"
    other = draw(st.integers(0, len(students) - 1).filter(lambda o: o != i))
    students[max(i, other)]["id"] = students[min(i, other)]["id"]
    return data, f"students[{max(i, other)}].id"


@settings(max_examples=150, deadline=None)
@given(case=corrupted(), seed=st.integers(0, 99))
def test_any_single_fault_is_rejected_naming_its_entry(
    case: tuple[dict[str, Any], str], seed: int
) -> None:
    data, where = case
    with pytest.raises(MalformedInstance) as caught:
        parse_instance(data, seed=seed)
    assert caught.value.path == where
    assert str(caught.value).startswith(f"{where}: ")
