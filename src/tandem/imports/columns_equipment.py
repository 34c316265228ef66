"""The equipment register's spreadsheet columns, and the words people use for its coded values
(the register itself is declared with the others in :mod:`tandem.imports.columns`)."""

from __future__ import annotations

from tandem.kit.i18n import N_
from tandem.kit.spreadsheet import Column

EQUIPMENT_COLUMNS = (
    Column(
        "asset_tag",
        "资产编号",
        "Asset tag",
        required=True,
        hint=N_(
            "Required. Unique in the college: an existing asset tag updates that line with the "
            "cells that are filled in (blank cells keep what is recorded)."
        ),
    ),
    Column("name", "设备名称", "Name", required=True, hint=N_("Required for a new line.")),
    Column("model", "规格型号", "Model"),
    Column("maker", "生产厂家", "Maker"),
    Column("category", "设备类别", "Category", hint=N_("Free text, e.g. CNC machine tools.")),
    Column(
        "quantity",
        "数量",
        "Quantity",
        kind="int",
        hint=N_("Items on this line, 1 to 100000; blank: 1."),
    ),
    Column(
        "ownership",
        "产权归属",
        "Ownership",
        hint=N_(
            "College, Enterprise or Joint (学校 / 企业 / 校企共有); blank: college. Enterprise "
            "and joint need the enterprise."
        ),
    ),
    Column(
        "enterprise",
        "所属企业",
        "Enterprise",
        hint=N_(
            "The owning enterprise's name or its 18-character USCC; the college must have a "
            "partnership with it. Blank for college-owned equipment."
        ),
    ),
    Column(
        "college_share_pct",
        "学校占比（%）",
        "College share %",
        hint=N_(
            "For joint ownership: the college's share, strictly between 0 and 100 (the "
            "enterprise has the rest). College-owned: 100; enterprise-owned: 0."
        ),
    ),
    Column(
        "acquisition",
        "来源方式",
        "Acquisition",
        hint=N_(
            "Purchased, Donated, Quasi-donated or Lent by an enterprise (购置 / 捐赠 / 准捐赠 / "
            "企业出借); blank: purchased. Lent equipment is enterprise-owned and needs the "
            "agreement number."
        ),
    ),
    Column(
        "value_cny",
        "资产价值（元）",
        "Value (CNY)",
        hint=N_("The value of the whole line in yuan, e.g. 350000."),
    ),
    Column(
        "acquired_on",
        "取得日期",
        "Acquired on",
        kind="date",
        hint=N_("A date, e.g. 2024-09-01; not in the future."),
    ),
    Column(
        "venue_code",
        "场地代码",
        "Venue code",
        kind="code",
        hint=N_("The code of a venue of the college, as on the Venues page."),
    ),
    Column(
        "agreement_number",
        "协议编号",
        "Agreement number",
        hint=N_("The number of an agreement of the college (with the owning enterprise)."),
    ),
    Column(
        "department_code",
        "二级学院代码",
        "Department code",
        kind="code",
        hint=N_("The department's code, as on the college's page."),
    ),
    Column(
        "status",
        "使用状态",
        "Status",
        hint=N_(
            "In use, Idle, Under maintenance or Retired (在用 / 闲置 / 维修中 / 已报废); blank: in "
            "use."
        ),
    ),
    Column(
        "teaching_hour_value_cny",
        "教学课时价值（元）",
        "Teaching hour value (CNY)",
        hint=N_("Optional: the value of one hour of teaching on it; blank: the college's."),
    ),
    Column("note", "备注", "Note"),
)

OWNERSHIP_SYNONYMS = {
    "学校": "college",
    "学院": "college",
    "校方": "college",
    "学校所有": "college",
    "校有": "college",
    "企业所有": "enterprise",
    "企业方": "enterprise",
    "厂方": "enterprise",
    "共有": "joint",
    "共同所有": "joint",
    "校企共有": "joint",
    "校企共建": "joint",
    "合资": "joint",
}
ACQUISITION_SYNONYMS = {
    "购置": "purchased",
    "采购": "purchased",
    "购买": "purchased",
    "自购": "purchased",
    "捐赠": "donated",
    "赠送": "donated",
    "企业捐赠": "donated",
    "准捐赠": "quasi_donated",
    "quasidonation": "quasi_donated",
    "出借": "lent",
    "借用": "lent",
    "企业出借": "lent",
    "租借": "lent",
    "loan": "lent",
    "loaned": "lent",
}
EQUIPMENT_STATUS_SYNONYMS = {
    "在用": "in_use",
    "使用中": "in_use",
    "正常": "in_use",
    "闲置": "idle",
    "维修": "maintenance",
    "维修中": "maintenance",
    "保养中": "maintenance",
    "报废": "retired",
    "已报废": "retired",
    "停用": "retired",
}
