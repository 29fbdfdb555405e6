"""A DX officer searches the case library, types a challenge in plain Japanese, gets the right peers first with
their reasons, adopts one into the plan; the prefecture reviews and publishes the town's own case."""

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"cases-{name}.png"), full_page=True)
    assert_accessible(page)


@pytest.fixture
def library_site(demo_site):
    from banso.cases.demo import create_sample_cases
    from banso.core.audit import acting_as

    with acting_as(None, label="browser test setup"):
        create_sample_cases()
    return demo_site


def test_it_finds_peers_for_a_typed_challenge_and_adopts_one(browser, library_site):
    from banso.plans.models import Measure

    site = library_site
    page = log_in(browser, site, "dx-staff")
    page.get_by_role("link", name="事例ライブラリ").click()
    page.get_by_label("事例を検索").fill("ｽﾏﾎ 高齢者")
    page.get_by_label("事例を検索").press("Enter")
    page.wait_for_load_state()
    first = page.locator(".result").first
    assert "携帯ショップのない町" in first.inner_text()
    assert first.locator("mark").first.inner_text() == "スマホ"  # marked as written, though typed in half-width
    shot(page, "search")
    page.locator(".facets").get_by_role("link", name="デジタルデバイド対策").first.click()
    page.wait_for_load_state()
    assert page.locator(".facet__selected").count() == 1
    shot(page, "search-facet")

    page.goto(f"{site}/cases/")
    page.get_by_role("link", name="サンプル町へのおすすめ").click()
    page.get_by_label("課題をふだんの言葉で書いてください").fill("高齢者がスマホの使い方を相談できる場所がない")
    page.get_by_role("button", name="事例を探す").click()
    page.wait_for_load_state()
    top = page.locator(".result").first
    assert "携帯ショップのない町に常設のスマホ相談窓口" in top.inner_text()
    reasons = top.locator(".reasons li").all_inner_texts()
    assert reasons[0].startswith("共通する言葉：") and "相談" in reasons[0]
    assert any(r.startswith("人口規模が近い") for r in reasons)
    shot(page, "recommended")
    top.get_by_role("button", name="自分の計画に取り入れる").click()
    page.wait_for_load_state()
    # The town picks the 方針 it goes under, with the case's own text beside the choice.
    assert shows(page, "取り入れ元の記述（参考）")
    shot(page, "adopt-choose-policy")
    page.get_by_label("置く方針").select_option(index=1)
    page.get_by_role("button", name="下書きとして取り入れる").click()
    page.wait_for_load_state()
    measure = Measure.objects.get(plan__municipality__code="999997", adopted_from__case_link__isnull=False)
    assert shows(page, f"下書きの施策 {measure.number} として計画に取り入れました")
    assert measure.is_draft and measure.policy is not None
    assert shows(page, "この施策を開始して報告の対象にする")
    assert measure.adopted_from.case_link.case.municipality.name == "上士幌町"
    page.locator(".similar-cases h2").wait_for()  # similar cases arrive by htmx
    assert shows(page, "他団体の似た事例")
    shot(page, "adopted-measure")
    page.close()


def test_it_has_the_prefecture_publish_the_towns_case(browser, library_site):
    page = log_in(browser, library_site, "pref-staff")
    page.goto(f"{library_site}/cases/")
    page.get_by_role("link", name="サンプル町：転入手続の「書かない窓口」を住民課で試行").click()
    shot(page, "review")
    page.get_by_label("作成者へのコメント").fill("出典を確認しました。")
    page.get_by_role("button", name="公開する").click()
    page.wait_for_load_state()
    assert shows(page, "事例を「公開」にしました")
    page.close()


def test_it_fits_a_phone(browser, library_site):
    page = log_in(browser, library_site, "dx-staff", width=390)
    page.goto(f"{library_site}/cases/?q=除雪")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone")
    page.close()
