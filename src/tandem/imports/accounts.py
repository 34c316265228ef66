"""``--create-accounts``: invite each imported person with an e-mail, bound to their record.

Invitations go through :func:`tandem.auth.service.invite_user` (audited, queued in the outbox);
a record that already has an account is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.kit.spreadsheet import SheetRow

from .common import Batch


@dataclass(frozen=True)
class Invite:
    row: int
    record_id: int
    name: str
    email: str


def invite_all(
    batch: Batch,
    role: Role,
    binding: str,
    invites: Sequence[Invite],
    fields: Mapping[str, str],
) -> None:
    """Invite each person (``binding`` is ``student_id`` or ``teacher_id``)."""
    if not batch.create_accounts:
        return
    for invite in invites:
        values = {
            "email": invite.email,
            "display_name": invite.name,
            "role": role,
            "college_id": batch.college_id,
            binding: invite.record_id,
        }
        data = batch.validated(invite.row, UserInvite, values, fields)
        if data is None:
            continue
        user = batch.guarded(
            invite.row,
            fields,
            partial(
                auth_service.invite_user,
                batch.session,
                actor=batch.actor,
                data=data,
                settings=batch.settings,
                language=batch.language,
            ),
        )
        if user is not None:
            batch.report.invited += 1


def checked_email(
    batch: Batch, row: SheetRow, role: Role, fields: Mapping[str, str], failed: set[str]
) -> str | None:
    """The row's e-mail, checked as an invitation would check it (None when blank or bad)."""
    email = row.values.get("email")
    if email is None or not batch.create_accounts:
        return None
    probe = {"email": email, "display_name": row.values.get("name") or "-", "role": role}
    checked = batch.validated(row.number, UserInvite, probe, fields, skip=failed)
    return checked.email if checked else None


def bound_records(session: Session, college_id: int, binding: str) -> set[int]:
    """Records of the college (``binding``: student_id or teacher_id) that have an account."""
    column = getattr(User, binding)
    stmt = select(column).where(User.college_id == college_id, column.is_not(None))
    return {record_id for record_id in session.scalars(stmt) if record_id is not None}
