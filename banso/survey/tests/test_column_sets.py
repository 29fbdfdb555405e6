"""A round asks for the columns it chooses: 総務省's 業務説明表, Banso's full sheet, or the town's own choice."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from banso.core.models import AuditEntry
from banso.orgs.models import Department
from banso.survey import selectors, services, sheet
from banso.survey.models import ColumnMapping, ColumnSet, ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import raw_workbook, run_import
from banso.survey.workbook import department_workbook_bytes

# 総務省's 業務説明表 as a town fills it, with a column of the town's own (備考) that has nowhere to go.
MIC_HEADER = [
    "整理番号",
    "業務名",
    "業務の目的・概要",
    "根拠法令等",
    "所管部署",
    "業務規模（年間総計）",
    "成果指標",
    "担当職員数（人）",
    "情報システム費用",
    "備考",
]
MIC_ROWS = [
    [
        "1-001",
        "請願・陳情の受付",
        "議会への請願を受け付ける",
        "地方自治法第124条",
        "議会事務局",
        30,
        "受付件数",
        0.2,
        0,
        "",
    ],
    [
        "1-002",
        "会議録の作成",
        "本会議の記録を作る",
        "地方自治法第123条",
        "議会事務局",
        12,
        "公開までの日数",
        0.5,
        1200,
        "委託",
    ],
]


@pytest.fixture
def mic_round(town):
    return services.round_create(
        municipality=town,
        fiscal_year=2026,
        title="業務説明表による調査",
        deadline=dt.date(2027, 1, 29),
        hourly_cost_yen=3500,
        column_set=ColumnSet.MIC,
        departments=Department.objects.filter(municipality=town, name__in=["議会事務局", "住民課"]),
    )


def mic_fields() -> dict[str, str]:
    return {
        "reference_number": "整理番号",
        "name": "業務名",
        "description": "業務の目的・概要",
        "legal_basis": "根拠法令等",
        "annual_count": "業務規模（年間総計）",
        "outcome_indicator": "成果指標",
        "fte": "担当職員数（人）",
        "system_cost_thousand_yen": "情報システム費用",
    }


def mapped_import(
    survey_round, path, *, fields=None, name="業務説明表", department_header="所管部署", accept=False
):
    """A file in another layout through the mapping step, as the page does it: upload, map, check (and import)."""
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    services.mapping_save(
        batch=batch, name=name, fields=fields or mic_fields(), department_header=department_header
    )
    return services.import_run(batch, accept_valid_rows=accept)


def mic_file(tmp_path, rows=MIC_ROWS, header=MIC_HEADER, name="mic.xlsx"):
    return raw_workbook(
        tmp_path / name, meta=None, header=header, rows=rows, sheet_name="業務説明表", header_row=0
    )


def test_a_round_in_the_mic_layout_takes_a_town_file_without_banso_only_columns(mic_round, tmp_path):
    batch = mapped_import(mic_round, mic_file(tmp_path))
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems
    minutes = SurveyTask.objects.get(survey_round=mic_round, name="会議録の作成")
    assert (minutes.reference_number, minutes.outcome_indicator, minutes.system_cost_thousand_yen) == (
        "1-002",
        "公開までの日数",
        1200,
    )
    assert minutes.annual_hours == Decimal("900.0")  # 0.5 人 × 1,800 hours: staffing as FTE, no minutes per case
    assert minutes.medium == ""  # not asked, not invented


def test_banso_full_sheet_still_asks_for_its_own_columns(town, tmp_path):
    full = SurveyRound.objects.get(municipality=town)
    batch = run_import(mic_file(tmp_path), full)
    with pytest.raises(ValidationError, match="処理媒体"):
        services.mapping_save(batch=batch, name="業務説明表", fields=mic_fields(), department_header="所管部署")


def test_the_mapping_page_offers_only_the_columns_the_round_asks_for(town_staff, mic_round, tmp_path):
    batch = run_import(mic_file(tmp_path), mic_round)
    url = reverse("survey:import_mapping", args=[mic_round.municipality.code, mic_round.pk, batch.pk])
    page = town_staff.get(url).content.decode()
    assert "処理媒体" not in page
    form = town_staff.get(url).context["form"]
    assert form.fields["col_name"].required and not form.fields["col_legal_basis"].required
    data = {"name": "業務説明表", "department_header": "所管部署"}
    data.update({f"col_{key}": header for key, header in mic_fields().items()})
    data["col_legal_basis"] = "業務名"  # the same column of the file chosen twice
    page = town_staff.post(url, data).content.decode()
    assert "「業務名」が二度選ばれています" in page
    data["col_legal_basis"] = "根拠法令等"
    assert town_staff.post(url, data).status_code == 302
    assert SurveyTask.objects.filter(survey_round=mic_round).count() == 2


def test_messages_name_the_column_as_the_file_heads_it(mic_round, tmp_path):
    rows = [[*MIC_ROWS[0][:7], "多い", 0, ""]]
    batch = mapped_import(mic_round, mic_file(tmp_path, rows))
    problem = next(p for p in batch.problems if p["severity"] == "error")
    assert problem["column"] == "H（担当職員数（人））"
    assert problem["row"] == 2


def test_the_analysis_says_what_a_mic_round_cannot_show(town_staff, mic_round, tmp_path):
    mapped_import(mic_round, mic_file(tmp_path))
    page = town_staff.get(
        reverse("survey:analysis", args=[mic_round.municipality.code, mic_round.pk])
    ).content.decode()
    assert "処理媒体を尋ねていない" in page
    assert "押印のある業務" not in page  # the seal figure is not shown as 0 %
    out = io.StringIO()
    call_command(
        "survey_analyze",
        "--municipality",
        mic_round.municipality.code,
        "--fiscal-year",
        "2026",
        "--json",
        stdout=out,
    )
    assert "処理媒体を尋ねていない" in out.getvalue()
    assert selectors.analysis_of(mic_round).total_hours == Decimal("1260.0")


def test_a_mic_rounds_sheet_has_the_mic_columns_under_their_own_headers(mic_round):
    department = Department.objects.get(municipality=mic_round.municipality, name="議会事務局")
    content = department_workbook_bytes(mic_round, department, services.options_of(mic_round), [])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet.DATA_SHEET).to_python()
    assert [h for h in rows[sheet.HEADER_ROW] if h] == [
        "行ID（変更しないでください）",
        "業務名",
        "業務の目的・概要",
        "根拠法令等",
        "業務規模（年間総計）",
        "担当職員数（人）",
        "整理番号",
        "成果指標",
        "業務規模（通常期）",
        "業務規模（繁忙期）",
        "業務規模（閑散期）",
        "繁忙期の月",
        "閑散期の月",
        "情報システム費用（千円）",
    ]


def test_a_towns_own_column_choice_must_let_hours_be_counted(town):
    with pytest.raises(ValidationError, match="FTE"):
        services.round_create(
            municipality=town,
            fiscal_year=2026,
            title="独自の調査",
            deadline=dt.date(2027, 1, 29),
            hourly_cost_yen=3500,
            column_set=ColumnSet.CUSTOM,
            custom_columns={"medium": "required"},
        )


def test_a_department_cell_may_name_the_section_and_is_refused_once_when_it_names_no_department(
    mic_round, tmp_path
):
    from banso.orgs.models import Section

    rows = [
        ["2-001", "住民票の写しの交付", "", "", "住民課 証明係", 4200, "", 1.5, 0, ""],
        ["2-002", "転入届の受付", "", "", "住民課　証明係", 600, "", 0.8, 0, ""],
        ["2-005", "戸籍の届出", "", "", "住民課／戸籍住民係", 300, "", 0.5, 0, ""],
        ["2-003", "税証明の交付", "", "", "企画課", 900, "", 0.3, 0, ""],
        ["2-004", "窓口の案内", "", "", "住民課・議会事務局", 100, "", 0.1, 0, ""],
    ]
    batch = mapped_import(mic_round, mic_file(tmp_path, rows), accept=True)
    by_row: dict[int, list[dict]] = {}
    for problem in batch.problems:
        by_row.setdefault(problem["row"], []).append(problem)
    assert [p["severity"] for p in by_row[2]] == ["warning"]  # the new 係, said once for both rows
    assert 3 not in by_row and 4 not in by_row  # the same new 係 again; a 係 the department has
    [unknown] = by_row[5]
    assert "企画課" in unknown["message"] and unknown["column"] == "E（所管部署）"
    [several] = by_row[6]
    assert "複数の部署" in several["message"]
    residents = Department.objects.get(municipality=mic_round.municipality, name="住民課")
    tasks = SurveyTask.objects.filter(survey_round=mic_round, department=residents)
    assert sorted(tasks.values_list("section", flat=True)) == ["戸籍住民係", "証明係", "証明係"]
    section = Section.objects.get(department=residents, name="証明係")
    # Made once for both rows, and in the history like a 係 added by hand.
    assert AuditEntry.objects.filter(object_id=section.pk, object_repr="証明係", action="create").count() == 1


def mic_two_row_workbook(path, rows):
    """The 業務説明表 as towns save it: a title, then 業務規模 and 投入資源 as merged groups over their parts."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("業務説明表")
    ws.write(0, 0, "令和8年度 業務説明表（議会事務局）")
    for c, text in enumerate(["整理番号", "業務名", "業務の目的・概要", "根拠法令等", "所管部署"]):
        ws.merge_range(2, c, 3, c, text)
    ws.merge_range(2, 5, 2, 8, "業務規模")
    for c, text in enumerate(["年間総計", "通常期", "繁忙期", "閑散期"], start=5):
        ws.write(3, c, text)
    ws.merge_range(2, 9, 3, 9, "成果指標")
    ws.merge_range(2, 10, 2, 11, "投入資源")
    ws.write(3, 10, "担当職員数（人）")
    ws.write(3, 11, "情報システム費用")
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values):
            ws.write(r, c, value)
    book.close()
    return path


