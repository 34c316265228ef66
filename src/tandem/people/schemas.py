"""Input and output shapes for majors, classes, students and teachers, with their rules.

A student's resident ID number comes in (create / update) but never goes out: the read shape has
only the masked form. Age, year of study and minority are derived from today's date, never stored.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
)

from tandem.college.schemas import Code, NameEn, NameZh, tidy
from tandem.kit.dates import local_today as local_today  # re-exported for the people pages
from tandem.kit.i18n import N_
from tandem.kit.identifiers import age_on, id_birth_date, normalise_code, resident_id_problem
from tandem.kit.validation import invalid
from tandem.people.models import Gender, Student, StudentStatus, TeacherStatus

ADULT_AGE = 18
ACADEMIC_YEAR_START_MONTH = 9  # the academic year starts on 1 September
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,29}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,28}[0-9]$")

ID_PROBLEMS = {
    "length": N_("Enter the full 18-character resident ID number."),
    "charset": N_("A resident ID number is 17 digits followed by a digit or X."),
    "birth_date": N_("The birth date inside this ID number is not a real past date."),
    "check": N_("The last character does not match the rest of the number; check for typos."),
}
ID_BIRTH_MISMATCH = N_("The birth date in the ID number differs from the date of birth.")
GUARDIAN_REQUIRED = N_("Required for a student under 18.")


def year_of_study(cohort_year: int, today: date) -> int:
    """The student's year at college: 1 from the September their cohort enrolled, and so on."""
    return today.year - cohort_year + (1 if today.month >= ACADEMIC_YEAR_START_MONTH else 0)


def is_resident_id(text: str) -> bool:
    """Whether ``text`` (as typed) is a well-formed resident ID number."""
    return resident_id_problem(normalise_code(text)) is None


def _number(value: str) -> str:
    value = value.upper()
    if not _NUMBER.match(value):
        raise invalid(
            "invalid_number",
            N_("Use 1–30 letters, digits, '-' or '_', starting with a letter or digit."),
        )
    return value


def _phone(value: str) -> str:
    if value and not _PHONE.match(value):
        raise invalid(
            "invalid_phone", N_("Enter a phone number: digits, spaces, '-', '(' ')' and '+'.")
        )
    return value


def _id_number(value: str) -> str:
    problem = resident_id_problem(value, today=local_today())
    if problem is not None:
        raise invalid(f"invalid_id_number_{problem}", ID_PROBLEMS[problem])
    return value


def _normalised(value: object) -> object:
    return normalise_code(value) if isinstance(value, str) else value


def _upper(value: object) -> object:
    value = tidy(value)
    return value.upper() if isinstance(value, str) else value


def _past_birth_date(value: date) -> date:
    if value > local_today() or value.year < 1900:
        raise invalid("invalid_birth_date", N_("Enter a real date of birth in the past."))
    return value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Text = Annotated[str, BeforeValidator(tidy)]
Number = Annotated[str, BeforeValidator(tidy), AfterValidator(_number)]
Name = Annotated[Text, Field(min_length=1, max_length=100)]
Phone = Annotated[Text, Field(max_length=30), AfterValidator(_phone)]
IdNumber = Annotated[str, BeforeValidator(_normalised), AfterValidator(_id_number)]
BirthDate = Annotated[date, AfterValidator(_past_birth_date)]
GenderCode = Annotated[Gender, BeforeValidator(_upper)]
Cohort = Annotated[int, Field(ge=1990, le=2100)]
Version = Annotated[int | None, Field(ge=1, description="The version you edited.")]


# --- majors -------------------------------------------------------------------------------------


class MajorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name_zh: NameZh
    name_en: NameEn
    department_id: int


class MajorUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: NameZh | None = None
    name_en: NameEn | None = None
    department_id: int | None = None
    archived: bool | None = Field(default=None, description="true archives, false restores.")
    version: Version = None


class MajorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    college_id: int
    code: str
    name_zh: str
    name_en: str
    department_id: int
    archived_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def archived(self) -> bool:
        return self.archived_at is not None


# --- classes ------------------------------------------------------------------------------------


class SchoolClassCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    major_id: int
    cohort_year: Cohort


class SchoolClassUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    major_id: int | None = None
    cohort_year: Cohort | None = None
    archived: bool | None = Field(default=None, description="true archives, false restores.")
    version: Version = None


class SchoolClassRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    college_id: int
    name: str
    major_id: int
    cohort_year: int
    archived_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def archived(self) -> bool:
        return self.archived_at is not None


# --- students -----------------------------------------------------------------------------------


