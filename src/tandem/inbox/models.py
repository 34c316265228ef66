"""A notice in one user's inbox. Its key makes reminders idempotent: the same reminder for the
same record and threshold is written once however often the reminder job runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tandem.kit.orm import Base, IdMixin, utcnow


class Notice(IdMixin, Base):
    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    college_id: Mapped[int | None] = mapped_column(
        ForeignKey("college.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]


class JobRun(IdMixin, Base):
    """The last day a scheduled job ran (the in-app reminder run happens once a day)."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "run_on"),)

    job: Mapped[str] = mapped_column(String(40))
    run_on: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[str] = mapped_column(String(500), default="")
