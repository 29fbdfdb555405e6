"""Uploaded workbooks are read through Django's storage API only, so they may live on storage that several web
processes and workers share; names users typed reach file names, zip entries and headers only made safe."""

from django.conf import settings
from django.test import override_settings

from banso.orgs.models import Department
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import own_workbook, row, run_import

ELSEWHERE = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def test_an_upload_kept_on_storage_without_local_paths_is_imported(town, tmp_path):
    survey_round = SurveyRound.objects.get(municipality=town)
    department = Department.objects.get(municipality=town, name="議会事務局")
    path = own_workbook(tmp_path / "sheet.xlsx", survey_round, department, [row("請願の受付")])
    with override_settings(STORAGES=ELSEWHERE):
        batch = run_import(path, survey_round)
        assert "InMemory" in type(batch.file.storage._wrapped).__name__  # the file is nowhere on this disk
    assert batch.status == ImportBatch.Status.APPLIED
    assert SurveyTask.objects.filter(survey_round=survey_round, name="請願の受付").exists()


def test_a_department_name_cannot_climb_out_of_the_zip_or_break_the_download_header(town_staff, town):
    import io
    import zipfile

    from django.urls import reverse

    survey_round = SurveyRound.objects.get(municipality=town)
    Department.objects.filter(municipality=town, name="議会事務局").update(name="../../x\r\nX-Injected: 1")
    response = town_staff.get(reverse("survey:templates_zip", args=[town.code, survey_round.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names and not any("/" in n or "\\" in n or "\r" in n or "\n" in n for n in names)
    assert any("X-Injected" in n for n in names)  # the name is kept readable, only made safe
    assert "\r" not in response["Content-Disposition"] and "X-Injected" not in response.headers


def test_rows_and_formulas_are_found_in_the_sheets_xml_across_its_chunks(tmp_path):
    import xlsxwriter

    from banso.core.uploads import formula_cells, inspect_xlsx, rows_with_cells, scan_sheet

    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("業務一覧")
    for r in range(6000):  # about 2 MB of XML: several chunks, with a formula in every 7th row
        sheet.write_row(r, 0, [f"業務{r}", "説明" * 40, r])
        if r % 7 == 0:
            sheet.write_formula(r, 3, f"=C{r + 1}*2")
    sheet.set_row(7000, 20)  # a row that is only formatted does not count
    book.close()
    info = inspect_xlsx(path)
    assert rows_with_cells(info, "業務一覧", more_than=10_000) == 6000
    assert 10 < rows_with_cells(info, "業務一覧", more_than=10) < 6000  # stops soon after the limit
    assert formula_cells(info, "業務一覧") == {(r, 3) for r in range(0, 6000, 7)}
    assert scan_sheet(info, "業務一覧", more_than=10_000).formulas == formula_cells(info, "業務一覧")


def test_a_sheet_too_long_is_refused_before_it_is_read(town, tmp_path, monkeypatch):
    from banso.survey import reader

    survey_round = SurveyRound.objects.get(municipality=town)
    department = Department.objects.get(municipality=town, name="議会事務局")
    path = own_workbook(tmp_path / "long.xlsx", survey_round, department, [row(f"業務{i}") for i in range(40)])
    monkeypatch.setattr(reader, "LONGEST_SHEET", 30)
    opened = []
    monkeypatch.setattr(reader, "_sheet_rows", lambda found: opened.append(found) or iter(()))
    batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert [p["message"] for p in batch.problems] == [
        "シートの行数が 100,000 行を超えています。複数のファイルに分けてください。"
    ]
    assert not opened  # the sheet's rows were never read
