"""Demo accounts, one for every role, all with the same (printed, well-known) password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite, UserUpdate
from tandem.college import repository as college_repository
from tandem.demo.registries import Registry
from tandem.partner.models import Enterprise, Partnership

DEMO_PASSWORD = "Tandem-demo-2026"  # noqa: S105 - published demo password, printed on purpose

# (email, name, role, college code, department code, region code)
DEMO_ACCOUNTS: list[tuple[str, str, Role, str | None, str | None, str | None]] = [
    ("admin@tandem.example", "平台管理员 Platform Admin", Role.PLATFORM_ADMIN, None, None, None),
    ("office@demo.example", "合作办 王敏 Wang Min", Role.COLLEGE_ADMIN, "DEMO", None, None),
    (
        "mech@demo.example",
        "机电学院 李强 Li Qiang",
        Role.DEPARTMENT_COORDINATOR,
        "DEMO",
        "MECH",
        None,
    ),
    ("teacher@demo.example", "张老师 Zhang Wei", Role.TEACHER, "DEMO", "MECH", None),
    ("student@demo.example", "陈同学 Chen Jie", Role.STUDENT, "DEMO", "MECH", None),
    ("hr@partner.example", "企业 HR 刘芳 Liu Fang", Role.ENTERPRISE_CONTACT, None, None, None),
    (
        "authority@gd.example",
        "省教育厅 Provincial Authority",
        Role.AUTHORITY_VIEWER,
        None,
        None,
        "440000",
    ),
    ("office@north.example", "北方交通 合作办 Zhao Lei", Role.COLLEGE_ADMIN, "NORTH", None, None),
]


def ensure_demo_accounts(session: Session, actor: Actor) -> int:
    """Create the demo accounts that do not exist yet; returns how many were created."""
    created = 0
    for email, name, role, college_code, department_code, region in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        college = (
            college_repository.find_college_by_code(session, college_code) if college_code else None
        )
        department = (
            college_repository.find_department_by_code(session, college, department_code)
            if college and department_code
            else None
        )
        data = UserInvite(
            email=email,
            display_name=name,
            role=role,
            college_id=college.id if college else None,
            department_id=department.id if department else None,
            region_code=region,
        )
        auth_service.create_user(session, actor=actor, data=data, password=DEMO_PASSWORD)
        created += 1
    return created


def demo_logins(session: Session) -> list[tuple[str, str]]:
    """(email, role) of the demo accounts present in this database."""
    emails = [row[0] for row in DEMO_ACCOUNTS]
    users = session.scalars(select(User).where(User.email.in_(emails))).all()
    order = {email: i for i, email in enumerate(emails)}
    return [(u.email, u.role) for u in sorted(users, key=lambda u: order[u.email])]


def bind_demo_accounts(
    session: Session, actor: Actor, registry: Registry, enterprises: list[Enterprise]
) -> None:
    """Bind the demo student, teacher and enterprise accounts to records (once they exist)."""
    active = session.scalar(
        select(Partnership.enterprise_id)
        .where(
            Partnership.status == "active",
            Partnership.enterprise_id.in_([e.id for e in enterprises]),
        )
        .order_by(Partnership.id)
        .limit(1)
    )
    wanted = {
        "hr@partner.example": (
            "enterprise_id",
            session.get(Enterprise, active) if active else None,
        ),
        "student@demo.example": ("student_id", registry.students[0] if registry.students else None),
        "teacher@demo.example": ("teacher_id", registry.teachers[0] if registry.teachers else None),
    }
    for email, (field, record) in wanted.items():
        user = session.scalar(select(User).where(User.email == email))
        if user is None or record is None or getattr(user, field) is not None:
            continue
        auth_service.update_user(
            session, actor=actor, user=user, data=UserUpdate(**{field: record.id})
        )
