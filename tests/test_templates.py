"""The Content-Security-Policy forbids inline scripts and styles: keep the templates clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tandem.kit.web import TEMPLATE_DIR

TEMPLATES = sorted(TEMPLATE_DIR.rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATE_DIR)))
def test_no_inline_script_style_or_handlers(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
    assert "hx-on" not in html, "hx-on needs eval"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "asset from another host"
