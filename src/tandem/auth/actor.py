"""The actor behind every service call: a signed-in user, the CLI, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who does something; services scope reads and label audit entries with it."""

    label: str
    user_id: int | None = None
    role: str | None = None
    college_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)

    @classmethod
    def cli(cls) -> Actor:
        return cls(label="cli")

    @property
    def is_user(self) -> bool:
        return self.user_id is not None
