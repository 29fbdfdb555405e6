"""What owners read while reporting: numbers as the unit allows (「31件」, not 「30.98件」), the inbox's buttons and
the update form's guides beside each KPI."""

import re
from decimal import Decimal

from django.urls import reverse

from banso.core.templatetags.banso import measured, wareki_day


def test_a_counted_unit_is_shown_whole_a_share_with_one_decimal_and_a_multiplier_keeps_its_decimals():
    assert measured(Decimal("30.98"), "件") == "31"
    assert measured(30.4, "人") == "30"
    assert measured(Decimal("1234.6"), "箇所") == "1,235"
    assert measured(Decimal("45.04"), "%") == "45"
    assert measured(Decimal("45.46"), "％") == "45.5"
    assert measured(Decimal("1.25"), "万人") == "1.25"
    assert measured(Decimal("1050.10"), "件/年") == "1,050"
    assert measured(Decimal("2.5"), "時間") == "2.50"
    assert measured(None, "件") == "—"


def test_the_dashboard_shows_no_fraction_of_a_counted_thing(town_staff, town):
    page = town_staff.get(reverse("tracking:dashboard", args=[town.code])).content.decode()
    table = page[page.index('id="kpis"') :]
    counted = re.findall(r"(\d[\d,]*(?:\.\d+)?)(件|人|箇所|回)", table)
    assert counted  # the demo's KPIs count 件 and 人
    assert [n for n, _unit in counted if "." in n] == []


def test_a_report_already_sent_is_corrected_from_the_inbox_with_a_button_that_says_so(dept_staff, town):
    from django.utils import timezone

    from banso.orgs.models import User
    from banso.orgs.scoping import scope_for
    from banso.tracking import selectors, services

    user = User.objects.get(username="dept-staff")
    period, items, _has_plan = selectors.inbox(scope_for(user), town, user, timezone.localdate())
    measure = next(m for m, u in items if u is None)
    services.update_save(measure=measure, period=period, user=user, revision=0, status=measure.status, note="進捗")
    page = dept_staff.get(reverse("tracking:inbox", args=[town.code])).content.decode()
    row = page[page.index(f"{measure.number} {measure.title}") :]
    assert "報告を直す" in row[: row.index("</tr>")]
    assert "切り替え" not in page[page.index("<main") :]


def test_the_update_form_shows_the_last_reported_value_and_the_value_expected_today(dept_staff, town):
    from django.utils import timezone

    from banso.core.templatetags.banso import measured, number
    from banso.orgs.models import User
    from banso.orgs.scoping import scope_for
    from banso.tracking import selectors
    from banso.tracking.models import KPIActual

    user = User.objects.get(username="dept-staff")
    period, items, _has_plan = selectors.inbox(scope_for(user), town, user, timezone.localdate())
    reported = [
        (m, a)
        for m, _u in items
        for a in [
            KPIActual.objects.filter(kpi__measure=m, period__starts_on__lt=period.starts_on)
            .order_by("-as_of")
            .first()
        ]
        if a is not None
    ]
    measure, earlier = reported[0]
    page = dept_staff.get(reverse("tracking:update", args=[town.code, period.pk, measure.pk])).content.decode()
    box = page[page.index(f"KPI：{earlier.kpi.name}") :]
    box = box[: box.index("</fieldset>")]
    assert "前回の報告" in box and f"{number(earlier.value)}{earlier.kpi.unit}" in box
    guide = selectors.kpi_guides([earlier.kpi], period, timezone.localdate())[earlier.kpi.pk]
    assert guide.expected is not None
    assert "今日の期待値" in box and f"{measured(guide.expected, earlier.kpi.unit)}{earlier.kpi.unit}" in box


def test_measure_pages_and_the_dashboard_load_each_kpis_trend_with_its_figures(town_staff, town):
    from banso.tracking.models import KPIActual

    actual = KPIActual.objects.filter(kpi__measure__plan__municipality=town).select_related("kpi__measure").first()
    measure = actual.kpi.measure
    trends = reverse("tracking:trends", args=[town.code])
    measure_page = town_staff.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert f'hx-get="{trends}?measure={measure.pk}"' in measure_page
    assert f'hx-get="{trends}"' in town_staff.get(reverse("tracking:dashboard", args=[town.code])).content.decode()
    part = town_staff.get(trends, {"measure": measure.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part
    assert actual.kpi.name in part and "<svg" in part and "実績" in part  # the chart with its legend
    assert wareki_day(actual.as_of) in part  # and the figures beside it, dated in 令和
    other = measure.plan.measures.exclude(pk=measure.pk).filter(kpis__isnull=False).first()
    assert other.kpis.first().name not in part or other.kpis.first().name == actual.kpi.name
    whole = town_staff.get(trends).content.decode()
    assert "<html" in whole and other.kpis.first().name in whole


def test_the_inbox_lists_each_measures_kpis_with_this_periods_value_or_that_none_is_in(dept_staff, town):
    from django.utils import timezone

    from banso.orgs.models import User
    from banso.orgs.scoping import scope_for
    from banso.tracking import selectors, services

    user = User.objects.get(username="dept-staff")
    period, items, _has_plan = selectors.inbox(scope_for(user), town, user, timezone.localdate())
    measure = next(m for m, u in items if u is None and m.kpis.exists())
    kpi = measure.kpis.first()

    def row():
        page = dept_staff.get(reverse("tracking:inbox", args=[town.code])).content.decode()
        found = page[page.index(f"{measure.number} {measure.title}") :]
        return found[: found.index("</tr>")]

    assert f"{kpi.name}：" in row() and "値が未入力" in row()
    services.update_save(
        measure=measure,
        period=period,
        user=user,
        revision=0,
        status=measure.status,
        actuals={kpi: ("7", min(timezone.localdate(), period.ends_on), "")},
    )
    assert f"{kpi.name}：7{kpi.unit}" in row() and "提出済" in row()
