"""Majors, classes, students and teachers: tenant-owned rows (every one has a college_id)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.college.models import Department
from tandem.kit.orm import Base, CollegeScopedMixin, IdMixin, TimestampMixin, VersionMixin


class StudentStatus(StrEnum):
    ENROLLED = "enrolled"
    ON_PLACEMENT = "on_placement"
    GRADUATED = "graduated"
    LEFT = "left"


class TeacherStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    LEFT = "left"


class Gender(StrEnum):
    FEMALE = "F"
    MALE = "M"


class Major(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    __tablename__ = "major"
    __table_args__ = (UniqueConstraint("college_id", "code"),)

    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    archived_at: Mapped[datetime | None]

    department: Mapped[Department] = relationship()

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class SchoolClass(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A class (班级) of one major and one cohort (the year it enrolled)."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("college_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    major_id: Mapped[int] = mapped_column(ForeignKey("major.id", ondelete="RESTRICT"), index=True)
    cohort_year: Mapped[int] = mapped_column(Integer, index=True)
    archived_at: Mapped[datetime | None]

    major: Mapped[Major] = relationship()


class Student(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A student. The resident ID number is stored encrypted, with a keyed hash for lookups."""

    __tablename__ = "student"
    __table_args__ = (
        UniqueConstraint("college_id", "student_number"),
        UniqueConstraint("college_id", "id_number_hash"),
    )

    student_number: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100), index=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="RESTRICT"), index=True
    )
    phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(20), default=StudentStatus.ENROLLED, index=True)
    guardian_name: Mapped[str] = mapped_column(String(100), default="")
    guardian_phone: Mapped[str] = mapped_column(String(30), default="")

    school_class: Mapped[SchoolClass] = relationship()


class Teacher(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    __tablename__ = "teacher"
    __table_args__ = (UniqueConstraint("college_id", "staff_number"),)

    staff_number: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100), index=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(60), default="")
    subjects: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=TeacherStatus.ACTIVE, index=True)
    # Recorded now; later derived from enterprise practice records (teacher development).
    double_qualified: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department] = relationship()
