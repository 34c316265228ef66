"""One-time links (invitations, resets) and changes to accounts, through the services."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth import service
from tandem.auth.actor import Actor
from tandem.auth.models import AccountLink, LoginSession, User
from tandem.auth.passwords import verify_password
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite, UserUpdate
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.kit.errors import (
    AppError,
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from tandem.kit.orm import utcnow
from tandem.mail.models import OutboxMessage
from tests.factories import PASSWORD, make_college, make_department, make_user

SYSTEM = Actor.system("test")
NEW_PASSWORD = "Another-Secret-42x"
IP = "203.0.113.5"


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def office(session: Session, college: College) -> User:
    return make_user(session, "college_admin", college)


def invite(role: Role, email: str = "new@test.example", **fields: object) -> UserInvite:
    return UserInvite(email=email, display_name="New Person", role=role, **fields)  # type: ignore[arg-type]


def field_error(caught: pytest.ExceptionInfo[AppError]) -> tuple[str, str]:
    assert caught.value.errors, caught.value
    return caught.value.errors[0].field, caught.value.errors[0].code


def link_token(session: Session, email: str, path: str = "invitation") -> str:
    body = session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None, "no message queued"
    match = re.search(rf"/{path}/([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def entries(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def move_clock(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> datetime:
    moment = utcnow() + delta
    monkeypatch.setattr(service, "utcnow", lambda: moment)
    return moment


# --- invitations and resets ------------------------------------------------------------------


def _invite(session: Session, settings: Settings, college: College, email: str) -> User:
    return service.invite_user(
        session,
        actor=SYSTEM,
        data=invite(Role.TEACHER, email, college_id=college.id),
        settings=settings,
        language="en",
    )


def test_invitation_link_sets_the_password_once(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "inv@test.example")
    assert user.is_invited
    message = session.scalars(select(OutboxMessage)).one()
    assert message.to_address == "inv@test.example"
    assert message.subject == "Your Tandem account"
    assert f"{settings.base_url}/invitation/" in message.body
    raw = link_token(session, user.email)
    stored = session.scalars(select(AccountLink)).one()
    assert stored.token_hash == service.digest(raw)
    assert raw not in message.subject
    redeemed = service.redeem_link(
        session, raw=raw, purpose="invitation", new_password=NEW_PASSWORD
    )
    assert redeemed is user
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not user.is_invited
    [accepted] = entries(session, "accept_invitation")
    assert accepted.changes == {"password_hash": "(changed)"}
    with pytest.raises(NotFound) as caught:
        service.redeem_link(session, raw=raw, purpose="invitation", new_password="Other-pass-1234")
    assert caught.value.code == "link_invalid"
    assert service.authenticate(session, email=user.email, password=NEW_PASSWORD, ip=IP) is user


def test_redeeming_applies_the_policy_and_keeps_the_link(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "weakling@test.example")
    raw = link_token(session, user.email)
    with pytest.raises(ValidationFailed) as caught:
        service.redeem_link(session, raw=raw, purpose="invitation", new_password="weakling-123")
    assert field_error(caught) == ("new_password", "weak_password")
    service.find_link(session, raw=raw, purpose="invitation")  # still usable


def test_links_work_only_for_their_purpose(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "purpose@test.example")
    raw = link_token(session, user.email)
    with pytest.raises(NotFound):
        service.find_link(session, raw=raw, purpose="reset")


def test_expired_invitation_is_refused(
    session: Session, college: College, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _invite(session, settings, college, "late@test.example")
    raw = link_token(session, user.email)
    move_clock(monkeypatch, timedelta(days=settings.invitation_days, minutes=1))
    with pytest.raises(AppError) as caught:
        service.redeem_link(session, raw=raw, purpose="invitation", new_password=NEW_PASSWORD)
    assert caught.value.code == "link_expired"
    assert user.is_invited


def test_resend_invalidates_the_old_link(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "again@test.example")
    old = link_token(session, user.email)
    service.resend_invitation(session, actor=SYSTEM, user=user, settings=settings, language="en")
    new = link_token(session, user.email)
    assert new != old
    with pytest.raises(NotFound):
        service.find_link(session, raw=old, purpose="invitation")
    service.redeem_link(session, raw=new, purpose="invitation", new_password=NEW_PASSWORD)
    with pytest.raises(Conflict):
        service.resend_invitation(
            session, actor=SYSTEM, user=user, settings=settings, language="en"
        )


def test_link_of_a_disabled_account_is_refused(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "gone@test.example")
    raw = link_token(session, user.email)
    user.is_active = False
    session.flush()
    with pytest.raises(PermissionDenied) as caught:
        service.find_link(session, raw=raw, purpose="invitation")
    assert caught.value.code == "account_disabled"


def test_password_reset_flow(
    session: Session, college: College, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session, "teacher", college, email="reset@test.example")
    signed_in = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    service.request_password_reset(
        session, email=" Reset@Test.example ", settings=settings, language="en"
    )
    message = session.scalars(select(OutboxMessage)).one()
    assert message.subject == "Reset your Tandem password"
    raw = link_token(session, user.email, "password/reset")
    service.redeem_link(session, raw=raw, purpose="reset", new_password=NEW_PASSWORD)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD)
    assert service.resolve_session(session, raw=signed_in.raw_token, settings=settings) is None
    assert len(entries(session, "reset_password")) == 1
    with pytest.raises(NotFound):
        service.redeem_link(session, raw=raw, purpose="reset", new_password="Third-pass-xyz9")
    service.send_password_reset(session, actor=SYSTEM, user=user, settings=settings, language="en")
    later = link_token(session, user.email, "password/reset")
    move_clock(monkeypatch, timedelta(hours=settings.reset_hours, seconds=1))
    with pytest.raises(AppError) as caught:
        service.find_link(session, raw=later, purpose="reset")
    assert caught.value.code == "link_expired"


def test_self_service_reset_says_nothing_for_unknown_invited_or_disabled(
    session: Session, college: College, settings: Settings
) -> None:
    make_user(session, "teacher", college, email="invited@test.example", password=None)
    disabled = make_user(session, "teacher", college, email="disabled@test.example")
    disabled.is_active = False
    session.flush()
    for email in ("nobody@test.example", "invited@test.example", "disabled@test.example"):
        service.request_password_reset(session, email=email, settings=settings, language="en")
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0
    with pytest.raises(Conflict):
        service.send_password_reset(
            session, actor=SYSTEM, user=disabled, settings=settings, language="en"
        )


# --- changing accounts ---------------------------------------------------------------------------


def test_change_password_checks_current_and_keeps_only_this_session(
    session: Session, college: College, settings: Settings
) -> None:
    user = make_user(session, "teacher", college)
    here = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    there = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    actor = service.actor_for(user, session_id=here.login_session.id)
    with pytest.raises(ValidationFailed) as caught:
        service.change_password(session, actor=actor, user=user, current="wrong", new=NEW_PASSWORD)
    assert field_error(caught) == ("current_password", "wrong_password")
    with pytest.raises(ValidationFailed) as caught:
        service.change_password(session, actor=actor, user=user, current=PASSWORD, new="x")
    assert field_error(caught) == ("new_password", "weak_password")
    service.change_password(session, actor=actor, user=user, current=PASSWORD, new=NEW_PASSWORD)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    session.expire_all()
    assert service.resolve_session(session, raw=here.raw_token, settings=settings) is not None
    assert service.resolve_session(session, raw=there.raw_token, settings=settings) is None
    [entry] = entries(session, "change_password")
    assert entry.changes == {"password_hash": "(changed)"}


def test_disabling_revokes_sessions_and_enabling_is_audited(
    session: Session, college: College, office: User, settings: Settings
) -> None:
    user = make_user(session, "teacher", college)
    login = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    actor = service.actor_for(office)
    service.update_user(session, actor=actor, user=user, data=UserUpdate(is_active=False))
    session.expire_all()
    assert session.get(LoginSession, login.login_session.id).revoked_at is not None  # type: ignore[union-attr]
    assert [e.changes for e in entries(session, "disable")] == [{"is_active": [True, False]}]
    service.update_user(session, actor=actor, user=user, data=UserUpdate(is_active=True))
    assert user.is_active
    assert len(entries(session, "enable")) == 1
    assert service.resolve_session(session, raw=login.raw_token, settings=settings) is None


def test_cannot_change_own_role_or_disable_self(session: Session, office: User) -> None:
    actor = service.actor_for(office)
    for data in (UserUpdate(role=Role.TEACHER), UserUpdate(is_active=False)):
        with pytest.raises(PermissionDenied):
            service.update_user(session, actor=actor, user=office, data=data)
    assert office.role == "college_admin"
    assert office.is_active
    service.update_user(session, actor=actor, user=office, data=UserUpdate(display_name="Me"))
    assert office.display_name == "Me"


def test_saving_own_unchanged_role_is_allowed(session: Session, office: User) -> None:
    data = UserUpdate(display_name="Renamed", role=Role.COLLEGE_ADMIN, version=office.version)
    service.update_user(session, actor=service.actor_for(office), user=office, data=data)
    assert office.display_name == "Renamed"


def test_update_role_and_department_follow_the_rules(
    session: Session, college: College, department: Department, office: User
) -> None:
    user = make_user(session, "teacher", college)
    actor = service.actor_for(office)
    with pytest.raises(ValidationFailed):
        service.update_user(
            session, actor=actor, user=user, data=UserUpdate(role=Role.DEPARTMENT_COORDINATOR)
        )
    with pytest.raises(PermissionDenied):
        service.update_user(
            session, actor=actor, user=user, data=UserUpdate(role=Role.PLATFORM_ADMIN)
        )
    assert user.role == "teacher"
    data = UserUpdate(role=Role.DEPARTMENT_COORDINATOR, department_id=department.id, version=1)
    service.update_user(session, actor=actor, user=user, data=data)
    assert (user.role, user.department_id, user.version) == (
        "department_coordinator",
        department.id,
        2,
    )
    [entry] = [e for e in entries(session, "update") if e.entity_id == str(user.id)]
    assert entry.changes["role"] == ["teacher", "department_coordinator"]
    assert entry.changes["department_id"] == [None, department.id]


def test_stale_version_is_refused(session: Session, college: College, office: User) -> None:
    user = make_user(session, "teacher", college)
    actor = service.actor_for(office)
    service.update_user(
        session, actor=actor, user=user, data=UserUpdate(display_name="A", version=1)
    )
    with pytest.raises(StaleVersion):
        service.update_user(
            session, actor=actor, user=user, data=UserUpdate(display_name="B", version=1)
        )
    assert user.display_name == "A"


def test_audit_never_holds_password_hashes(
    session: Session, college: College, settings: Settings
) -> None:
    user = _invite(session, settings, college, "audit@test.example")
    service.redeem_link(
        session,
        raw=link_token(session, user.email),
        purpose="invitation",
        new_password=NEW_PASSWORD,
    )
    login = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    actor = service.actor_for(user, session_id=login.login_session.id)
    service.change_password(session, actor=actor, user=user, current=NEW_PASSWORD, new=PASSWORD)
    service.create_token(session, actor=actor, user=user, name="sync")
    session.flush()
    assert user.password_hash
    for entry in session.scalars(select(AuditEntry)):
        text = repr(entry.changes) + entry.summary
        assert "$argon2" not in text
        assert user.password_hash not in text
        if "password_hash" in entry.changes:
            assert entry.changes["password_hash"] == "(changed)"
