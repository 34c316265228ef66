"""Account rules through the service functions (in the test's rolled-back transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth import service
from tandem.auth.actor import Actor
from tandem.auth.models import ApiToken, LoginFailure, User
from tandem.auth.passwords import verify_password
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.kit.errors import (
    AppError,
    Conflict,
    PermissionDenied,
    Unauthenticated,
    ValidationFailed,
)
from tandem.kit.orm import utcnow
from tandem.partner.models import Enterprise, Partnership
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


def entries(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def move_clock(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> datetime:
    moment = utcnow() + delta
    monkeypatch.setattr(service, "utcnow", lambda: moment)
    return moment


# --- creating accounts ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COLLEGE_ADMIN, Role.TEACHER, Role.STUDENT])
def test_college_roles_need_a_college(session: Session, role: Role) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(session, actor=SYSTEM, data=invite(role))
    assert field_error(caught) == ("college_id", "college_required")


def test_unknown_college_is_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(session, actor=SYSTEM, data=invite(Role.TEACHER, college_id=99999))
    assert field_error(caught) == ("college_id", "college_required")


def test_coordinator_needs_a_department_of_that_college(
    session: Session, college: College, department: Department
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(
            session, actor=SYSTEM, data=invite(Role.DEPARTMENT_COORDINATOR, college_id=college.id)
        )
    assert field_error(caught) == ("department_id", "department_required")
    elsewhere = make_department(session, make_college(session))
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(
            session,
            actor=SYSTEM,
            data=invite(
                Role.DEPARTMENT_COORDINATOR, college_id=college.id, department_id=elsewhere.id
            ),
        )
    assert field_error(caught) == ("department_id", "department_required")
    user = service.create_user(
        session,
        actor=SYSTEM,
        data=invite(
            Role.DEPARTMENT_COORDINATOR, college_id=college.id, department_id=department.id
        ),
    )
    assert (user.college_id, user.department_id) == (college.id, department.id)


def test_a_teachers_department_must_be_of_the_same_college(
    session: Session, college: College
) -> None:
    elsewhere = make_department(session, make_college(session))
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(
            session,
            actor=SYSTEM,
            data=invite(Role.TEACHER, college_id=college.id, department_id=elsewhere.id),
        )
    assert field_error(caught) == ("department_id", "unknown_department")


def test_authority_viewer_needs_a_region(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(session, actor=SYSTEM, data=invite(Role.AUTHORITY_VIEWER))
    assert field_error(caught) == ("region_code", "region_required")
    viewer = service.create_user(
        session, actor=SYSTEM, data=invite(Role.AUTHORITY_VIEWER, region_code="440000")
    )
    assert viewer.region_code == "440000"
    assert viewer.college_id is None


def test_region_is_kept_only_for_authority_viewers(session: Session, college: College) -> None:
    teacher = service.create_user(
        session,
        actor=SYSTEM,
        data=invite(Role.TEACHER, college_id=college.id, region_code="440000"),
    )
    assert teacher.region_code is None


def test_platform_admin_with_a_college_is_refused(session: Session, college: College) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(
            session, actor=SYSTEM, data=invite(Role.PLATFORM_ADMIN, college_id=college.id)
        )
    assert field_error(caught) == ("college_id", "no_college_for_role")


def test_college_admin_creates_users_in_own_college_only(
    session: Session, college: College, office: User
) -> None:
    actor = service.actor_for(office)
    teacher = service.create_user(session, actor=actor, data=invite(Role.TEACHER))
    assert teacher.college_id == college.id  # defaults to the admin's own college
    other = make_college(session)
    with pytest.raises(PermissionDenied):
        service.create_user(
            session, actor=actor, data=invite(Role.TEACHER, "x@test.example", college_id=other.id)
        )
    assert session.scalar(select(User).where(User.email == "x@test.example")) is None


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.AUTHORITY_VIEWER])
def test_college_admin_cannot_grant_platform_roles(
    session: Session, office: User, role: Role
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        service.create_user(
            session, actor=service.actor_for(office), data=invite(role, region_code="440000")
        )
    assert caught.value.params == {"role": role.value}


def test_users_without_user_manage_cannot_create_accounts(
    session: Session, college: College
) -> None:
    teacher = make_user(session, "teacher", college)
    with pytest.raises(PermissionDenied):
        service.create_user(session, actor=service.actor_for(teacher), data=invite(Role.STUDENT))


def _enterprise(session: Session, college: College | None, uscc: str) -> Enterprise:
    enterprise = Enterprise(
        uscc=uscc,
        name=f"企业 {uscc[-4:]}",
        kind="private",
        industry_section="C",
        size_band="small",
        region_code="440100",
    )
    session.add(enterprise)
    session.flush()
    if college is not None:
        session.add(Partnership(college_id=college.id, enterprise_id=enterprise.id))
        session.flush()
    return enterprise


def test_college_admin_invites_contacts_of_its_partners_only(
    session: Session, college: College, office: User
) -> None:
    partner = _enterprise(session, college, "91350100M000100Y43")
    stranger = _enterprise(session, None, "91110000100006485K")
    actor = service.actor_for(office)
    contact = service.create_user(
        session,
        actor=actor,
        data=invite(Role.ENTERPRISE_CONTACT).model_copy(update={"enterprise_id": partner.id}),
    )
    assert contact.college_id == college.id  # listed under the office that invited it
    assert service.actor_for(contact).college_id is None  # but scoped by its enterprise
    assert service.actor_for(contact).enterprise_id == partner.id
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(
            session,
            actor=actor,
            data=invite(Role.ENTERPRISE_CONTACT).model_copy(update={"enterprise_id": stranger.id}),
        )
    assert field_error(caught) == ("enterprise_id", "not_a_partner")
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(session, actor=actor, data=invite(Role.ENTERPRISE_CONTACT))
    assert field_error(caught) == ("enterprise_id", "enterprise_required")


def test_duplicate_email_is_a_conflict(session: Session, college: College) -> None:
    make_user(session, "teacher", college, email="dup@test.example")
    with pytest.raises(Conflict) as caught:
        service.create_user(
            session,
            actor=SYSTEM,
            data=invite(Role.STUDENT, "DUP@test.example", college_id=college.id),
        )
    assert field_error(caught) == ("email", "duplicate")


def test_create_with_password_checks_policy_and_audits(session: Session, college: College) -> None:
    with pytest.raises(ValidationFailed):
        service.create_user(
            session,
            actor=SYSTEM,
            data=invite(Role.TEACHER, college_id=college.id),
            password="short",
        )
    user = service.create_user(
        session, actor=SYSTEM, data=invite(Role.TEACHER, college_id=college.id), password=PASSWORD
    )
    assert verify_password(user.password_hash, PASSWORD)
    assert not user.is_invited
    created = [e for e in entries(session, "create") if e.entity_type == "user_account"]
    assert created[-1].entity_id == str(user.id)
    assert created[-1].college_id == college.id
    assert created[-1].changes["password_hash"] == "(changed)"
    assert created[-1].changes["email"] == [None, "new@test.example"]


# --- signing in ----------------------------------------------------------------------------------


def test_authenticate_success_clears_failures_and_sets_last_login(
    session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="ok@test.example")
    with pytest.raises(Unauthenticated):
        service.authenticate(session, email="ok@test.example", password="wrong", ip=IP)
    assert user.last_login_at is None
    signed_in = service.authenticate(session, email="  OK@test.example ", password=PASSWORD, ip=IP)
    assert signed_in.id == user.id
    assert user.last_login_at is not None
    assert abs(utcnow() - user.last_login_at) < timedelta(seconds=30)
    count = select(func.count()).select_from(LoginFailure).where(LoginFailure.email == user.email)
    assert session.scalar(count) == 0


def test_wrong_password_records_failure_and_audit(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college, email="bad@test.example")
    with pytest.raises(Unauthenticated) as caught:
        service.authenticate(session, email="bad@test.example", password="nope", ip=IP)
    assert caught.value.code == "invalid_credentials"
    failure = session.scalars(select(LoginFailure)).one()
    assert (failure.email, failure.ip_address) == ("bad@test.example", IP)
    [entry] = entries(session, "login_failed")
    assert entry.entity_id == str(user.id)
    assert entry.summary == IP
    assert entry.college_id == college.id


def test_unknown_email_also_records_a_failure(session: Session) -> None:
    with pytest.raises(Unauthenticated) as caught:
        service.authenticate(session, email="ghost@test.example", password=PASSWORD, ip=IP)
    assert caught.value.code == "invalid_credentials"
    assert session.scalars(select(LoginFailure.email)).all() == ["ghost@test.example"]
    assert entries(session, "login_failed") == []


def test_invited_account_cannot_sign_in(session: Session, college: College) -> None:
    make_user(session, "teacher", college, email="inv@test.example", password=None)
    with pytest.raises(Unauthenticated):
        service.authenticate(session, email="inv@test.example", password="", ip=IP)


def test_third_failure_slows_down_sign_in(session: Session, college: College) -> None:
    make_user(session, "teacher", college, email="slow@test.example")
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            service.authenticate(session, email="slow@test.example", password="wrong", ip=IP)
    with pytest.raises(service.TooManyAttempts) as caught:
        service.authenticate(session, email="slow@test.example", password=PASSWORD, ip=IP)
    assert caught.value.status_code == 429
    assert 1 <= caught.value.retry_after <= 2
    assert "Wait" in caught.value.localised()


def test_six_failures_lock_the_account(
    session: Session, college: College, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session, "teacher", college, email="lock@test.example")
    now = utcnow()
    for minutes in (6, 5, 4, 3, 2, 1):
        session.add(
            LoginFailure(
                email=user.email, ip_address=IP, attempted_at=now - timedelta(minutes=minutes)
            )
        )
    session.flush()
    with pytest.raises(service.TooManyAttempts) as caught:
        service.authenticate(session, email=user.email, password=PASSWORD, ip="198.51.100.1")
    assert 13 * 60 < caught.value.retry_after <= 14 * 60
    assert "locked for about 14 minutes" in caught.value.localised()
    assert len(entries(session, "login_locked")) == 1
    assert user.last_login_at is None
    move_clock(monkeypatch, timedelta(minutes=15))
    assert service.authenticate(session, email=user.email, password=PASSWORD, ip=IP) is user


def test_old_failures_do_not_throttle(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college, email="old@test.example")
    for _ in range(10):
        session.add(
            LoginFailure(
                email=user.email, ip_address=IP, attempted_at=utcnow() - timedelta(hours=2)
            )
        )
    session.flush()
    assert service.authenticate(session, email=user.email, password=PASSWORD, ip=IP) is user


def test_many_failures_from_one_address_lock_other_accounts(
    session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college, email="victim@test.example")
    for number in range(30):
        session.add(LoginFailure(email=f"probe{number}@test.example", ip_address=IP))
    session.flush()
    with pytest.raises(service.TooManyAttempts):
        service.authenticate(session, email=user.email, password=PASSWORD, ip=IP)
    assert (
        service.authenticate(session, email=user.email, password=PASSWORD, ip="192.0.2.9") is user
    )


def test_disabled_account_is_refused(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college, email="off@test.example")
    user.is_active = False
    session.flush()
    with pytest.raises(PermissionDenied) as caught:
        service.authenticate(session, email=user.email, password=PASSWORD, ip=IP)
    assert caught.value.code == "account_disabled"
    assert len(entries(session, "login_refused")) == 1
    with pytest.raises(Unauthenticated):  # a wrong password says nothing about the account
        service.authenticate(session, email=user.email, password="wrong", ip=IP)


def test_sessions_start_resolve_and_end(
    session: Session, college: College, settings: Settings
) -> None:
    user = make_user(session, "teacher", college)
    started = service.start_session(session, user=user, ip=IP, user_agent="ua", settings=settings)
    assert started.login_session.token_hash == service.digest(started.raw_token)
    assert started.raw_token not in started.login_session.token_hash
    assert service.resolve_session(session, raw=started.raw_token, settings=settings) is not None
    assert service.resolve_session(session, raw="forged", settings=settings) is None
    service.end_session(session, login_session=started.login_session)
    assert service.resolve_session(session, raw=started.raw_token, settings=settings) is None
    assert [e.action for e in entries(session, "logout")] == ["logout"]


def test_idle_and_expired_sessions_do_not_resolve(
    session: Session, college: College, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session, "teacher", college)
    idle = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    idle.login_session.last_seen_at = utcnow() - timedelta(
        minutes=settings.session_idle_minutes + 1
    )
    expired = service.start_session(session, user=user, ip=IP, user_agent="", settings=settings)
    expired.login_session.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert service.resolve_session(session, raw=idle.raw_token, settings=settings) is None
    assert service.resolve_session(session, raw=expired.raw_token, settings=settings) is None


# --- API tokens ----------------------------------------------------------------------------------


def test_token_raw_value_is_returned_once_and_stored_hashed(
    session: Session, college: College
) -> None:
    user = make_user(session, "teacher", college)
    token, raw = service.create_token(session, actor=SYSTEM, user=user, name="sync")
    assert raw.startswith(service.TOKEN_PREFIX)
    assert len(raw) > 40
    assert token.prefix == raw[:12]
    assert token.token_hash == service.digest(raw)
    stored = session.execute(select(ApiToken.__table__)).mappings().one()
    assert raw not in [str(value) for value in stored.values()]
    [entry] = [e for e in entries(session, "create") if e.entity_type == "api_token"]
    assert entry.changes == {"name": [None, "sync"], "prefix": [None, token.prefix]}
    assert raw not in repr(entry.changes)


def test_resolve_token_sets_last_used(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college)
    token, raw = service.create_token(session, actor=SYSTEM, user=user, name="sync")
    assert token.last_used_at is None
    assert service.resolve_token(session, raw=raw) is token
    assert token.last_used_at is not None
    assert service.resolve_token(session, raw=raw + "x") is None
    assert service.resolve_token(session, raw=raw[len(service.TOKEN_PREFIX) :]) is None


def test_revoked_token_does_not_resolve(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college)
    token, raw = service.create_token(session, actor=SYSTEM, user=user, name="sync")
    service.revoke_token(session, actor=SYSTEM, token=token)
    revoked_at = token.revoked_at
    service.revoke_token(session, actor=SYSTEM, token=token)  # idempotent
    assert token.revoked_at == revoked_at
    assert len(entries(session, "revoke")) == 1
    assert service.resolve_token(session, raw=raw) is None


def test_disabled_users_token_does_not_resolve(session: Session, college: College) -> None:
    user = make_user(session, "teacher", college)
    _, raw = service.create_token(session, actor=SYSTEM, user=user, name="sync")
    user.is_active = False
    session.flush()
    assert service.resolve_token(session, raw=raw) is None
