"""Explanations: every student's outcome, and a true reason for every position ranked above it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.matching import allocate
from tests.matching.reference import Plain, allocation_of, instances

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_reasons(data: dict[str, Any], result: dict[str, Any], seed: int) -> set[tuple[str, str]]:
    """Assert each reason against the definitions; return the pairs explained as blocking."""
    plain = Plain.of(data, seed)
    placed = allocation_of(result)
    explanations = result["explanations"]
    assert list(explanations) == plain.students
    blocking: set[tuple[str, str]] = set()
    for student, told in explanations.items():
        mine = placed[student]
        assert told["position"] == mine
        assert told["rank"] == (plain.rank(student, mine) if mine else None)
        assert [why["position"] for why in told["above"]] == plain.prefs[student][
            : plain.rank(student, mine) - 1
        ]
        for why in told["above"]:
            position, host = why["position"], why["host"]
            assert host == plain.host_of[position]
            assert why["message"]
            ranks = plain.host_rank[host]
            in_position = [s for s, p in placed.items() if p == position]
            in_host = [s for s, p in placed.items() if p and plain.host_of[p] == host]
            if why["reason"] == "not_acceptable":
                assert student not in ranks
            elif why["reason"] == "full":
                assert len(in_position) >= plain.position_cap[position]
                assert sorted(in_position, key=ranks.__getitem__) == why["ranked_higher"]
                assert all(ranks[s] < ranks[student] for s in in_position)
                assert set(why["by_lottery"]) <= set(why["ranked_higher"])
            elif why["reason"] == "host_full":
                assert len(in_position) < plain.position_cap[position]
                assert len(in_host) >= plain.host_cap[host] == why["capacity"]
                assert all(ranks[s] < ranks[student] for s in in_host)
            else:
                assert why["reason"] == "blocking_pair"
                blocking.add((student, position))
    return blocking


@FAST
@given(data=instances(), seed=st.integers(0, 1000))
def test_stable_explanations_give_a_true_reason_and_never_a_blocking_pair(
    data: dict[str, Any], seed: int
) -> None:
    result = allocate(data, seed=seed, explain=True)
    assert check_reasons(data, result, seed) == set()


@FAST
@given(data=instances())
def test_welfare_explanations_name_exactly_the_blocking_pairs(data: dict[str, Any]) -> None:
    result = allocate(data, objective="welfare", explain=True)
    blocking = check_reasons(data, result, 0)
    plain = Plain.of(data, 0)
    assert blocking == set(plain.blocking_pairs(allocation_of(result)))
    assert len(blocking) == result["stats"]["blocking_pairs"]


def test_an_explanation_in_full() -> None:
    data = {
        "students": [
            {"id": "A", "preferences": ["P1", "P2", "P3"]},
            {"id": "B", "preferences": ["P1"]},
            {"id": "C", "preferences": ["P2"]},
            {"id": "D", "preferences": []},
        ],
        "positions": [
            {"id": "P1", "host": "H1", "capacity": 1},
            {"id": "P2", "host": "H2", "capacity": 2},
            {"id": "P3", "host": "H3", "capacity": 1},
        ],
        "hosts": [
            {"id": "H1", "capacity": 1, "ranking": [["A", "B"]]},
            {"id": "H2", "capacity": 1, "ranking": ["C", "A"]},
            {"id": "H3", "capacity": 1, "ranking": ["A"]},
        ],
    }
    # seed 0: B wins H1's lottery against A (sha256("0:B") < sha256("0:A")).
    explanations = allocate(data, seed=0, explain=True)["explanations"]
    assert explanations["A"] == {
        "position": "P3",
        "rank": 3,
        "message": "placed at P3, their 3rd choice",
        "above": [
            {
                "position": "P1",
                "host": "H1",
                "reason": "full",
                "ranked_higher": ["B"],
                "by_lottery": ["B"],
                "message": "P1 is full (1 place) with students H1 ranked higher, "
                "1 of them by the tie-breaking lottery",
            },
            {
                "position": "P2",
                "host": "H2",
                "reason": "host_full",
                "capacity": 1,
                "message": "H2 is at its cap of 1 student, all ranked higher than A",
            },
        ],
    }
    assert explanations["D"] == {
        "position": None,
        "rank": None,
        "message": "not placed: no preferences",
        "above": [],
    }
    assert explanations["B"]["message"] == "placed at P1, their 1st choice"
