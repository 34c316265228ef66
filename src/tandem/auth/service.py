"""Account rules: who may create whom, sign-in with throttling, sessions, links and tokens.

Every change is audited in the caller's transaction; passwords and tokens never appear in
audit entries (only that they changed). Nothing here commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.models import AccountLink, ApiToken, LoginFailure, LoginSession, User
from tandem.auth.passwords import check_policy, hash_password, needs_rehash, verify_password
from tandem.auth.roles import COLLEGE_GRANTABLE, COLLEGE_ROLES, Permission, Role
from tandem.auth.schemas import UserInvite, UserUpdate
from tandem.auth.throttle import decide
from tandem.college.models import College, Department
from tandem.college.service import check_version
from tandem.config import Settings
from tandem.kit.errors import (
    AppError,
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    ValidationFailed,
)
from tandem.kit.i18n import N_, translate
from tandem.kit.orm import utcnow
from tandem.mail.service import queue_message

USER_FIELDS = (
    "student_id",
    "teacher_id",
    "enterprise_id",
    "email",
    "display_name",
    "role",
    "college_id",
    "department_id",
    "region_code",
    "is_active",
    "password_hash",
)
SENSITIVE = ("password_hash",)
TOKEN_PREFIX = "tdm_"  # noqa: S105 - a visible prefix, not a secret
_TOUCH_EVERY = timedelta(minutes=1)


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-only-for-timing")


class TooManyAttempts(AppError):
    status_code = 429
    code = "too_many_attempts"
    title = N_("Too many attempts; wait a moment and try again")

    def __init__(self, message: str, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor_for(user: User, *, session_id: int | None = None) -> Actor:
    return Actor(
        label=user.email,
        user_id=user.id,
        role=user.role,
        # An enterprise contact's scope is its enterprise, not the college that invited it.
        college_id=None if user.role == Role.ENTERPRISE_CONTACT else user.college_id,
        department_id=user.department_id,
        region_code=user.region_code,
        student_id=user.student_id,
        teacher_id=user.teacher_id,
        enterprise_id=user.enterprise_id,
        session_id=session_id,
        display_name=user.display_name,
    )


def _snapshot(user: User) -> dict[str, object]:
    return audit.snapshot(user, USER_FIELDS)


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    user: User,
    before: dict[str, object] | None,
    summary: str = "",
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=user,
        college_id=user.college_id,
        before=before,
        after=_snapshot(user),
        sensitive=SENSITIVE,
        summary=summary or user.email,
    )


# --- creating and changing accounts ------------------------------------------------------------


def _field_error(field: str, code: str, message: str, **params: object) -> ValidationFailed:
    return ValidationFailed(
        message, code=code, errors=[FieldError(field, code, message, dict(params))], **params
    )


def _check_placement(
    session: Session,
    *,
    actor: Actor,
    role: Role,
    college_id: int | None,
    department_id: int | None,
    region_code: str | None,
) -> None:
    """A role's bindings must fit it, and the actor may only grant what they are allowed to."""
    if not actor.is_platform_wide:
        if not actor.can(Permission.USER_MANAGE) or role not in COLLEGE_GRANTABLE:
            raise PermissionDenied(N_("You cannot give the role %(role)s."), role=role.value)
        if college_id != actor.college_id and role != Role.ENTERPRISE_CONTACT:
            raise PermissionDenied(N_("You can only manage accounts of your own college."))
    if role in COLLEGE_ROLES:
        if college_id is None or session.get(College, college_id) is None:
            raise _field_error(
                "college_id", "college_required", N_("This role belongs to a college: choose one.")
            )
    elif college_id is not None and role != Role.ENTERPRISE_CONTACT:
        raise _field_error(
            "college_id",
            "no_college_for_role",
            N_("This role belongs to no college; leave the college empty."),
        )
    if role == Role.DEPARTMENT_COORDINATOR:
        department = session.get(Department, department_id) if department_id else None
        if department is None or department.college_id != college_id:
            raise _field_error(
                "department_id",
                "department_required",
                N_("A department coordinator needs a department of the college."),
            )
    elif department_id is not None:
        department = session.get(Department, department_id)
        if department is None or department.college_id != college_id:
            raise _field_error(
                "department_id",
                "unknown_department",
                N_("Choose a department of the same college."),
            )
    if role == Role.AUTHORITY_VIEWER and not region_code:
        raise _field_error(
            "region_code",
            "region_required",
            N_("An education authority account needs its region code."),
        )


