"""Route-by-role rules (being written)."""

from typing import Any

RULES: dict[tuple[str, str], Any] = {}
