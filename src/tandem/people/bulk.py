"""Students in bulk: the rows and audit entries ``create_student`` writes, in two statements.

For imports and the large demo, where one service call per student is too slow (each call
flushes, encrypts and audits on its own). The caller must already have validated every row with
:class:`StudentCreate` and checked what the service checks across rows (the class is usable,
student and ID numbers are free); this writes exactly what the service would store.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.kit.orm import utcnow
from tandem.people.models import Student
from tandem.people.schemas import StudentCreate
from tandem.people.service import ID_NUMBER, STUDENT_FIELDS, _id_columns, _plain


def insert_students(
    session: Session, *, actor: Actor, college_id: int, students: Sequence[StudentCreate]
) -> list[int]:
    """Insert already-checked students of one college with their audit entries; their ids."""
    if not students:
        return []
    now = utcnow()
    rows = [
        {
            "college_id": college_id,
            **_plain(data.model_dump(exclude={"id_number"})),
            **_id_columns(data.id_number),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for data in students
    ]
    session.flush()
    ids = list(
        session.scalars(insert(Student).returning(Student.id, sort_by_parameter_order=True), rows)
    )
    entries = []
    for student_id, values in zip(ids, rows, strict=True):
        after = audit.snapshot(SimpleNamespace(**values), STUDENT_FIELDS)
        after[ID_NUMBER] = values["id_number_hash"]
        entries.append(
            {
                "occurred_at": now,
                "college_id": college_id,
                "actor_user_id": actor.user_id,
                "actor_label": actor.label,
                "action": "create",
                "entity_type": Student.__tablename__,
                "entity_id": str(student_id),
                "summary": str(values["student_number"])[:300],
                "changes": audit.diff(None, after, (ID_NUMBER,)),
            }
        )
    session.execute(insert(AuditEntry), entries)
    return ids
