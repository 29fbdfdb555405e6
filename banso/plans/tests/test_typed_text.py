"""Titles and names keep the characters the town typed; matching still treats full- and half-width alike."""

import pytest
from django.urls import reverse

from banso.plans.models import KPI, Measure, Plan


@pytest.fixture
def plan(town):
    return Plan.objects.get(municipality=town, title="サンプル町DX推進計画")


def test_it_keeps_a_measure_title_and_a_kpi_name_as_typed(town_staff, town, plan):
    response = town_staff.post(
        reverse("plans:measure_create", args=[town.code, plan.pk]),
        {
            "number": "１－５",  # numbers are identifiers: normalised
            "title": "行かない窓口（再掲）ＬＩＮＥ申請",
            "owner": town.departments.get(name="住民課").pk,
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(plan=plan, number="1-5")
    assert measure.title == "行かない窓口（再掲）ＬＩＮＥ申請"
    town_staff.post(
        reverse("plans:kpi_create", kwargs={"code": town.code, "measure_id": measure.pk}),
        {
            "name": "ＬＩＮＥで受けた申請（累計）",
            "unit": "件",
            f"target_{plan.end_year}": "100",
            "direction": "up",
        },
    )
    assert KPI.objects.get(measure=measure).name == "ＬＩＮＥで受けた申請（累計）"
    page = town_staff.get(reverse("plans:plan", args=[town.code, plan.pk])).content.decode()
    assert "行かない窓口（再掲）ＬＩＮＥ申請" in page


def test_it_still_finds_a_plan_title_that_differs_only_in_width(town_staff, town, plan):
    page = town_staff.post(
        reverse("plans:plan_create", args=[town.code]),
        {"title": "サンプル町ＤＸ推進計画", "start_year": "R7", "end_year": "R11"},
    ).content.decode()
    assert "既にあります" in page or "すでにあります" in page
    assert Plan.objects.filter(municipality=town).count() == 1


def test_it_saves_an_edit_made_on_the_measure_page(town_staff, town, plan):
    measure = Measure.objects.get(plan=plan, number="1-1")
    response = town_staff.post(
        reverse("plans:measure_edit", args=[town.code, measure.pk]),
        {"number": "1-1", "title": measure.title, "owner": measure.owner_id, "purpose": "書く欄をなくす。"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.purpose == "書く欄をなくす。"
