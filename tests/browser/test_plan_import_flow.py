"""A DX officer brings in another municipality's plan from one workbook, tracks it, issues 第1.1版 and hands the
council a 新旧対照表 and the plan as typeset PDF — in a browser, every page checked with axe, the PDFs rendered
to images for a person to look at."""

import datetime as dt

import pytest

from tests.browser.conftest import SHOTS, assert_accessible, log_in, shows

pytestmark = pytest.mark.browser


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"plan-import-{name}.png"), full_page=True)
    assert_accessible(page)


def city_workbook(path):
    """A designated city's plan, of our own making, exported as Banso writes it; 見本町 gets its departments."""
    from banso import factories
    from banso.core.audit import acting_as
    from banso.orgs.models import Municipality
    from banso.orgs.services import department_create
    from banso.plans.selectors import plan_snapshot
    from banso.plans.tests.test_round_trip import DEPARTMENTS, enter_city_plan
    from banso.plans.workbook import export_workbook

    with acting_as(None, label="browser test setup"):
        plan = enter_city_plan(factories.municipality("試験市"))
        town = Municipality.objects.get(code="999989")
        for name in DEPARTMENTS:
            if not town.departments.filter(name=name).exists():
                department_create(municipality=town, name=name)
    path.write_bytes(export_workbook(plan_snapshot(plan)))
    return path


def pdf_pages(data: bytes, name: str) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    texts = []
    for index, page in enumerate(pdf):
        page.render(scale=1.2).to_pil().save(SHOTS / f"plan-import-{name}-p{index + 1}.png")
        texts.append(page.get_textpage().get_text_range())
    pdf.close()
    return texts


def test_it_brings_in_another_towns_plan_and_hands_the_council_its_documents(browser, demo_site, tmp_path):
    from banso.plans.models import Plan

    workbook = city_workbook(tmp_path / "試験市の計画.xlsx")
    page = log_in(browser, demo_site, "other-dx")
    page.goto(f"{demo_site}/m/999989/plans/")
    page.get_by_role("link", name="Excel から計画を取り込む").click()
    shot(page, "upload")
    page.set_input_files("input[type=file]", str(workbook))
    page.get_by_role("button", name="確認して取り込む").click()
    page.wait_for_load_state()
    assert shows(page, "取組項目</span> 1-1 行かない市役所")
    shot(page, "plan")
    plan = Plan.objects.get(municipality__code="999989", title="試験市デジタル推進プラン（再掲あり）")

    # Tracking: the imported KPIs of every kind are on the dashboard.
    page.goto(f"{demo_site}/m/999989/tracking/?plan={plan.pk}")
    content = page.content()
    assert "情報セキュリティの規程" in content
    assert "オンラインで申請できる子育て手続" in content
    shot(page, "tracking")

    # 第1.0版, a change, 第1.1版, and the table of changes.
    page.goto(f"{demo_site}/m/999989/plans/{plan.pk}/versions/")
    page.get_by_label("発行日").fill("2024-04-01")
    page.get_by_role("button", name="発行").click()
    page.goto(f"{demo_site}/m/999989/measures/{plan.measures.get(number='1-1-1').pk}/edit/")
    page.get_by_label("目的").fill("来庁せずに、スマートフォンから24時間申請できるようにする。")
    page.get_by_role("button", name="保存する").click()
    page.screenshot(path=str(SHOTS / "plan-import-measure-saved.png"), full_page=True)
    page.goto(f"{demo_site}/m/999989/plans/{plan.pk}/versions/")
    page.get_by_label("発行日").fill(dt.date(2025, 4, 1).isoformat())
    page.get_by_role("button", name="発行").click()
    assert shows(page, "第1.1版")
    first, second = plan.versions.order_by("minor")
    page.goto(f"{demo_site}/m/999989/plans/{plan.pk}/versions/compare/?a={first.pk}&b={second.pk}")
    assert shows(page, "<ins>、スマートフォンから24時間</ins>")
    shot(page, "comparison")
    with page.expect_download() as download:
        page.locator("a[href$='format=pdf']").click()
    comparison = pdf_pages(download.value.path().read_bytes(), "comparison")
    assert any("新旧対照表" in text for text in comparison)
    assert any("24時間" in text for text in comparison)

    # The plan for the council: contents, the 方針 tree with the city's own level names.
    response = page.request.get(f"{demo_site}/m/999989/plans/{plan.pk}/export/pdf/")
    document = pdf_pages(response.body(), "plan")
    assert "目次" in document[1]
    assert any("区分 1 市民サービスのDX" in text for text in document)
