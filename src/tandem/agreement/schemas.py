"""Input and output shapes for agreements, obligations, signatures, documents and the steering
body (shared by the API, the pages and the import)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from tandem.agreement.lifecycle import Action
from tandem.agreement.models import AgreementKind, AgreementStatus, Party, Period
from tandem.agreement.modes import Mode
from tandem.agreement.progress import Progress
from tandem.college.schemas import Text
from tandem.kit.i18n import N_
from tandem.kit.validation import invalid
from tandem.partner.schemas import Version

Title = Annotated[Text, Field(min_length=1, max_length=200)]
Number = Annotated[Text, Field(max_length=60)]
Name = Annotated[Text, Field(max_length=100)]
Note = Annotated[Text, Field(max_length=500)]
Summary = Annotated[Text, Field(max_length=5000)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]
Quantity = Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), decimal_places=2)]
RegisterCategory = Annotated[Text, Field(max_length=100)]


def _modes(value: object) -> object:
    """Modes as numbers 1–7, given as a list or as text such as "1, 5" (an import cell)."""
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(value, list | tuple):
        return value
    modes: list[int] = []
    for item in value:
        text = str(item).strip()
        if not text:
            continue
        try:
            mode = Mode(int(text))
        except ValueError:
            raise invalid(
                "unknown_mode",
                N_("%(value)s is not a mode of cooperation: choose a number from 1 to 7."),
                value=text,
            ) from None
        if mode not in modes:
            modes.append(mode)
    return sorted(modes)


Modes = Annotated[list[int], BeforeValidator(_modes)]
TermsByMode = dict[str, dict[str, Any]]


class _Dates(BaseModel):
    """The end date comes after the start date (the error is reported on ``end_date``)."""

    @field_validator("end_date", check_fields=False)
    @classmethod
    def _in_order(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if start and end and end <= start:
            raise invalid("dates_out_of_order", N_("The end date must come after the start date."))
        return end


class AgreementCreate(_Dates):
    model_config = ConfigDict(extra="forbid")

    partnership_id: int
    department_id: int | None = None
    kind: AgreementKind = AgreementKind.MODE
    framework_id: int | None = Field(default=None, description="The framework agreement above.")
    title: Title
    number: Number = ""
    modes: Modes = Field(default_factory=list, description="Mode numbers 1–7.")
    terms: TermsByMode = Field(
        default_factory=dict, description='Terms per mode, keyed by its number: {"1": {...}}.'
    )
    college_signatory: Name = ""
    enterprise_signatory: Name = ""
    start_date: date | None = None
    end_date: date | None = None
    auto_renew: bool = False
    renewal_months: Annotated[int, Field(ge=1, le=120)] | None = None
    notice_days: Annotated[int, Field(ge=0, le=365)] = 30
    value_money: Money = Decimal(0)
    value_in_kind: Money = Decimal(0)
    value_in_kind_note: Annotated[Text, Field(max_length=300)] = ""
    review_every_months: Annotated[int, Field(ge=1, le=60)] | None = None
    next_review_on: date | None = None
    summary: Summary = ""


class AgreementUpdate(_Dates):
    """Any subset of the fields; ``terms`` replaces the terms of the modes it names."""

    model_config = ConfigDict(extra="forbid")

    department_id: int | None = None
    framework_id: int | None = None
    title: Title | None = None
    number: Number | None = None
    modes: Modes | None = None
    terms: TermsByMode | None = None
    college_signatory: Name | None = None
    enterprise_signatory: Name | None = None
    start_date: date | None = None
    end_date: date | None = None
    auto_renew: bool | None = None
    renewal_months: Annotated[int, Field(ge=1, le=120)] | None = None
    notice_days: Annotated[int, Field(ge=0, le=365)] | None = None
    value_money: Money | None = None
    value_in_kind: Money | None = None
    value_in_kind_note: Annotated[Text, Field(max_length=300)] | None = None
    review_every_months: Annotated[int, Field(ge=1, le=60)] | None = None
    next_review_on: date | None = None
    summary: Summary | None = None
    version: Version = None


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    reason: Note = ""
    version: Version = None


class RenewalRequest(_Dates):
    """Renewing starts a successor draft with the same modes, terms and obligations."""

    model_config = ConfigDict(extra="forbid")

    start_date: date | None = None
    end_date: date | None = None
    version: Version = None


class SignatureCreate(BaseModel):
    """Sign for a party. Enterprise contacts sign for their enterprise; the cooperation office
    signs for the college and may record an enterprise's signature made on paper."""

    model_config = ConfigDict(extra="forbid")

    party: Party | None = Field(default=None, description="Defaults to the signer's own party.")
    signatory_name: Annotated[Text, Field(min_length=1, max_length=100)]
    on_paper: bool = False
    version: Version = None


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    note: Note = ""
    next_review_on: date | None = None


