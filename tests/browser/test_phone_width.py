"""Logged-in pages fit a 390 px phone: nothing makes the page scroll sideways (wide tables scroll inside their own
box). Issue 18 measured the survey round page at 466 px, its analysis at 501 px and the roadmap at 405 px."""

import pytest

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