def _check_bindings(
    session: Session,
    *,
    actor: Actor,
    role: Role,
    college_id: int | None,
    data: UserInvite | UserUpdate,
    user_id: int | None = None,
) -> None:
    """A student account binds to a student of its college, a teacher account to a teacher,
    an enterprise contact to an enterprise (for a college, one it has a partnership with)."""
    from tandem.partner.models import Enterprise, Partnership
    from tandem.people.models import Student, Teacher

    checks: list[tuple[str, int | None, Role, type[Any], str]] = [
        (
            "student_id",
            data.student_id,
            Role.STUDENT,
            Student,
            N_("Choose a student of the same college."),
        ),
        (
            "teacher_id",
            data.teacher_id,
            Role.TEACHER,
            Teacher,
            N_("Choose a teacher of the same college."),
        ),
    ]
    for field, record_id, wanted_role, model, message in checks:
        if record_id is None:
            continue
        record = session.get(model, record_id)
        if role != wanted_role or record is None or record.college_id != college_id:
            raise _field_error(field, "unknown_record", message)
        taken = session.scalar(
            select(User.id).where(getattr(User, field) == record_id, User.id != (user_id or 0))
        )
        if taken is not None:
            raise _field_error(
                field, "already_bound", N_("Another account is already bound to this record.")
            )
    if data.enterprise_id is not None:
        enterprise = session.get(Enterprise, data.enterprise_id)
        if role != Role.ENTERPRISE_CONTACT or enterprise is None:
            raise _field_error(
                "enterprise_id",
                "unknown_record",
                N_("Choose an enterprise for an enterprise contact."),
            )
        if (
            not actor.is_platform_wide
            and session.scalar(
                select(Partnership.id).where(
                    Partnership.college_id == actor.college_id,
                    Partnership.enterprise_id == enterprise.id,
                )
            )
            is None
        ):
            raise _field_error(
                "enterprise_id",
                "not_a_partner",
                N_("Your college has no partnership with this enterprise."),
            )
    elif role == Role.ENTERPRISE_CONTACT and not actor.is_platform_wide:
        # A college invites contacts of its own partners; platform admins may bind later.
        raise _field_error(
            "enterprise_id",
            "enterprise_required",
            N_("An enterprise contact needs its enterprise."),
        )


def create_user(
    session: Session, *, actor: Actor, data: UserInvite, password: str | None = None
) -> User:
    """Create an account; without a password it waits for its invitation to be accepted."""
    college_id = data.college_id
    managed_here = data.role in COLLEGE_ROLES or data.role == Role.ENTERPRISE_CONTACT
    if college_id is None and managed_here and not actor.is_platform_wide:
        college_id = actor.college_id  # an office's invited enterprise contacts stay in its list
    _check_placement(
        session,
        actor=actor,
        role=data.role,
        college_id=college_id,
        department_id=data.department_id,
        region_code=data.region_code,
    )
    _check_bindings(session, actor=actor, role=data.role, college_id=college_id, data=data)
    if session.scalar(select(User.id).where(User.email == data.email)) is not None:
        raise Conflict(
            N_("An account with the e-mail %(email)s already exists."),
            code="duplicate",
            email=data.email,
            errors=[
                FieldError(
                    "email",
                    "duplicate",
                    N_("An account with the e-mail %(email)s already exists."),
                    {"email": data.email},
                )
            ],
        )
    if password is not None:
        check_policy(password, email=data.email)
    user = User(
        email=data.email,
        display_name=data.display_name,
        role=data.role.value,
        college_id=college_id,
        department_id=data.department_id,
        region_code=data.region_code if data.role == Role.AUTHORITY_VIEWER else None,
        student_id=data.student_id,
        teacher_id=data.teacher_id,
        enterprise_id=data.enterprise_id,
        password_hash=hash_password(password) if password else None,
        password_changed_at=utcnow() if password else None,
    )
    session.add(user)
    session.flush()
    _audit(session, actor, "create", user, None)
    return user


