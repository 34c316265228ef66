"""The `tandem match` contract, run as the real command: files, stdout, stderr, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TANDEM = str(Path(sys.executable).parent / "tandem")

INSTANCE: dict[str, Any] = {
    "students": [
        {"id": "S1", "preferences": ["P3", "P1"]},
        {"id": "S2", "preferences": ["P1"]},
        {"id": "S3", "preferences": ["P1", "P3"]},
        {"id": "S4", "preferences": ["P1"]},
        {"id": "S9", "preferences": []},
    ],
    "positions": [
        {"id": "P1", "host": "H1", "capacity": 2},
        {"id": "P3", "host": "H2", "capacity": 1},
    ],
    "hosts": [
        {"id": "H1", "capacity": 2, "ranking": ["S4", ["S1", "S3"], "S2"]},
        {"id": "H2", "capacity": 1, "ranking": ["S3", "S1"]},
    ],
}


def tandem(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TANDEM, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def write(folder: Path, name: str, document: Any) -> Path:
    path = folder / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), "utf-8")
    return path


def test_allocate_then_verify(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", INSTANCE)
    output = tmp_path / "result.json"
    done = tandem("match", str(instance), "-o", str(output))
    assert done.returncode == 0, done.stderr
    assert "3 of 5 students placed" in done.stdout
    result = json.loads(output.read_text("utf-8"))
    assert result["assignments"] == [
        {"student": "S1", "position": "P3"},
        {"student": "S3", "position": "P1"},
        {"student": "S4", "position": "P1"},
    ]
    assert result["unassigned"] == ["S2", "S9"]
    assert result["stats"] == {
        "students": 5,
        "assigned": 3,
        "unassigned": 2,
        "seed": 0,
        "objective": "stable",
        "rank_histogram": {"1": 3},
        "rank_sum": 3,
        "positions": 2,
        "hosts": 2,
        "places": 3,
        "tied_groups": 1,
    }
    assert "explanations" not in result
    assert {p.name for p in tmp_path.iterdir()} == {"instance.json", "result.json"}

    verified = tandem("match", "verify", str(instance), str(output))
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout) == {"feasible": True, "blocking_pairs": []}


def test_seed_welfare_and_explain_options(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", INSTANCE)
    output = tmp_path / "welfare.json"
    done = tandem(
        "match",
        str(instance),
        "-o",
        str(output),
        "--objective",
        "welfare",
        "--seed",
        "5",
        "--explain",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(output.read_text("utf-8"))
    stats = result["stats"]
    assert (stats["objective"], stats["seed"]) == ("welfare", 5)
    assert stats["stable"]["assigned"] <= stats["assigned"]
    assert stats["more_placed"] == stats["assigned"] - stats["stable"]["assigned"]
    assert list(result["explanations"]) == ["S1", "S2", "S3", "S4", "S9"]
    assert result["explanations"]["S9"]["position"] is None


def test_verify_reports_blocking_pairs_and_infeasibility_with_exit_1(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", INSTANCE)
    unstable = write(
        tmp_path,
        "unstable.json",
        {
            "assignments": [{"student": "S2", "position": "P1"}],
            "unassigned": ["S1", "S3", "S4", "S9"],
        },
    )
    done = tandem("match", "verify", str(instance), str(unstable))
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "feasible": True,
        "blocking_pairs": [["S1", "P3"], ["S1", "P1"], ["S3", "P1"], ["S3", "P3"], ["S4", "P1"]],
    }
    over = write(
        tmp_path,
        "over.json",
        {
            "assignments": [
                {"student": "S1", "position": "P3"},
                {"student": "S3", "position": "P3"},
                {"student": "S9", "position": "P1"},
            ],
            "unassigned": ["S2", "S4", "S4"],
        },
    )
    done = tandem("match", "verify", str(instance), str(over))
    assert done.returncode == 1
    assert json.loads(done.stdout)["feasible"] is False
    assert "S4 appears 2 times" in done.stderr
    assert "position P3 holds 2 students, its capacity is 1" in done.stderr
    assert "S9 at P1: the student did not rank this position" in done.stderr


# Every kind of malformed input is covered in-process by test_instance.py; these few check that
# the command turns each into status 2, the message on stderr and no file.
@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "instance.json: not valid JSON"),
        ('{"students": NaN}', "instance.json: not valid JSON"),
        (
            {**INSTANCE, "students": [*INSTANCE["students"], {"id": "S1", "preferences": []}]},
            'instance.json: students[5].id: duplicate id "S1" (also students[0])',
        ),
        (
            {**INSTANCE, "students": [{"id": "S1", "preferences": ["P1", "P99"]}]},
            'instance.json: students[0].preferences[1]: unknown position "P99"',
        ),
        (
            {**INSTANCE, "positions": [{"id": "P1", "host": "H1", "capacity": 1.5}]},
            "positions[0].capacity: must be a non-negative integer, not 1.5",
        ),
    ],
)
def test_malformed_input_exits_2_naming_the_entry_and_writes_nothing(
    tmp_path: Path, document: Any, message: str
) -> None:
    instance = write(tmp_path, "instance.json", document)
    output = tmp_path / "result.json"
    done = tandem("match", str(instance), "-o", str(output))
    assert done.returncode == 2
    assert message in done.stderr
    assert list(tmp_path.iterdir()) == [instance]


def test_a_failed_run_leaves_an_existing_result_untouched(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", {"students": []})
    output = write(tmp_path, "result.json", "previous")
    done = tandem("match", str(instance), "-o", str(output))
    assert (done.returncode, done.stderr.strip()) == (2, f"{instance}: positions: is missing")
    assert output.read_text("utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance.json", "result.json"]


def test_verify_rejects_a_malformed_result_with_2(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", INSTANCE)
    result = write(
        tmp_path,
        "result.json",
        {"assignments": [{"student": "S1", "position": "P8"}], "unassigned": []},
    )
    done = tandem("match", "verify", str(instance), str(result))
    assert (done.returncode, done.stdout) == (2, "")
    assert 'result.json: result.assignments[0].position: unknown position "P8"' in done.stderr


def test_usage_errors_exit_2_and_other_failures_exit_1(tmp_path: Path) -> None:
    instance = write(tmp_path, "instance.json", INSTANCE)
    assert tandem("match", str(instance)).returncode == 2  # no -o
    assert tandem("match", "verify", str(instance)).returncode == 2
    assert tandem("match", str(tmp_path / "missing.json"), "-o", "x.json").returncode == 2
    unwritable = tandem("match", str(instance), "-o", str(tmp_path / "no" / "such" / "r.json"))
    assert unwritable.returncode == 1
    assert "cannot write the result" in unwritable.stderr


def test_help_shows_both_forms() -> None:
    done = tandem("match", "verify", "--help")
    assert done.returncode == 0
    assert "tandem match INSTANCE.json -o RESULT.json" in done.stdout
    assert "tandem match verify INSTANCE.json RESULT.json" in done.stdout
    assert "--objective" in done.stdout
    assert "--explain" in done.stdout
