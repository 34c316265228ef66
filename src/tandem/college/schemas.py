"""Input and output shapes for colleges and departments, with their normalisation rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tandem.kit.i18n import N_
from tandem.kit.validation import invalid

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")
_REGION = re.compile(r"^\d{6}$")
# Province-level prefixes of GB/T 2260 administrative division codes.
PROVINCE_PREFIXES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)


def tidy(value: object) -> object:
    """Full-width to half-width (NFKC) and trimmed: what people paste from spreadsheets."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


def _code(value: str) -> str:
    value = value.upper()
    if not _CODE.match(value):
        raise invalid(
            "invalid_code",
            N_("Use 2–20 letters, digits, '-' or '_', starting with a letter or digit."),
        )
    return value


def _region(value: str) -> str:
    if not _REGION.match(value) or value[:2] not in PROVINCE_PREFIXES:
        raise invalid(
            "invalid_region_code",
            N_("Enter the 6-digit administrative division code (GB/T 2260), e.g. 440100."),
        )
    return value


Text = Annotated[str, BeforeValidator(tidy)]
Code = Annotated[str, BeforeValidator(tidy), AfterValidator(_code)]
RegionCode = Annotated[str, BeforeValidator(tidy), AfterValidator(_region)]
NameZh = Annotated[Text, Field(min_length=1, max_length=100)]
NameEn = Annotated[Text, Field(min_length=1, max_length=200)]


class CollegeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name_zh: NameZh
    name_en: NameEn
    region_code: RegionCode


class CollegeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: NameZh | None = None
    name_en: NameEn | None = None
    region_code: RegionCode | None = None
    version: int | None = Field(default=None, ge=1, description="The version you edited.")


class CollegeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_zh: str
    name_en: str
    region_code: str
    version: int
    created_at: datetime
    updated_at: datetime


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name_zh: NameZh
    name_en: NameEn


class DepartmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: NameZh | None = None
    name_en: NameEn | None = None
    version: int | None = Field(default=None, ge=1, description="The version you edited.")


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    college_id: int
    code: str
    name_zh: str
    name_en: str
    version: int
    created_at: datetime
    updated_at: datetime
