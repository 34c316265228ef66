"""The seven modes of cooperation and the terms each one needs (pure: no database).

Terms are stored as JSON per mode. While an agreement is a draft its terms may be partial: every
value given is checked (type, range, unknown keys), but nothing is required yet. From review on,
:func:`missing_terms` must be empty: each required term of each chosen mode is filled in.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tandem.college.schemas import Text
from tandem.kit.errors import FieldError, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.validation import field_error


class Mode(IntEnum):
    ENTERPRISE_INTRODUCTION = 1  # 引企入校
    EQUIPMENT_SHARING = 2  # 设备共享
    TECHNOLOGY_PROMOTION = 3  # 技术推广
    POST_CONTRACT = 4  # 岗位承包
    JOINT_TRAINING = 5  # 校企共训
    TRAINING_TRANSPLANT = 6  # 培训移植
    TRAINING_CONTRACT = 7  # 培训承包


MODE_LABELS: dict[Mode, str] = {
    Mode.ENTERPRISE_INTRODUCTION: N_("Enterprise introduction"),
    Mode.EQUIPMENT_SHARING: N_("Equipment sharing"),
    Mode.TECHNOLOGY_PROMOTION: N_("Technology promotion"),
    Mode.POST_CONTRACT: N_("Post contract"),
    Mode.JOINT_TRAINING: N_("School–enterprise training"),
    Mode.TRAINING_TRANSPLANT: N_("Training transplant"),
    Mode.TRAINING_CONTRACT: N_("Training contract"),
}


def mode_label(mode: int) -> str:
    try:
        return f"{int(mode)} · {gettext(MODE_LABELS[Mode(mode)])}"
    except ValueError:
        return str(mode)


class FeeKind(StrEnum):
    FREE = "free"
    LEASE = "lease"
    SERVICE_FEE = "service_fee"


ShortText = Annotated[Text, Field(max_length=200)]
LongText = Annotated[Text, Field(max_length=2000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]


class Terms(BaseModel):
    """A mode's terms. Every field is optional while drafting; ``REQUIRED`` lists those a
    complete agreement must have."""

    model_config = ConfigDict(extra="forbid")
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    LABELS: ClassVar[dict[str, str]] = {}

    def missing(self) -> list[str]:
        return [name for name in self.REQUIRED if getattr(self, name) in (None, "")]


class EnterpriseIntroductionTerms(Terms):
    """Mode 1: the enterprise produces on campus in a venue the college provides."""

    venue: ShortText | None = None
    area_m2: Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=2)] | None = None
    fee_kind: FeeKind | None = None
    annual_fee: Amount | None = None
    training_positions_per_term: Count | None = None
    teacher_tech_hours_per_year: Count | None = None
    REQUIRED = ("venue", "area_m2", "fee_kind", "training_positions_per_term")
    LABELS: ClassVar[dict[str, str]] = {
        "venue": N_("Venue"),
        "area_m2": N_("Area (m²)"),
        "fee_kind": N_("Lease or fee"),
        "annual_fee": N_("Annual lease or fee (CNY)"),
        "training_positions_per_term": N_("Training positions per term"),
        "teacher_tech_hours_per_year": N_("Teachers' technology-development hours per year"),
    }

    def missing(self) -> list[str]:
        missing = super().missing()
        if self.fee_kind not in (None, FeeKind.FREE) and self.annual_fee is None:
            missing.append("annual_fee")  # a lease or fee needs its amount
        return missing


class EquipmentSharingTerms(Terms):
    """Mode 2: both sides contribute equipment to a joint productive training base."""

    base_name: ShortText | None = None
    college_equipment: LongText | None = None
    enterprise_equipment: LongText | None = None
    college_equipment_value: Amount | None = None
    enterprise_equipment_value: Amount | None = None
    teaching_share_pct: Percent | None = None
    REQUIRED = ("base_name", "college_equipment", "enterprise_equipment")
    LABELS: ClassVar[dict[str, str]] = {
        "base_name": N_("Joint training base"),
        "college_equipment": N_("Equipment the college contributes"),
        "enterprise_equipment": N_("Equipment the enterprise contributes"),
        "college_equipment_value": N_("Value of the college's equipment (CNY)"),
        "enterprise_equipment_value": N_("Value of the enterprise's equipment (CNY)"),
        "teaching_share_pct": N_("Share of hours for teaching (%)"),
    }


class TechnologyPromotionTerms(Terms):
    """Mode 3: the enterprise places new equipment; teachers train students and outsiders."""

    equipment_placed: LongText | None = None
    equipment_value: Amount | None = None
    students_to_train_per_year: Count | None = None
    outside_trainees_per_year: Count | None = None
    leads_shared_with_consent: bool | None = None
    REQUIRED = ("equipment_placed", "students_to_train_per_year")
    LABELS: ClassVar[dict[str, str]] = {
        "equipment_placed": N_("Equipment placed at the college"),
        "equipment_value": N_("Value of the equipment placed (CNY)"),
        "students_to_train_per_year": N_("Students to train per year"),
        "outside_trainees_per_year": N_("Outside trainees per year"),
        "leads_shared_with_consent": N_("Leads shared with the trainees' consent"),
    }


class PostContractTerms(Terms):
    """Mode 4: the college takes on an outsourced part of production."""

    production_scope: LongText | None = None
    pricing: LongText | None = None
    quality_terms: LongText | None = None
    annual_volume: Count | None = None
    supporting_technicians: Count | None = None
    REQUIRED = ("production_scope", "pricing", "quality_terms")
    LABELS: ClassVar[dict[str, str]] = {
        "production_scope": N_("Production scope"),
        "pricing": N_("Pricing"),
        "quality_terms": N_("Quality terms"),
        "annual_volume": N_("Annual volume (pieces)"),
        "supporting_technicians": N_("Enterprise technicians supporting"),
    }


class JointTrainingTerms(Terms):
    """Mode 5: the enterprise's training institution moves on campus with a joint team."""

    training_institution: ShortText | None = None
    joint_team: LongText | None = None
    employees_to_train_per_year: Count | None = None
    students_to_train_per_year: Count | None = None
    courses_to_codevelop: Count | None = None
    REQUIRED = ("training_institution", "joint_team", "employees_to_train_per_year")
    LABELS: ClassVar[dict[str, str]] = {
        "training_institution": N_("Enterprise training institution"),
        "joint_team": N_("Joint training team"),
        "employees_to_train_per_year": N_("Employees to train per year"),
        "students_to_train_per_year": N_("Students to train per year"),
        "courses_to_codevelop": N_("Courses to co-develop"),
    }


