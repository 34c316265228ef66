"""Input and output shapes for the equipment register and its maintenance records (shared by the
API, the pages and the spreadsheet import), and the pure rule for ownership shares.

``value_cny`` is the value of the whole line (every item of it), as an asset register keeps it.
A line's shares: the college's ``college_share_pct`` and the enterprise's, which is the rest of
100 — college-owned 100/0, enterprise-owned 0/100, joint strictly between.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.kit.errors import FieldError, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.pagination import PageMeta
from tandem.partner.schemas import Version
from tandem.resource.kinds import Acquisition, EquipmentStatus, MaintenanceKind, Ownership

HUNDRED = Decimal(100)
ZERO = Decimal(0)

AssetTag = Annotated[Text, Field(min_length=1, max_length=40, description="Unique in the college.")]
ItemName = Annotated[Text, Field(min_length=1, max_length=200)]
ModelName = Annotated[Text, Field(max_length=100)]
Maker = Annotated[Text, Field(max_length=200)]
Category = Annotated[Text, Field(max_length=100)]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), decimal_places=2)]
SharePct = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
Remark = Annotated[Text, Field(max_length=1000)]
Hours = Annotated[Decimal, Field(ge=0, lt=Decimal("1e6"), decimal_places=2)]


class EquipmentCreate(BaseModel):
    """A new line of the register. ``college_share_pct`` may be left out for college- and
    enterprise-owned lines (100 and 0); ``enterprise_share_pct`` is optional and, when given with
    the college's share, the two must add up to 100."""

    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(
        default=None, description="The college (required for platform administrators)."
    )
    asset_tag: AssetTag
    name: ItemName
    model: ModelName = ""
    maker: Maker = ""
    category: Category = ""
    quantity: Quantity = 1
    ownership: Ownership = Ownership.COLLEGE
    partnership_id: int | None = Field(
        default=None, description="The owning or co-owning enterprise's partnership."
    )
    college_share_pct: SharePct | None = None
    enterprise_share_pct: SharePct | None = None
    acquisition: Acquisition = Acquisition.PURCHASED
    value_cny: Money | None = Field(default=None, description="Value of the whole line.")
    acquired_on: date | None = None
    venue_id: int | None = None
    agreement_id: int | None = None
    department_id: int | None = None
    status: EquipmentStatus = EquipmentStatus.IN_USE
    teaching_hour_value_cny: Money | None = Field(
        default=None, description="Value of an hour of teaching on it; blank: the college's."
    )
    note: Remark = ""


class EquipmentUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears an optional reference or value."""

    model_config = ConfigDict(extra="forbid")

    asset_tag: AssetTag | None = None
    name: ItemName | None = None
    model: ModelName | None = None
    maker: Maker | None = None
    category: Category | None = None
    quantity: Quantity | None = None
    ownership: Ownership | None = None
    partnership_id: int | None = None
    college_share_pct: SharePct | None = None
    enterprise_share_pct: SharePct | None = None
    acquisition: Acquisition | None = None
    value_cny: Money | None = None
    acquired_on: date | None = None
    venue_id: int | None = None
    agreement_id: int | None = None
    department_id: int | None = None
    status: EquipmentStatus | None = None
    teaching_hour_value_cny: Money | None = None
    note: Remark | None = None
    version: Version = None


class EquipmentRead(BaseModel):
    id: int
    college_id: int
    asset_tag: str
    name: str
    model: str
    maker: str
    category: str
    quantity: int
    ownership: Ownership
    partnership_id: int | None
    enterprise_id: int | None
    enterprise_name: str | None
    college_share_pct: Decimal
    enterprise_share_pct: Decimal
    acquisition: Acquisition
    value_cny: Decimal | None
    acquired_on: date | None
    venue_id: int | None
    venue_code: str | None = Field(description="Null when the reader may not see the venue.")
    agreement_id: int | None = Field(
        description="The agreement behind the line: null when the reader could not open it."
    )
    department_id: int | None
    status: EquipmentStatus
    teaching_hour_value_cny: Decimal | None
    note: str | None = Field(
        description="The college's internal remarks: null for enterprise contacts."
    )
    version: int
    created_at: datetime
    updated_at: datetime


class EquipmentTotals(BaseModel):
    """Of every line that matches the filters (not only the page)."""

    lines: int
    quantity: int
    value_cny: Decimal


class EquipmentList(BaseModel):
    items: list[EquipmentRead]
    meta: PageMeta
    totals: EquipmentTotals
    categories: list[str]  # every category in use (for a filter)


# --- maintenance ---------------------------------------------------------------------------------


class MaintenanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done_on: date
    kind: MaintenanceKind
    description: Annotated[Text, Field(max_length=500)] = ""
    cost_cny: Money | None = None
    downtime_hours: Hours | None = None
    set_status: EquipmentStatus | None = Field(
        default=None,
        description="Also set the equipment's status, e.g. maintenance during a repair, "
        "in_use when it is back.",
    )


class MaintenanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    equipment_id: int
    done_on: date
    kind: MaintenanceKind
    description: str
    cost_cny: Decimal | None
    downtime_hours: Decimal | None
    recorded_by_label: str
    recorded_at: datetime


class MaintenanceList(BaseModel):
    items: list[MaintenanceRead]  # newest first
    total_cost_cny: Decimal
    total_downtime_hours: Decimal


# --- shares (pure) -------------------------------------------------------------------------------

SHARES_SUM = N_(
    "The college's share and the enterprise's share must add up to 100%%; these add up to "
    "%(total)s%%."
)
COLLEGE_SHARE_FOR_COLLEGE = N_(
    "Equipment the college owns alone has a college share of %(share)s%%: leave the shares "
    "blank, or "
    "choose joint ownership."
)
COLLEGE_SHARE_FOR_ENTERPRISE = N_(
    "Equipment an enterprise owns alone has a college share of %(share)s%%: leave the shares "
    "blank, or "
    "choose joint ownership."
)
JOINT_SHARE_NEEDED = N_(
    "Jointly owned equipment needs the college's share: a percentage between 0 and 100, e.g. 60."
)
JOINT_SHARE_RANGE = N_(
    "For jointly owned equipment the college's share lies strictly between 0 and 100%%; "
    "%(value)s%% means one side owns it alone: choose that side as the owner."
)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def resolve_shares(
    ownership: Ownership,
    college_pct: Decimal | None,
    enterprise_pct: Decimal | None,
    current: Decimal | None = None,
) -> Decimal:
    """The college's share for ``ownership`` from what was given (either share, both, or none:
    then ``current``, the share recorded so far); raises :class:`ValidationFailed` naming the
    field at fault."""
    errors: list[FieldError] = []
    if college_pct is not None and enterprise_pct is not None:
        total = college_pct + enterprise_pct
        if total != HUNDRED:
            errors.append(
                FieldError(
                    "enterprise_share_pct", "shares_sum", SHARES_SUM, {"total": _plain(total)}
                )
            )
            raise ValidationFailed(errors=errors)
    share = college_pct
    field_name = "college_share_pct"
    if share is None and enterprise_pct is not None:
        share, field_name = HUNDRED - enterprise_pct, "enterprise_share_pct"
    if ownership == Ownership.COLLEGE:
        if share is not None and share != HUNDRED:
            raise ValidationFailed.single(
                field_name, "share_not_owner", COLLEGE_SHARE_FOR_COLLEGE, share="100"
            )
        return HUNDRED
    if ownership == Ownership.ENTERPRISE:
        if share is not None and share != ZERO:
            raise ValidationFailed.single(
                field_name, "share_not_owner", COLLEGE_SHARE_FOR_ENTERPRISE, share="0"
            )
        return ZERO
    if share is None:
        if current is not None and ZERO < current < HUNDRED:
            return current
        raise ValidationFailed.single("college_share_pct", "share_required", JOINT_SHARE_NEEDED)
    if not ZERO < share < HUNDRED:
        raise ValidationFailed.single(
            field_name, "share_out_of_range", JOINT_SHARE_RANGE, value=_plain(share)
        )
    return share
