"""The `tandem` entry point: the pure engines' commands start light, the rest go to the full CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TANDEM = str(Path(sys.executable).parent / "tandem")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TANDEM, *args], capture_output=True, text=True, timeout=60, check=False)


def test_the_full_command_line_lists_every_command() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("db", "demo", "import", "compliance", "match", "resources", "serve"):
        assert command in result.stdout


def test_match_and_compliance_start_without_the_web_application() -> None:
    code = (
        "import sys; sys.argv = ['tandem', 'compliance', 'rules', '--lang', 'en'];"
        "from tandem import entry\n"
        "try:\n    entry.main()\nexcept SystemExit:\n    pass\n"
        "assert 'fastapi' not in sys.modules and 'sqlalchemy' not in sys.modules, 'heavy import'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "cn2021.overtime" in result.stdout
    helped = _run("match", "--help")
    assert helped.returncode == 0
    assert "tandem match" in helped.stdout
