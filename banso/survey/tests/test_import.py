import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from banso.orgs.models import Department
from banso.survey import services, sheet
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import (
    HEADERS,
    as_list,
    meta_for,
    own_workbook,
    raw_workbook,
    read_cells,
    row,
    run_import,
    zip_bomb,
)
from banso.survey.workbook import department_workbook_bytes


@pytest.fixture
def survey_round(town):
    return SurveyRound.objects.get(municipality=town)


@pytest.fixture
def assembly(town):
    """議会事務局: in the round, has not answered yet."""
    return Department.objects.get(municipality=town, name="議会事務局")


def messages(batch):
    return [p["message"] for p in batch.problems if p["severity"] == "error"]


def test_it_writes_a_sheet_with_guide_lists_protection_and_the_department(tmp_path, survey_round, assembly):
    content = department_workbook_bytes(survey_round, assembly, services.options_of(survey_round), [])
    archive = zipfile.ZipFile(__import__("io").BytesIO(content))
    xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "sheetProtection" in xml
    assert "dataValidation" in xml
    data = read_cells(content, sheet.DATA_SHEET)
    assert "議会事務局" in data[0][1]
    assert data[sheet.HEADER_ROW][1] == "業務名"
    assert data[sheet.EXAMPLE_ROW][0] == sheet.EXAMPLE_MARK
    guide = read_cells(content, sheet.GUIDE_SHEET)
    assert any("提出期限" in str(r[0]) for r in guide)


def test_it_imports_a_filled_sheet_and_computes_hours(tmp_path, survey_round, assembly):
    path = own_workbook(
        tmp_path / "a.xlsx",
        survey_round,
        assembly,
        [
            row("本会議の会議録作成", annual_count=40, minutes_per_case=240, staff_per_case=2, medium="Excel"),
            row("議員の報酬支払", annual_count=None, minutes_per_case=None, fte=Decimal("0.5")),
        ],
    )
    before = timezone.now()
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems
    hours = dict(SurveyTask.objects.filter(department=assembly).values_list("name", "annual_hours"))
    assert hours == {"本会議の会議録作成": Decimal("320.0"), "議員の報酬支払": Decimal("900.0")}
    # Written when the import ran (on PostgreSQL sent to COPY as text, offset included).
    for created, updated in SurveyTask.objects.filter(department=assembly).values_list("created_at", "updated_at"):
        assert before <= created <= updated <= timezone.now()


def test_it_returns_the_answers_with_row_ids_and_updates_instead_of_duplicating(tmp_path, survey_round, assembly):
    run_import(
        own_workbook(tmp_path / "a.xlsx", survey_round, assembly, [row("請願の受付"), row("議会だよりの編集")]),
        survey_round,
    )
    tasks = list(SurveyTask.objects.filter(department=assembly).order_by("id"))
    content = department_workbook_bytes(survey_round, assembly, services.options_of(survey_round), tasks)
    data = read_cells(content, sheet.DATA_SHEET)
    assert data[sheet.FIRST_DATA_ROW][0] == str(tasks[0].row_key)
    # The department corrects one answer and renames the other in its returned sheet.
    values = [
        {**row(), **{k: getattr(t, k) for k in ("name", "annual_count")}, "row_key": str(t.row_key)} for t in tasks
    ]
    values[0]["annual_count"] = 99
    values[1]["name"] = "議会広報紙の編集"
    batch = run_import(own_workbook(tmp_path / "b.xlsx", survey_round, assembly, values), survey_round)
    assert (batch.created_count, batch.updated_count) == (0, 2)
    assert SurveyTask.objects.filter(department=assembly).count() == 2
    assert SurveyTask.objects.get(row_key=tasks[0].row_key).annual_count == 99


def test_it_reports_every_problem_with_sheet_row_and_column_and_writes_nothing(tmp_path, survey_round, assembly):
    bad = [
        row("", annual_count=10),  # missing name
        row("A", annual_count="たくさん"),
        row("B", medium="FAX"),
        row("C", minutes_per_case=-5),
        row("D"),
        row("D"),  # duplicate
        row("E", has_seal="たぶん"),
    ]
    path = raw_workbook(
        tmp_path / "bad.xlsx",
        meta=meta_for(survey_round, assembly),
        header=HEADERS,
        rows=[as_list(r) for r in bad],
    )
    before = SurveyTask.objects.count()
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert SurveyTask.objects.count() == before
    problems = {(p["row"], p["field"]): p for p in batch.problems if p["severity"] == "error"}
    first = sheet.HEADER_ROW + 2
    assert "必須" in problems[(first, "name")]["message"]
    assert problems[(first, "name")]["sheet"] == sheet.DATA_SHEET
    assert problems[(first, "name")]["column"].startswith("B")
    assert "数値ではありません" in problems[(first + 1, "annual_count")]["message"]
    assert "一覧にありません" in problems[(first + 2, "medium")]["message"]
    assert "マイナス" in problems[(first + 3, "minutes_per_case")]["message"]
    assert "2回" in problems[(first + 5, "name")]["message"]
    assert "有" in problems[(first + 6, "has_seal")]["message"]