def test_a_two_row_header_under_a_title_is_read_as_the_file_heads_it(mic_round, tmp_path):
    from banso.survey.reader import guess_mapping

    rows = [
        [
            "1-001",
            "請願・陳情の受付",
            "請願を受け付ける",
            "地方自治法第124条",
            "議会事務局",
            30,
            2,
            4,
            1,
            "受付件数",
            0.2,
            0,
        ],
        [
            "1-002",
            "会議録の作成",
            "記録を作る",
            "地方自治法第123条",
            "議会事務局",
            "１２件",
            1,
            1,
            0,
            "日数",
            "多い",
            1200,
        ],
    ]
    batch = run_import(mic_two_row_workbook(tmp_path / "two.xlsx", rows), mic_round)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    assert (batch.layout["header_row"], batch.layout["header_rows"]) == (3, 2)
    headers = batch.layout["headers"]
    assert headers[:6] == [
        "整理番号",
        "業務名",
        "業務の目的・概要",
        "根拠法令等",
        "所管部署",
        "業務規模（年間総計）",
    ]
    assert headers[10:] == ["投入資源（担当職員数（人））", "投入資源（情報システム費用）"]
    guesses = guess_mapping(headers)
    assert guesses["annual_count"] == "業務規模（年間総計）"
    assert guesses["fte"] == "投入資源（担当職員数（人））"
    assert guesses["system_cost_thousand_yen"] == "投入資源（情報システム費用）"
    services.mapping_save(batch=batch, name="業務説明表（2段）", fields=guesses, department_header="所管部署")
    batch = services.import_run(batch, accept_valid_rows=True)
    [problem] = [p for p in batch.problems if p["severity"] == "error"]
    assert (problem["row"], problem["column"]) == (6, "K（投入資源（担当職員数（人）））")  # as Excel numbers it
    petition = SurveyTask.objects.get(survey_round=mic_round, name="請願・陳情の受付")
    assert (petition.annual_count, petition.fte) == (30, Decimal("0.20"))


