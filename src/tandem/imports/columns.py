"""The columns of each register's spreadsheet, and how coded values may be written in them.

Headers are accepted in Chinese or English (or as the column key). Coded values — gender,
status, enterprise kind, size … — may be given as the stored code, as the label the pages show
(in either language) or as a common synonym; :func:`choose` turns them into the code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from tandem.auth.roles import Permission
from tandem.kit.i18n import N_, translate
from tandem.kit.spreadsheet import Column
from tandem.partner.labels import CERTIFICATION_LABELS, INDUSTRY_SECTIONS, KIND_LABELS, SIZE_LABELS
from tandem.people.labels import GENDER_LABELS, STUDENT_STATUS_LABELS, TEACHER_STATUS_LABELS
from tandem.resource.kinds import ACQUISITION_LABELS, EQUIPMENT_STATUS_LABELS, OWNERSHIP_LABELS

from .columns_equipment import (
    ACQUISITION_SYNONYMS,
    EQUIPMENT_COLUMNS,
    EQUIPMENT_STATUS_SYNONYMS,
    OWNERSHIP_SYNONYMS,
)

_IGNORED = re.compile(r"[\s\-_·.。、/]")

# --- columns -------------------------------------------------------------------------------------

HINT_ID = N_(
    "Optional. 18 characters. Format this column as Text before typing, or Excel rounds the number."
)

STUDENT_COLUMNS = (
    Column(
        "student_number",
        "学号",
        "Student number",
        required=True,
        kind="code",
        hint=N_("Required. Unique in the college: an existing number updates that student."),
    ),
    Column("name", "姓名", "Name", required=True),
    Column("gender", "性别", "Gender", required=True, hint=N_("Female or Male (女 / 男, F / M).")),
    Column(
        "birth_date",
        "出生日期",
        "Date of birth",
        required=True,
        kind="date",
        hint=N_("A date, e.g. 2007-09-01."),
    ),
    Column("id_number", "身份证号", "Resident ID number", kind="code", hint=HINT_ID),
    Column(
        "class_name",
        "班级",
        "Class",
        required=True,
        hint=N_("The class's name exactly as on the Classes page."),
    ),
    Column(
        "cohort",
        "入学年份",
        "Cohort",
        kind="int",
        hint=N_("Optional; checked against the class's cohort."),
    ),
    Column("phone", "手机号", "Phone"),
    Column(
        "status",
        "学籍状态",
        "Status",
        hint=N_(
            "Enrolled, On placement, Graduated or Left (在读 / 实习中 / 已毕业 / 已离校); "
            "blank: enrolled."
        ),
    ),
    Column("guardian_name", "监护人姓名", "Guardian's name", hint=N_("Required under 18.")),
    Column("guardian_phone", "监护人电话", "Guardian's phone", hint=N_("Required under 18.")),
    Column(
        "email",
        "电子邮箱",
        "Email",
        hint=N_("Only for creating accounts: each student with an e-mail gets an invitation."),
    ),
)

TEACHER_COLUMNS = (
    Column(
        "staff_number",
        "工号",
        "Staff number",
        required=True,
        kind="code",
        hint=N_("Required. Unique in the college: an existing number updates that teacher."),
    ),
    Column("name", "姓名", "Name", required=True),
    Column(
        "department_code",
        "二级学院代码",
        "Department code",
        required=True,
        kind="code",
        hint=N_("The department's code, as on the college's page."),
    ),
    Column("title", "职称", "Title"),
    Column("subjects", "任教课程", "Subjects"),
    Column(
        "status",
        "状态",
        "Status",
        hint=N_(
            "In service, On leave or No longer employed (在职 / 暂时离岗 / 已离职); "
            "blank: in service."
        ),
    ),
    Column("double_qualified", "双师型", "Double-qualified", hint=N_("Yes or no (是 / 否).")),
    Column(
        "email",
        "电子邮箱",
        "Email",
        hint=N_("Only for creating accounts: each teacher with an e-mail gets an invitation."),
    ),
)

PARTNER_COLUMNS = (
    Column(
        "uscc",
        "统一社会信用代码",
        "USCC",
        required=True,
        kind="code",
        hint=N_("Required. 18 characters, from the business licence."),
    ),
    Column("name", "企业名称", "Name", required=True),
    Column("short_name", "简称", "Short name"),
    Column(
        "kind",
        "企业类型",
        "Kind",
        required=True,
        hint=N_(
            "State-owned, Private, Foreign-invested, Public institution or Other "
            "(国有企业 / 民营企业 / 外资企业 / 事业单位 / 其他)."
        ),
    ),
    Column(
        "industry_section",
        "行业门类",
        "Industry section",
        required=True,
        hint=N_("One letter A–T (GB/T 4754), e.g. C for manufacturing."),
    ),
    Column("industry_detail", "具体行业", "Industry detail"),
    Column(
        "size_band",
        "企业规模",
        "Size",
        required=True,
        hint=N_("Micro, Small, Medium or Large (微型 / 小型 / 中型 / 大型)."),
    ),
    Column("address", "地址", "Address"),
    Column(
        "region_code",
        "行政区划代码",
        "Region code",
        required=True,
        kind="code",
        hint=N_("6 digits (GB/T 2260), e.g. 440100."),
    ),
    Column("website", "网站", "Website"),
    Column(
        "certified_level",
        "产教融合型企业等级",
        "Certification level",
        hint=N_(
            "National, Provincial or City (国家级 / 省级 / 市级), with the date of certification."
        ),
    ),
    Column("certified_on", "认定日期", "Certified on", kind="date"),
    Column("on_post_staff", "在岗职工人数", "On-post staff", kind="int"),
    Column(
        "staff_as_of",
        "人数统计日期",
        "Staff count date",
        kind="date",
        hint=N_("The day the staff count refers to."),
    ),
    Column("contact_name", "联系人", "Contact name"),
    Column("contact_role", "联系人职务", "Contact role"),
    Column("contact_phone", "联系电话", "Contact phone"),
    Column("contact_email", "联系人邮箱", "Contact email"),
    Column(
        "partnership",
        "建立合作关系",
        "Add partnership",
        hint=N_(
            "Yes (是) adds a prospective partnership for the importing college if it has none."
        ),
    ),
)


AGREEMENT_COLUMNS = (
    Column(
        "uscc",
        "统一社会信用代码",
        "Enterprise USCC",
        required=True,
        kind="code",
        hint=N_(
            "Required. The partner enterprise's 18-character code; the college must already "
            "have a partnership with it."
        ),
    ),
    Column(
        "department_code",
        "二级学院代码",
        "Department code",
        kind="code",
        hint=N_("Optional; blank: the partnership's department."),
    ),
    Column("name", "协议名称", "Title", required=True),
    Column(
        "number",
        "协议编号",
        "Number",
        hint=N_(
            "Unique in the college; required unless the status is draft. An agreement already "
            "recorded with this number is left as it is."
        ),
    ),
    Column(
        "kind",
        "协议类型",
        "Kind",
        hint=N_(
            "Mode agreement or Framework agreement (模式协议 / 框架协议); blank: mode agreement."
        ),
    ),
    Column(
        "modes",
        "合作模式",
        "Modes",
        hint=N_(
            "Mode numbers 1–7, e.g. 1,5 or 1、5: 1 引企入校, 2 设备共享, 3 技术推广, 4 岗位承包, "
            "5 校企共训, 6 培训移植, 7 培训承包. A framework agreement has none."
        ),
    ),
    Column(
        "status",
        "协议状态",
        "Status",
        hint=N_(
            "Draft, Signed, Active, Expiring, Ended or Terminated (草稿 / 已签署 / 生效中 / "
            "即将到期 / 已结束 / 已终止); blank: draft. Beyond draft: number, both dates and "
            "both signatories are required."
        ),
    ),
    Column(
        "start_date", "开始日期", "Start date", kind="date", hint=N_("A date, e.g. 2025-09-01.")
    ),
    Column("end_date", "结束日期", "End date", kind="date", hint=N_("After the start date.")),
    Column("signed_on", "签署日期", "Signed on", kind="date"),
    Column("auto_renew", "自动续期", "Auto renew", hint=N_("Yes or no (是 / 否); blank: no.")),
    Column(
        "renewal_months",
        "续期月数",
        "Renewal months",
        kind="int",
        hint=N_("Optional: each automatic renewal's length; blank: the agreement's own length."),
    ),
    Column(
        "notice_days",
        "提前通知天数",
        "Notice days",
        kind="int",
        hint=N_("Days before the end by which notice of non-renewal must be given; blank: 30."),
    ),
    Column("value_money", "协议金额", "Value", hint=N_("In yuan (CNY), e.g. 120000.")),
    Column("value_in_kind", "实物价值", "In-kind value", hint=N_("In yuan (CNY), e.g. 350000.")),
    Column("college_signatory", "学校签署人", "College signatory"),
    Column("enterprise_signatory", "企业签署人", "Enterprise signatory"),
    Column("summary", "协议摘要", "Summary"),
)


@dataclass(frozen=True)
class Register:
    name: str
    title: str  # translatable
    columns: tuple[Column, ...]
    key: str  # the column that identifies a record
    permission: Permission
    accounts: bool  # whether --create-accounts applies
    list_url: str
    needs_college: bool

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def header(self, key: str | None, language: str) -> str:
        column = self.column(key or "")
        return column.header(language) if column else (key or "")


REGISTERS: dict[str, Register] = {
    "partners": Register(
        "partners",
        N_("Partner enterprises"),
        PARTNER_COLUMNS,
        "uscc",
        Permission.ENTERPRISE_CREATE,
        accounts=False,
        list_url="/enterprises",
        needs_college=False,
    ),
    "students": Register(
        "students",
        N_("Students"),
        STUDENT_COLUMNS,
        "student_number",
        Permission.STUDENT_MANAGE,
        accounts=True,
        list_url="/students",
        needs_college=True,
    ),
    "teachers": Register(
        "teachers",
        N_("Teachers"),
        TEACHER_COLUMNS,
        "staff_number",
        Permission.TEACHER_MANAGE,
        accounts=True,
        list_url="/teachers",
        needs_college=True,
    ),
    "agreements": Register(
        "agreements",
        N_("Agreements"),
        AGREEMENT_COLUMNS,
        "number",
        Permission.AGREEMENT_MANAGE,
        accounts=False,
        list_url="/agreements",
        needs_college=True,
    ),
    "equipment": Register(
        "equipment",
        N_("Equipment"),
        EQUIPMENT_COLUMNS,
        "asset_tag",
        Permission.RESOURCE_MANAGE,
        accounts=False,
        list_url="/equipment",
        needs_college=True,
    ),
}


# --- coded values --------------------------------------------------------------------------------


def fold(text: str) -> str:
    """How a coded value is compared: half-width, lower case, without spaces and separators."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


