"""Output and input shapes of a placement's records: its tripartite agreement, consents and
documents (shared by the API and the pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ConsentKind = Literal["guardian", "informed"]


class DocumentRead(BaseModel):
    """A file kept with a placement (its content is a separate download)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class DocumentList(BaseModel):
    items: list[DocumentRead]


class ConfirmationRead(BaseModel):
    party: Literal["college", "host", "student"]
    confirmed_at: datetime | None
    confirmed_by: str = Field(description="The display name of who confirmed (blank: not yet).")


class AgreementRead(BaseModel):
    id: int
    number: str
    generated_at: datetime
    terms: dict[str, Any] = Field(description="What the agreement states, as generated.")
    confirmations: list[ConfirmationRead]
    scan: DocumentRead | None
    version: int


class AgreementStatus(BaseModel):
    """A placement's agreement (``agreement`` null before it is generated) and whether it
    counts as signed."""

    placement_id: int
    agreement: AgreementRead | None
    signed: bool = Field(
        description="Terms unchanged and confirmed by all three parties, or a signed scan on file."
    )
    terms_changed: list[str] = Field(
        description="The placement's fields that changed since the agreement was generated."
    )
    my_party: Literal["college", "host", "student"] | None = Field(
        description="The party the caller confirms for, if any."
    )


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: ConsentKind
    signer_name: str
    relation: str
    signed_on: date
    document_id: int | None
    recorded_at: datetime


class ConsentList(BaseModel):
    items: list[ConsentRead]
    required: dict[str, bool] = Field(
        description="Which kinds this placement needs: guardian (a minor on the start date), "
        "informed (the plan requires it)."
    )


class ConsentRemove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ConsentKind
