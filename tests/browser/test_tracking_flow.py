"""An owner reports from the inbox, the DX office reads the dashboard, a resident reads the public page on a phone."""

import time

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def test_it_lets_an_owner_report_from_the_inbox_in_under_a_minute(browser, demo_site):
    page = log_in(browser, demo_site, "dept-staff")
    started = time.monotonic()
    page.goto(f"{demo_site}/m/999997/tracking/inbox/")
    page.screenshot(path=str(SHOTS / "tracking-inbox.png"), full_page=True)
    assert_accessible(page)
    page.locator("a.button", has_text="報告する").first.click()
    page.get_by_label("進み具合").fill("転入手続で試行を始めた。")
    page.locator("input[name^='kpi_']").first.fill("2")
    page.screenshot(path=str(SHOTS / "tracking-update.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="報告を保存する").click()
    assert shows(page, "保存しました")
    assert time.monotonic() - started < 60
    page.close()


def test_it_shows_the_dx_office_what_is_late_and_the_mayor_one_page(browser, demo_site):
    page = log_in(browser, demo_site, "dx-staff")
    page.goto(f"{demo_site}/m/999997/tracking/")
    assert shows(page, "所属長へ通知")
    page.screenshot(path=str(SHOTS / "tracking-dashboard.png"), full_page=True)
    assert_accessible(page)
    for name in ("summary", "reviews", "periods", "publication"):
        page.goto(f"{demo_site}/m/999997/tracking/{name}/")
        page.screenshot(path=str(SHOTS / f"tracking-{name}.png"), full_page=True)
        assert_accessible(page)
    page.close()


def test_it_prints_the_mayors_summary_on_one_a4_page(browser, demo_site):
    import pypdfium2

    page = log_in(browser, demo_site, "mayor")
    page.goto(f"{demo_site}/m/999997/tracking/summary/")
    page.emulate_media(media="print")
    printed = pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))
    assert len(printed) == 1
    printed[0].render(scale=1.0).to_pil().save(SHOTS / "tracking-summary-print.png")
    printed.close()
    page.close()


def test_it_lets_a_resident_read_the_progress_on_a_phone(browser, demo_site):
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="ja-JP")
    phone.goto(f"{demo_site}/p/999997/")
    assert shows(phone, "書かない窓口の導入")
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    phone.screenshot(path=str(SHOTS / "public-phone.png"), full_page=True)
    assert_accessible(phone)
    phone.close()
