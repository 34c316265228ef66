"""What the inbox API reads and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tandem.inbox.models import Notice
from tandem.inbox.service import kind_label
from tandem.kit.i18n import gettext
from tandem.kit.pagination import PageMeta


class NoticeRead(BaseModel):
    id: int
    kind: str = Field(description="What the notice is about, e.g. agreement_ends.")
    kind_label: str = Field(description="The kind in the reader's language.")
    subject: str
    body: str
    link: str = Field(description="The page the notice is about (a path on this site).")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @classmethod
    def of(cls, notice: Notice) -> NoticeRead:
        return cls(
            id=notice.id,
            kind=notice.kind,
            kind_label=gettext(kind_label(notice.kind)),
            subject=notice.subject,
            body=notice.body,
            link=notice.link,
            created_at=notice.created_at,
            read_at=notice.read_at,
            unread=notice.read_at is None,
        )


class NoticeList(BaseModel):
    items: list[NoticeRead]
    meta: PageMeta
    unread: int = Field(description="How many of your notices are unread (all pages).")


class ReadAllResult(BaseModel):
    marked: int = Field(description="How many notices were marked read.")
    unread: int
