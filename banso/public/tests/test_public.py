"""The residents' page: no login, only what the town published, only values that count."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banso.tracking.models import Publication


@pytest.fixture
def publication(town):
    return Publication.objects.get(plan__municipality=town)


def test_it_shows_the_published_measures_to_a_resident_without_login(resident, town):
    page = resident.get(reverse("public:progress", args=[town.code])).content.decode()
    assert "書かない窓口の導入" in page
    assert "転入1件あたりの記入枚数" in page
    assert "<svg" in page
    assert "要介護認定調査のタブレット化" not in page  # not chosen for publication


def test_its_charts_have_a_legend_and_reiwa_dates_on_the_axis(resident, town):
    import re

    page = resident.get(reverse("public:progress", args=[town.code])).content.decode()
    charts = re.findall(r'<figure class="chart kpi-chart">.*?</figure>', page, flags=re.S)
    assert charts
    for chart in charts:
        ticks = re.findall(r'class="kpi-chart__tick">([^<]*)<', chart)
        assert [t for t in ticks if re.fullmatch(r"(令和|平成)(元|\d+)年\d+月", t)], ticks
        assert not [t for t in ticks if re.fullmatch(r"\d{4}/\d+", t)]
        legend = chart[chart.index("<figcaption") :]
        assert "実績値" in legend or "期待値の線" in legend


def test_it_shows_nothing_of_a_town_that_has_not_published(resident, town, publication):
    publication.is_published = False
    publication.save()
    assert resident.get(reverse("public:progress", args=[town.code])).status_code == 404
    assert resident.get(reverse("public:open_data", args=[town.code, "csv"])).status_code == 404


def test_it_publishes_only_approved_values(resident, town, publication):
    from banso.tracking.models import ApprovalState, KPIActual

    actual = (
        KPIActual.objects.filter(kpi__measure__plan=publication.plan, kpi__measure__number="1-2")
        .order_by("-as_of")
        .first()
    )
    actual.state = ApprovalState.SUBMITTED
    actual.save()
    rows = json.loads(resident.get(reverse("public:open_data", args=[town.code, "json"])).content)
    assert str(actual.as_of) not in {r["実績値の時点"] for r in rows if r["施策番号"] == "1-2"}


def test_it_offers_open_data_with_the_local_government_code_first(resident, town):
    csv = resident.get(reverse("public:open_data", args=[town.code, "csv"])).content.decode("utf-8-sig")
    header, first = csv.splitlines()[:2]
    assert header.startswith("全国地方公共団体コード,")
    assert first.startswith("999997,サンプル町,")
    records = json.loads(resident.get(reverse("public:open_data", args=[town.code, "json"])).content)
    assert next(iter(records[0])) == "全国地方公共団体コード"
    assert records[0]["全国地方公共団体コード"] == "999997"


def test_it_refuses_to_publish_a_kpi_whose_values_wait_for_approval(town_staff, town, publication):
    from banso.plans.models import KPI

    waiting = KPI.objects.get(measure__plan=publication.plan, name="認定調査の転記にかかる時間")
    data = {
        "is_published": "on",
        "measures": [m.pk for m in publication.measures.all()] + [waiting.measure_id],
        "kpis": [k.pk for k in publication.kpis.all()] + [waiting.pk],
    }
    page = town_staff.post(reverse("tracking:publication", args=[town.code]), data).content.decode()
    assert "承認待ち" in page
    assert not publication.kpis.filter(pk=waiting.pk).exists()


def test_it_shows_the_public_page_in_a_fixed_number_of_queries(resident, town):
    resident.get(reverse("public:progress", args=[town.code]))
    with CaptureQueriesContext(connection) as queries:
        resident.get(reverse("public:progress", args=[town.code]))
    assert len(queries) <= 9
