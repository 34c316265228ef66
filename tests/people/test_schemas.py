"""Input rules and derived values of the people registry (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tandem.kit.validation import from_validation_error
from tandem.people.schemas import (
    MajorCreate,
    SchoolClassCreate,
    StudentCreate,
    StudentRead,
    StudentUpdate,
    TeacherCreate,
    is_resident_id,
    local_today,
    year_of_study,
)
from tests.people.builders import ADULT_BIRTH, resident_id

VALID: dict[str, Any] = {
    "student_number": "s2024001",
    "name": " 李华 ",
    "gender": "f",
    "birth_date": ADULT_BIRTH,
    "class_id": 1,
}


def errors_of(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.code for e in from_validation_error(exc).errors}


# --- year of study ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 8, 31), 0),  # enrolled, not started
        (date(2024, 9, 1), 1),  # the first day of the first year
        (date(2025, 2, 28), 1),
        (date(2025, 8, 31), 1),
        (date(2025, 9, 1), 2),
        (date(2027, 6, 30), 3),
    ],
)
def test_year_of_study_turns_on_1_september(day: date, expected: int) -> None:
    assert year_of_study(2024, day) == expected


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
cohorts = st.integers(min_value=1990, max_value=2090)


@given(cohort=cohorts, day=days)
def test_year_of_study_counts_academic_years_since_enrolment(cohort: int, day: date) -> None:
    start_of_academic_year = day.year if day.month >= 9 else day.year - 1
    assert year_of_study(cohort, day) == start_of_academic_year - cohort + 1


@given(cohort=cohorts, day=days)
def test_year_of_study_changes_only_on_1_september(cohort: int, day: date) -> None:
    tomorrow = day + timedelta(days=1)
    step = year_of_study(cohort, tomorrow) - year_of_study(cohort, day)
    assert step == (1 if (tomorrow.month, tomorrow.day) == (9, 1) else 0)


# --- students -----------------------------------------------------------------------------------


def test_student_fields_are_normalised() -> None:
    number = resident_id(ADULT_BIRTH)
    typed = "４４０１ 0６-" + number[6:].lower()  # full-width, spaces, hyphen, lower-case x
    student = StudentCreate(**VALID, id_number=typed, phone=" 138 0013 8000 ")
    assert student.student_number == "S2024001"
    assert student.name == "李华"
    assert student.gender == "F"
    assert student.id_number == number
    assert student.phone == "138 0013 8000"
    assert student.status == "enrolled"


def test_blank_id_number_means_none() -> None:
    assert StudentCreate(**VALID, id_number="  ").id_number is None
    assert StudentUpdate(id_number="").id_number is None


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda n: n[:17], "invalid_id_number_length"),
        (lambda n: n[:16] + "A" + n[17], "invalid_id_number_charset"),
        (lambda n: n[:17] + ("0" if n[17] != "0" else "1"), "invalid_id_number_check"),
        (lambda n: n[:10] + "1332" + n[14:], "invalid_id_number_birth_date"),
    ],
)
def test_invalid_id_numbers_are_field_errors_without_the_number(mangle: Any, code: str) -> None:
    bad = mangle(resident_id(ADULT_BIRTH))
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**VALID, id_number=bad)
    failed = from_validation_error(caught.value)
    assert [(e.field, e.code) for e in failed.errors] == [("id_number", code)]
    assert bad not in failed.errors[0].localised()
    assert bad not in str(failed)


def test_id_number_must_carry_the_date_of_birth() -> None:
    other = resident_id(date(2001, 5, 17))
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**VALID, id_number=other)
    assert errors_of(caught.value) == {"id_number": "id_birth_mismatch"}


def test_future_id_birth_date_is_refused() -> None:
    future = local_today() + timedelta(days=400)
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**{**VALID, "birth_date": ADULT_BIRTH}, id_number=resident_id(future))
    assert errors_of(caught.value)["id_number"] == "invalid_id_number_birth_date"


def test_minors_need_a_guardian_adults_do_not() -> None:
    minor = local_today().replace(year=local_today().year - 16) - timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**{**VALID, "birth_date": minor})
    assert errors_of(caught.value) == {
        "guardian_name": "guardian_required",
        "guardian_phone": "guardian_required",
    }
    ok = StudentCreate(
        **{**VALID, "birth_date": minor}, guardian_name="李父", guardian_phone="13900000000"
    )
    assert ok.guardian_name == "李父"
    assert StudentCreate(**VALID).guardian_name == ""


def test_eighteenth_birthday_makes_an_adult() -> None:
    today = local_today()
    try:
        birthday = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        birthday = date(today.year - 18, 3, 1)
    assert StudentCreate(**{**VALID, "birth_date": birthday}).guardian_phone == ""
    with pytest.raises(ValidationError):
        StudentCreate(**{**VALID, "birth_date": birthday + timedelta(days=1)})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("student_number", "-bad"),
        ("student_number", "x" * 31),
        ("name", "  "),
        ("gender", "X"),
        ("birth_date", "2000-02-30"),
        ("birth_date", (local_today() + timedelta(days=1)).isoformat()),
        ("phone", "call me"),
        ("status", "expelled"),
        ("class_id", "one"),
    ],
)
def test_invalid_student_fields(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**{**VALID, field: value})
    assert field in errors_of(caught.value)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        StudentCreate(**VALID, id_number_encrypted="x")  # type: ignore[call-arg]
    assert errors_of(caught.value) == {"id_number_encrypted": "extra_forbidden"}


def test_the_read_shape_has_no_full_id_number() -> None:
    fields = set(StudentRead.model_fields)
    assert "id_number_masked" in fields
    assert not {"id_number", "id_number_encrypted", "id_number_hash"} & fields
    assert {"age", "year_of_study", "is_minor"} <= fields


@given(
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2010, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_any_well_formed_id_number_is_accepted(birth: date, sequence: int) -> None:
    number = resident_id(birth, sequence=sequence)
    assert is_resident_id(number)
    assert is_resident_id(" ".join([number[:6], number[6:14], number[14:]]))
    student = StudentCreate(
        **{**VALID, "birth_date": birth},
        id_number=number,
        guardian_name="监护人",
        guardian_phone="13900000000",
    )
    assert student.id_number == number


# --- structure and teachers ---------------------------------------------------------------------


def test_major_and_class_rules() -> None:
    major = MajorCreate(code=" ｅｍ０１ ", name_zh="机电", name_en="Mechatronics", department_id=1)
    assert major.code == "EM01"
    with pytest.raises(ValidationError) as caught:
        SchoolClassCreate(name="", major_id=1, cohort_year=1800)
    assert set(errors_of(caught.value)) == {"name", "cohort_year"}


def test_teacher_rules() -> None:
    teacher = TeacherCreate(
        staff_number="t-01", name="王老师", department_id=1, double_qualified="yes"
    )
    assert (teacher.staff_number, teacher.double_qualified, teacher.status) == (
        "T-01",
        True,
        "active",
    )
    with pytest.raises(ValidationError) as caught:
        TeacherCreate(staff_number="T1", name="x", department_id=1, status="retired")
    assert errors_of(caught.value) == {"status": "enum"}
