"""As a DX officer: pages run under the Content-Security-Policy with nothing refused; a second factor is set up
with an authenticator app and then asked at sign-in."""

import base64

import pytest
from django_otp.oath import totp

from banso.demo.sample import DEMO_PASSWORD
from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/m/999997/",
    "/m/999997/edit/",
    "/cases/",
    "/account/",
]


def test_pages_run_under_the_policy_with_nothing_refused(browser, demo_site):
    page = log_in(browser, demo_site, "dx-staff")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    for path in PAGES:
        page.goto(f"{demo_site}{path}")
        page.wait_for_load_state()
    # The roadmap's print button and a delete form's question work without inline script.
    page.goto(f"{demo_site}/m/999997/")
    plan_link = page.get_by_role("link", name="DX推進計画").first
    if plan_link.count():
        plan_link.click()
        page.wait_for_load_state()
    page.on("dialog", lambda dialog: dialog.dismiss())
    assert not refused, refused
    page.close()


def test_a_second_factor_is_set_up_and_asked_at_the_next_sign_in(browser, demo_site):
    page = log_in(browser, demo_site, "dx-staff")
    page.goto(f"{demo_site}/account/")
    assert_accessible(page)
    page.get_by_role("link", name="認証アプリを設定する").click()
    page.wait_for_load_state()
    assert page.locator(".qr-code svg").count() == 1
    secret = page.locator(".secret-key").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.screenshot(path=str(SHOTS / "second-factor-setup.png"), full_page=True)
    assert_accessible(page)
    page.get_by_label("6 桁の確認コード").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="設定する").click()
    page.wait_for_load_state()
    assert shows(page, "二要素認証を設定しました")
    page.close()

    # Next sign-in: the password, then the code (the next 30-second code: each code is accepted once).
    again = browser.new_page(viewport={"width": 390, "height": 844}, locale="ja-JP")
    again.goto(f"{demo_site}/login/")
    again.get_by_label("ユーザー名").fill("dx-staff")
    again.get_by_label("パスワード").fill(DEMO_PASSWORD)
    again.get_by_role("button", name="ログイン").click()
    again.wait_for_load_state()
    assert "/account/second-factor/verify/" in again.url
    again.screenshot(path=str(SHOTS / "second-factor-verify-phone.png"), full_page=True)
    assert not again.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    import time

    code = f"{totp(key, t0=0, step=30, drift=1):06d}"  # the code of the next 30 seconds: a new one
    again.get_by_label("6 桁の確認コード").fill(code)
    again.get_by_role("button", name="続ける").click()
    again.wait_for_load_state()
    if "/account/second-factor/verify/" in again.url:  # the next window had not begun: wait for it
        time.sleep(30 - time.time() % 30 + 1)
        again.get_by_label("6 桁の確認コード").fill(f"{totp(key):06d}")
        again.get_by_role("button", name="続ける").click()
        again.wait_for_load_state()
    assert again.url == f"{demo_site}/"
    again.close()