def _guardian_needed(info: ValidationInfo) -> bool:
    birth = info.data.get("birth_date")
    return isinstance(birth, date) and age_on(birth, local_today()) < ADULT_AGE


class StudentCreate(BaseModel):
    """A new student. Fields are checked in order, so the cross-field checks see birth_date."""

    model_config = ConfigDict(extra="forbid")

    student_number: Number
    name: Name
    gender: GenderCode
    birth_date: BirthDate
    id_number: IdNumber | None = Field(
        default=None, description="Resident ID number; stored encrypted, shown only masked."
    )
    class_id: int
    phone: Phone = ""
    status: StudentStatus = StudentStatus.ENROLLED
    guardian_name: Annotated[Text, Field(max_length=100)] = Field(default="", validate_default=True)
    guardian_phone: Phone = Field(default="", validate_default=True)

    @field_validator("id_number", mode="before")
    @classmethod
    def _blank_id(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("id_number")
    @classmethod
    def _id_matches_birth_date(cls, value: str | None, info: ValidationInfo) -> str | None:
        birth = info.data.get("birth_date")
        if value is not None and isinstance(birth, date) and id_birth_date(value) != birth:
            raise invalid("id_birth_mismatch", ID_BIRTH_MISMATCH)
        return value

    @field_validator("guardian_name", "guardian_phone")
    @classmethod
    def _guardian_for_minors(cls, value: str, info: ValidationInfo) -> str:
        if not value and _guardian_needed(info):
            raise invalid("guardian_required", GUARDIAN_REQUIRED)
        return value


class StudentUpdate(BaseModel):
    """Changes to a student. ``id_number``: omit to keep it, null to remove it, or a new one."""

    model_config = ConfigDict(extra="forbid")

    student_number: Number | None = None
    name: Name | None = None
    gender: GenderCode | None = None
    birth_date: BirthDate | None = None
    id_number: IdNumber | None = None
    class_id: int | None = None
    phone: Phone | None = None
    status: StudentStatus | None = None
    guardian_name: Annotated[Text, Field(max_length=100)] | None = None
    guardian_phone: Phone | None = None
    version: Version = None

    @field_validator("id_number", mode="before")
    @classmethod
    def _blank_id(cls, value: object) -> object:
        return _blank_to_none(value)


class StudentRead(BaseModel):
    """A student as people and API clients see it: the ID number only masked."""

    id: int
    college_id: int
    student_number: str
    name: str
    gender: str
    birth_date: date
    id_number_masked: str | None
    class_id: int
    class_name: str
    major_id: int
    cohort_year: int
    phone: str
    status: str
    guardian_name: str
    guardian_phone: str
    age: int
    year_of_study: int
    is_minor: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, student: Student, *, today: date | None = None) -> StudentRead:
        day = today or local_today()
        school_class = student.school_class
        age = age_on(student.birth_date, day)
        return cls(
            id=student.id,
            college_id=student.college_id,
            student_number=student.student_number,
            name=student.name,
            gender=student.gender,
            birth_date=student.birth_date,
            id_number_masked=student.id_number_masked,
            class_id=student.class_id,
            class_name=school_class.name,
            major_id=school_class.major_id,
            cohort_year=school_class.cohort_year,
            phone=student.phone,
            status=student.status,
            guardian_name=student.guardian_name,
            guardian_phone=student.guardian_phone,
            age=age,
            year_of_study=year_of_study(school_class.cohort_year, day),
            is_minor=age < ADULT_AGE,
            version=student.version,
            created_at=student.created_at,
            updated_at=student.updated_at,
        )


class RevealedId(BaseModel):
    id_number: str


# --- teachers -----------------------------------------------------------------------------------


class TeacherCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_number: Number
    name: Name
    department_id: int
    title: Annotated[Text, Field(max_length=60)] = ""
    subjects: Annotated[Text, Field(max_length=300)] = ""
    status: TeacherStatus = TeacherStatus.ACTIVE
    double_qualified: bool = Field(
        default=False, description="双师型: qualified both to teach and in industry practice."
    )


class TeacherUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_number: Number | None = None
    name: Name | None = None
    department_id: int | None = None
    title: Annotated[Text, Field(max_length=60)] | None = None
    subjects: Annotated[Text, Field(max_length=300)] | None = None
    status: TeacherStatus | None = None
    double_qualified: bool | None = None
    version: Version = None


class TeacherRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    college_id: int
    staff_number: str
    name: str
    department_id: int
    title: str
    subjects: str
    status: str
    double_qualified: bool
    version: int
    created_at: datetime
    updated_at: datetime