def invite_user(
    session: Session, *, actor: Actor, data: UserInvite, settings: Settings, language: str
) -> User:
    user = create_user(session, actor=actor, data=data)
    _send_link(session, user=user, purpose="invitation", settings=settings, language=language)
    return user


def resend_invitation(
    session: Session, *, actor: Actor, user: User, settings: Settings, language: str
) -> None:
    if not user.is_invited:
        raise Conflict(N_("%(email)s has already accepted the invitation."), email=user.email)
    _send_link(session, user=user, purpose="invitation", settings=settings, language=language)
    audit.record(
        session,
        actor=actor,
        action="invite",
        entity=user,
        college_id=user.college_id,
        summary=user.email,
    )


def update_user(session: Session, *, actor: Actor, user: User, data: UserUpdate) -> User:
    check_version(user, data.version)
    changes_own_role = data.role is not None and data.role != Role(user.role)
    if user.id == actor.user_id and (changes_own_role or data.is_active is False):
        raise PermissionDenied(N_("You cannot change your own role or disable your own account."))
    before = _snapshot(user)
    role = data.role or Role(user.role)
    department_id = (
        data.department_id if "department_id" in data.model_fields_set else user.department_id
    )
    if data.role is not None or "department_id" in data.model_fields_set:
        _check_placement(
            session,
            actor=actor,
            role=role,
            college_id=user.college_id,
            department_id=department_id,
            region_code=user.region_code,
        )
        user.role = role.value
        user.department_id = department_id
    bindings = {"student_id", "teacher_id", "enterprise_id"} & data.model_fields_set
    if bindings or data.role is not None:
        merged = data.model_copy(
            update={
                name: (getattr(data, name) if name in bindings else getattr(user, name))
                for name in ("student_id", "teacher_id", "enterprise_id")
            }
        )
        _check_bindings(
            session,
            actor=actor,
            role=role,
            college_id=user.college_id,
            data=merged,
            user_id=user.id,
        )
        for name in bindings:
            setattr(user, name, getattr(data, name))
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.is_active is not None and data.is_active != user.is_active:
        user.is_active = data.is_active
        if not data.is_active:
            revoke_sessions(session, user=user)
    session.flush()
    action = "update"
    if data.is_active is not None and before["is_active"] != user.is_active:
        action = "enable" if user.is_active else "disable"
    _audit(session, actor, action, user, before)
    return user


def change_password(session: Session, *, actor: Actor, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise _field_error(
            "current_password", "wrong_password", N_("The current password is not correct.")
        )
    check_policy(new, email=user.email, field="new_password")
    before = _snapshot(user)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user=user, keep_session_id=actor.session_id)
    session.flush()
    _audit(session, actor, "change_password", user, before)


# --- one-time links (invitation, password reset) ----------------------------------------------


def _link_lifetime(purpose: str, settings: Settings) -> timedelta:
    if purpose == "invitation":
        return timedelta(days=settings.invitation_days)
    return timedelta(hours=settings.reset_hours)


_MAIL = {
    "invitation": (
        N_("Your Tandem account"),
        N_(
            "Hello %(name)s,\n\nan account on Tandem has been created for you. "
            "Choose your password here (the link works until %(expires)s):\n\n%(url)s\n"
        ),
    ),
    "reset": (
        N_("Reset your Tandem password"),
        N_(
            "Hello %(name)s,\n\nsomeone asked to reset your Tandem password. If it was you, choose "
            "a new one here (the link works until %(expires)s):\n\n%(url)s\n\nIf it was not you, "
            "ignore this message.\n"
        ),
    ),
}


