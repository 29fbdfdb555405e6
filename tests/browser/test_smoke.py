"""Log in as each persona in headless Chromium, look at home, and check it with axe-core.

Screenshots land in var/screenshots/ for a person to open. Chromium comes from
Debian (`apt-get install chromium`); without it these tests are skipped,
unless BANSO_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure.
"""

import os
from pathlib import Path

import pytest

from banso.core.audit import acting_as
from banso.demo.sample import DEMO_PASSWORD, create_sample
from banso.orgs.models import User
from banso.testing import PERSONAS

CHROMIUM = os.environ.get("BANSO_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("BANSO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's guard
    # against DB access from async code would otherwise trip on the fixtures.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    # Transactional tests start from an emptied database: build the sample world again.
    from banso.orgs.models import Municipality
    from banso.survey.demo import create_sample_survey

    with acting_as(None, label="browser test setup"):
        create_sample()
        create_sample_survey(Municipality.objects.get(code="999997"))
    return live_server.url


def log_in(browser, site, username, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ja-JP")
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("persona", [p for p, user in PERSONAS.items() if user and p != "no_membership"])
def test_it_logs_in_each_persona_to_a_japanese_home_page(browser, site, persona):
    page = log_in(browser, site, PERSONAS[persona])
    assert page.url == f"{site}/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("ようこそ")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{persona}.png"), full_page=True)
    assert_accessible(page)
    page.close()


def test_it_tells_a_person_without_membership_what_to_do(browser, site):
    User.objects.create_user("no-membership", password=DEMO_PASSWORD, display_name="所属 なし")
    page = log_in(browser, site, "no-membership")
    assert "まだどの団体にも所属していません" in page.content()
    page.screenshot(path=str(SHOTS / "home-no_membership.png"), full_page=True)
    page.close()


def test_it_shows_a_login_error_in_japanese(browser, site):
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{site}/login/")
    assert_accessible(page)
    page.get_by_label("ユーザー名").fill("dx-staff")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert "ユーザー名またはパスワードが正しくありません" in page.content()
    page.screenshot(path=str(SHOTS / "login-error.png"), full_page=True)
    page.close()


def test_it_edits_the_profile_by_keyboard_and_shows_field_errors(browser, site):
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/edit/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.get_by_label("総合計画の開始年度").fill("R0")
    page.get_by_role("button", name="保存する").click()
    field = page.get_by_label("総合計画の開始年度")
    assert field.get_attribute("aria-invalid") == "true"
    assert "和暦の年は1（元年）から始まります" in page.content()
    page.screenshot(path=str(SHOTS / "profile-error.png"), full_page=True)
    assert_accessible(page)
    page.close()


def test_it_fits_a_phone_screen(browser, site):
    page = log_in(browser, site, "dx-staff", width=375)
    page.goto(f"{site}/m/999997/")
    wider = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1 && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className)"
    )
    assert wider == []
    page.screenshot(path=str(SHOTS / "municipality-phone.png"), full_page=True)
    assert_accessible(page)
    page.close()


def test_it_shows_the_department_list_and_history_accessibly(browser, site):
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/departments/")
    assert page.get_by_role("cell", name="住民課").count() == 1
    page.screenshot(path=str(SHOTS / "departments.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name="住民課").click()
    page.get_by_role("link", name="変更履歴").click()
    assert "の変更履歴" in page.content()
    assert_accessible(page)
    page.close()
