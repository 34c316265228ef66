"""What an enterprise needs from a partnership, version by version, and what the college can
put in. Both are structured JSON validated by :mod:`tandem.needs.schemas`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.kit.orm import Base, CollegeScopedMixin, IdMixin, TimestampMixin, VersionMixin, utcnow
from tandem.partner.models import Partnership


class NeedsProfile(IdMixin, CollegeScopedMixin, Base):
    """One dated version of a partnership's needs profile; a new save is a new version."""

    __tablename__ = "needs_profile"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per partnership
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_by_label: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))  # college | enterprise
    needs: Mapped[dict[str, Any]] = mapped_column(JSON)

    partnership: Mapped[Partnership] = relationship()


class CollegeOffer(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """What the college can put into cooperation (one per college, edited in place)."""

    __tablename__ = "college_offer"
    __table_args__ = (UniqueConstraint("college_id"),)

    offer: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by_label: Mapped[str] = mapped_column(String(200), default="")
