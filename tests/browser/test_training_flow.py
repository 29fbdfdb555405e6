"""The DX office runs a course, imports its questionnaire, sees completion, logs the help desk, and the KPI moves."""

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"training-{name}.png"), full_page=True)
    assert_accessible(page)


def test_it_runs_a_course_imports_its_questionnaire_and_moves_the_kpi(browser, demo_site, tmp_path):
    from banso.plans.models import KPI
    from banso.tracking.actual_sources import reading_for

    site = demo_site
    page = log_in(browser, site, "dx-staff")
    page.goto(f"{site}/m/999997/training/")
    shot(page, "home")
    page.get_by_role("link", name="情報セキュリティ研修").click()
    shot(page, "course")
    kpi = KPI.objects.get(measure__plan__municipality__code="999997", name="情報セキュリティ研修の受講率")
    before = reading_for(kpi, __import__("datetime").date.today()).value

    # Someone who has not taken the course yet comes to this session.
    from banso.training.models import StaffMember

    newcomer = StaffMember.objects.filter(municipality__code="999997").exclude(attendances__attended=True).first()
    page.locator("a[href*='/training/sessions/']").first.click()
    page.locator(f"input[name='enrolled_{newcomer.pk}']").check()
    page.locator(f"input[name='attended_{newcomer.pk}']").check()
    page.get_by_role("button", name="出席を保存する").click()
    assert shows(page, "出席を保存しました")

    csv = tmp_path / "回答.csv"
    csv.write_bytes(
        "タイムスタンプ,分かりやすかったですか,ご意見\n2026/6/1 10:00,そう思う,説明が丁寧だった\n".encode("cp932")
    )
    page.get_by_label("アンケートの回答").set_input_files(str(csv))
    page.get_by_role("button", name="アップロードして列を選ぶ").click()
    shot(page, "questionnaire-columns")
    page.get_by_role("button", name="確認して取り込む").click()
    assert shows(page, "回答 1 件を取り込みました")
    shot(page, "session")

    after = reading_for(kpi, __import__("datetime").date.today()).value
    assert after > before  # the completion KPI moved without anyone typing it

    page.goto(f"{site}/m/999997/training/helpdesk/")
    page.get_by_text("相談を記録する").click()
    page.locator("#id_topic").fill("LINE・アプリ")
    page.locator("#id_question").fill("LINEで写真を送りたい")
    page.get_by_role("button", name="記録する").click()
    assert shows(page, "相談を記録しました")
    shot(page, "helpdesk")
    page.close()
