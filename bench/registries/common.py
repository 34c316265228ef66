"""Shared pieces of the registry benchmarks: a database of their own, the CLI as a subprocess.

The benchmarks never touch ``var/`` or another schema: SQLite files and the data key live in a
temporary directory, and on PostgreSQL each benchmark drops and creates only its own schema.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def configure(database_url: str, var_dir: Path) -> dict[str, str]:
    """Point this process and its children at ``database_url``; returns the children's env."""
    env = dict(os.environ)
    env.update(
        TANDEM_DATABASE_URL=database_url,
        TANDEM_VAR_DIR=str(var_dir),
        TANDEM_ENV="development",
        TANDEM_DEFAULT_LANGUAGE="en",
    )
    os.environ.update(env)
    from tandem import config, db

    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    return env


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def fresh_schema(url: str, schema: str) -> str:
    """Drop and create ``schema`` (only that one); returns a URL whose search_path is it."""
    from tandem.db import build_engine

    admin = build_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return with_search_path(url, schema)


def drop_schema(url: str, schema: str) -> None:
    from tandem.db import build_engine

    admin = build_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def tandem_command() -> list[str]:
    """The ``tandem`` script of the interpreter running the benchmark."""
    script = Path(sys.executable).with_name("tandem")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tandem.cli"]


@dataclass
class Run:
    returncode: int
    seconds: float
    output: str


def run_tandem(args: list[str], env: dict[str, str], *, echo: bool = True) -> Run:
    """Run ``tandem ARGS`` as a subprocess; wall time and combined output."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command, arguments from this script
        [*tandem_command(), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if echo:
        print(f"$ tandem {' '.join(args)}  -> exit {done.returncode} in {seconds:.1f} s")
    return Run(done.returncode, seconds, output)


def children_peak_rss_mb() -> float:
    """Peak resident set size of the largest child waited for so far (Linux: KiB), in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def children_cpu_seconds() -> float:
    """User + system CPU time of the children waited for so far (less noisy than wall time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    return os.getloadavg()[0]


def machine() -> str:
    return f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]
