"""Input and output shapes for enterprises, their contacts and staff counts, change proposals
and partnerships, with their normalisation rules (shared by the API, the pages and imports)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic import validate_email as _pydantic_validate_email
from pydantic_core import PydanticCustomError

from tandem.college.schemas import RegionCode, Text, tidy
from tandem.kit.i18n import N_
from tandem.kit.identifiers import USCC_CHARSET, normalise_code, uscc_problem
from tandem.kit.validation import invalid
from tandem.partner.models import (
    CertificationLevel,
    EnterpriseKind,
    PartnershipStatus,
    ProposalStatus,
    SizeBand,
)

INDUSTRY_LETTERS = "ABCDEFGHIJKLMNOPQRST"
_PHONE = re.compile(r"^[0-9+\-() ]{3,30}$")
_TAG_SEPARATORS = re.compile(r"[,;、\n]")
MAX_TAGS = 20


def _normalise_uscc(value: object) -> object:
    return normalise_code(value) if isinstance(value, str) else value


def _uscc(value: str) -> str:
    problem = uscc_problem(value)
    if problem == "length":
        raise invalid(
            "uscc_length",
            N_("A Unified Social Credit Code has 18 characters; this one has %(length)s."),
            length=len(value),
        )
    if problem == "charset":
        wrong = "".join(sorted({ch for ch in value if ch not in USCC_CHARSET}))
        raise invalid(
            "uscc_charset",
            N_(
                "%(characters)s cannot appear in a Unified Social Credit Code: it uses digits "
                "and capital letters except I, O, S, V and Z."
            ),
            characters=wrong,
        )
    if problem == "check":
        raise invalid(
            "uscc_check",
            N_(
                "The last character (the check character) does not match the first 17: "
                "a character is probably mistyped. Copy the code from the business licence."
            ),
        )
    return value


def _industry(value: str) -> str:
    value = value.upper()
    if len(value) != 1 or value not in INDUSTRY_LETTERS:
        raise invalid(
            "invalid_industry_section",
            N_("Choose the industry section: one letter from A to T (GB/T 4754), e.g. C."),
        )
    return value


def _website(value: str) -> str:
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise invalid("url_scheme", N_("Enter a web address starting with http:// or https://."))
    host = parts.hostname or ""
    if "." not in host or " " in value:
        raise invalid("url_parsing", N_("Enter a valid web address."))
    return value


def _phone(value: str) -> str:
    if value and not _PHONE.match(value):
        raise invalid(
            "invalid_phone",
            N_("Enter a phone number: digits, spaces, '+', '-' and brackets only."),
        )
    return value


def _email(value: str) -> str:
    if not value:
        return ""
    try:
        _, address = _pydantic_validate_email(value)
    except PydanticCustomError as exc:
        raise invalid("invalid_email", N_("Enter a valid email address.")) from exc
    return address.lower()


def _split_tags(value: object) -> object:
    """Tags typed in one box: separated by commas (also Chinese ones), semicolons or lines."""
    if isinstance(value, str):
        cleaned = str(tidy(value))
        return [part.strip() for part in _TAG_SEPARATORS.split(cleaned) if part.strip()]
    return value


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in values:
        seen.setdefault(item, None)
    return list(seen)


Uscc = Annotated[str, BeforeValidator(_normalise_uscc), Field(min_length=1), AfterValidator(_uscc)]
IndustrySection = Annotated[str, BeforeValidator(tidy), AfterValidator(_industry)]
Website = Annotated[str, BeforeValidator(tidy), Field(max_length=300), AfterValidator(_website)]
Phone = Annotated[str, BeforeValidator(tidy), Field(max_length=30), AfterValidator(_phone)]
OptionalEmail = Annotated[str, BeforeValidator(tidy), Field(max_length=320), AfterValidator(_email)]
EnterpriseName = Annotated[Text, Field(min_length=1, max_length=200)]
ShortName = Annotated[Text, Field(max_length=60)]
IndustryDetail = Annotated[Text, Field(max_length=100)]
Address = Annotated[Text, Field(max_length=300)]
PersonName = Annotated[Text, Field(min_length=1, max_length=100)]
ContactRole = Annotated[Text, Field(max_length=100)]
Tag = Annotated[Text, Field(min_length=1, max_length=30)]
Tags = Annotated[
    list[Tag],
    BeforeValidator(_split_tags),
    Field(max_length=MAX_TAGS),
    AfterValidator(_unique),
]
Reason = Annotated[Text, Field(max_length=500)]
Notes = Annotated[Text, Field(max_length=5000)]
StaffNumber = Annotated[int, Field(ge=0, le=10_000_000)]
Version = Annotated[int | None, Field(default=None, ge=1, description="The version you edited.")]


# --- staff counts and contacts -------------------------------------------------------------------


class StaffCountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date = Field(description="The day the count refers to.")
    on_post_staff: StaffNumber = Field(description="On-post staff (在岗职工) on that day.")


class StaffCountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    as_of: date
    on_post_staff: int
    recorded_at: datetime


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName
    role: ContactRole = ""
    phone: Phone = ""
    email: OptionalEmail = ""


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName | None = None
    role: ContactRole | None = None
    phone: Phone | None = None
    email: OptionalEmail | None = None


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    name: str
    role: str
    phone: str
    email: str
    created_at: datetime
    updated_at: datetime


# --- enterprises ---------------------------------------------------------------------------------


class EnterpriseCreate(BaseModel):
    """Register an enterprise; a first staff count and contacts may come with it."""

    model_config = ConfigDict(extra="forbid")

    uscc: Uscc = Field(description="Unified Social Credit Code (统一社会信用代码), 18 characters.")
    name: EnterpriseName
    short_name: ShortName = ""
    kind: EnterpriseKind
    industry_section: IndustrySection = Field(description="GB/T 4754 section letter A–T.")
    industry_detail: IndustryDetail = ""
    size_band: SizeBand
    address: Address = ""
    region_code: RegionCode
    website: Website = ""
    certified_level: CertificationLevel | None = Field(
        default=None, description="产教融合型企业 certification; give certified_on with it."
    )
    certified_on: date | None = None
    staff_count: StaffCountCreate | None = None
    contacts: list[ContactCreate] = Field(default_factory=list, max_length=20)


class EnterpriseChanges(BaseModel):
    """The master-data fields that can change; null clears the certification."""

    model_config = ConfigDict(extra="forbid")

    uscc: Uscc | None = None
    name: EnterpriseName | None = None
    short_name: ShortName | None = None
    kind: EnterpriseKind | None = None
    industry_section: IndustrySection | None = None
    industry_detail: IndustryDetail | None = None
    size_band: SizeBand | None = None
    address: Address | None = None
    region_code: RegionCode | None = None
    website: Website | None = None
    certified_level: CertificationLevel | None = None
    certified_on: date | None = None


class EnterpriseUpdate(EnterpriseChanges):
    version: Version = None


class EnterpriseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    name: str
    short_name: str
    kind: EnterpriseKind
    industry_section: str
    industry_detail: str
    size_band: SizeBand
    address: str
    region_code: str
    website: str
    certified_level: CertificationLevel | None
    certified_on: date | None
    archived_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class EnterpriseSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    name: str
    short_name: str


class ArchiveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Version = None


# --- change proposals ----------------------------------------------------------------------------


class ProposalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Any] = Field(
        description="Field → proposed value, checked like a change to the enterprise."
    )
    reason: Annotated[Text, Field(min_length=1, max_length=500)]


class ProposalDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Reason = ""


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    college_id: int
    proposed_by_user_id: int | None
    changes: dict[str, Any]
    reason: str
    status: ProposalStatus
    decided_by_user_id: int | None
    decided_at: datetime | None
    decision_note: str
    created_at: datetime


# --- partnerships --------------------------------------------------------------------------------


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: int
    college_id: int | None = Field(
        default=None, description="Platform administrators only; others add to their college."
    )
    status: PartnershipStatus = PartnershipStatus.PROSPECT
    department_id: int | None = None
    start_date: date | None = None
    account_manager_id: int | None = Field(default=None, description="A teacher of the college.")
    tags: Tags = Field(default_factory=list)
    notes: Notes = ""


class PartnershipUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department_id: int | None = None
    start_date: date | None = None
    account_manager_id: int | None = None
    tags: Tags | None = None
    notes: Notes | None = None
    version: Version = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: PartnershipStatus
    reason: Reason = Field(default="", description="Required when the partnership ends.")
    start_date: date | None = Field(
        default=None, description="When it becomes active and has no start date yet."
    )
    version: Version = None


class PartnershipRead(BaseModel):
    id: int
    college_id: int
    enterprise: EnterpriseSummary
    status: PartnershipStatus
    allowed_next: list[PartnershipStatus]
    ended_reason: str
    department_id: int | None
    start_date: date | None
    account_manager_id: int | None
    tags: list[str]
    notes: str | None = Field(
        default=None,
        description="Internal notes: only for the college itself, never sent to enterprises.",
    )
    version: int
    created_at: datetime
    updated_at: datetime
