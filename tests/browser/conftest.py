"""Headless Chromium for the browser tests.

Screenshots land in var/screenshots/ for a person to open. Chromium comes from
Debian (`apt-get install chromium`); without it these tests are skipped,
unless BANSO_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure.
"""

import os
import time
from pathlib import Path

import pytest

from banso.core.audit import acting_as
from banso.demo.sample import DEMO_PASSWORD, create_sample

CHROMIUM = os.environ.get("BANSO_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)  # PIL and pypdfium2 save into it too, and do not make folders
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


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


@pytest.fixture
def demo_site(site):
    """The sample world with サンプル町's hearings, plan, progress reports and trainings, as `banso demo` makes it."""
    from banso.hearings.demo import create_sample_hearings
    from banso.orgs.models import Municipality
    from banso.plans.demo import create_sample_plan
    from banso.tracking.demo import create_sample_tracking
    from banso.training.demo import create_sample_training

    town = Municipality.objects.get(code="999997")
    with acting_as(None, label="browser test setup"):
        create_sample_hearings(town)
        create_sample_plan(town)
        create_sample_tracking(town)
        create_sample_training(town)
    return site


def log_in(browser, site, username, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ja-JP")
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def shows(page, text, seconds=15):
    """Whether the page shows `text` once the navigation a click started has ended.

    A click returns as soon as the navigation starts; reading the page then can
    catch it between documents (an empty string), so this reads it again until
    the text is there or the time is up.
    """
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    while True:
        try:
            page.wait_for_load_state()
            if text in page.content():
                return True
        except Error:  # the document changed while it was being read
            pass
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(100)


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