class NonRenewalNotice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Note = ""
    version: Version = None


class ObligationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: Party
    mode: int | None = Field(default=None, ge=1, le=7)
    description: Annotated[Text, Field(min_length=1, max_length=300)]
    quantity: Quantity
    unit: Annotated[Text, Field(min_length=1, max_length=30)]
    period: Period = Period.ONCE
    starts_on: date
    due_on: date
    # Counted against the equipment register: what a linked line's name or category contains.
    register_category: RegisterCategory = ""

    @field_validator("due_on")
    @classmethod
    def _in_order(cls, due_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on and due_on < starts_on:
            raise invalid("dates_out_of_order", N_("The due date cannot come before the start."))
        return due_on


class ObligationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    quantity: Quantity | None = None
    unit: Annotated[Text, Field(min_length=1, max_length=30)] | None = None
    period: Period | None = None
    starts_on: date | None = None
    due_on: date | None = None
    register_category: RegisterCategory | None = None
    version: Version = None


class DeliveryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Quantity
    delivered_on: date
    note: Annotated[Text, Field(max_length=300)] = ""


# --- reading -------------------------------------------------------------------------------------


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    amount: Decimal
    delivered_on: date
    note: str
    source: str
    recorded_at: datetime


class RegisterRead(BaseModel):
    """The obligation counted against the equipment register linked to the agreement."""

    category: str
    required: Decimal
    found: int
    short: Decimal


class ObligationRead(BaseModel):
    id: int
    agreement_id: int
    party: Party
    mode: int | None
    description: str
    quantity: Decimal
    unit: str
    period: Period
    starts_on: date
    due_on: date
    committed: Decimal
    due_so_far: Decimal
    delivered: Decimal
    progress: Progress
    deliveries: list[DeliveryRead]
    register_category: str = ""
    # Shown as "register" (a field of that name would shadow ABCMeta.register).
    register_check: RegisterRead | None = Field(default=None, serialization_alias="register")
    version: int


class SignatureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    party: Party
    signatory_name: str
    on_paper: bool
    actor_label: str
    signed_at: datetime


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_status: str | None
    to_status: str
    reason: str
    actor_label: str
    occurred_at: datetime


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_at: datetime


class ModeTermsRead(BaseModel):
    mode: int
    terms: dict[str, Any]
    missing: list[str]


class AgreementRead(BaseModel):
    id: int
    college_id: int
    partnership_id: int
    enterprise_id: int
    enterprise_name: str
    department_id: int | None
    kind: AgreementKind
    framework_id: int | None
    renews_id: int | None
    title: str
    number: str
    status: AgreementStatus
    allowed_actions: list[Action]
    modes: list[ModeTermsRead]
    college_signatory: str
    enterprise_signatory: str
    start_date: date | None
    end_date: date | None
    auto_renew: bool
    renewal_months: int | None
    notice_days: int
    value_money: Decimal
    value_in_kind: Decimal
    value_in_kind_note: str
    review_every_months: int | None
    next_review_on: date | None
    signed_on: date | None
    closed_on: date | None
    close_reason: str
    imported: bool
    summary: str
    signatures: list[SignatureRead]
    version: int
    created_at: datetime
    updated_at: datetime


class AgreementDetail(AgreementRead):
    obligations: list[ObligationRead]
    timeline: list[EventRead]
    documents: list[DocumentRead]


# --- steering body -------------------------------------------------------------------------------


class SteeringBodyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership_id: int
    framework_id: int | None = None
    name: Title
    established_on: date
    review_every_months: Annotated[int, Field(ge=1, le=60)] = 12
    next_review_on: date | None = None


class SteeringBodyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    framework_id: int | None = None
    name: Title | None = None
    established_on: date | None = None
    review_every_months: Annotated[int, Field(ge=1, le=60)] | None = None
    next_review_on: date | None = None
    version: Version = None


class SteeringMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(min_length=1, max_length=100)]
    side: Party
    position: Annotated[Text, Field(max_length=100)] = ""


class SteeringMeetingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    title: Title
    minutes: Summary = ""
    decisions: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50
    )
    is_review: bool = False


class SteeringMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    side: Party
    position: str


class SteeringMeetingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    held_on: date
    title: str
    minutes: str
    decisions: list[str]
    is_review: bool


class SteeringBodyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    college_id: int
    partnership_id: int
    framework_id: int | None
    name: str
    established_on: date
    review_every_months: int
    next_review_on: date | None
    members: list[SteeringMemberRead]
    meetings: list[SteeringMeetingRead]
    version: int


STATUS_VALUES = tuple(s.value for s in AgreementStatus)