def test_estimates_and_any_time_get_their_own_explanation_and_the_counts_add_up(town_staff, mic_round, tmp_path):
    rows = [
        ["3-001", "議案の整理", "", "", "議会事務局", "約500", "", 0.3, 0, ""],
        ["3-002", "傍聴の受付", "", "", "議会事務局", "200件程度", "", 0.1, 0, ""],
        ["3-003", "議員からの照会対応", "", "", "議会事務局", "随時", "", 0.4, 0, ""],
        ["3-004", "視察の受入", "", "", "企画課", 12, "", 0.1, 0, ""],
        [None] * 10,
        ["3-005", "政務活動費の確認", "", "", "議会事務局", 30, "", 0.2, 0, ""],
    ]
    batch = mapped_import(mic_round, mic_file(tmp_path, rows), accept=True)
    by_row = {p["row"]: p for p in batch.problems}
    assert by_row[2]["severity"] == "warning" and "500" in by_row[2]["message"] and "概数" in by_row[2]["message"]
    assert by_row[3]["severity"] == "warning"
    assert by_row[4]["severity"] == "error" and "随時" in by_row[4]["message"] and "FTE" in by_row[4]["message"]
    assert SurveyTask.objects.get(survey_round=mic_round, name="議案の整理").annual_count == 500
    assert (batch.valid_rows, batch.rejected_rows, batch.read_rows) == (3, 2, 5)  # the blank row is no row
    page = town_staff.get(
        reverse("survey:import", args=[mic_round.municipality.code, mic_round.pk, batch.pk])
    ).content.decode()
    assert "回答のある行 5 行：正しい行 3 行、問題のある行 2 行" in page


