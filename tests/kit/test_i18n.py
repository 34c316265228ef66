from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tandem.kit.i18n import LOCALE_DIR, gettext, negotiate, set_language, translate

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("zh-TW", "zh_CN"),
        ("zh", "zh_CN"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,en;q=0.5,zh;q=0.4", "en"),
        ("de-DE", "zh_CN"),
        ("", "zh_CN"),
        (None, "zh_CN"),
        ("en;q=0,zh;q=0.1", "zh_CN"),
        ("garbage;;;q=x", "zh_CN"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header, "zh_CN") == expected


def test_translation_with_parameters() -> None:
    set_language("zh_CN")
    assert gettext("College %(code)s registered.", code="X1") == "院校 X1 已登记。"
    set_language("en")
    assert gettext("College %(code)s registered.", code="X1") == "College X1 registered."
    assert translate("Save", "zh_CN") == "保存"


def test_every_message_has_a_chinese_translation(tmp_path: Path) -> None:
    """Extract the messages from the code and templates: each must be translated in zh_CN."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with pot.open("rb") as f:
        wanted = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id
        }
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and m.string
        and all(m.string if isinstance(m.string, tuple) else [m.string])
        and "fuzzy" not in m.flags
    }
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated in zh_CN (run `make i18n`, then translate): {missing}"


def test_placeholders_survive_translation() -> None:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    import re

    holder = re.compile(r"%\((\w+)\)s")
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(holder.findall(source)) == set(holder.findall(target)), message.id
