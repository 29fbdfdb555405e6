"""Log in as each persona in headless Chromium, look at home, and check it with axe-core."""

import pytest

from banso.demo.sample import DEMO_PASSWORD
from banso.orgs.models import User
from banso.testing import PERSONAS
from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


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
    # The session's database already holds this user unless an earlier browser test emptied it.
    person, _created = User.objects.get_or_create(username="no-membership", defaults={"display_name": "所属 なし"})
    person.set_password(DEMO_PASSWORD)
    person.save()
    page = log_in(browser, site, "no-membership")
    assert shows(page, "まだどの団体にも所属していません")
    page.screenshot(path=str(SHOTS / "home-no_membership.png"), full_page=True)
    page.close()


def test_it_shows_a_login_error_in_japanese(browser, site):
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{site}/login/")
    assert_accessible(page)
    page.get_by_label("ユーザー名").fill("dx-staff")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert shows(page, "ユーザー名またはパスワードが正しくありません")
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
    assert shows(page, "和暦の年は1（元年）から始まります")
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
    assert shows(page, "の変更履歴")
    assert_accessible(page)
    page.close()
