"""A department downloads its sheet, fills it, uploads it, fixes what the report says; the DX office reads the analysis."""

import re

import pytest

from banso.survey import sheet
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import HEADERS, as_list, raw_workbook, read_cells, row
from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def filled_copy(downloaded, path, extra_row):
    """What the department does in Excel: keep the sheet's answers and ids, add a line."""
    content = downloaded.read_bytes()
    meta = {str(r[0]): str(r[1]) for r in read_cells(content, sheet.META_SHEET)}
    data = read_cells(content, sheet.DATA_SHEET)
    answers = [r for r in data[sheet.FIRST_DATA_ROW :] if any(str(c).strip() for c in r)]
    return raw_workbook(path, meta=meta, header=HEADERS, rows=[*answers, as_list(extra_row)])


def upload(page, path):
    page.get_by_label("記入済みの調査票（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="アップロードして確認").click()
    page.wait_for_url("**/imports/**")
    page.wait_for_selector("#import-status .alert")


def test_it_takes_a_department_from_download_to_analysis(browser, site, tmp_path):
    page = log_in(browser, site, "dept-staff")
    assert "提出してください" not in page.content()  # 住民課 already answered in the sample
    survey_round = SurveyRound.objects.get(municipality__code="999997")
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/")
    page.screenshot(path=str(SHOTS / "survey-department.png"), full_page=True)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("調査票をダウンロード.*住民課")).click()
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    assert downloaded.name.endswith("住民課.xlsx")

    upload(
        page, filled_copy(downloaded, tmp_path / "bad.xlsx", row("住民票の郵送請求の受付", annual_count="多数"))
    )
    assert shows(page, "問題があります")
    assert shows(page, "数値ではありません")
    page.screenshot(path=str(SHOTS / "survey-import-errors.png"), full_page=True)
    assert_accessible(page)
    assert not SurveyTask.objects.filter(name="住民票の郵送請求の受付").exists()

    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/")
    upload(page, filled_copy(downloaded, tmp_path / "good.xlsx", row("住民票の郵送請求の受付", annual_count=320)))
    assert shows(page, "取り込みました")
    batch = ImportBatch.objects.latest("id")
    assert (batch.created_count, batch.updated_count, batch.uploaded_by.username) == (1, 0, "dept-staff")
    page.get_by_role("link", name="調査に戻る").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="分析を見る").click()
    page.wait_for_url("**/analysis/")
    page.wait_for_load_state()
    assert shows(page, "部署別の業務時間")
    assert shows(page, "住民票の郵送請求の受付")
    page.screenshot(path=str(SHOTS / "survey-analysis-department.png"), full_page=True)
    assert_accessible(page)
    page.close()

    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/analysis/")
    assert shows(page, "部署別の業務時間") or shows(page, "住民票の郵送請求の受付")
    page.screenshot(path=str(SHOTS / "survey-analysis.png"), full_page=True)
    assert_accessible(page)
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/")
    assert shows(page, "議会事務局")
    assert shows(page, "未提出")
    page.screenshot(path=str(SHOTS / "survey-round.png"), full_page=True)
    assert_accessible(page)
    page.close()
