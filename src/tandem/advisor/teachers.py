"""Teachers whose expertise fits a need (pure): field tags first, then character-bigram
similarity, which works offline and for Chinese text.

A teacher's **tags** are their recorded subjects split on ``, ; ， ； 、 /`` and line breaks (and on
spaces between Chinese words); the Latin words of a tag of several words are tags too. Text is
compared after NFKC and lower-casing, with an English plural "s" dropped.

For one need text (an R&D problem or a training topic) and one teacher:

=========================  ======================================================================
signal                     score
=========================  ======================================================================
a whole tag matches        0.60 — the tag is in the text, or the text in the tag
a tag's core matches       0.50 — the tag without a generic ending (数控技术 → 数控) is in the text
a Latin word of a tag      0.40 — the word is a word of the text
each further tag matched   + 0.05 (the tag part is at most 0.75)
similarity                 J = Jaccard of the two feature sets (Chinese: character bigrams of
                           each run of Chinese characters, a lone character by itself; Latin:
                           words), generic words left out. With a tag match: + 0.25 × √J;
                           without: 0.5 × √J
=========================  ======================================================================

The score is capped at 1 and a teacher is suggested from :data:`MIN_SCORE` on, so one shared
specific bigram ("数控机床故障诊断" and "数控技术, 设备维修") is enough, and nothing shared is
nothing. Each teacher appears once, for the need text that fits best (R&D before training on a
tie); best first, then by teacher id.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SCORE = 0.1
WHOLE_TAG = 0.6
CORE_TAG = 0.5
WORD_TAG = 0.4
FURTHER_TAG = 0.05
MAX_TAG_PART = 0.75
SIMILARITY_WITH_TAG = 0.25
SIMILARITY_ALONE = 0.5
MAX_MATCHED = 6

_SEPARATORS = re.compile(r"[,;，；、/\n\r\t]+")
_RUNS = re.compile(r"[a-z0-9]+[+#]*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Words too general to say that two fields are alike.
_STOP_WORDS = frozenset(
    (
        *("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "it", "its", "of"),
        *("on", "or", "the", "to", "with", "our", "their", "technology", "technique"),
        *("engineering", "management", "application", "applied", "system", "problem"),
        *("training", "development", "improvement", "basic", "skill", "research", "study"),
        "course",
    )
)
_STOP_BIGRAMS = frozenset(
    (
        *("技术", "工程", "管理", "应用", "专业", "研究", "开发", "系统", "问题", "培训"),
        *("能力", "提升", "提高", "改进", "优化", "基础", "方法", "实践", "相关", "方向"),
        *("原理", "技能", "课程", "教学"),
    )
)
# Linking characters: no bigram spans them ("检测与维修" gives 检测 and 维修, not 与维).
_LINKS = re.compile("[与和及的等或之并]+")
_GENERIC_ENDINGS = ("技术", "工程", "管理", "应用", "专业", "方向", "基础", "原理", "技能")


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
    if limit <= 0:
        return []
    texts = [("rnd", _Text.of(t)) for t in rnd if t.strip()]
    texts += [("staff_training", _Text.of(t)) for t in staff_training if t.strip()]
    if not texts:
        return []
    found: list[Suggestion] = []
    for teacher in teachers:
        tags = _tags(teacher.subjects)
        if not tags:
            continue
        features = frozenset().union(*(tag.features for tag in tags))
        best: tuple[float, tuple[str, ...], str] | None = None
        for need, text in texts:
            score, matched = _score(text, tags, features)
            if score >= MIN_SCORE and (best is None or score > best[0]):
                best = (score, matched, need)
        if best is not None:
            score, matched, need = best
            found.append(
                Suggestion(
                    teacher.id, teacher.name, teacher.department, round(score, 3), matched, need
                )
            )
    found.sort(key=lambda s: (-s.score, s.teacher_id))
    return found[:limit]


def match_score(text: str, subjects: str) -> float:
    """How well one need text fits one teacher's subjects (0–1)."""
    tags = _tags(subjects)
    if not tags:
        return 0.0
    features = frozenset().union(*(tag.features for tag in tags))
    return _score(_Text.of(text), tags, features)[0]


# --- text ----------------------------------------------------------------------------------------


def _is_latin(run: str) -> bool:
    return run[0].isascii()


