"""Shapes of account data for the API, the pages and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

from tandem.auth.roles import Role
from tandem.college.schemas import RegionCode, tidy


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[EmailStr, BeforeValidator(tidy), AfterValidator(_lower)]
DisplayName = Annotated[str, BeforeValidator(tidy), Field(min_length=1, max_length=100)]


class UserInvite(BaseModel):
    """Invite a person: they receive a link to choose their password."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    display_name: DisplayName
    role: Role
    college_id: int | None = Field(default=None, description="Defaults to your own college.")
    department_id: int | None = None
    region_code: RegionCode | None = None
    student_id: int | None = Field(default=None, description="Student accounts: their record.")
    teacher_id: int | None = Field(default=None, description="Teacher accounts: their record.")
    enterprise_id: int | None = Field(default=None, description="Enterprise contacts: the firm.")


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    role: Role | None = None
    department_id: int | None = None
    is_active: bool | None = None
    student_id: int | None = None
    teacher_id: int | None = None
    enterprise_id: int | None = None
    version: int | None = Field(default=None, ge=1)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: Role
    college_id: int | None
    department_id: int | None
    region_code: str | None
    student_id: int | None
    teacher_id: int | None
    enterprise_id: int | None
    is_active: bool
    is_invited: bool
    last_login_at: datetime | None
    version: int
    created_at: datetime


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, BeforeValidator(tidy), Field(min_length=1, max_length=100)]


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown only now: store it safely.")
