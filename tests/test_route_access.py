"""Every route × every role × own and another college: who may see and do what.

Routes are discovered from the app, so a new route without a rule here fails the suite.
Outcomes: ``ok`` (let through: 2xx, 3xx or a validation error), ``denied`` (403: the role may
not), ``hidden`` (404: another college's or person's record, never confirmed to exist) and
``login`` (401 or a redirect to the sign-in page).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from tandem.auth import service as auth_service
from tandem.auth.roles import Permission, Role, allows
from tandem.config import Settings
from tandem.db import build_engine
from tandem.kit.web import SESSION_COOKIE, session_csrf_token
from tandem.main import UI_COOKIE, create_app
from tandem.migrations import upgrade
from tests.conftest import csrf_from, fresh_postgres_schema, postgres_url
from tests.factories import ACTOR, make_college, make_department, make_user
from tests.routes import all_routes

PUBLIC, SIGNED_IN, ALWAYS_404 = "public", "signed_in", "always_404"
# Each a module under tests/ with RULES (and optionally BODIES and prepare).
ACCESS_MODULES = [
    "people.access",
    "partner.access",
    "imports.access",
    "agreement.access_api",
    "agreement.access_pages",
    "agreement.access_steering",
    "inbox.access",
    "needs.access",
    "needs.access_pages",
    "resource.access_venues",
    "resource.access_equipment",
    "resource.access_bookings",
    "resource.access_utilisation",
    "resource.access_links",
    "placement.access_common",
    "placement.access_plans",
    "placement.access_positions",
    "placement.access_ranking",
    "placement.access_rounds",
    "placement.access_placements",
    "placement.access_records",
    "placement.access_insurance",
]


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


P = Permission
RULES: dict[tuple[str, str], Any] = {
    ("GET", "/"): SIGNED_IN,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/v1/audit"): perm(P.AUDIT_READ),
    ("GET", "/api/v1/colleges"): perm(P.COLLEGE_READ),
    ("POST", "/api/v1/colleges"): perm(P.COLLEGE_CREATE),
    ("GET", "/api/v1/colleges/{college_id}"): perm(P.COLLEGE_READ),
    ("PATCH", "/api/v1/colleges/{college_id}"): perm(P.COLLEGE_UPDATE),
    ("GET", "/api/v1/colleges/{college_id}/departments"): perm(P.COLLEGE_READ),
    ("POST", "/api/v1/colleges/{college_id}/departments"): perm(P.DEPARTMENT_MANAGE),
    ("GET", "/api/v1/colleges/{college_id}/departments/{department_id}"): perm(P.COLLEGE_READ),
    ("PATCH", "/api/v1/colleges/{college_id}/departments/{department_id}"): perm(
        P.DEPARTMENT_MANAGE
    ),
    ("DELETE", "/api/v1/colleges/{college_id}/departments/{department_id}"): perm(
        P.DEPARTMENT_MANAGE
    ),
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("POST", "/api/v1/me/password"): SIGNED_IN,
    ("GET", "/api/v1/me/tokens"): SIGNED_IN,
    ("POST", "/api/v1/me/tokens"): SIGNED_IN,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): SIGNED_IN,
    ("GET", "/api/v1/users"): perm(P.USER_MANAGE),
    ("POST", "/api/v1/users"): perm(P.USER_MANAGE),
    ("GET", "/api/v1/users/{user_id}"): perm(P.USER_MANAGE),
    ("PATCH", "/api/v1/users/{user_id}"): perm(P.USER_MANAGE),
    ("POST", "/api/v1/users/{user_id}/invitation"): perm(P.USER_MANAGE),
    ("POST", "/api/v1/users/{user_id}/password-reset"): perm(P.USER_MANAGE),
    ("GET", "/audit"): perm(P.AUDIT_READ),
    ("GET", "/audit/export.xlsx"): perm(P.AUDIT_READ),
    ("GET", "/colleges"): perm(P.COLLEGE_READ),
    ("GET", "/colleges/export.xlsx"): perm(P.COLLEGE_READ),
    ("GET", "/colleges/new"): perm(P.COLLEGE_CREATE),
    ("POST", "/colleges/new"): perm(P.COLLEGE_CREATE),
    ("GET", "/colleges/{college_id}"): perm(P.COLLEGE_READ),
    ("GET", "/colleges/{college_id}/edit"): perm(P.COLLEGE_UPDATE),
    ("POST", "/colleges/{college_id}/edit"): perm(P.COLLEGE_UPDATE),
    ("GET", "/colleges/{college_id}/departments/export.xlsx"): perm(P.COLLEGE_READ),
    ("GET", "/colleges/{college_id}/departments/new"): perm(P.DEPARTMENT_MANAGE),
    ("POST", "/colleges/{college_id}/departments/new"): perm(P.DEPARTMENT_MANAGE),
    ("GET", "/colleges/{college_id}/departments/{department_id}/edit"): perm(P.DEPARTMENT_MANAGE),
    ("POST", "/colleges/{college_id}/departments/{department_id}/edit"): perm(P.DEPARTMENT_MANAGE),
    ("GET", "/colleges/{college_id}/departments/{department_id}/delete"): perm(P.DEPARTMENT_MANAGE),
    ("POST", "/colleges/{college_id}/departments/{department_id}/delete"): perm(
        P.DEPARTMENT_MANAGE
    ),
    ("POST", "/api/v1/compliance/check"): SIGNED_IN,
    ("GET", "/api/v1/compliance/rulesets"): SIGNED_IN,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/invitation/{token}"): ALWAYS_404,
    ("POST", "/invitation/{token}"): ALWAYS_404,
    ("GET", "/password/reset/{token}"): ALWAYS_404,
    ("POST", "/password/reset/{token}"): ALWAYS_404,
    ("GET", "/language/{language}"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/password/forgot"): PUBLIC,
    ("POST", "/password/forgot"): PUBLIC,
    ("GET", "/outbox"): perm(P.OUTBOX_READ),
    ("GET", "/outbox/export.xlsx"): perm(P.OUTBOX_READ),
    ("GET", "/profile"): SIGNED_IN,
    ("GET", "/profile/password"): SIGNED_IN,
    ("POST", "/profile/password"): SIGNED_IN,
    ("POST", "/profile/tokens"): SIGNED_IN,
    ("POST", "/profile/tokens/{token_id}/revoke"): SIGNED_IN,
    ("GET", "/users"): perm(P.USER_MANAGE),
    ("GET", "/users/export.xlsx"): perm(P.USER_MANAGE),
    ("GET", "/users/invite"): perm(P.USER_MANAGE),
    ("POST", "/users/invite"): perm(P.USER_MANAGE),
    ("GET", "/users/{user_id}"): perm(P.USER_MANAGE),
    ("POST", "/users/{user_id}"): perm(P.USER_MANAGE),
    ("GET", "/users/{user_id}/disable"): perm(P.USER_MANAGE),
    ("POST", "/users/{user_id}/{state}"): perm(P.USER_MANAGE),
}

# Valid bodies, so that a request reaches the permission and scope checks (not just validation).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/colleges"): {
        "code": "NEWC",
        "name_zh": "新学院",
        "name_en": "New",
        "region_code": "440100",
    },
    ("PATCH", "/api/v1/colleges/{college_id}"): {"name_en": "Renamed"},
    ("POST", "/api/v1/colleges/{college_id}/departments"): {
        "code": "NEWD",
        "name_zh": "新系",
        "name_en": "New",
    },
    ("PATCH", "/api/v1/colleges/{college_id}/departments/{department_id}"): {"name_en": "R"},
    ("POST", "/api/v1/me/password"): {"current_password": "x", "new_password": "y"},
    ("POST", "/api/v1/me/tokens"): {"name": "route test"},
    ("POST", "/api/v1/users"): {
        "email": "new.person@test.example",
        "display_name": "New",
        "role": "teacher",
    },
    ("PATCH", "/api/v1/users/{user_id}"): {"display_name": "Renamed"},
}

# Each domain adds its routes' rules, sample bodies and records in tests/<domain>/access.py.
DOMAIN_ACCESS = [importlib.import_module(f"tests.{name}") for name in ACCESS_MODULES]
for _module in DOMAIN_ACCESS:
    RULES.update(_module.RULES)
    BODIES.update(getattr(_module, "BODIES", {}))

ROLES = ["anonymous", *[r.value for r in Role]]
ROUTES = all_routes(create_app(Settings(env="test", secret_key="x", database_url="sqlite://")))
SCOPED = re.compile(r"\{\w+_id\}")  # a path naming a record is tried on own and other records


def test_every_route_has_a_rule_and_every_rule_a_route() -> None:
    routes = set(ROUTES)
    assert sorted(routes - set(RULES)) == [], "add these routes to RULES"
    assert sorted(set(RULES) - routes) == [], "these rules name routes that no longer exist"


@dataclass
class World:
    """College A (Guangzhou, the actors' own) and college B (Hebei, another region)."""

    ids: dict[str, dict[str, int]]  # variant -> {param: id}; token ids are per role
    cookies: dict[str, dict[str, str]]  # role -> cookies
    csrf: dict[str, str]
    own_tokens: dict[str, int]
    other_tokens: dict[str, int]


def _build(app: FastAPI, session: Session, settings: Settings) -> World:
    a, b = make_college(session, region_code="440100"), make_college(session, region_code="130100")
    dept_a, dept_b = make_department(session, a), make_department(session, b)
    target_a = make_user(session, "teacher", a, password=None)
    target_b = make_user(session, "teacher", b, password=None)
    college_of = {Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR, Role.TEACHER, Role.STUDENT}
    users = {
        role.value: make_user(
            session,
            role.value,
            a if role in college_of else None,
            dept_a if role == Role.DEPARTMENT_COORDINATOR else None,
            region="440000" if role == Role.AUTHORITY_VIEWER else None,
            password=None,
        )
        for role in Role
    }
    cookies: dict[str, dict[str, str]] = {}
    csrf: dict[str, str] = {}
    own_tokens: dict[str, int] = {}
    other_tokens: dict[str, int] = {}
    stranger_token, _ = auth_service.create_token(session, actor=ACTOR, user=target_b, name="x")
    with TestClient(app) as browser:
        anonymous_csrf = csrf_from(browser.get("/login").text)
        anonymous_ui = browser.cookies[UI_COOKIE]
    for role in ROLES:
        if role == "anonymous":
            csrf[role], cookies[role] = anonymous_csrf, {UI_COOKIE: anonymous_ui}
            continue
        user = users[role]
        started = auth_service.start_session(
            session, user=user, ip="t", user_agent="t", settings=settings
        )
        cookies[role] = {SESSION_COOKIE: started.raw_token}
        # Signed in, the CSRF token is derived from the login session (as the pages embed it).
        csrf[role] = session_csrf_token(settings.resolved_secret_key(), started.raw_token)
        token, _ = auth_service.create_token(session, actor=ACTOR, user=user, name="own")
        own_tokens[role] = token.id
        other_tokens[role] = stranger_token.id
    session.commit()
    ids = {
        "own": {"college_id": a.id, "department_id": dept_a.id, "user_id": target_a.id},
        "other": {"college_id": b.id, "department_id": dept_b.id, "user_id": target_b.id},
    }
    for module in DOMAIN_ACCESS:
        if not hasattr(module, "prepare"):
            continue
        extra = module.prepare(session, a=a, b=b, departments=(dept_a, dept_b), users=users)
        for variant in ("own", "other"):
            ids[variant].update(extra[variant])
    session.commit()
    return World(ids, cookies, csrf, own_tokens, other_tokens)


def _expected(rule: Any, role: str, variant: str) -> str:
    if callable(rule):  # a domain's own rule: (role, variant) -> outcome
        return str(rule(role, variant))
    if rule == ALWAYS_404:
        return "hidden"
    if role == "anonymous":
        return "any" if rule == PUBLIC else "login"
    if rule == PUBLIC:
        return "any"
    if rule == SIGNED_IN:
        return "ok" if variant == "own" else "hidden"  # another person's token
    _, permission = rule
    if not allows(role, permission):
        return "denied"
    if variant == "other" and role != Role.PLATFORM_ADMIN:
        return "hidden"
    return "ok"


def _outcome(status: int, location: str) -> str:
    assert status < 500, f"server error {status}"
    if status == 401 or (status in (302, 303) and location.startswith("/login")):
        return "login"
    return {403: "denied", 404: "hidden"}.get(status, "ok")


@dataclass
class Shared:
    app: FastAPI
    engine: Engine
    world: World


@pytest.fixture(scope="module")
def shared(worker_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One world for every route (per test worker), committed to a database of its own: building
    it for each of some 400 routes was most of the suite's time. Each route's requests run in a
    transaction that is rolled back, so every request still starts from the same world."""
    pg = postgres_url()
    url = (
        fresh_postgres_schema(pg, f"tandem_routes_{worker_id}")
        if pg
        else f"sqlite:///{tmp_path_factory.mktemp('routes') / 'routes.db'}"
    )
    upgrade(url)
    engine = build_engine(url)
    settings = Settings(
        env="test",
        var_dir=tmp_path_factory.mktemp("var"),
        secret_key="test-secret-key-0123456789",
        database_url=url,
        default_language="en",
    )
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app = create_app(settings, factory)
    with factory() as session:
        world = _build(app, session, settings)
        session.commit()
    try:
        yield Shared(app, engine, world)
    finally:
        engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_by_role(method: str, path: str, shared: Shared) -> None:
    rule = RULES[(method, path)]
    app, world = shared.app, shared.world
    connection = shared.engine.connect()
    outer = connection.begin()
    app.state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        _try_every_role(method, path, rule, app, connection, world)
    finally:
        outer.rollback()
        connection.close()


def _try_every_role(
    method: str, path: str, rule: Any, app: FastAPI, connection: Connection, world: World
) -> None:
    variants = ["own", "other"] if SCOPED.search(path) else ["own"]
    failures = []
    for role in ROLES:
        for variant in variants:
            values = {
                **world.ids[variant],
                "token": "no-such-token",
                "language": "en",
                "state": "disable",
                "token_id": (world.own_tokens if variant == "own" else world.other_tokens).get(
                    role, 0
                ),
            }
            url = path.format(**values)
            savepoint = connection.begin_nested()  # each request starts from the same world
            try:
                client = TestClient(
                    app, cookies=world.cookies[role], headers={"X-CSRF-Token": world.csrf[role]}
                )
                response = client.request(
                    method,
                    url,
                    follow_redirects=False,
                    **(
                        {"json": BODIES.get((method, path), {})}
                        if url.startswith("/api/") and method != "GET"
                        else {}
                    ),
                )
            finally:
                savepoint.rollback()
            got = _outcome(response.status_code, response.headers.get("location", ""))
            want = _expected(rule, role, variant)
            ok = got != "denied" if want == "any" else got == want
            if not ok:
                failures.append(
                    f"{role} {variant} {method} {url}: want {want}, "
                    f"got {got} ({response.status_code})"
                )
    assert not failures, "\n".join(failures)
