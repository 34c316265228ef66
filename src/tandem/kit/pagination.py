"""Pages of results: the same parameters and shape for the API and the pages."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_

T = TypeVar("T")
MAX_PER_PAGE = 200


class ListParams(BaseModel):
    """Every list's query: page, page size, search text, sort key (``-`` for descending)."""

    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=25, ge=1, le=MAX_PER_PAGE)
    q: str = Field(default="", max_length=200)
    sort: str = Field(default="", max_length=60)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


class PageMeta(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


def page_meta(page: Page[Any]) -> PageMeta:
    return PageMeta(total=page.total, page=page.page, per_page=page.per_page, pages=page.pages)


def apply_sort(
    stmt: Select[Any],
    sort: str,
    columns: Mapping[str, ColumnElement[Any] | QueryableAttribute[Any]],
    default: str,
) -> Select[Any]:
    """Order by a whitelisted key; an unknown key is a clear error, never raw SQL."""
    key = sort or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in columns:
        raise ValidationFailed.single(
            "sort",
            "unknown_sort",
            N_("Unknown sort key %(key)s; use one of: %(allowed)s."),
            key=name,
            allowed=", ".join(sorted(columns)),
        )
    column = columns[name]
    return stmt.order_by(column.desc() if descending else column.asc())


def paginate(session: Session, stmt: Select[Any], params: ListParams) -> Page[Any]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    offset = (params.page - 1) * params.per_page
    items = session.scalars(stmt.limit(params.per_page).offset(offset)).all()
    return Page(items=items, total=total, page=params.page, per_page=params.per_page)


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (``%`` and ``_`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
