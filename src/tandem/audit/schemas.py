from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from tandem.kit.pagination import PageMeta


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    college_id: int | None
    actor_user_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    summary: str
    changes: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEntryRead]
    meta: PageMeta
