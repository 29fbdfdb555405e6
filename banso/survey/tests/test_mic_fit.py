"""Fit test: a fictional town's 業務説明表 of about 300 rows, as its departments fill it, comes in through the page
and through the command line without retyping; every valid row is in and every invalid row is reported."""

import datetime as dt
import io
import random
import unicodedata

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.urls import reverse

from banso.orgs.models import Department
from banso.survey import selectors, services
from banso.survey.models import ColumnSet, ImportBatch, SurveyTask

DEPARTMENTS = ["住民課", "税務課", "福祉課"]
SECTIONS = {
    "住民課": ["戸籍住民係", "証明係"],
    "税務課": ["課税係", "収納係"],
    "福祉課": ["障害福祉係", "高齢福祉係"],
}
WORDS = ["申請の受付", "証明書の交付", "台帳の更新", "通知の発送", "照会への回答", "窓口の案内", "統計の作成"]
STAFF = ["正職員", "会計年度任用職員"]  # the town's own words for 正規 and 会計年度
MEDIA = ["紙", "Excel", "基幹システム"]
# What the town's people wrote wrong, one of each, at these data rows (1-based among the data).
BAD = {
    17: ("所管部署", "企画課"),  # not in the round
    58: ("業務規模（年間総計）", "随時"),
    99: ("担当職員数（人）", "多い"),
    140: ("所管部署", "住民課・税務課"),
    201: ("業務規模（年間総計）", "-5"),
}
HEADER_TOP = [
    "整理番号",
    "業務名",
    "業務の目的・概要",
    "根拠法令等",
    "所管部署",
    "業務規模",
    "",
    "",
    "",
    "成果指標",
]
HEADER_TOP += ["投入資源", "", "職員区分", "処理媒体", "備考"]
HEADER_PARTS = {
    5: "年間総計",
    6: "通常期",
    7: "繁忙期",
    8: "閑散期",
    10: "担当職員数（人）",
    11: "情報システム費用",
}


def town_rows(n=300, seed=3) -> list[list]:
    """The answers: full-width digits, units in number cells, 課 and 係 in one cell, the town's own list words."""
    rng = random.Random(seed)  # noqa: S311 (made-up answers, not secrets)
    rows = []
    for i in range(1, n + 1):
        department = DEPARTMENTS[i % 3]
        count = rng.randint(10, 3000)
        row = [
            f"{i:03d}",
            f"{WORDS[i % len(WORDS)]}（{i}）",
            "町民からの届出を処理する",
            "",
            f"{department}　{SECTIONS[department][i % 2]}" if i % 4 else department,
            f"{count:,}件"
            if i % 5 == 0
            else str(count).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            None,
            None,
            None,
            "処理件数",
            round(rng.uniform(0.01, 0.12), 2),  # a share of a person: a department of 8 to 9 has ~100 tasks
            rng.choice([0, 0, 1200]),
            STAFF[i % 2],
            MEDIA[i % 3],
            "要改善" if i % 7 == 0 else "",
        ]
        rows.append(row)
    for index, (header, value) in BAD.items():
        column = {"所管部署": 4, "業務規模（年間総計）": 5, "担当職員数（人）": 10}[header]
        rows[index - 1][column] = value
    return rows


def write_town_workbook(path, rows):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("業務説明表")
    ws.write(0, 0, "令和8年度 業務説明表　見本町")
    ws.write(1, 0, "記入日：令和8年10月1日")
    for c, text in enumerate(HEADER_TOP):
        if c in HEADER_PARTS:
            continue
        ws.merge_range(3, c, 4, c, text)
    ws.merge_range(3, 5, 3, 8, "業務規模")
    ws.merge_range(3, 10, 3, 11, "投入資源")
    for c, text in HEADER_PARTS.items():
        ws.write(4, c, text)
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values):
            if value not in (None, ""):
                ws.write(r, c, value)
    book.close()
    return path


@pytest.fixture
def fit_round(town):
    return town_layout_round(town)


def town_layout_round(town):
    """A round in the town's own columns, the 業務説明表's, for the three departments of its file."""
    departments = [Department.objects.get_or_create(municipality=town, name=name)[0] for name in DEPARTMENTS]
    custom = {
        **dict.fromkeys(("reference_number", "description", "legal_basis", "annual_count", "fte"), "optional"),
        **dict.fromkeys(("outcome_indicator", "system_cost_thousand_yen", "staff_type", "medium"), "optional"),
    }
    return services.round_create(
        municipality=town,
        fiscal_year=2026,
        title="業務説明表（町の様式）",
        deadline=dt.date(2027, 1, 29),
        hourly_cost_yen=3400,
        departments=departments,
        column_set=ColumnSet.CUSTOM,
        custom_columns=custom,
    )


