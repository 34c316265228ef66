"""The `tandem compliance check` contract, run as the real command: stdout, stderr, exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.compliance.helpers import CLEAN, doc

TANDEM = str(Path(sys.executable).parent / "tandem")


def run(
    tmp_path: Path, facts: Any, *args: str, raw: str | None = None
) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "facts.json"
    file.write_text(raw if raw is not None else json.dumps(facts), encoding="utf-8")
    return subprocess.run(
        [TANDEM, "compliance", "check", str(file), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_clean_document_is_ok_with_exit_0(tmp_path: Path) -> None:
    result = run(tmp_path, CLEAN)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "violations": []}


def test_a_list_gives_a_list_in_order_and_exit_1_on_any_block(tmp_path: Path) -> None:
    documents = [
        CLEAN,
        doc(("terms.night_shift", True), ("terms.monthly_pay", 3999.99)),
        doc(
            ("terms.end", "2026-09-30"),
            ("terms.insurance", {"start": "2026-03-01", "end": "2026-09-30", "paid_by": "host"}),
        ),
    ]
    result = run(tmp_path, documents, "--lang", "en")
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [r["ok"] for r in reports] == [True, False, True]
    assert [v["rule"] for v in reports[1]["violations"]] == [
        "cn2021.pay_below_80_percent",
        "cn2021.night_shift",
    ]
    assert reports[1]["violations"][0] == {
        "rule": "cn2021.pay_below_80_percent",
        "severity": "block",
        "message": "Post internship pay (3999.99 CNY a month) is below 80% of the wage for the "
        "same post (5000 CNY a month).",
        "source": "Provisions on the Administration of Vocational School Students' Internships "
        "(MoE et al., 2021, No. 4), Art. 18",
    }
    assert reports[2]["violations"][0]["rule"] == "cn2021.duration"
    assert reports[2]["violations"][0]["severity"] == "warn"


def test_warnings_alone_exit_0_and_messages_default_to_chinese(tmp_path: Path) -> None:
    result = run(tmp_path, doc(("terms.fees", None)))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["violations"][0]["rule"] == "cn2021.fees_charged"
    assert "terms.fees" in report["violations"][0]["message"]
    assert "缺少" in report["violations"][0]["message"]


def test_other_rule_sets_by_name(tmp_path: Path) -> None:
    result = run(tmp_path, doc(("terms.end", "2026-06-30")), "--rules", "en-apprenticeship")
    assert result.returncode == 1
    assert json.loads(result.stdout)["violations"][0]["rule"] == "enapp.min_duration"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({k: v for k, v in CLEAN.items() if k != "kind"}), "kind"),
        (json.dumps({k: v for k, v in CLEAN.items() if k != "post"}), "post"),
        (json.dumps({**CLEAN, "kind": "holiday"}), "kind"),
        (json.dumps(doc(("post.restrictions", ["radiation"]))), "post.restrictions[0]"),
        (json.dumps(doc(("terms.start", "2026-13-01"))), "terms.start"),
        (json.dumps([CLEAN, doc(("terms.end", "soon"))]), "terms.end"),
        ("NaN", "not valid JSON"),
    ],
)
def test_malformed_input_exits_2_with_the_reason_on_stderr_only(
    tmp_path: Path, raw: str, reason: str
) -> None:
    result = run(tmp_path, None, "--lang", "en", raw=raw)
    assert result.returncode == 2
    assert result.stdout == ""
    assert reason in result.stderr


def test_unknown_rule_set_and_missing_file_exit_2(tmp_path: Path) -> None:
    result = run(tmp_path, CLEAN, "--rules", "fr-2020")
    assert (result.returncode, result.stdout) == (2, "")
    assert "fr-2020" in result.stderr
    missing = subprocess.run(
        [TANDEM, "compliance", "check", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (missing.returncode, missing.stdout) == (2, "")
