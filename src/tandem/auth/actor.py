"""The actor behind every service call: a signed-in user, the CLI, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.auth.roles import Permission, Role, allows


@dataclass(frozen=True)
class Actor:
    """Who does something: services scope reads by it and label audit entries with it.

    A user's scope comes from their role and bindings: a college (and department), a region
    for authority viewers, an enterprise for enterprise contacts, a student or teacher record.
    System actors (CLI, demo, background jobs) have no role and are not scoped.
    """

    label: str
    user_id: int | None = None
    role: str | None = None
    college_id: int | None = None
    department_id: int | None = None
    region_code: str | None = None
    enterprise_id: int | None = None
    student_id: int | None = None
    teacher_id: int | None = None
    session_id: int | None = None
    display_name: str = ""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)

    @classmethod
    def cli(cls) -> Actor:
        return cls(label="cli")

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_platform_wide(self) -> bool:
        """Sees every college: system actors and platform admins."""
        return self.is_system or self.role == Role.PLATFORM_ADMIN

    def can(self, permission: Permission) -> bool:
        return self.is_system or allows(self.role, permission)
