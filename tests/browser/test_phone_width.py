"""Logged-in pages fit a 390 px phone: nothing makes the page scroll sideways (wide tables scroll inside their own
box). Issue 18 measured the survey round page at 466 px, its analysis at 501 px and the roadmap at 405 px."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


def test_the_main_pages_fit_a_phone(browser, demo_site):
    from banso.plans.models import Plan
    from banso.survey.models import SurveyRound

    plan = Plan.objects.filter(municipality__code="999997").first()
    survey_round = SurveyRound.objects.filter(municipality__code="999997").first()
    paths = [
        "/",
        "/m/999997/",
        f"/m/999997/survey/{survey_round.pk}/",
        f"/m/999997/survey/{survey_round.pk}/analysis/",
        "/m/999997/tracking/",
        f"/m/999997/plans/{plan.pk}/",
        f"/m/999997/plans/{plan.pk}/roadmap/",
        "/m/999997/challenges/",
        "/m/999997/training/",
        "/cases/",
    ]
    page = log_in(browser, demo_site, "dx-staff", width=390)
    too_wide = {}
    for path in paths:
        page.goto(demo_site + path)
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
            page.screenshot(path=str(SHOTS / f"too-wide{path.replace('/', '_')}.png"), full_page=True)
    assert too_wide == {}


def test_the_menu_folds_behind_a_button_on_a_phone_and_stays_open_on_a_wide_screen(browser, demo_site):
    page = log_in(browser, demo_site, "dx-staff", width=390)
    page.goto(demo_site + "/")
    page.wait_for_load_state()
    # Issue 18 measured the header at about 280 px on a phone: the menu, the user and the language took it all.
    assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") < 100
    assert not page.is_visible(".site-nav")
    page.get_by_role("button", name="メニュー").click()
    assert page.is_visible(".site-nav") and page.is_visible("text=ログアウト")
    assert page.get_attribute("[data-menu-toggle]", "aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "menu-open-390.png"))

    wide = log_in(browser, demo_site, "dx-staff", width=1280)
    wide.goto(demo_site + "/")
    wide.wait_for_load_state()
    assert wide.is_visible(".site-nav") and not wide.is_visible("[data-menu-toggle]")


PHONE = 360  # the narrowest phone the issue names
FIRST_PERSONA = ["town_staff", "dept_staff", "pref_staff", "advisor", "executive", "other_town_staff", "resident"]


def test_every_page_of_the_url_walk_fits_a_360_px_phone(browser, demo_site):
    """Every page the URL walk reaches with a GET, as the first persona allowed to see it: no page scrolls
    sideways. Downloads (files, not pages) and routes whose object the browser world lacks are left out, and
    counted, so the walk cannot shrink unnoticed."""
    from django.urls import reverse

    from banso.testing import PERSONAS
    from tests.test_url_walk import ROUTES

    pages: dict[str, object] = {}
    walked, too_wide, missing = 0, {}, []
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        persona = next((p for p in FIRST_PERSONA if p in route.allowed), None)
        if persona is None:
            continue
        try:
            path = reverse(name, kwargs=route.kwargs("own"))
        except Exception:  # the object this route needs is not in the browser world
            missing.append(name)
            continue
        if persona not in pages:
            username = PERSONAS[persona]
            pages[persona] = (
                log_in(browser, demo_site, username, width=PHONE)
                if username
                else browser.new_page(viewport={"width": PHONE, "height": 800}, locale="ja-JP")
            )
        page = pages[persona]
        try:
            response = page.goto(demo_site + path)
        except PlaywrightError as err:  # a file to download, not a page
            if "Download is starting" in str(err):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state()
        walked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[path] = width
            page.screenshot(path=str(SHOTS / f"too-wide-360{path.replace('/', '_')}.png"), full_page=True)
    assert walked >= 90, (walked, missing)
    assert too_wide == {}
