"""Test fixtures: the schema is built once per worker by the real migrations; every test runs
inside a transaction that is rolled back, so tests are isolated and fast.

Set TANDEM_TEST_DATABASE_URL to run the database tests on PostgreSQL (each xdist worker gets
its own schema); without it they run on a SQLite file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tandem.auth.models import User
from tandem.config import Settings
from tandem.db import build_engine
from tandem.kit.i18n import set_language
from tandem.main import create_app
from tandem.migrations import upgrade

if TYPE_CHECKING:
    from tests.factories import Browser

PG_ENV = "TANDEM_TEST_DATABASE_URL"
DB_FIXTURES = {"engine", "connection", "session", "client", "app", "session_factory", "web", "api"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch the database get the ``db`` marker (the PostgreSQL run selects them)."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: touches the database (run again on PostgreSQL in CI)")


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def fresh_postgres_schema(url: str, schema: str) -> str:
    """An empty schema of its own for this worker; returns a URL that uses it."""
    admin = build_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return with_search_path(url, schema)


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """The xdist worker's name ("master" without xdist), so the suite runs either way."""
    workerinput = getattr(request.config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "master"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    pg = postgres_url()
    if pg:
        return fresh_postgres_schema(pg, f"tandem_test_{worker_id}")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = build_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Each request's commit only releases a savepoint; the test's rollback undoes everything.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-0123456789",
        database_url=database_url,
        default_language="en",
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, headers={"Accept-Language": "en"}) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    """Service-level messages default to English in tests; API tests choose per request."""
    set_language("en")


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client: TestClient, page: str, data: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    """Open ``page`` like a browser, then post its form with the page's CSRF token."""
    token = csrf_from(client.get(page).text)
    return client.post(page, data={**data, "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def platform_admin(session: Session) -> User:
    from tests.factories import make_user

    return make_user(session, "platform_admin")


@pytest.fixture
def web(
    client: TestClient, session: Session, platform_admin: User, settings: Settings
) -> TestClient:
    """A browser signed in as a platform administrator (cookie session)."""
    from tests.factories import sign_in

    return sign_in(client, session, platform_admin, settings)


@pytest.fixture
def api(client: TestClient, session: Session, platform_admin: User) -> TestClient:
    """An API client with a platform administrator's Bearer token."""
    from tests.factories import bearer

    client.headers.update(bearer(session, platform_admin))
    return client


@pytest.fixture
def browser(app: FastAPI, session: Session, settings: Settings) -> Browser:
    """Makes a browser signed in as the given user (English pages unless a test asks)."""
    from tests.factories import sign_in

    def make(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        return sign_in(client, session, user, settings)

    return make
