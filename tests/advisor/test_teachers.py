"""Teachers whose expertise fits the enterprise's R&D problems and training topics."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.advisor.teachers import TeacherCard, match_score, suggest_teachers

WANG = TeacherCard(1, "王建国", "智能制造学院", "数控技术, 设备维修")
LI = TeacherCard(2, "李芳", "财经学院", "会计；财务管理")
SMITH = TeacherCard(3, "Smith", "Engineering", "Hydraulics; mechanical maintenance")
ZHANG = TeacherCard(4, "张伟", "汽车学院", "汽车检测与维修技术")
ZHAO = TeacherCard(5, "赵敏", "电气学院", "PLC编程 工业机器人")
LEE = TeacherCard(6, "Lee", "IT", "Web development / data analysis")
BLANK = TeacherCard(7, "钱", "智能制造学院", "")
TEACHERS = [WANG, LI, SMITH, ZHANG, ZHAO, LEE, BLANK]


def ids(rnd: list[str], training: list[str] | None = None, limit: int = 5) -> list[int]:
    found = suggest_teachers(rnd=rnd, staff_training=training or [], teachers=TEACHERS, limit=limit)
    return [s.teacher_id for s in found]


def test_a_partial_chinese_match_finds_the_cnc_teacher() -> None:
    [found] = suggest_teachers(rnd=["数控机床故障诊断"], staff_training=[], teachers=TEACHERS)
    assert (found.teacher_id, found.need) == (1, "rnd")
    assert found.name == "王建国"
    assert found.department == "智能制造学院"
    assert "数控" in found.matched
    assert 0.3 < found.score < 1


def test_a_whole_tag_in_the_need_is_the_strongest_signal() -> None:
    [robot] = suggest_teachers(rnd=[], staff_training=["工业机器人操作与维护"], teachers=TEACHERS)
    assert robot.teacher_id == 5
    assert robot.matched == ("工业机器人",)
    assert robot.need == "staff_training"
    partial = match_score("数控机床故障诊断", WANG.subjects)
    assert robot.score > partial


def test_a_need_inside_a_tag_matches() -> None:
    [found] = suggest_teachers(rnd=["数控"], staff_training=[], teachers=TEACHERS)
    assert found.teacher_id == 1
    assert found.matched == ("数控技术",)


def test_linking_characters_make_no_bigram() -> None:
    # "检测与维修" must not give the bigram 与维, which would match "操作与维护".
    assert 4 not in ids(["工业机器人操作与维护"])


def test_english_needs_match_whole_words_and_plurals() -> None:
    assert ids(["hydraulic system fault diagnosis"]) == [3]
    assert ids(["Machine maintenance"]) == [3]
    assert ids(["analysis of sales data"]) == [6]
    assert ids(["PLC programming for the new line"]) == [5]
    assert ids(["PLCs"]) == [5]
    assert ids(["replace old hydraulic hoses"])[:1] == [3]


def test_width_and_case_do_not_matter() -> None:
    assert ids(["ＰＬＣ"]) == [5]
    assert ids(["HYDRAULICS"]) == [3]


def test_unrelated_text_suggests_nobody() -> None:
    assert ids(["marketing strategy"]) == []
    assert ids(["液压系统故障"]) == []
    assert ids(["技术管理"]) == []  # only generic words
    assert ids(["the"]) == []
    assert ids([]) == []
    assert suggest_teachers(rnd=["数控"], staff_training=[], teachers=[]) == []


def test_latin_words_only_match_whole_words() -> None:
    assert match_score("plcx controller", "PLC") == 0
    assert match_score("cat", "education") == 0


def test_each_teacher_once_with_the_best_need_best_first() -> None:
    found = suggest_teachers(
        rnd=["新能源汽车电池维修"],
        staff_training=["汽车检测与维修技术", "数控编程"],
        teachers=TEACHERS,
    )
    # 张伟 fits both the R&D problem (汽车, 维修) and the topic (the whole tag): the topic wins;
    # 赵敏 comes in on 编程 alone, last.
    assert [s.teacher_id for s in found] == [4, 1, 5]
    assert [s.need for s in found] == ["staff_training"] * 3
    assert found[0].matched == ("汽车检测与维修技术",)
    assert found[0].score >= found[1].score
    assert len({s.teacher_id for s in found}) == len(found)


def test_ties_are_broken_by_teacher_id() -> None:
    twins = [TeacherCard(9, "B", "D", "焊接技术"), TeacherCard(8, "A", "D", "焊接技术")]
    found = suggest_teachers(rnd=["焊接机器人"], staff_training=[], teachers=twins)
    assert [s.teacher_id for s in found] == [8, 9]
    assert found[0].score == found[1].score


def test_rnd_wins_a_tie_between_needs() -> None:
    [found] = suggest_teachers(rnd=["数控"], staff_training=["数控"], teachers=[WANG])
    assert found.need == "rnd"


def test_the_limit_is_respected() -> None:
    many = [TeacherCard(i, f"T{i}", "D", "数控技术") for i in range(1, 11)]
    assert len(suggest_teachers(rnd=["数控"], staff_training=[], teachers=many)) == 5
    assert len(suggest_teachers(rnd=["数控"], staff_training=[], teachers=many, limit=3)) == 3
    assert suggest_teachers(rnd=["数控"], staff_training=[], teachers=many, limit=0) == []


words = st.text(alphabet=list("数控技术机电维修汽车焊接与ABCplc ,;、/"), max_size=20)
cards = st.lists(
    st.builds(TeacherCard, st.integers(1, 50), st.just("T"), st.just("D"), words), max_size=6
)


@settings(max_examples=200)
@given(rnd=st.lists(words, max_size=3), training=st.lists(words, max_size=3), teachers=cards)
def test_scores_within_0_and_1_and_deterministic(
    rnd: list[str], training: list[str], teachers: list[TeacherCard]
) -> None:
    found = suggest_teachers(rnd=rnd, staff_training=training, teachers=teachers, limit=10)
    assert all(0 < s.score <= 1 for s in found)
    assert all(s.need in ("rnd", "staff_training") for s in found)
    keys = [(-s.score, s.teacher_id) for s in found]
    assert keys == sorted(keys)
    assert found == suggest_teachers(rnd=rnd, staff_training=training, teachers=teachers, limit=10)


@given(text=words, subjects=words)
def test_match_score_within_0_and_1(text: str, subjects: str) -> None:
    assert 0 <= match_score(text, subjects) <= 1