def test_it_imports_only_the_valid_rows_when_asked_and_says_so(tmp_path, survey_round, assembly):
    path = raw_workbook(
        tmp_path / "bad.xlsx",
        meta=meta_for(survey_round, assembly),
        header=HEADERS,
        rows=[as_list(row("良い行")), as_list(row("悪い行", medium="FAX"))],
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert batch.valid_rows == 1
    batch = services.import_run(batch, accept_valid_rows=True)
    assert batch.status == ImportBatch.Status.PARTIAL
    assert batch.rejected_rows == 1
    assert list(SurveyTask.objects.filter(department=assembly).values_list("name", flat=True)) == ["良い行"]


def test_it_rolls_an_import_back(tmp_path, survey_round, town):
    department = Department.objects.get(municipality=town, name="会計課")
    tasks = list(SurveyTask.objects.filter(department=department).order_by("id"))
    values = [{**row(t.name), "row_key": str(t.row_key), "annual_count": 1} for t in tasks] + [row("新しい業務")]
    batch = run_import(own_workbook(tmp_path / "c.xlsx", survey_round, department, values), survey_round)
    assert (batch.created_count, batch.updated_count) == (1, len(tasks))
    services.import_rollback(batch=batch)
    after = list(SurveyTask.objects.filter(department=department).order_by("id"))
    assert [(t.name, t.annual_count) for t in after] == [(t.name, t.annual_count) for t in tasks]


def test_rolling_back_two_imports_in_turn_leaves_the_department_as_before_them(tmp_path, survey_round, town):
    department = Department.objects.get(municipality=town, name="会計課")
    before = sorted(SurveyTask.objects.filter(department=department).values_list("name", "annual_count"))
    first = run_import(
        own_workbook(tmp_path / "1.xlsx", survey_round, department, [row("新しい業務"), row("もう一つの業務")]),
        survey_round,
    )
    created = SurveyTask.objects.get(department=department, name="新しい業務")
    second = run_import(
        own_workbook(
            tmp_path / "2.xlsx",
            survey_round,
            department,
            [{**row("新しい業務"), "row_key": str(created.row_key), "annual_count": 7}, row("三つ目の業務")],
        ),
        survey_round,
    )
    assert (second.created_count, second.updated_count) == (1, 1)
    with pytest.raises(ValidationError):  # the later import first
        services.import_rollback(batch=first)
    services.import_rollback(batch=second)
    assert SurveyTask.objects.get(pk=created.pk).annual_count == 1200  # as the first import wrote it
    services.import_rollback(batch=first)
    assert sorted(SurveyTask.objects.filter(department=department).values_list("name", "annual_count")) == before


def test_an_import_that_listed_the_tasks_it_created_still_rolls_back(tmp_path, survey_round, town):
    department = Department.objects.get(municipality=town, name="会計課")
    batch = run_import(
        own_workbook(tmp_path / "1.xlsx", survey_round, department, [row("新しい業務")]), survey_round
    )
    created = SurveyTask.objects.get(department=department, name="新しい業務")
    created.import_batch = None  # as if written by an import made before tasks named it
    created.save()
    batch.undo = {**batch.undo, "created": [str(created.row_key)]}
    batch.save()
    services.import_rollback(batch=batch)
    assert not SurveyTask.objects.filter(pk=created.pk).exists()


def test_it_accepts_full_width_digits_units_and_spaces(tmp_path, survey_round, assembly):
    values = as_list(
        row(
            "　請願の受付　",
            annual_count="１，２００件",
            minutes_per_case="１５",
            medium="Ｅｘｃｅｌ",
            has_seal="あり",
        )
    )
    path = raw_workbook(tmp_path / "w.xlsx", meta=meta_for(survey_round, assembly), header=HEADERS, rows=[values])
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems
    task = SurveyTask.objects.get(department=assembly)
    assert (task.name, task.annual_count, task.medium, task.has_seal) == ("請願の受付", 1200, "Excel", True)


def test_it_accepts_reordered_and_renamed_columns(tmp_path, survey_round, assembly):
    values = as_list(row("請願の受付"))
    headers = list(HEADERS)
    headers[HEADERS.index("業務名")] = "業務名称"
    order = list(reversed(range(len(headers))))
    path = raw_workbook(
        tmp_path / "r.xlsx",
        meta=meta_for(survey_round, assembly),
        header=[headers[i] for i in order],
        rows=[[values[i] for i in order]],
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems


def test_it_names_missing_columns(tmp_path, survey_round, assembly):
    keep = [i for i, h in enumerate(HEADERS) if h not in ("処理媒体", "押印の有無")]
    path = raw_workbook(
        tmp_path / "m.xlsx",
        meta=meta_for(survey_round, assembly),
        header=[HEADERS[i] for i in keep],
        rows=[[as_list(row())[i] for i in keep]],
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert any("処理媒体" in m and "押印の有無" in m for m in messages(batch))


def test_it_refuses_formulas_and_dates_in_number_cells(tmp_path, survey_round, assembly):
    count_col = HEADERS.index("年間件数")
    minutes_col = HEADERS.index("1件あたり処理時間（分）")
    path = raw_workbook(
        tmp_path / "f.xlsx",
        meta=meta_for(survey_round, assembly),
        header=HEADERS,
        rows=[as_list(row("A")), as_list(row("B"))],
        formulas={(0, count_col)},
        dates={(1, minutes_col)},
    )
    batch = run_import(path, survey_round)
    errors = {(p["row"], p["field"]): p["message"] for p in batch.problems if p["severity"] == "error"}
    first = sheet.HEADER_ROW + 2
    assert "数式" in errors[(first, "annual_count")]
    assert "日付" in errors[(first + 1, "minutes_per_case")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"fiscal_year": 2019}, "令和元年度"),
        ({"municipality_code": "999989"}, "別の自治体"),
        ({"department_id": 999999, "department_name": "存在しない課"}, "存在しない課"),
    ],
)
def test_it_refuses_a_sheet_for_another_year_town_or_department(
    tmp_path, survey_round, assembly, changes, expected
):
    path = raw_workbook(
        tmp_path / "o.xlsx",
        meta=meta_for(survey_round, assembly, **changes),
        header=HEADERS,
        rows=[as_list(row())],
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert any(expected in m for m in messages(batch))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name,count\n1,2\n", "Excel ブック"),
        (b"PK\x03\x04broken", "壊れて"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "パスワード"),
        (b"", "空"),
    ],
)
def test_it_explains_files_it_cannot_open(tmp_path, survey_round, content, expected):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.REJECTED
    assert expected in batch.problems[0]["message"]