class TrainingTransplantTerms(Terms):
    """Mode 6: a leading enterprise's training programme and certification move to the college."""

    programme: ShortText | None = None
    certification: ShortText | None = None
    teachers_to_certify: Count | None = None
    employees_to_train_per_year: Count | None = None
    order_class_size: Count | None = None
    REQUIRED = ("programme", "certification", "teachers_to_certify")
    LABELS: ClassVar[dict[str, str]] = {
        "programme": N_("Transplanted programme"),
        "certification": N_("Certification required"),
        "teachers_to_certify": N_("Teachers to certify"),
        "employees_to_train_per_year": N_("Employees to train per year"),
        "order_class_size": N_("Order class size"),
    }


class TrainingContractTerms(Terms):
    """Mode 7: the college gives a simulated site; the enterprise runs training and courses."""

    simulated_site: ShortText | None = None
    courses_contracted: LongText | None = None
    contracted_hours_per_year: Count | None = None
    employees_to_train_per_year: Count | None = None
    REQUIRED = ("simulated_site", "courses_contracted", "contracted_hours_per_year")
    LABELS: ClassVar[dict[str, str]] = {
        "simulated_site": N_("Simulated practice site"),
        "courses_contracted": N_("Courses contracted"),
        "contracted_hours_per_year": N_("Contracted course hours per year"),
        "employees_to_train_per_year": N_("Employees to train per year"),
    }


TERMS: dict[Mode, type[Terms]] = {
    Mode.ENTERPRISE_INTRODUCTION: EnterpriseIntroductionTerms,
    Mode.EQUIPMENT_SHARING: EquipmentSharingTerms,
    Mode.TECHNOLOGY_PROMOTION: TechnologyPromotionTerms,
    Mode.POST_CONTRACT: PostContractTerms,
    Mode.JOINT_TRAINING: JointTrainingTerms,
    Mode.TRAINING_TRANSPLANT: TrainingTransplantTerms,
    Mode.TRAINING_CONTRACT: TrainingContractTerms,
}
TERM_FIELDS: dict[Mode, tuple[str, ...]] = {m: tuple(t.model_fields) for m, t in TERMS.items()}


def parse_mode(value: object, field: str = "modes") -> Mode:
    """A mode from 1–7 (as a number or its digit), else a clear error."""
    try:
        return Mode(int(str(value).strip()))
    except ValueError:
        raise ValidationFailed.single(
            field,
            "unknown_mode",
            N_("%(value)s is not a mode of cooperation: choose a number from 1 to 7."),
            value=value,
        ) from None


def check_terms(mode: Mode, terms: dict[str, Any]) -> dict[str, Any]:
    """The terms checked and normalised as JSON; errors name the field as ``terms.<n>.<key>``."""
    try:
        parsed = TERMS[mode].model_validate(terms)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            found = field_error(error)
            errors.append(
                FieldError(
                    f"terms.{int(mode)}.{found.field}", found.code, found.message, found.params
                )
            )
        raise ValidationFailed(errors=errors) from None
    return parsed.model_dump(mode="json", exclude_none=True)


def missing_terms(mode: Mode, terms: dict[str, Any]) -> list[str]:
    """Required terms of ``mode`` not filled in (the stored terms are already checked)."""
    return TERMS[mode].model_validate(terms).missing()


def term_label(mode: Mode, name: str) -> str:
    return gettext(TERMS[mode].LABELS.get(name, name))