def cli(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_cli_guesses_saves_shows_and_imports_with_a_mapping(mic_round, tmp_path):
    rows = [["1-001", "請願・陳情の受付", "", "", "議会事務局", 30, 2, 4, 1, "受付件数", 0.2, 0]]
    path = str(mic_two_row_workbook(tmp_path / "two.xlsx", rows))
    where = ("--municipality", mic_round.municipality.code, "--fiscal-year", "2026")
    guessed = cli("survey_mapping", "guess", path, *where)
    assert "業務名 (required) ← 業務名 (100)" in guessed or "業務名（必須） ← 業務名 (100)" in guessed
    assert "所管部署" in guessed
    data = json.loads(cli("survey_mapping", "guess", path, *where, "--json"))
    assert data["columns"]["fte"] == {"header": "投入資源（担当職員数（人））", "confidence": 100}
    assert data["missing"] == []
    cli("survey_mapping", "save", "業務説明表", path, *where)
    assert "投入資源（担当職員数（人））" in cli("survey_mapping", "show", "業務説明表", *where)
    cli("survey_import", *where, path, "--mapping", "業務説明表")
    assert SurveyTask.objects.filter(survey_round=mic_round, name="請願・陳情の受付").exists()


def test_the_cli_imports_with_an_automatic_mapping_only_when_it_is_sure(mic_round, town, tmp_path):
    rows = [["1-001", "請願・陳情の受付", "", "", "議会事務局", 30, 2, 4, 1, "受付件数", 0.2, 0]]
    path = str(mic_two_row_workbook(tmp_path / "two.xlsx", rows))
    where = ("--municipality", mic_round.municipality.code, "--fiscal-year", "2026")
    cli("survey_import", *where, path, "--mapping", "auto")
    assert SurveyTask.objects.filter(survey_round=mic_round, name="請願・陳情の受付").exists()
    # Banso's full sheet needs 処理媒体 and the rest, which this file lacks: the guess is printed, status 2.
    full = SurveyRound.objects.get(municipality=town, column_set=ColumnSet.FULL)
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "survey_import",
            "--municipality",
            town.code,
            "--fiscal-year",
            str(full.fiscal_year),
            "--round",
            str(full.pk),
            path,
            "--mapping",
            "auto",
            stdout=out,
        )
    assert refused.value.returncode == 2
    assert "処理媒体" in out.getvalue()
    assert not SurveyTask.objects.filter(survey_round=full, name="請願・陳情の受付").exists()