def _word(word: str) -> str:
    """An English plural "s" dropped (not from "-ss", "-is", "-us")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def _runs(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [_word(run) if _is_latin(run) else run for run in _RUNS.findall(folded)]


def _canonical(runs: Sequence[str]) -> str:
    """Runs joined: Chinese runs run together, a space around Latin words."""
    out = ""
    for run in runs:
        if out and (_is_latin(run) or _is_latin(out[-1])):
            out += " "
        out += run
    return out


def _features(runs: Sequence[str]) -> frozenset[str]:
    found: set[str] = set()
    for run in runs:
        if _is_latin(run):
            if len(run) >= 2 and run not in _STOP_WORDS:
                found.add(run)
        else:
            for piece in _LINKS.split(run):
                if len(piece) == 1:
                    found.add(piece)
                else:
                    found.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return frozenset(found - _STOP_BIGRAMS)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _contains(hay: str, needle: str) -> bool:
    """``needle`` in ``hay``, Latin words only as whole words."""
    if not needle:
        return False
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        before_ok = start == 0 or not (_latin(needle[0]) and _latin(hay[start - 1]))
        after_ok = end == len(hay) or not (_latin(needle[-1]) and _latin(hay[end]))
        if before_ok and after_ok:
            return True
        start = hay.find(needle, start + 1)
    return False


@dataclass(frozen=True)
class _Text:
    canonical: str
    features: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Text:
        runs = _runs(text)
        return cls(_canonical(runs), _features(runs))


@dataclass(frozen=True)
class _Tag:
    shown: str  # as the teacher's record has it
    canonical: str
    core: str  # a Chinese tag without its generic ending ("" when it has none)
    words: tuple[str, ...]  # the Latin words of a tag of several runs
    features: frozenset[str]


def _tags(subjects: str) -> list[_Tag]:
    tags: list[_Tag] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", subjects)):
        pieces = part.split()
        if len(pieces) > 1 and not any(_RUNS.search(p.casefold()) and p.isascii() for p in pieces):
            candidates = pieces  # Chinese words separated by spaces
        else:
            candidates = [" ".join(pieces)]
        for shown in candidates:
            runs = _runs(shown)
            canonical = _canonical(runs)
            features = _features(runs)
            if not features or len(canonical) < 2 or canonical in seen:
                continue  # nothing specific in it ("技术", "management", "车")
            seen.add(canonical)
            core = ""
            if len(runs) == 1 and not _is_latin(canonical):
                for ending in _GENERIC_ENDINGS:
                    if canonical.endswith(ending) and len(canonical) - len(ending) >= 2:
                        core = canonical[: -len(ending)]
                        break
            words: tuple[str, ...] = ()
            if len(runs) > 1:
                words = tuple(
                    dict.fromkeys(
                        r for r in runs if _is_latin(r) and len(r) >= 2 and r not in _STOP_WORDS
                    )
                )
            tags.append(_Tag(shown, canonical, core, words, features))
    return tags


def _score(
    text: _Text, tags: Sequence[_Tag], features: frozenset[str]
) -> tuple[float, tuple[str, ...]]:
    strengths: list[float] = []
    matched: list[str] = []
    for tag in tags:
        if _contains(text.canonical, tag.canonical) or (
            text.features and _contains(tag.canonical, text.canonical)
        ):
            strengths.append(WHOLE_TAG)
            matched.append(tag.shown)
        elif tag.core and _contains(text.canonical, tag.core):
            strengths.append(CORE_TAG)
            matched.append(tag.core)
        else:
            words = [w for w in tag.words if _contains(text.canonical, w)]
            if words:
                strengths.append(WORD_TAG)
                matched.extend(words)
    shared = text.features & features
    union = text.features | features
    similarity = math.sqrt(len(shared) / len(union)) if union else 0.0
    if strengths:
        strengths.sort(reverse=True)
        tag_part = min(MAX_TAG_PART, strengths[0] + FURTHER_TAG * (len(strengths) - 1))
        score = tag_part + SIMILARITY_WITH_TAG * similarity
    else:
        score = SIMILARITY_ALONE * similarity
        matched = sorted(shared, key=lambda f: (text.canonical.find(f), f))
    return min(1.0, score), tuple(dict.fromkeys(matched))[:MAX_MATCHED]
