from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.kit.orm import Base, IdMixin, TimestampMixin, VersionMixin


class College(IdMixin, TimestampMixin, VersionMixin, Base):
    """A vocational college: the tenant that owns its records."""

    __tablename__ = "college"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)

    departments: Mapped[list[Department]] = relationship(
        back_populates="college", order_by="Department.code"
    )

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class Department(IdMixin, TimestampMixin, VersionMixin, Base):
    """A department (二级学院) of a college."""

    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("college_id", "code"),)

    college_id: Mapped[int] = mapped_column(
        ForeignKey("college.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))

    college: Mapped[College] = relationship(back_populates="departments")

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en