GENDER_SYNONYMS = {"男性": "M", "male": "M", "女性": "F", "female": "F"}
STUDENT_STATUS_SYNONYMS = {
    "在校": "enrolled",
    "在籍": "enrolled",
    "实习": "on_placement",
    "顶岗实习": "on_placement",
    "跟岗实习": "on_placement",
    "毕业": "graduated",
    "离校": "left",
    "退学": "left",
    "休学": "left",
    "转学": "left",
}
TEACHER_STATUS_SYNONYMS = {
    "在岗": "active",
    "休假": "on_leave",
    "离岗": "on_leave",
    "离职": "left",
    "退休": "left",
    "调离": "left",
}
KIND_SYNONYMS = {
    "国企": "state_owned",
    "国有": "state_owned",
    "央企": "state_owned",
    "民企": "private",
    "私营企业": "private",
    "民营": "private",
    "外企": "foreign_invested",
    "外商投资企业": "foreign_invested",
    "合资企业": "foreign_invested",
    "事业": "public_institution",
}
SIZE_SYNONYMS = {
    "微型企业": "micro",
    "小型企业": "small",
    "中型企业": "medium",
    "大型企业": "large",
}
LEVEL_SYNONYMS = {"国家": "national", "省": "provincial", "市": "city", "省部级": "provincial"}
YES_NO_LABELS = {"true": N_("Yes"), "false": N_("No")}
YES_NO_SYNONYMS = {
    "y": "true",
    "1": "true",
    "√": "true",
    "✓": "true",
    "有": "true",
    "n": "false",
    "0": "false",
    "×": "false",
    "✗": "false",
    "无": "false",
}