def _send_link(
    session: Session, *, user: User, purpose: str, settings: Settings, language: str
) -> str:
    """Issue a one-time link (older unused links of the same purpose stop working) and mail it."""
    session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    raw = secrets.token_urlsafe(32)
    expires = utcnow() + _link_lifetime(purpose, settings)
    session.add(
        AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(raw), expires_at=expires)
    )
    path = "invitation" if purpose == "invitation" else "password/reset"
    url = f"{settings.base_url.rstrip('/')}/{path}/{raw}"
    subject, body = _MAIL[purpose]
    queue_message(
        session,
        to=user.email,
        subject=translate(subject, language),
        body=translate(
            body,
            language,
            name=user.display_name,
            url=url,
            expires=expires.strftime("%Y-%m-%d %H:%M UTC"),
        ),
        college_id=user.college_id,
    )
    session.flush()
    return raw


def send_password_reset(
    session: Session, *, actor: Actor, user: User, settings: Settings, language: str
) -> None:
    if not user.is_active:
        raise Conflict(N_("The account is disabled; enable it first."))
    if user.is_invited:
        raise Conflict(
            N_("%(email)s has not accepted the invitation yet; send the invitation again."),
            email=user.email,
        )
    _send_link(session, user=user, purpose="reset", settings=settings, language=language)
    audit.record(
        session,
        actor=actor,
        action="send_reset",
        entity=user,
        college_id=user.college_id,
        summary=user.email,
    )


