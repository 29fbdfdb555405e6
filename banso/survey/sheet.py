"""The survey workbook's format: its columns, lists and layout.

The workbook is a Japanese document (the standard 業務説明表) that departments
fill in Excel, often on LGWAN terminals without web access. Its headers are
part of the format, so they are Japanese constants here rather than
translated UI text; `aliases` are other spellings the importer accepts when a
department renames a column.
"""

from dataclasses import dataclass, field

from banso.survey.models import CategoryKind, ColumnSet

FORMAT_NAME = "banso-survey"
FORMAT_VERSION = "1"
DATA_SHEET = "業務一覧"
GUIDE_SHEET = "記入方法"
META_SHEET = "_banso"
LISTS_SHEET = "_lists"
TITLE_ROW = 0  # 0-based rows of the data sheet
HEADER_ROW = 3
EXAMPLE_ROW = 4
FIRST_DATA_ROW = 5
EXAMPLE_MARK = "記入例"
BLANK_ROWS = 150  # empty, formatted rows after the answers

YES_WORDS = {"有", "あり", "有り", "はい", "○", "〇", "◯", "yes", "y", "true", "1", "要"}
NO_WORDS = {"無", "なし", "無し", "いいえ", "×", "x", "-", "no", "n", "false", "0", "不要"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # id, text, long_text, int, decimal, choice, bool
    required: bool = False
    expected: bool = False  # blank is allowed but counted as a missing answer
    choices: str | None = None  # CategoryKind for list columns
    width: int = 14
    note: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    max_length: int = 200


COLUMNS = (
    Column("row_key", "行ID（変更しないでください）", "id", width=4, aliases=("行ID", "id")),
    Column(
        "name",
        "業務名",
        "text",
        required=True,
        width=28,
        note="例：住民票の写しの交付",
        aliases=("業務", "事務名", "業務名称"),
    ),
    Column(
        "description",
        "内容",
        "long_text",
        expected=True,
        width=36,
        note="何をする業務か",
        aliases=("業務内容", "概要", "業務の目的・概要", "目的・概要"),
    ),
    Column("legal_basis", "根拠法令", "text", width=18, aliases=("根拠法", "法令", "根拠", "根拠法令等")),
    Column("category_major", "大分類", "choice", required=True, choices=CategoryKind.MAJOR, width=16),
    Column("category_middle", "中分類", "choice", choices=CategoryKind.MIDDLE, width=16),
    Column("category_minor", "小分類", "choice", choices=CategoryKind.MINOR, width=16),
    Column("target", "対象", "text", expected=True, width=14, note="住民・事業者・庁内など", aliases=("対象者",)),
    # 繁忙期 alone is the 業務説明表's busy-season volume (below), so it is not a spelling of this column.
    Column("period", "実施時期・繁忙期", "text", expected=True, width=16, aliases=("実施時期", "時期")),
    Column(
        "annual_count",
        "年間件数",
        "int",
        width=11,
        note="1年間の件数",
        aliases=("件数", "年間処理件数", "年間総計", "業務規模", "業務規模（年間総計）"),
    ),
    Column(
        "minutes_per_case",
        "1件あたり処理時間（分）",
        "decimal",
        width=13,
        aliases=("処理時間（分）", "1件あたり処理時間", "処理時間"),
    ),
    Column(
        "staff_per_case",
        "従事人数",
        "decimal",
        width=10,
        note="1件に関わる人数（空欄は1人）",
        aliases=("人数", "担当人数"),
    ),
    Column(
        "fte",
        "FTE（年間従事換算）",
        "decimal",
        width=12,
        note="件数で数えにくい業務は常勤換算の人数",
        aliases=("FTE", "従事換算", "担当職員数（人）", "担当職員数", "投入資源（担当職員数（人））"),
    ),
    Column("staff_type", "職員区分", "choice", required=True, choices=CategoryKind.STAFF_TYPE, width=12),
    Column(
        "medium", "処理媒体", "choice", required=True, choices=CategoryKind.MEDIUM, width=13, aliases=("媒体",)
    ),
    Column("has_seal", "押印の有無", "bool", required=True, width=10, aliases=("押印",)),
    Column("has_in_person", "対面の有無", "bool", required=True, width=10, aliases=("対面",)),
    Column("systems", "使用システム", "text", width=18, aliases=("システム", "利用システム")),
    Column("outsourced", "外部委託", "bool", width=10, aliases=("委託", "外部委託の有無")),
    Column(
        "digital_status",
        "デジタル化状況",
        "choice",
        required=True,
        choices=CategoryKind.DIGITAL_STATUS,
        width=13,
        aliases=("デジタル化",),
    ),
    Column("issues", "課題・改善案", "long_text", width=36, aliases=("課題", "改善案", "課題・改善点")),
    # Asked by 総務省's 業務説明表; kept so that nothing a town wrote is dropped.
    Column(
        "reference_number", "整理番号", "text", width=10, aliases=("番号", "No", "No.", "通し番号"), max_length=30
    ),
    Column("outcome_indicator", "成果指標", "text", width=20, aliases=("成果", "指標")),
    # Volume by season, as the 業務説明表 asks it: cases a month in each season, and the months of the busy and
    # quiet seasons (the others are normal); the annual figure is derived from them and checked against 年間総計.
    Column("volume_normal", "通常期（月あたり件数）", "int", width=11, aliases=("通常期", "業務規模（通常期）")),
    Column("volume_busy", "繁忙期（月あたり件数）", "int", width=11, aliases=("繁忙期", "業務規模（繁忙期）")),
    Column("volume_quiet", "閑散期（月あたり件数）", "int", width=11, aliases=("閑散期", "業務規模（閑散期）")),
    Column(
        "busy_months", "繁忙期の月", "months", width=12, note="例：3月,4月", aliases=("繁忙月", "繁忙期（月）")
    ),
    Column("quiet_months", "閑散期の月", "months", width=12, note="例：8月", aliases=("閑散月", "閑散期（月）")),
    Column(
        "system_cost_thousand_yen",
        "情報システム費用（千円）",
        "int",
        width=13,
        note="年間の費用",
        aliases=("情報システム費用", "システム費用", "投入資源（情報システム費用）"),
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


# 総務省's 業務説明表 ({column: required}): the work and its volume as 年間総計, staffing as 担当職員数（人）; no
# medium, seal or digital status, so the analysis says what it cannot show.
MIC_COLUMNS = {
    "reference_number": False,
    "name": True,
    "description": False,
    "legal_basis": False,
    "annual_count": False,
    "volume_normal": False,
    "volume_busy": False,
    "volume_quiet": False,
    "busy_months": False,
    "quiet_months": False,
    "fte": False,
    "outcome_indicator": False,
    "system_cost_thousand_yen": False,
}


# The 業務説明表's own words for the columns it shares with Banso's sheet: a round that asks in its layout gets
# sheets headed as the towns know them (the importer reads both spellings).
MIC_HEADERS = {
    "description": "業務の目的・概要",
    "legal_basis": "根拠法令等",
    "annual_count": "業務規模（年間総計）",
    "volume_normal": "業務規模（通常期）",
    "volume_busy": "業務規模（繁忙期）",
    "volume_quiet": "業務規模（閑散期）",
    "fte": "担当職員数（人）",
}


def header_of(column: Column, column_set: str) -> str:
    """A column's header on the round's sheets."""
    return MIC_HEADERS.get(column.key, column.header) if column_set == ColumnSet.MIC else column.header


def asked_columns(column_set: str, custom: dict[str, str] | None = None) -> dict[str, bool]:
    """{column: required} of what a round asks for, in the sheet's order. The hidden row id and the task name are
    always there; `custom` is {column: "required" | "optional"}."""
    if column_set == ColumnSet.MIC:
        chosen = MIC_COLUMNS
    elif column_set == ColumnSet.CUSTOM:
        chosen = {key: value == "required" for key, value in (custom or {}).items() if key in COLUMN_BY_KEY}
    else:
        chosen = {c.key: c.required for c in COLUMNS}
    chosen = {**chosen, "row_key": False, "name": True}
    return {c.key: chosen[c.key] for c in COLUMNS if c.key in chosen}


DEFAULT_OPTIONS = {
    CategoryKind.MAJOR: [
        "住民サービス・窓口",
        "福祉・保健",
        "子育て・教育",
        "税・収納",
        "産業・観光",
        "まちづくり・建設",
        "内部管理",
        "その他",
    ],
    CategoryKind.MIDDLE: [
        "申請受付",
        "審査・決定",
        "証明書交付",
        "相談",
        "通知・発送",
        "収納・支払",
        "台帳管理",
        "調査・統計",
        "計画・会議",
        "その他",
    ],
    CategoryKind.MINOR: ["定型", "非定型", "季節", "随時"],
    CategoryKind.STAFF_TYPE: ["正規", "会計年度", "委託"],
    CategoryKind.MEDIUM: ["紙", "Excel", "基幹システム", "その他"],
    CategoryKind.DIGITAL_STATUS: ["済", "計画済", "未"],
}

# What Banso's own list values mean to the analysis; a town that renames them keeps the meaning.
DEFAULT_MEANINGS: dict[str, dict[str, str]] = {
    CategoryKind.STAFF_TYPE: {"正規": "regular", "会計年度": "fixed_term", "委託": "contractor"},
    CategoryKind.MEDIUM: {
        "紙": "paper",
        "Excel": "spreadsheet",
        "基幹システム": "core_system",
        "その他": "other_medium",
    },
    CategoryKind.DIGITAL_STATUS: {"済": "digitised", "計画済": "planned", "未": "not_digitised"},
}
EXAMPLE = {
    "name": "住民票の写しの交付",
    "description": "窓口で請求を受け、本人確認のうえ住民票の写しを交付する",
    "legal_basis": "住民基本台帳法第12条",
    "category_major": "住民サービス・窓口",
    "category_middle": "証明書交付",
    "category_minor": "定型",
    "target": "住民",
    "period": "通年（3〜4月に繁忙）",
    "annual_count": 4200,
    "minutes_per_case": 10,
    "staff_per_case": 1,
    "fte": None,
    "staff_type": "正規",
    "medium": "基幹システム",
    "has_seal": False,
    "has_in_person": True,
    "systems": "住民記録システム",
    "outsourced": False,
    "digital_status": "計画済",
    "issues": "コンビニ交付の利用を広げたい",
    "reference_number": "1-001",
    "outcome_indicator": "交付件数",
    "system_cost_thousand_yen": 1200,
}