def test_the_towns_own_columns_are_kept_with_each_task_and_come_back_on_its_sheet(mic_round, tmp_path):
    batch = mapped_import(mic_round, mic_file(tmp_path))
    assert any("備考" in p["message"] and p["severity"] == "warning" for p in batch.problems)
    minutes = SurveyTask.objects.get(survey_round=mic_round, name="会議録の作成")
    assert minutes.extra == {"備考": "委託"}
    assert SurveyTask.objects.get(survey_round=mic_round, name="請願・陳情の受付").extra == {}
    department = minutes.department
    tasks = SurveyTask.objects.filter(survey_round=mic_round, department=department).order_by("id")
    content = department_workbook_bytes(mic_round, department, services.options_of(mic_round), tasks)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet.DATA_SHEET).to_python()
    header = rows[sheet.HEADER_ROW]
    assert header[-1] == "備考"
    assert rows[sheet.FIRST_DATA_ROW + 1][-1] == "委託"
    # the sheet sent back as it is changes nothing
    returned = tmp_path / "returned.xlsx"
    returned.write_bytes(content)
    again = run_import(returned, mic_round)
    assert again.status == ImportBatch.Status.APPLIED, again.problems
    assert (again.created_count, again.updated_count) == (0, 0)
    assert SurveyTask.objects.get(pk=minutes.pk).extra == {"備考": "委託"}


def test_the_towns_own_list_words_are_read_as_the_rounds_values_once_chosen(town_staff, town, tmp_path):
    full = SurveyRound.objects.get(municipality=town, column_set=ColumnSet.FULL)
    header = ["課名", "業務名", "大分類", "件数", "分", "職種", "媒体", "押印", "対面", "状況"]
    data = [
        ["議会事務局", "請願の受付", "内部管理", 30, 20, "正職員", "紙", "要", "有", "未着手"],
        ["議会事務局", "会議録の校正", "内部管理", 12, 60, "会計年度任用職員", "紙", "不要", "無", "一部"],
    ]
    path = raw_workbook(
        tmp_path / "own.xlsx", meta=None, header=header, rows=data, sheet_name="Sheet1", header_row=0
    )
    batch = run_import(path, full)
    fields = {
        "name": "業務名",
        "category_major": "大分類",
        "annual_count": "件数",
        "minutes_per_case": "分",
        "staff_type": "職種",
        "medium": "媒体",
        "has_seal": "押印",
        "has_in_person": "対面",
        "digital_status": "状況",
    }
    services.mapping_save(batch=batch, name="町の様式", fields=fields, department_header="課名")
    batch = services.import_run(batch)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert batch.layout["unknown_values"] == {
        "digital_status": ["一部", "未着手"],
        "staff_type": ["会計年度任用職員", "正職員"],
    }
    url = reverse("survey:import", args=[town.code, full.pk, batch.pk])
    page = town_staff.get(url).content.decode()
    assert "「正職員」をどれとして読むか" in page
    read_as = reverse("survey:import_read_as", args=[town.code, full.pk, batch.pk])
    # a value the list does not have is refused, and nothing is kept
    form = {"staff_type-0": "会計年度", "staff_type-1": "正規", "digital_status-0": "済", "digital_status-1": "未"}
    refused = town_staff.post(read_as, {**form, "digital_status-0": "一部済"}, follow=True)
    assert "選択肢から値を選んでください" in refused.content.decode()
    assert ColumnMapping.objects.get(name="町の様式").values == {}
    town_staff.post(read_as, form)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems
    assert SurveyTask.objects.get(survey_round=full, name="請願の受付").staff_type == "正規"
    assert ColumnMapping.objects.get(name="町の様式").values["staff_type"] == {
        "会計年度任用職員": "会計年度",
        "正職員": "正規",
    }


