"""What the DX office, a department and the mayor see; exports; reminders from cron; the annual review."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from banso.core.fiscal import FiscalYear
from banso.plans import services as plan_services
from banso.tracking import services
from banso.tracking.models import ReportingPeriod


def board(client, town, **params):
    return client.get(reverse("tracking:dashboard", args=[town.code]), params).content.decode()


def test_it_shows_the_dx_office_what_is_late_and_off_track(town_staff, town):
    page = board(town_staff, town)
    late = page[page.index('id="late"') : page.index('id="kpis"')]
    assert "2-2 文書の電子決裁化" in late
    assert "3-1 除雪情報のデジタル発信" in late
    assert "所属長へ通知" in late
    assert "認定調査の転記にかかる時間" in page
    assert "遅れ" in page
    assert "期待値" in page  # the rule is on the page


def test_it_shows_a_department_only_its_own_measures(dept_staff, town):
    page = board(dept_staff, town)
    assert "書かない窓口の導入" in page
    assert "要介護認定調査のタブレット化" not in page


@pytest.mark.parametrize("name", ["dashboard", "summary"])
def test_it_shows_the_dashboards_in_a_fixed_number_of_queries(town_staff, town, name):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert town_staff.get(reverse(f"tracking:{name}", args=[town.code])).status_code == 200
        return len(queries)

    count()
    before = count()
    plan = town.plans.get(title="サンプル町DX推進計画")
    period = ReportingPeriod.objects.filter(municipality=town).order_by("starts_on").first()
    owner = town.departments.get(name="企画政策課")
    for n in range(4):
        measure = plan_services.measure_save(plan=plan, number=f"8-{n}", title=f"追加{n}", owner=owner)
        kpi = plan_services.kpi_save(measure=measure, name=f"指標{n}", unit="件", targets={2027: 10})
        services.update_save(
            measure=measure,
            period=period,
            user=None,
            revision=0,
            status="in_progress",
            actuals={kpi: ("3", period.ends_on, "")},
        )
    assert count() == before <= 18


@pytest.mark.parametrize("table", ["kpis", "measures", "policies", "departments", "focus", "late"])
def test_it_exports_every_dashboard_table_to_excel_and_csv(town_staff, town, table):
    xlsx = town_staff.get(reverse("tracking:dashboard", args=[town.code]), {"export": table, "format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    assert len(rows) >= 2
    csv = town_staff.get(reverse("tracking:dashboard", args=[town.code]), {"export": table, "format": "csv"})
    assert csv.content.startswith("\ufeff".encode())
    assert csv["Content-Type"].startswith("text/csv")


def test_it_gives_the_mayor_one_page(executive, town):
    page = executive.get(reverse("tracking:summary", args=[town.code])).content.decode()
    assert "進み具合" in page
    assert "遅れ・注意の KPI" in page
    assert "オンラインで申請できる手続の数" in page


def test_it_writes_the_annual_review_for_the_council(town_staff, town):
    plan = town.plans.get(title="サンプル町DX推進計画")
    year = FiscalYear.of(timezone.localdate()).year
    measure = plan.measures.get(number="1-1")
    url = reverse("tracking:annual_review", args=[town.code, year])
    town_staff.post(url, {f"result_{measure.pk}": "住民課で試行した", f"next_{measure.pk}": "税務課へ広げる"})
    page = town_staff.get(url).content.decode()
    assert "住民課で試行した" in page
    pdf = town_staff.get(url, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    import pypdfium2

    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf.content))
    assert "税務課へ広げる" in text
    assert "転入1件あたりの記入枚数" in text


def test_it_tells_each_owner_on_the_home_page_what_to_report(dept_staff, town_staff):
    page = dept_staff.get(reverse("home")).content.decode()
    assert "施策のうち" in page
    assert reverse("tracking:inbox", args=["999997"]) in page
    office = town_staff.get(reverse("home")).content.decode()
    assert "承認待ちの報告が 1 件あります" in office


def test_the_dashboard_says_which_kpis_take_their_values_automatically(town_staff, town):
    from banso.plans.models import KPI
    from banso.tracking.actual_sources import SOURCES
    from banso.tracking.models import AutomaticActual

    taken, typed = KPI.objects.filter(measure__plan__municipality=town, automatic=None).order_by("pk")[:2]
    AutomaticActual.objects.create(kpi=taken, source_key="consultations")
    page = board(town_staff, town)

    def row(kpi):
        start = page.index(f"<td>{kpi.name}</td>")
        return page[start : page.index("</tr>", start)]

    assert f"自動取得：{SOURCES['consultations'].label}" in row(taken)
    assert "自動取得を設定" in row(typed) and "自動取得：" not in row(typed)


def test_department_staff_open_their_own_departments_board_and_not_anothers(dept_staff, town_staff, town):
    from banso.orgs.models import Department

    own = Department.objects.get(municipality=town, memberships__user__username="dept-staff")
    other = Department.objects.get(municipality=town, name="保健福祉課")
    board_of = lambda client, d: client.get(reverse("tracking:department", args=[town.code, d.pk]))  # noqa: E731
    assert "書かない窓口の導入" in board_of(dept_staff, own).content.decode()
    # Its measures are not theirs to read, so neither is its board (it would claim the department has no KPIs).
    assert board_of(dept_staff, other).status_code == 404
    assert "要介護認定調査のタブレット化" in board_of(town_staff, other).content.decode()
