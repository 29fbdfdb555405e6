"""The plan's pages as the DX office and the other personas use them (サンプル町's demo plan)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from banso.plans import services
from banso.plans.models import KPI, Measure, MeasureTag, Plan


@pytest.fixture
def plan(town):
    return Plan.objects.get(municipality=town)


def url(name, plan, **kwargs):
    return reverse(f"plans:{name}", kwargs={"code": plan.municipality.code, "pk": plan.pk, **kwargs})


def test_it_starts_a_plan_with_its_period_in_reiwa(town_staff, town):
    response = town_staff.post(
        reverse("plans:plan_create", args=[town.code]),
        {
            "title": "第2期DX推進計画",
            "start_year": "R12",
            "end_year": "令和16年度",
            "concept": "",
            "vision": "",
            "background": "",
        },
    )
    created = Plan.objects.get(municipality=town, title="第2期DX推進計画")
    assert response.status_code == 302
    assert (created.start_year, created.end_year) == (2030, 2034)
    assert "令和12年度〜令和16年度" in town_staff.get(response["Location"]).content.decode()


def test_it_explains_a_phase_nested_inside_another_next_to_the_form(town_staff, plan):
    response = town_staff.post(
        url("phase_create", plan),
        {"order": 4, "name": "内側の段階", "start_year": "R8", "end_year": "R8", "goal": "", "description": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "重なって" in page
    assert "error-summary" in page
    assert not plan.phases.filter(name="内側の段階").exists()


def test_it_saves_a_measure_with_a_step_for_each_year_from_the_form(town_staff, plan, town):
    owner = town.departments.get(name="企画政策課")
    data = {
        "number": "4-2",
        "title": "庁内チャットの導入",
        "owner": owner.pk,
        "step_2026": "試行（2課）",
        "step_2027": "全課で運用",
    }
    response = town_staff.post(url("measure_create", plan), data)
    measure = Measure.objects.get(plan=plan, number="4-2")
    assert response.status_code == 302
    assert dict(measure.steps.values_list("fiscal_year", "description")) == {
        2026: "試行（2課）",
        2027: "全課で運用",
    }


def test_it_starts_a_measure_from_a_challenge_with_its_words_and_link(town_staff, plan, town):
    challenge = town.challenges.get(title="除雪の要望や苦情の電話が朝に集中する")
    page = town_staff.get(url("measure_create", plan) + f"?challenge={challenge.pk}").content.decode()
    assert "除雪の要望や苦情の電話が朝に集中する" in page
    assert f'value="{challenge.pk}" selected' in page


def test_it_refuses_a_kpi_without_unit_and_a_target_before_its_baseline(town_staff, plan):
    measure = plan.measures.get(number="2-1")
    page = town_staff.post(
        reverse("plans:kpi_create", args=[plan.municipality.code, measure.pk]),
        {"name": "調査員1人あたりの件数", "unit": "", "direction": "up", "target_2026": "300"},
    ).content.decode()
    assert "単位" in page
    page = town_staff.post(
        reverse("plans:kpi_create", args=[plan.municipality.code, measure.pk]),
        {
            "name": "調査員1人あたりの件数",
            "unit": "件",
            "direction": "up",
            "baseline_date": "2027-06-01",
            "target_2026": "300",
        },
    ).content.decode()
    assert "現状値" in page
    assert "前" in page
    assert not KPI.objects.filter(name="調査員1人あたりの件数").exists()


@pytest.mark.parametrize("name", ["plan", "roadmap", "alignment"])
def test_it_shows_the_plan_pages_in_a_fixed_number_of_queries(town_staff, plan, town, name):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert town_staff.get(url(name, plan)).status_code == 200
        return len(queries)

    count()  # the first request of a session fills caches (language, scope) once
    before = count()
    owner = town.departments.get(name="総務課")
    for n in range(5):
        measure = services.measure_save(
            plan=plan, number=f"9-{n}", title=f"追加の施策{n}", owner=owner, steps={2027: "実施"}
        )
        services.kpi_save(measure=measure, name=f"指標{n}", unit="件", targets={2028: 10})
        services.tag_add(
            measure=measure, user=None, item=MeasureTag.objects.filter(item__isnull=False).first().item
        )
    assert count() == before <= 20


def test_it_filters_the_roadmap_by_department_and_by_tag(town_staff, plan, town):
    snow = town.departments.get(name="建設課")
    page = town_staff.get(url("roadmap", plan) + f"?department={snow.pk}").content.decode()
    assert "除雪情報のデジタル発信" in page
    assert "書かない窓口の導入" not in page
    front = MeasureTag.objects.get(
        measure__plan=plan, measure__number="1-1", item__name="自治体フロントヤード改革の推進"
    )
    page = town_staff.get(url("roadmap", plan) + f"?tag=item-{front.item_id}").content.decode()
    assert "書かない窓口の導入" in page
    assert "除雪情報のデジタル発信" not in page


def test_it_shows_department_staff_only_their_departments_measures_on_the_roadmap(dept_staff, plan):
    page = dept_staff.get(url("roadmap", plan)).content.decode()
    assert "書かない窓口の導入" in page
    assert "文書の電子決裁化" not in page


def test_it_prints_the_roadmap_on_a4_landscape(town_staff, plan):
    from django.contrib.staticfiles import finders

    page = town_staff.get(url("roadmap", plan)).content.decode()
    assert 'class="roadmap"' in page and "banso/print.css" in page
    assert "役場の中のデジタイゼーション" in page
    # The print stylesheet puts a page with the roadmap on landscape pages (the browser test prints it).
    printing = open(finders.find("banso/print.css"), encoding="utf-8").read()  # noqa: SIM115
    assert "@page wide { size: A4 landscape" in printing and "body:has(.roadmap) { page: wide; }" in printing


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("docx", b"PK\x03\x04"), ("xlsx", b"PK\x03\x04")])
def test_it_exports_the_plan_from_the_page(town_staff, plan, fmt, magic):
    response = town_staff.get(url("export", plan, fmt=fmt))
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_it_never_writes_a_formula_into_the_exported_workbook(town_staff, plan):
    measure = plan.measures.get(number="1-1")
    measure.content = '=HYPERLINK("http://example.invalid")'
    measure.save()
    data = town_staff.get(url("export", plan, fmt="xlsx")).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("施策").to_python()
    assert any(str(c).startswith("'=HYPERLINK") for row in rows for c in row)
    assert b"<f>" not in data


def test_it_issues_a_version_and_compares_it_with_the_one_before(town_staff, plan):
    measure = plan.measures.get(number="3-1")
    measure.purpose = "大雪の朝の電話の集中をなくし、配車の判断を早める。"
    measure.save()
    response = town_staff.post(url("versions", plan), {"issued_on": "2026-11-20", "note": "3-1 の目的を見直し"})
    assert response.status_code == 302
    latest, previous = plan.versions.all()[:2]
    assert latest.label == "第1.2版"
    page = town_staff.get(url("version_diff", plan) + f"?a={previous.pk}&b={latest.pk}").content.decode()
    assert "3-1 施策の目的" in page or "3-1 目的" in page
    assert "<ins>" in page
    assert "<del>" in page


def test_it_refuses_to_issue_a_version_when_nothing_changed(town_staff, plan):
    town_staff.post(url("versions", plan), {"issued_on": "2026-11-20", "note": "予算の修正"})
    page = town_staff.post(url("versions", plan), {"issued_on": "2026-11-21", "note": "もう一度"}).content.decode()
    assert "変更がない" in page
    assert plan.versions.count() == 3


def test_it_suggests_tags_and_lets_staff_confirm_them(town_staff, plan):
    measure = plan.measures.get(number="3-2")
    town_staff.post(reverse("plans:tags_suggest", args=[plan.municipality.code, measure.pk]))
    suggested = measure.tags.filter(status=MeasureTag.Status.SUGGESTED, item__name="デジタルデバイド対策").get()
    assert suggested.evidence == "高齢者"
    town_staff.post(
        reverse("plans:tag_decide", args=[plan.municipality.code, measure.pk]),
        {"tag": suggested.pk, "decision": "confirm"},
    )
    page = town_staff.get(url("alignment", plan)).content.decode()
    section = page[page.index("デジタルデバイド対策") :]
    assert "見守り記録の共有" in section[: section.index("</tr>")]


def test_the_challenge_list_shows_which_challenges_already_have_a_measure(town_staff, town, plan):
    from banso.hearings.models import Challenge

    acted_on, waiting = Challenge.objects.filter(municipality=town, status="open", measures=None)[:2]
    measure = plan.measures.first()
    measure.challenges.add(acted_on)
    page = town_staff.get(reverse("hearings:challenges", args=[town.code])).content.decode()

    def row(challenge):
        start = page.index(challenge.title)
        return page[start : page.index("</tr>", start)]

    assert "施策あり" in row(acted_on) and f"{measure.number} {measure.title}" in row(acted_on)
    assert "施策あり" not in row(waiting)


def test_department_staff_see_no_other_departments_measure_beside_their_challenges(dept_staff, town, plan):
    from banso.hearings.models import Challenge

    own = Challenge.objects.get(municipality=town, title="窓口で同じことを何度も書かせている")  # 住民課
    elsewhere = plan.measures.get(number="2-1")  # 保健福祉課's
    elsewhere.challenges.add(own)
    page = dept_staff.get(reverse("hearings:challenges", args=[town.code])).content.decode()
    row = page[page.index(own.title) :]
    row = row[: row.index("</tr>")]
    assert elsewhere.title not in row
