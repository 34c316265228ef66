"""Teachers whose expertise fits a need (pure): field tags first, then character-bigram
similarity, which works offline and for Chinese text.

(being written)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TeacherCard:
    id: int
    name: str
    department: str
    subjects: str  # the teacher's subjects / expertise as recorded ("数控加工, 机械设计")


@dataclass(frozen=True)
class Suggestion:
    teacher_id: int
    name: str
    department: str
    score: float  # 0–1
    matched: tuple[str, ...]  # the tags or words that matched
    need: str  # "rnd" or "staff_training"


def suggest_teachers(
    *,
    rnd: Sequence[str],
    staff_training: Sequence[str],
    teachers: Sequence[TeacherCard],
    limit: int = 5,
) -> list[Suggestion]:
    """The best-fitting teachers for the R&D problems and the training topics (each teacher
    once, best first, at most ``limit``; nobody when nothing matches)."""
    raise NotImplementedError
