"""A town's headers do not always say what a column is (「区分」, 「担当」): the answers under them do, and the
mapping is guessed from both, each guess with how sure it is."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from banso.orgs.models import Department
from banso.survey import reader, services
from banso.survey.models import ColumnSet, ImportBatch
from banso.survey.tests.helpers import raw_workbook, run_import

HEADER = ["業務名", "担当", "年間件数", "処理時間（分）", "種別", "紙or電子", "押印欄", "繁忙となる月", "備考"]
ROWS = [
    ["請願の受付", "議会事務局", 30, 20, "正規", "紙", "有", "3月", "窓口で受ける"],
    ["会議録の作成", "議会事務局", 12, 600, "会計年度", "Excel", "無", "6月,9月", "委託あり"],
    ["住民票の写しの交付", "住民課　証明係", 9000, 5, "正規", "基幹システム", "無", "3～4月", ""],
    ["転入届の受付", "住民課", 800, 30, "会計年度", "紙", "有", "3月-4月", "繁忙期は応援"],
]


@pytest.fixture
def town_round(town):
    columns = ("annual_count", "minutes_per_case", "staff_type", "medium", "has_seal", "busy_months")
    return services.round_create(
        municipality=town,
        fiscal_year=2026,
        title="町の様式による調査",
        deadline=dt.date(2027, 1, 29),
        hourly_cost_yen=3500,
        column_set=ColumnSet.CUSTOM,
        custom_columns=dict.fromkeys(columns, "optional"),
        departments=Department.objects.filter(municipality=town, name__in=["議会事務局", "住民課"]),
    )


def town_file(tmp_path, rows=ROWS):
    return raw_workbook(
        tmp_path / "town.xlsx", meta=None, header=HEADER, rows=rows, sheet_name="調査", header_row=0
    )


def test_columns_whose_headers_say_little_are_guessed_from_their_answers(town_round, tmp_path):
    layout = reader.read_layout(town_file(tmp_path)).layout()
    guesses, department = services.mapping_guess(town_round, layout)
    assert department == "担当"  # no known header, but its answers are the round's departments
    # From the answers alone: a person confirms them, a command does not go ahead on them.
    assert guesses["staff_type"] == ("種別", 85)
    assert guesses["medium"] == ("紙or電子", 85)
    # Yes/no and months answers say what they are only with the header's word for which one; a header only
    # like the column's own (「押印欄」) is sure once its answers agree.
    assert guesses["has_seal"] == ("押印欄", reader.SURE)
    assert guesses["busy_months"][0] == "繁忙となる月" and guesses["busy_months"][1] >= reader.SURE
    assert "備考" not in {header for header, _score in guesses.values()}


def test_answers_that_are_not_the_rounds_values_guess_nothing(town_round, tmp_path):
    rows = [[*row[:4], "係長", "郵送", "不明", "随時", row[8]] for row in ROWS]
    layout = reader.read_layout(town_file(tmp_path, rows)).layout()
    guesses, _department = services.mapping_guess(town_round, layout)
    assert not {"staff_type", "medium", "busy_months"} & guesses.keys()
    assert guesses["has_seal"] == ("押印欄", 80)  # by its header alone, which is not enough to be sure


def test_the_mapping_page_starts_from_the_guess_by_answers(town_staff, town_round, tmp_path):
    batch = run_import(town_file(tmp_path), town_round)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    url = reverse(
        "survey:import_mapping",
        kwargs={"code": town_round.municipality.code, "round_id": town_round.pk, "batch_id": batch.pk},
    )
    page = town_staff.get(url)
    form = page.context["form"]
    assert form["col_staff_type"].initial == "種別"
    assert form["department_header"].initial == "担当"
    # How sure each guess is stands under it; the unsure ones ask to be checked.
    content = page.content.decode()
    assert "推測の確からしさ 85／100：確認してください" in content
    assert "推測の確からしさ 100／100" in content


def test_the_guess_command_prints_each_guess_with_its_confidence(town_round, tmp_path):
    out = io.StringIO()
    call_command(
        "survey_mapping",
        "guess",
        str(town_file(tmp_path)),
        "--municipality",
        town_round.municipality.code,
        "--fiscal-year",
        "2026",
        "--round",
        str(town_round.pk),
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["columns"]["medium"] == {"header": "紙or電子", "confidence": 85}
    assert data["department_header"] == "担当"


def test_the_analysis_gives_the_seal_figure_only_where_the_round_asks_for_it(town_staff, town_round, tmp_path):
    from banso.survey.tests.test_column_sets import mapped_import

    guesses, department = services.mapping_guess(town_round, reader.read_layout(town_file(tmp_path)).layout())
    fields = {key: header for key, (header, _score) in guesses.items()} | {
        "staff_type": "種別",
        "medium": "紙or電子",
    }
    mapped_import(town_round, town_file(tmp_path), fields=fields, department_header=department)
    page = town_staff.get(
        reverse("survey:analysis", args=[town_round.municipality.code, town_round.pk])
    ).content.decode()
    assert "押印のある業務は 2 件" in page
    assert "対面のある業務は" not in page and "対面：この調査は対面の有無を尋ねていません" in page
