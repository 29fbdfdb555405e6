"""The sheets and columns of the plan's workbook: one definition for writing it and for reading it back.

A workbook holds the whole plan (header, 視点, phases, the 方針 tree, measures, steps, KPIs and their targets,
the yearly grades), so a plan moves between towns, or between Banso and a colleague's Excel, without loss.
Columns marked optional may be missing from an older file; everything else must be there.
"""

from __future__ import annotations

from dataclasses import dataclass

from banso.plans.models import KPI, Measure, Partner


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    optional: bool = False


@dataclass(frozen=True)
class SheetLayout:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False  # a file without this sheet is still read (an older export)


PLAN = SheetLayout(
    "計画",
    (Column("item", "項目", 18), Column("value", "内容", 90)),
    optional=True,
)
# The header's items, in this order, by the label in the 項目 column.
PLAN_ITEMS = {
    "title": "計画名",
    "start_year": "開始年度",
    "end_year": "終了年度",
    "starts_on": "開始月",
    "ends_on": "終了月",
    "concept": "コンセプト",
    "vision": "目指す姿",
    "background": "背景と課題",
    "level_names": "方針の階層",
    "grade_scale": "自己評価の区分",
}
VIEWPOINTS = SheetLayout(
    "視点",
    (Column("order", "番号", 8), Column("title", "視点", 30), Column("description", "説明", 70)),
    optional=True,
)
PHASES = SheetLayout(
    "フェーズ",
    (
        Column("order", "番号", 8),
        Column("name", "フェーズ名", 30),
        Column("start_year", "開始年度", 10),
        Column("end_year", "終了年度", 10),
        Column("goal", "ゴール", 30),
        Column("description", "説明", 50),
    ),
    optional=True,
)
POLICIES = SheetLayout(
    "方針",
    (
        Column("number", "方針番号", 12),
        Column("parent", "上位の方針番号", 14),
        Column("title", "方針名", 40),
        Column("description", "説明", 50),
    ),
    optional=True,
)
# The bodies outside the town that the 施策 sheet names, with their kind, so they move between installations.
PARTNERS = SheetLayout(
    "町外の主体",
    (Column("name", "名称", 30), Column("kind", "種類", 16)),
    optional=True,
)
MEASURES = SheetLayout(
    "施策",
    (
        Column("number", "施策番号", 10),
        Column("title", "施策名", 30),
        Column("policy", "方針番号", 10),
        Column("owner", "担当部署", 16),
        Column("related", "関係部署", 24),
        Column("status", "状況", 10),
        Column("budget", "予算（千円）", 12),
        Column("funding", "財源", 30),
        Column("purpose", "目的", 40),
        Column("audience", "対象者", 16),
        Column("content", "内容", 50),
        Column("goal", "ゴール", 30),
        Column("viewpoints", "視点", 24, optional=True),
        Column("tags", "国の計画・総合計画との関係", 30, optional=True),
        Column("co_owners", "共同所管の部署", 20, optional=True),
        Column("partners", "町外の主体", 24, optional=True),
    ),
)
BUDGETS = SheetLayout(
    "予算",
    (
        Column("number", "施策番号", 10),
        Column("year", "年度", 10),
        Column("budget", "予算額（千円）", 14),
        Column("settled", "決算額（千円）", 14),
        Column("funding", "財源", 40),
    ),
    optional=True,
)
STEPS = SheetLayout(
    "ステップ", (Column("number", "施策番号", 10), Column("year", "年度", 10), Column("text", "内容", 60))
)
KPIS = SheetLayout(
    "KPI",
    (
        Column("number", "施策番号", 10),
        Column("name", "KPI名", 34),
        Column("unit", "単位", 8),
        Column("baseline", "現状値", 10),
        Column("baseline_date", "現状値の時点", 14),
        Column("direction", "方向", 10),
        Column("source", "出典", 20),
        Column("year", "目標年度", 10),
        Column("target", "目標値", 16),
        Column("kind", "種類", 12, optional=True),
        Column("again", "再掲する施策", 16, optional=True),
    ),
)
GRADES = SheetLayout(
    "自己評価",
    (
        Column("number", "施策番号", 10),
        Column("name", "KPI名", 34),
        Column("year", "年度", 10),
        Column("grade", "評価", 8),
        Column("comment", "コメント", 50),
        Column("continue", "次期計画で継続", 14),
    ),
    optional=True,
)
SHEETS = (PLAN, VIEWPOINTS, PHASES, POLICIES, PARTNERS, MEASURES, STEPS, BUDGETS, KPIS, GRADES)

DIRECTIONS = {"上げる": KPI.Direction.UP, "下げる": KPI.Direction.DOWN}
KINDS = {
    "数値": KPI.Kind.NUMBER,
    "割合": KPI.Kind.SHARE,
    "累計": KPI.Kind.CUMULATIVE,
    "年あたり": KPI.Kind.PER_YEAR,
    "達成目標": KPI.Kind.MILESTONE,
}
KIND_NAMES = {v: k for k, v in KINDS.items()}
DIRECTION_NAMES = {v: k for k, v in DIRECTIONS.items()}
CONTINUED = "○"
PARTNER_KINDS = {
    "一部事務組合": Partner.Kind.JOINT_BODY,
    "広域連合": Partner.Kind.REGIONAL_UNION,
    "都道府県": Partner.Kind.PREFECTURE,
    "民間": Partner.Kind.PRIVATE,
    "その他": Partner.Kind.OTHER,
}


def status_name(value: str) -> str:
    """未着手, 実施中 …: the Japanese in the choice's label."""
    return str(Measure.Status(value).label).split("（")[-1].rstrip("）")