def expect_rows_in(survey_round, batch):
    rows_with_problems = {p["row"] for p in batch.problems if p["severity"] == "error"}
    assert rows_with_problems == {index + 5 for index in BAD}  # data row 1 is Excel row 6
    assert (batch.valid_rows, batch.rejected_rows) == (300 - len(BAD), len(BAD))
    tasks = SurveyTask.objects.filter(survey_round=survey_round)
    assert tasks.count() == 300 - len(BAD)
    sample = tasks.get(reference_number="007")  # row 7: 「税務課　収納係」, 会計年度任用職員, a note in 備考
    assert (sample.department.name, sample.section, sample.staff_type, sample.extra) == (
        "税務課",
        "収納係",
        "会計年度",
        {"備考": "要改善"},
    )
    written = town_rows()
    assert tasks.get(reference_number="005").annual_count == int(written[4][5].replace(",", "").removesuffix("件"))
    assert sample.annual_count == int(unicodedata.normalize("NFKC", written[6][5]))  # typed in full-width digits
    analysis = selectors.analysis_of(survey_round)
    assert analysis.task_count == 300 - len(BAD) and analysis.total_hours > 0
    assert any("押印" in message for message in analysis.cannot)


def test_the_towns_workbook_comes_in_through_the_page(town_staff, fit_round, tmp_path):
    path = write_town_workbook(tmp_path / "見本町_業務説明表.xlsx", town_rows())
    code = fit_round.municipality.code
    with path.open("rb") as fh:
        town_staff.post(reverse("survey:import_upload", args=[code, fit_round.pk]), {"file": fh})
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    mapping_url = reverse("survey:import_mapping", args=[code, fit_round.pk, batch.pk])
    page = town_staff.get(mapping_url)
    guessed = {
        name: field.initial for name, field in page.context["form"].fields.items() if name.startswith("col_")
    }
    assert guessed["col_annual_count"] == "業務規模（年間総計）"
    assert guessed["col_fte"] == "投入資源（担当職員数（人））"
    data = {"name": "見本町の業務説明表", "department_header": "所管部署"}
    data.update({name: value for name, value in guessed.items() if value})
    town_staff.post(mapping_url, data)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert batch.layout["unknown_values"] == {"staff_type": ["会計年度任用職員", "正職員"]}
    # One line for one thing to fix, with the rows it applies to, not a line per row.
    detail = town_staff.get(reverse("survey:import", args=[code, fit_round.pk, batch.pk])).content.decode()
    assert detail.count("「正職員」は一覧にありません") == 1
    assert "<td>7, 9, 11, 13, 15, 17, 19, 21, 23, 25 ほか 139 行</td>" in detail
    town_staff.post(
        reverse("survey:import_read_as", args=[code, fit_round.pk, batch.pk]),
        {"staff_type-0": "会計年度", "staff_type-1": "正規"},
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.HAS_ERRORS  # the five rows the town must fix
    town_staff.post(reverse("survey:import_accept", args=[code, fit_round.pk, batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PARTIAL
    expect_rows_in(fit_round, batch)


def test_the_towns_workbook_comes_in_through_the_command_line(fit_round, tmp_path):
    path = str(write_town_workbook(tmp_path / "見本町_業務説明表.xlsx", town_rows()))
    where = ("--municipality", fit_round.municipality.code, "--fiscal-year", "2026", "--round", str(fit_round.pk))
    out = io.StringIO()
    call_command("survey_mapping", "save", "見本町の業務説明表", path, *where, stdout=out)
    first = io.StringIO()
    with pytest.raises(CommandError):  # the town's own 職員区分 words: how to read them is said
        call_command("survey_import", *where, path, "--mapping", "見本町の業務説明表", stdout=first)
    assert "職員区分（会計年度任用職員、正職員）" in first.getvalue()
    assert 'banso survey mapping read-as "見本町の業務説明表" 職員区分:会計年度任用職員=…' in first.getvalue()
    read_as = ("職員区分:正職員=正規", "職員区分：会計年度任用職員=会計年度")
    call_command("survey_mapping", "read-as", "見本町の業務説明表", *read_as, *where, stdout=out)
    with pytest.raises(CommandError):  # five rows to fix: nothing written without --accept-valid-rows
        call_command("survey_import", *where, path, "--mapping", "見本町の業務説明表", stdout=io.StringIO())
    assert not SurveyTask.objects.filter(survey_round=fit_round).exists()
    call_command(
        "survey_import", *where, path, "--mapping", "見本町の業務説明表", "--accept-valid-rows", stdout=out
    )
    assert "企画課" in out.getvalue() and "随時" in out.getvalue()  # each refused row named with its reason
    expect_rows_in(fit_round, ImportBatch.objects.latest("id"))


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("職員区分:正職員=正社員", "「正社員」は「職員区分」の選択肢にありません"),
        ("職種:正職員=正規", "「職種」という一覧はありません"),
        ("正職員=正規", "一覧:ファイルの語=調査の値"),
    ],
)
def test_reading_words_as_nothing_the_round_has_is_refused_and_nothing_saved(fit_round, tmp_path, pair, message):
    path = str(write_town_workbook(tmp_path / "見本町_業務説明表.xlsx", town_rows()))
    where = ("--municipality", fit_round.municipality.code, "--fiscal-year", "2026", "--round", str(fit_round.pk))
    call_command("survey_mapping", "save", "見本町の業務説明表", path, *where, stdout=io.StringIO())
    with pytest.raises(CommandError, match=message):
        call_command("survey_mapping", "read-as", "見本町の業務説明表", pair, *where, stdout=io.StringIO())
    assert fit_round.municipality.survey_mappings.get(name="見本町の業務説明表").values == {}
