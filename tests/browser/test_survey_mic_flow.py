"""A DX officer whose town uses 総務省's 業務説明表 brings a department's workbook in, in a browser, without
retyping: upload, confirm the guessed columns, read the town's own words as the round's, import the valid rows,
read the analysis. Every page is checked with axe and photographed at 1280 and 390 px."""

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"survey-mic-{name}.png"), full_page=True)
    assert_accessible(page)


def mic_round():
    """サンプル町 asks this year in its own columns, the 業務説明表's, for the three departments of the file."""
    from banso.core.audit import acting_as
    from banso.orgs.models import Municipality
    from banso.survey.tests.test_mic_fit import town_layout_round

    with acting_as(None, label="browser test setup"):
        return town_layout_round(Municipality.objects.get(code="999997"))


def test_a_towns_mic_workbook_comes_in_and_is_analysed(browser, site, tmp_path):
    from banso.survey.models import ImportBatch, SurveyTask
    from banso.survey.tests.test_mic_fit import BAD, town_rows, write_town_workbook

    survey_round = mic_round()
    workbook = write_town_workbook(tmp_path / "見本町_業務説明表.xlsx", town_rows())
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/")
    page.get_by_label("記入済みの調査票（.xlsx）").set_input_files(str(workbook))
    page.get_by_role("button", name="アップロードして確認").click()
    page.wait_for_url("**/imports/**")
    with page.expect_navigation():
        page.get_by_role("link", name="列の対応付け").click()

    # The guessed columns, each with how sure the guess is; the department column found by its header.
    assert page.get_by_label("年間件数").input_value() == "業務規模（年間総計）"
    assert page.get_by_label("部署名の列").input_value() == "所管部署"
    assert shows(page, "推測の確からしさ")
    shot(page, "mapping")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "survey-mic-mapping-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("button", name="対応付けを保存してファイルを確認する").click()
    page.wait_for_selector("#import-status .alert")

    # Messages in the file's own words; the town's own 職員区分 words offered to be read as the round's.
    content = page.content()
    assert "業務規模（年間総計）" in content and "随時" in content and "企画課" in content
    page.get_by_label("職員区分：「正職員」をどれとして読むか").select_option("正規")
    page.get_by_label("職員区分：「会計年度任用職員」をどれとして読むか").select_option("会計年度")
    shot(page, "read-as")
    with page.expect_navigation():
        page.get_by_role("button", name="この読み方で確認し直す").click()
    page.wait_for_selector("#import-status .alert")
    valid = 300 - len(BAD)
    with page.expect_navigation():
        page.get_by_role("button", name=f"有効な {valid} 行だけを取り込む").click()
    page.wait_for_selector("#import-status .alert")
    shot(page, "imported")
    batch = ImportBatch.objects.filter(survey_round=survey_round).latest("id")
    assert batch.status == ImportBatch.Status.PARTIAL
    assert SurveyTask.objects.filter(survey_round=survey_round).count() == valid

    # The analysis computes what the answers allow and says what it cannot.
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/analysis/")
    content = page.content()
    assert "部署別の業務時間" in content and "押印：この調査は押印の有無を尋ねていません" in content
    assert "押印のある業務は" not in content  # no figure for what was not asked
    shot(page, "analysis")

    # Taken back from the import's page: every task it created goes, found by the import that wrote it.
    page.goto(f"{site}/m/999997/survey/{survey_round.pk}/imports/{batch.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="この取り込みを取り消す").click()
    assert shows(page, "取り込みを取り消しました")
    shot(page, "rolled-back")
    assert not SurveyTask.objects.filter(survey_round=survey_round).exists()
