"""The prefecture sees every town on one page, an advisor produces a report, a town adopts a neighbour's measure."""

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


@pytest.fixture
def programme_site(demo_site):
    from banso.core.audit import acting_as
    from banso.programs.demo import create_sample_programme

    with acting_as(None, label="browser test setup"):
        create_sample_programme()
    return demo_site


def _save_pages(pdf_path, name):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    for index, page in enumerate(pdf):
        page.render(scale=1).to_pil().save(SHOTS / f"{name}-{index + 1:02d}.png")
    return "".join(p.get_textpage().get_text_range() for p in pdf)


def test_it_shows_the_prefecture_every_town_and_prints_the_overview(browser, programme_site, tmp_path):
    page = log_in(browser, programme_site, "pref-staff")
    page.get_by_role("link", name="広域連携・伴走支援").first.click()
    page.locator("a[href^='/programmes/']").filter(has_text="地域DX推進事業").first.click()
    assert shows(page, "見本町")
    assert shows(page, "サンプル町")
    page.screenshot(path=str(SHOTS / "programme.png"), full_page=True)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="概要 PDF").click()
    download.value.save_as(tmp_path / "overview.pdf")
    text = _save_pages(tmp_path / "overview.pdf", "programme-overview")
    assert "支援地域・取組分野・伴走支援事業者" in text
    assert "窓口DX" in text
    page.close()


def test_it_lets_an_advisor_log_support_and_download_the_report(browser, programme_site, tmp_path):
    page = log_in(browser, programme_site, "advisor")
    page.goto(f"{programme_site}/m/999997/support/")
    page.get_by_text("活動を記録する").click()
    page.locator("#id_a-kind").select_option("workshop")
    page.locator("#id_a-category").select_option("people")
    page.locator("#id_a-title").fill("ノーコードでの申請フォームづくり")
    page.locator("form:has(#id_a-title) button[type=submit]").click()
    assert shows(page, "活動を記録しました")
    page.screenshot(path=str(SHOTS / "support.png"), full_page=True)
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href*='/support/report/'][href$='format=pdf']").first.click()
    download.value.save_as(tmp_path / "report.pdf")
    text = _save_pages(tmp_path / "report.pdf", "advisor-report")
    assert "派遣先の概要" in text
    assert "ノーコードでの申請フォームづくり" in text
    page.close()


def test_it_lets_a_town_adopt_a_neighbours_published_measure(browser, programme_site):
    from banso.plans.models import Measure
    from banso.programs.models import Programme

    programme = Programme.objects.get(owner_prefecture__code="990001")
    online = Measure.objects.get(plan__municipality__code="999997", number="1-2")
    page = log_in(browser, programme_site, "other-dx")
    page.goto(f"{programme_site}/programmes/{programme.pk}/")
    page.locator(f"form[action$='/adopt/{online.pk}/'] button").click()
    assert shows(page, "取り入れ元の記述（参考）")  # the neighbour's words, beside the choice of 方針
    if page.get_by_label("置く方針").count():
        page.get_by_label("置く方針").select_option(index=1)
    page.get_by_role("button", name="下書きとして取り入れる").click()
    assert shows(page, "計画に取り入れました")
    assert shows(page, "オンライン申請とコンビニ交付の拡充")
    assert shows(page, "ほかから取り入れた下書きです")
    page.screenshot(path=str(SHOTS / "adopted.png"), full_page=True)
    assert_accessible(page)
    page.close()