# The states an existing agreement may be imported in (the others are reached in Tandem).
AGREEMENT_STATUS_LABELS = {
    "draft": N_("Draft"),
    "signed": N_("Signed"),
    "active": N_("In force"),
    "expiring": N_("Expiring"),
    "ended": N_("Ended"),
    "terminated": N_("Terminated"),
}
AGREEMENT_STATUS_SYNONYMS = {
    "草稿": "draft",
    "起草": "draft",
    "拟稿": "draft",
    "已签署": "signed",
    "已签订": "signed",
    "已签": "signed",
    "签署": "signed",
    "active": "active",
    "生效中": "active",
    "生效": "active",
    "已生效": "active",
    "执行中": "active",
    "履行中": "active",
    "有效": "active",
    "即将到期": "expiring",
    "临期": "expiring",
    "将到期": "expiring",
    "已结束": "ended",
    "结束": "ended",
    "期满": "ended",
    "已到期": "ended",
    "已终止": "terminated",
    "终止": "terminated",
    "已解除": "terminated",
    "解除": "terminated",
}
AGREEMENT_KIND_LABELS = {"mode": N_("Mode agreement"), "framework": N_("Framework agreement")}
AGREEMENT_KIND_SYNONYMS = {
    "模式协议": "mode",
    "模式": "mode",
    "合作协议": "mode",
    "框架协议": "framework",
    "框架": "framework",
    "战略合作协议": "framework",
    "战略合作框架协议": "framework",
}

