"""Route-by-role rules for the links routes (used by tests/test_route_access.py)."""

from __future__ import annotations

from typing import Any

RULES: dict[tuple[str, str], Any] = {}
