"""Schemas of the allocation rounds' API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.kit.pagination import PageMeta
from tandem.placement.kinds import Objective, RoundStatus


class RoundRun(BaseModel):
    """Run a preview round."""

    model_config = ConfigDict(extra="forbid")

    objective: Objective = Objective.STABLE
    seed: int = Field(default=0, ge=0, lt=2**31)


class RoundRead(BaseModel):
    id: int
    plan_id: int
    number: int
    objective: Objective
    seed: int
    status: RoundStatus
    stats: dict[str, Any]
    run_by_user_id: int | None
    published_at: datetime | None
    created_at: datetime
    version: int


class RoundSummary(BaseModel):
    """A round without its per-host capacity table (for lists)."""

    id: int
    plan_id: int
    number: int
    objective: Objective
    seed: int
    status: RoundStatus
    students: int
    assigned: int
    created_at: datetime
    published_at: datetime | None


class RoundList(BaseModel):
    items: list[RoundSummary]


class AssignmentRead(BaseModel):
    id: int
    round_id: int
    student_id: int
    student_number: str
    student_name: str
    position_id: int | None
    position_title: str | None
    partnership_id: int | None
    enterprise_name: str | None
    choice: int | None
    adjusted: bool
    adjust_reason: str
    explanation: dict[str, Any] | None = None
    explanation_text: str | None = None


class AssignmentList(BaseModel):
    items: list[AssignmentRead]
    meta: PageMeta


class Adjust(BaseModel):
    model_config = ConfigDict(extra="forbid")

    student_id: int
    position_id: int | None = None
    reason: str = Field(default="", max_length=500)


class BlockingPair(BaseModel):
    student_id: int
    position_id: int


class AdjustResult(BaseModel):
    assignment: AssignmentRead
    blocking_pairs_created: list[BlockingPair]
    blocking_pairs: int


class PublishResult(BaseModel):
    round: RoundRead
    draft_placements: int


class ResultsRead(BaseModel):
    plan_id: int
    items: list[AssignmentRead]
    meta: PageMeta