CHOICES: dict[str, tuple[Mapping[str, str], Mapping[str, str]]] = {
    "gender": ({str(k): v for k, v in GENDER_LABELS.items()}, GENDER_SYNONYMS),
    "student_status": (STUDENT_STATUS_LABELS, STUDENT_STATUS_SYNONYMS),
    "teacher_status": (TEACHER_STATUS_LABELS, TEACHER_STATUS_SYNONYMS),
    "kind": ({str(k): v for k, v in KIND_LABELS.items()}, KIND_SYNONYMS),
    "size_band": ({str(k): v for k, v in SIZE_LABELS.items()}, SIZE_SYNONYMS),
    "certified_level": ({str(k): v for k, v in CERTIFICATION_LABELS.items()}, LEVEL_SYNONYMS),
    "industry_section": (INDUSTRY_SECTIONS, {}),
    "yes_no": (YES_NO_LABELS, YES_NO_SYNONYMS),
    "agreement_status": (AGREEMENT_STATUS_LABELS, AGREEMENT_STATUS_SYNONYMS),
    "agreement_kind": (AGREEMENT_KIND_LABELS, AGREEMENT_KIND_SYNONYMS),
    "ownership": ({str(k): v for k, v in OWNERSHIP_LABELS.items()}, OWNERSHIP_SYNONYMS),
    "acquisition": ({str(k): v for k, v in ACQUISITION_LABELS.items()}, ACQUISITION_SYNONYMS),
    "equipment_status": (
        {str(k): v for k, v in EQUIPMENT_STATUS_LABELS.items()},
        EQUIPMENT_STATUS_SYNONYMS,
    ),
}


@cache
def _lookup(name: str) -> dict[str, str]:
    labels, synonyms = CHOICES[name]
    found: dict[str, str] = {}
    for code, label in labels.items():
        for text in (code, label, translate(label, "zh_CN")):
            found.setdefault(fold(text), code)
    for text, code in synonyms.items():
        found.setdefault(fold(text), code)
    return found


def choose(name: str, value: str) -> str | None:
    """The code that ``value`` stands for in the choice list ``name``, or None if none.

    An industry section may also be written with its label after the letter ("C 制造业").
    """
    lookup = _lookup(name)
    folded = fold(value)
    if folded in lookup:
        return lookup[folded]
    if name == "industry_section" and len(folded) > 1 and folded[0].upper() in INDUSTRY_SECTIONS:
        rest = folded[1:]
        code = folded[0].upper()
        if lookup.get(rest) == code:
            return code
    return None


def choice_examples(name: str, language: str) -> str:
    """The labels people may use, for an error message: "男, 女 (M, F)"."""
    labels, _ = CHOICES[name]
    shown = ", ".join(translate(label, language) for label in labels.values())
    codes = ", ".join(labels)
    return shown if name == "yes_no" else f"{shown} ({codes})"