def request_password_reset(
    session: Session, *, email: str, settings: Settings, language: str
) -> None:
    """Self-service: mail a link if an active account exists; say nothing either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is not None and user.is_active and not user.is_invited:
        _send_link(session, user=user, purpose="reset", settings=settings, language=language)
        audit.record(
            session,
            actor=actor_for(user),
            action="request_reset",
            entity=user,
            college_id=user.college_id,
            summary=user.email,
        )


def find_link(session: Session, *, raw: str, purpose: str) -> AccountLink:
    link = session.scalar(
        select(AccountLink).where(
            AccountLink.token_hash == digest(raw), AccountLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None:
        raise NotFound(
            N_("This link is not valid or has already been used. Ask for a new one."),
            code="link_invalid",
        )
    if link.expires_at <= utcnow():
        raise AppError(N_("This link has expired. Ask for a new one."), code="link_expired")
    if not link.user.is_active:
        raise PermissionDenied(
            N_("This account is disabled; ask your college's cooperation office."),
            code="account_disabled",
        )
    return link


def redeem_link(session: Session, *, raw: str, purpose: str, new_password: str) -> User:
    link = find_link(session, raw=raw, purpose=purpose)
    user = link.user
    check_policy(new_password, email=user.email, field="new_password")
    before = _snapshot(user)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    revoke_sessions(session, user=user)
    session.flush()
    action = "accept_invitation" if purpose == "invitation" else "reset_password"
    _audit(session, actor_for(user), action, user, before)
    return user


# --- signing in ---------------------------------------------------------------------------------


def _failures(
    session: Session, *, email: str, ip: str, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    by_account = session.scalars(
        select(LoginFailure.attempted_at).where(
            LoginFailure.email == email, LoginFailure.attempted_at > since
        )
    ).all()
    by_address = session.scalars(
        select(LoginFailure.attempted_at).where(
            LoginFailure.ip_address == ip, LoginFailure.attempted_at > since
        )
    ).all()
    return list(by_account), list(by_address)


def authenticate(session: Session, *, email: str, password: str, ip: str) -> User:
    """Check a sign-in, throttled per account and per address; failures are recorded."""
    email = normalise_email(email)
    now = utcnow()
    by_account, by_address = _failures(session, email=email, ip=ip, since=now - timedelta(hours=1))
    decision = decide(by_account, by_address, now)
    user = session.scalar(select(User).where(User.email == email))
    if not decision.allowed:
        if decision.locked and user is not None:
            audit.record(
                session,
                actor=Actor(label=email),
                action="login_locked",
                entity=user,
                college_id=user.college_id,
                summary=ip,
            )
        minutes = max(1, round(decision.retry_after_seconds / 60))
        if decision.locked:
            raise TooManyAttempts(
                N_(
                    "Too many failed sign-ins. Signing in is locked for about %(minutes)s "
                    "minutes; you can also reset your password."
                ),
                retry_after=decision.retry_after_seconds,
                minutes=minutes,
            )
        raise TooManyAttempts(
            N_("Too many failed sign-ins. Wait %(seconds)s seconds and try again."),
            retry_after=decision.retry_after_seconds,
            seconds=decision.retry_after_seconds,
        )
    # An unknown address costs the same hashing time as a known one (no account probing).
    stored = user.password_hash if user is not None else None
    matches = verify_password(stored or _dummy_hash(), password) and stored is not None
    if user is None or not matches:
        session.add(LoginFailure(email=email, ip_address=ip, attempted_at=now))
        if user is not None:
            audit.record(
                session,
                actor=Actor(label=email),
                action="login_failed",
                entity=user,
                college_id=user.college_id,
                summary=ip,
            )
        session.flush()
        raise Unauthenticated(
            N_("The e-mail or the password is not correct."), code="invalid_credentials"
        )
    if not user.is_active:
        audit.record(
            session,
            actor=Actor(label=email),
            action="login_refused",
            entity=user,
            college_id=user.college_id,
            summary=ip,
        )
        session.flush()
        raise PermissionDenied(
            N_("This account is disabled; ask your college's cooperation office."),
            code="account_disabled",
        )
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


@dataclass(frozen=True)
class StartedSession:
    raw_token: str
    login_session: LoginSession


def start_session(
    session: Session, *, user: User, ip: str, user_agent: str, settings: Settings
) -> StartedSession:
    raw = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        token_hash=digest(raw),
        expires_at=utcnow() + timedelta(days=settings.session_max_days),
        ip_address=ip[:64],
        user_agent=user_agent[:300],
    )
    session.add(login)
    session.flush()
    audit.record(
        session,
        actor=actor_for(user, session_id=login.id),
        action="login",
        entity=user,
        college_id=user.college_id,
        summary=ip,
    )
    return StartedSession(raw, login)


def resolve_session(session: Session, *, raw: str, settings: Settings) -> LoginSession | None:
    """The live session for a cookie, or None when unknown, revoked, expired or idle too long."""
    login = session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(raw)))
    now = utcnow()
    if login is None or login.revoked_at is not None or login.expires_at <= now:
        return None
    if now - login.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        return None
    if not login.user.is_active:
        return None
    if now - login.last_seen_at > _TOUCH_EVERY:
        login.last_seen_at = now
    return login


def end_session(session: Session, *, login_session: LoginSession) -> None:
    login_session.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor_for(login_session.user, session_id=login_session.id),
        action="logout",
        entity=login_session.user,
        college_id=login_session.user.college_id,
    )


def revoke_sessions(session: Session, *, user: User, keep_session_id: int | None = None) -> None:
    stmt = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        stmt = stmt.where(LoginSession.id != keep_session_id)
    session.execute(stmt.values(revoked_at=utcnow()))


# --- API tokens -------------------------------------------------------------------------------


def create_token(session: Session, *, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:12], token_hash=digest(raw))
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=token,
        college_id=user.college_id,
        after={"name": name, "prefix": token.prefix},
        summary=name,
    )
    return token, raw


def revoke_token(session: Session, *, actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="revoke",
            entity=token,
            college_id=token.user.college_id,
            summary=token.name,
        )


def resolve_token(session: Session, *, raw: str) -> ApiToken | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        token.last_used_at = now
    return token
