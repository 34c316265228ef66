from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.kit.orm import Base, IdMixin, utcnow


class OutboxMessage(IdMixin, Base):
    """An e-mail waiting to be sent, or kept as a record once it has been."""

    __tablename__ = "outbox_message"

    # Nullable: platform mail (to a platform admin, about a new college) belongs to no college,
    # and a message outlives the college it was about.
    college_id: Mapped[int | None] = mapped_column(
        ForeignKey("college.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
