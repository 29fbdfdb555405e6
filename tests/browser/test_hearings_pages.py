"""The DX office walks through its hearings: list, a hearing, the matrix and the similar challenges."""

import pytest

from banso.hearings.models import HearingSession
from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def test_it_shows_the_hearings_matrix_and_merge_page_accessibly(browser, site):
    from banso.core.audit import acting_as
    from banso.hearings.demo import create_sample_hearings
    from banso.orgs.models import Municipality

    with acting_as(None, label="browser test setup"):
        create_sample_hearings(Municipality.objects.get(code="999997"))
    page = log_in(browser, site, "dx-staff")
    for name, path in [
        ("hearings", "/m/999997/hearings/"),
        ("challenges", "/m/999997/challenges/"),
        ("matrix", "/m/999997/challenges/matrix/"),
        ("similar", "/m/999997/challenges/similar/"),
    ]:
        page.goto(site + path)
        page.screenshot(path=str(SHOTS / f"hearings-{name}.png"), full_page=True)
        assert_accessible(page)
    session = HearingSession.objects.get(municipality__code="999997", title="住民課ヒアリング")
    page.goto(f"{site}/m/999997/hearings/{session.pk}/")
    assert shows(page, "窓口で同じことを何度も書かせている")
    page.locator("#id_title").fill("転入時の案内が分かりにくい")
    page.get_by_role("button", name="追加する").click()
    assert shows(page, "転入時の案内が分かりにくい")
    page.screenshot(path=str(SHOTS / "hearings-session.png"), full_page=True)
    assert_accessible(page)
    page.close()