def test_it_refuses_an_archive_that_inflates_far_beyond_its_size(tmp_path, survey_round):
    batch = run_import(zip_bomb(tmp_path / "bomb.xlsx"), survey_round)
    assert batch.status == ImportBatch.Status.REJECTED
    assert "展開" in batch.problems[0]["message"]


def test_it_refuses_a_file_over_the_size_limit(tmp_path, survey_round, assembly, settings):
    from banso.core.uploads import UploadError

    settings.BANSO_MAX_UPLOAD_BYTES = 1000
    path = own_workbook(tmp_path / "big.xlsx", survey_round, assembly, [row()])
    with pytest.raises(UploadError, match="MB"):
        run_import(path, survey_round)


def test_it_warns_when_the_hours_exceed_the_departments_capacity(tmp_path, survey_round, assembly):
    Department.objects.filter(pk=assembly.pk).update(staff_count=1)
    path = own_workbook(
        tmp_path / "cap.xlsx", survey_round, assembly, [row("会議録", annual_count=1000, minutes_per_case=240)]
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert any("職員" in m and "4,000" in m for m in messages(batch))


def test_it_maps_another_layout_once_and_reuses_the_mapping(tmp_path, survey_round, assembly):
    header = ["課名", "事務の名称", "区分", "件数/年", "分/件", "紙or電子", "押印", "来庁", "職種", "状況"]
    data = [["議会事務局", "請願の受付", "住民サービス・窓口", 30, 20, "紙", "有", "有", "正規", "未"]]
    path = raw_workbook(
        tmp_path / "other.xlsx", meta=None, header=header, rows=data, sheet_name="Sheet1", header_row=0
    )
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    assert batch.layout["headers"] == header
    fields = {
        "name": "事務の名称",
        "category_major": "区分",
        "annual_count": "件数/年",
        "minutes_per_case": "分/件",
        "medium": "紙or電子",
        "has_seal": "押印",
        "has_in_person": "来庁",
        "staff_type": "職種",
        "digital_status": "状況",
    }
    services.mapping_save(batch=batch, name="旧様式", fields=fields, department_header="課名")
    batch = services.import_run(batch)
    assert batch.status == ImportBatch.Status.APPLIED, batch.problems
    assert SurveyTask.objects.filter(department=assembly, name="請願の受付").exists()
    again = run_import(
        raw_workbook(
            tmp_path / "other2.xlsx", meta=None, header=header, rows=data, sheet_name="Sheet1", header_row=0
        ),
        survey_round,
    )
    assert services.saved_mapping_for(again).name == "旧様式"


def test_it_guesses_renamed_headers_for_the_mapping_step():
    from banso.survey.reader import guess_mapping

    guesses = guess_mapping(["業務名称", "年間処理件数", "処理時間(分)", "媒体", "押印有無"])
    assert guesses["name"] == "業務名称"
    assert guesses["annual_count"] == "年間処理件数"
    assert guesses["medium"] == "媒体"


def test_it_reports_progress_while_it_checks_a_large_sheet(tmp_path, survey_round, assembly):
    from banso.survey.reader import read_workbook

    rows = [row(f"請願の受付 {i}", annual_count=1, minutes_per_case=1) for i in range(1200)]
    path = own_workbook(tmp_path / "big.xlsx", survey_round, assembly, rows)
    seen = []
    read_workbook(path, services.build_context(survey_round), progress=lambda done, total: seen.append(done))
    assert seen[0] == 1000 and seen[-1] > 1200  # every 1,000 rows, then every row of the sheet