def test_seasonal_volumes_give_the_annual_figure_and_are_checked_against_it(mic_round, tmp_path):
    """業務規模 as cases a month in each season, with the months of the busy and quiet seasons beside them."""
    header = [*MIC_HEADER[:6], "通常期", "繁忙期", "閑散期", "繁忙期の月", "閑散期の月", "担当職員数（人）"]
    rows = [
        # no annual total: 100 × 8 + 300 × 3 (3〜5月) + 50 × 1 (8月) = 1,750
        ["1", "転入届の受付", "", "", "住民課", None, 100, 300, 50, "3～5月", "8月", 1.0],
        # an annual total far from the seasons: kept, with a note
        ["2", "転出届の受付", "", "", "住民課", 5000, 100, 300, 50, "3月,4月", "8月", 0.8],
        # a month in both seasons: refused
        ["3", "印鑑登録", "", "", "住民課", None, 10, 30, 5, "3月,4月", "4月", 0.1],
        # a busy season without its months: refused
        ["4", "住民票の写しの交付", "", "", "住民課", None, 200, 400, None, "", "", 1.5],
    ]
    fields = {
        **{k: v for k, v in mic_fields().items() if v in header},
        "volume_normal": "通常期",
        "volume_busy": "繁忙期",
        "volume_quiet": "閑散期",
        "busy_months": "繁忙期の月",
        "quiet_months": "閑散期の月",
    }
    batch = mapped_import(mic_round, mic_file(tmp_path, rows, header), fields=fields, name="季節別", accept=True)
    by_row = {p["row"]: p for p in batch.problems if p["row"]}
    moving_in = SurveyTask.objects.get(survey_round=mic_round, name="転入届の受付")
    assert (moving_in.annual_count, moving_in.busy_months, moving_in.quiet_months) == (1750, "3,4,5", "8")
    assert by_row[3]["severity"] == "warning" and "5,000" in by_row[3]["message"]
    assert (
        by_row[4]["severity"] == "error" and "4月" in by_row[4]["message"] and "閑散期の月" in by_row[4]["column"]
    )
    assert by_row[5]["severity"] == "error" and "繁忙期の月" in by_row[5]["column"]
    assert (batch.valid_rows, batch.rejected_rows) == (2, 2)


def test_the_mapping_command_refuses_an_unknown_column_or_a_mapping_that_misses_what_the_round_needs(
    mic_round, town, tmp_path
):
    path = str(mic_file(tmp_path))
    where = ("--municipality", town.code, "--fiscal-year", "2026", "--round", str(mic_round.pk))
    with pytest.raises(CommandError, match="列「nosuch」はありません"):
        cli("survey_mapping", "save", "誤り", path, *where, "--set", "nosuch=業務名")
    full = SurveyRound.objects.get(municipality=town, column_set=ColumnSet.FULL)
    at_full = ("--municipality", town.code, "--fiscal-year", str(full.fiscal_year), "--round", str(full.pk))
    with pytest.raises(CommandError, match="処理媒体"):
        cli("survey_mapping", "save", "足りない", path, *at_full)
    with pytest.raises(CommandError, match="「ない」という列の対応付けは保存されていません"):
        cli("survey_mapping", "show", "ない", *where)
    assert not town.survey_mappings.filter(name__in=["誤り", "足りない"]).exists()
