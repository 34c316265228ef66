"""Schemas of students' lists of positions and of hosts' rankings of their applicants."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.placement.applicants import Applicant, Weights
from tandem.placement.preferences import PositionTerms


class PreferencesUpdate(BaseModel):
    """The whole list, first choice first (an empty list withdraws every choice)."""

    model_config = ConfigDict(extra="forbid")

    position_ids: list[int] = Field(max_length=100)
    student_id: int | None = Field(default=None, description="The office, for a student")


class PositionTermsRead(BaseModel):
    id: int
    title: str
    host_id: int
    host_name: str
    location: str
    monthly_pay: Decimal | None
    hours_per_day: Decimal | None
    days_per_week: Decimal | None
    shifts: str
    seats: int
    major_ids: list[int]

    @classmethod
    def of(cls, terms: PositionTerms) -> PositionTermsRead:
        return cls(
            id=terms.id,
            title=terms.title,
            host_id=terms.partnership_id,
            host_name=terms.host_name,
            location=terms.location,
            monthly_pay=terms.monthly_pay,
            hours_per_day=terms.hours_per_day,
            days_per_week=terms.days_per_week,
            shifts=terms.shifts,
            seats=terms.seats,
            major_ids=list(terms.major_ids),
        )


class PreferenceRead(BaseModel):
    rank: int
    position: PositionTermsRead


class PreferencesRead(BaseModel):
    plan_id: int
    student_id: int
    student_name: str
    phase: str
    max_preferences: int
    ranking_opens_on: date | None
    ranking_closes_on: date | None
    items: list[PreferenceRead]


class AvailablePositions(BaseModel):
    plan_id: int
    student_id: int
    items: list[PositionTermsRead]


class RankingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    student_id: int
    rank: int | None = Field(default=None, ge=1, description="Equal ranks are ties")
    excluded: bool = False


class RankingUpdate(BaseModel):
    """The host's whole ranking: applicants left out are unranked (after every ranked one)."""

    model_config = ConfigDict(extra="forbid")

    host: int | None = Field(default=None, description="The partnership (staff must name it)")
    entries: list[RankingEntry] = Field(max_length=50_000)


class ScoreWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: int = Field(default=100, ge=0, le=100, description="How high they ranked the host")
    major: int = Field(default=0, ge=0, le=100, description="Their major is a required one")
    year: int = Field(default=0, ge=0, le=100, description="Their year of study")
    lottery: bool = Field(default=False, description="No order: all equal, the lottery decides")

    def weights(self) -> Weights:
        return Weights(choice=self.choice, major=self.major, year=self.year, lottery=self.lottery)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: int | None = None
    weights: ScoreWeights = Field(default_factory=ScoreWeights)


class ApplicantRead(BaseModel):
    student_id: int
    name: str
    student_number: str
    class_name: str
    major_code: str
    major_name: str
    year_of_study: int
    choice: int
    position_id: int
    position_title: str
    rank: int | None
    excluded: bool
    score: Decimal | None

    @classmethod
    def of(cls, a: Applicant, language: str) -> ApplicantRead:
        return cls(
            student_id=a.student_id,
            name=a.name,
            student_number=a.student_number,
            class_name=a.class_name,
            major_code=a.major_code,
            major_name=a.major_name(language),
            year_of_study=a.year_of_study,
            choice=a.choice,
            position_id=a.position_id,
            position_title=a.position_title,
            rank=a.rank,
            excluded=a.excluded,
            score=a.score,
        )


class ApplicantsRead(BaseModel):
    plan_id: int
    host_id: int
    host_name: str
    ranking_method: str | None
    ranked_at: datetime | None
    score_weights: dict[str, Any]
    items: list[ApplicantRead]
