"""Record audit entries in the caller's transaction; never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor

SENSITIVE_MARK = "(changed)"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of a record as plain JSON values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    sensitive: Iterable[str] = (),
) -> dict[str, Any]:
    """``{field: [before, after]}`` for each changed field; sensitive ones without their values."""
    hidden = set(sensitive)
    old = dict(before or {})
    new = dict(after or {})
    changes: dict[str, Any] = {}
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        changes[name] = SENSITIVE_MARK if name in hidden else [old.get(name), new.get(name)]
    return changes


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity: Any,
    college_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    sensitive: Iterable[str] = (),
    summary: str = "",
) -> AuditEntry:
    """Add an audit entry for ``entity`` (flushed first so it has an id)."""
    session.flush()
    identity = inspect(entity).identity
    entity_id = ":".join(str(part) for part in identity) if identity else "?"
    entry = AuditEntry(
        college_id=college_id,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity_type=entity.__tablename__,
        entity_id=entity_id,
        summary=summary[:300],
        changes=diff(before, after, sensitive),
    )
    session.add(entry)
    return entry
