"""From hearing notes to a printed plan, as the DX office does it in a browser; every page checked with axe."""

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def _setup_hearings():
    from banso.core.audit import acting_as
    from banso.hearings.demo import create_sample_hearings
    from banso.orgs.models import Municipality

    with acting_as(None, label="browser test setup"):
        create_sample_hearings(Municipality.objects.get(code="999997"))


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"plan-{name}.png"), full_page=True)
    assert_accessible(page)


def test_it_goes_from_a_heard_challenge_to_a_printed_plan(browser, site, tmp_path):
    import pypdfium2

    _setup_hearings()
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/plans/")
    shot(page, "empty")
    page.get_by_role("link", name="計画をつくる").first.click()
    page.get_by_label("名称").fill("サンプル町DX推進計画（第2期）")
    page.get_by_label("開始年度").fill("R8")
    page.get_by_label("終了年度").fill("令和11年度")
    page.get_by_label("コンセプト").fill("雪の日も、役場に来なくていい町へ")
    page.get_by_role("button", name="保存する").click()
    assert shows(page, "令和8年度〜令和11年度")
    page.get_by_role("link", name="フェーズを追加").click()
    page.get_by_label("順番").fill("1")
    page.get_by_label("名称").fill("役場の中のデジタイゼーション")
    page.get_by_label("開始年度").fill("R8")
    page.get_by_label("終了年度").fill("R9")
    page.get_by_role("button", name="保存する").click()

    # 「施策にする」 on the challenges list starts a measure with the challenge's words and link.
    page.goto(f"{site}/m/999997/challenges/")
    from banso.hearings.models import Challenge

    snow = Challenge.objects.get(municipality__code="999997", title="除雪の要望や苦情の電話が朝に集中する")
    page.locator(f'a[href$="?challenge={snow.pk}"]').click()
    assert page.get_by_label("名称").input_value() == "除雪の要望や苦情の電話が朝に集中する"
    page.get_by_label("名称").fill("除雪情報のデジタル発信")
    page.get_by_label("番号").fill("3-1")
    page.get_by_label("令和8年度（2026年度）のステップ").fill("除雪車にGPSを付ける")
    page.get_by_label("令和9年度（2027年度）のステップ").fill("除雪状況の地図公開")
    shot(page, "measure-form")
    page.get_by_role("button", name="保存する").click()
    assert shows(page, "除雪車にGPSを付ける")

    page.get_by_role("link", name="KPI を追加").click()
    page.get_by_label("名称").fill("除雪に関する電話の件数")
    page.get_by_label("単位").fill("件/年")
    page.get_by_label("令和10年度（2028年度）の目標値").fill("600")
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("button", name="文章からタグを提案").click()
    shot(page, "measure")

    page.get_by_role("link", name="ロードマップ").click()
    assert shows(page, "除雪車にGPSを付ける")
    shot(page, "roadmap")
    page.emulate_media(media="print")
    # The page's own print stylesheet chooses landscape (a named page), as a user's Ctrl+P would get it.
    printed = page.pdf(path=str(SHOTS / "plan-roadmap-print.pdf"), prefer_css_page_size=True)
    roadmap_pdf = pypdfium2.PdfDocument(printed)
    width, height = roadmap_pdf[0].get_size()
    assert width > height, "the roadmap should print on landscape pages"
    roadmap_pdf.close()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="概要").click()
    shot(page, "detail")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    pdf_path = tmp_path / "plan.pdf"
    download.value.save_as(pdf_path)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    text = "".join(p.get_textpage().get_text_range() for p in pdf)
    assert "除雪車にGPSを付ける" in text
    assert "除雪の要望や苦情の電話が朝に集中する" in text
    for index, pdf_page in enumerate(pdf):  # every page as a picture, for a person to look through
        pdf_page.render(scale=1).to_pil().save(SHOTS / f"plan-pdf-{index + 1:02d}.png")
    page.close()


def test_it_shows_versions_and_their_comparison_accessibly(browser, site):
    from banso.core.audit import acting_as
    from banso.orgs.models import Municipality
    from banso.plans.demo import create_sample_plan

    _setup_hearings()
    with acting_as(None, label="browser test setup"):
        town = Municipality.objects.get(code="999997")
        plan = create_sample_plan(town) or town.plans.get(title="サンプル町DX推進計画")
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/plans/{plan.pk}/versions/")
    shot(page, "versions")
    latest = plan.versions.first()  # 第1.1版: the demo changed 3-2's budget after issuing it
    page.locator(f'a[href$="compare/?a={latest.pk}"]').click()
    assert shows(page, "3-2")
    shot(page, "compare")
    page.goto(f"{site}/m/999997/plans/{plan.pk}/alignment/")
    shot(page, "alignment")
    page.goto(f"{site}/m/999997/plans/{plan.pk}/roadmap/")
    shot(page, "roadmap-demo")
    page.close()
    phone = log_in(browser, site, "dept-staff", width=390)
    phone.goto(f"{site}/m/999997/plans/{plan.pk}/roadmap/")
    phone.screenshot(path=str(SHOTS / "plan-roadmap-phone.png"), full_page=True)
    assert shows(phone, "書かない窓口の導入")
    assert "文書の電子決裁化" not in phone.content()
    phone.close()
