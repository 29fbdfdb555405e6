"""The period grid: every KPI a user reports on, one row each, saved together or not at all."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banso.plans.models import KPI, Measure
from banso.tracking.models import ApprovalState, KPIActual, MeasureUpdate, ReportingPeriod


@pytest.fixture
def period(town):
    today = timezone.localdate()
    return ReportingPeriod.objects.get(municipality=town, starts_on__lte=today, ends_on__gte=today)


def grid_url(town, period):
    return reverse("tracking:grid", args=[town.code, period.pk])


def own_kpis(town):
    """住民課's KPIs on measures still being reported on, in the grid's order."""
    return list(
        KPI.objects.filter(measure__plan__municipality=town, measure__owner__name="住民課")
        .exclude(measure__status__in=[Measure.Status.DONE, Measure.Status.STOPPED])
        .order_by("measure__plan_id", "measure__number", "measure_id", "pk")
    )


def posted(kpis, period, values, **extra):
    data = {"as_of": str(min(timezone.localdate(), period.ends_on)), **extra}
    for kpi in kpis:
        data.setdefault(f"revision_{kpi.measure_id}", 0)
    for kpi, value in zip(kpis, values, strict=False):
        data[f"kpi_{kpi.pk}"] = value
    return data


def test_department_staff_see_one_row_for_each_of_their_kpis_and_no_other_departments(dept_staff, town, period):
    page = dept_staff.get(grid_url(town, period)).content.decode()
    kpis = own_kpis(town)
    assert kpis
    for kpi in kpis:
        assert f'name="kpi_{kpi.pk}"' in page
    others = KPI.objects.filter(measure__plan__municipality=town).exclude(measure__owner__name="住民課")
    assert not any(f'name="kpi_{kpi.pk}"' in page for kpi in others)
    assert "前回の報告" in page and "今日の期待値" in page and "目標値" in page


def test_all_values_of_a_period_are_saved_at_once_each_on_its_measures_update(dept_staff, town, period):
    kpis = own_kpis(town)[:2]
    response = dept_staff.post(grid_url(town, period), posted(kpis, period, ["12", "３４"]))
    assert response.status_code == 302
    saved = {a.kpi_id: a.value for a in KPIActual.objects.filter(period=period, kpi__in=kpis)}
    assert saved == {kpis[0].pk: Decimal(12), kpis[1].pk: Decimal(34)}
    for kpi in kpis:
        update = MeasureUpdate.objects.get(measure_id=kpi.measure_id, period=period)
        assert update.status == kpi.measure.status  # the grid changes values, not the measure's status
        assert update.state == ApprovalState.SUBMITTED
    page = dept_staff.get(response.url).content.decode()
    assert "KPI の値を 2 件保存しました" in page


def test_one_refused_value_saves_nothing_and_keeps_every_typed_value(dept_staff, town, period):
    kpis = own_kpis(town)[:2]
    assert len(kpis) == 2
    page = dept_staff.post(grid_url(town, period), posted(kpis, period, ["12", "たくさん"])).content.decode()
    assert "数値ではありません" in page
    assert 'value="12"' in page and 'value="たくさん"' in page
    assert not KPIActual.objects.filter(period=period, kpi__in=kpis).exists()


def test_a_date_outside_the_plan_is_said_once_beside_the_date(dept_staff, town, period):
    kpis = own_kpis(town)[:2]
    page = dept_staff.post(
        grid_url(town, period), posted(kpis, period, ["1", "2"]) | {"as_of": "2001-04-01"}
    ).content.decode()
    assert page.count("計画期間の外") == 2  # the summary at the top and the message beside the date
    assert not KPIActual.objects.filter(period=period, kpi__in=kpis).exists()


def test_a_value_saved_meanwhile_by_someone_else_is_not_overwritten(dept_staff, town, period):
    kpi = own_kpis(town)[0]
    first = dept_staff.post(grid_url(town, period), posted([kpi], period, ["5"]))
    assert first.status_code == 302
    page = dept_staff.post(grid_url(town, period), posted([kpi], period, ["6"])).content.decode()  # revision 0
    assert kpi.measure.number in page and "あなたが開いた後に保存" in page
    assert KPIActual.objects.get(kpi=kpi, period=period).value == Decimal(5)


def test_values_left_as_they_were_are_not_sent_again(dept_staff, town, period):
    kpi = own_kpis(town)[0]
    dept_staff.post(grid_url(town, period), posted([kpi], period, ["5"]))
    update = MeasureUpdate.objects.get(measure_id=kpi.measure_id, period=period)
    again = posted([kpi], period, ["5"], **{f"revision_{kpi.measure_id}": update.revision})
    response = dept_staff.post(grid_url(town, period), again)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.revision == 1
    assert "変更された値はありません" in dept_staff.get(response.url).content.decode()


def test_an_approved_update_shows_its_values_without_a_box(dept_staff, town, period):
    kpi = own_kpis(town)[0]
    dept_staff.post(grid_url(town, period), posted([kpi], period, ["5"]))
    MeasureUpdate.objects.filter(measure_id=kpi.measure_id, period=period).update(state=ApprovalState.APPROVED)
    page = dept_staff.get(grid_url(town, period)).content.decode()
    assert f'name="kpi_{kpi.pk}"' not in page
    assert "承認済み" in page


def test_the_inbox_offers_the_grid_and_readers_who_report_on_nothing_are_refused(
    dept_staff, executive, town, period
):
    assert grid_url(town, period) in dept_staff.get(reverse("tracking:inbox", args=[town.code])).content.decode()
    assert executive.get(grid_url(town, period)).status_code == 403


def test_the_grid_reads_the_same_number_of_queries_for_a_longer_plan(town_staff, town, period):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert town_staff.get(grid_url(town, period)).status_code == 200
        return len(captured)

    before = queries()
    source = Measure.objects.filter(plan__municipality=town).exclude(status="done").first()
    for n in range(5):
        copy = Measure.objects.create(
            plan=source.plan, policy=source.policy, number=f"9-{n}", title=f"追加施策{n}", owner=source.owner
        )
        KPI.objects.create(measure=copy, name=f"追加指標{n}", unit="件")
    assert queries() == before


def download(client, town, period):
    response = client.get(reverse("tracking:grid_download", args=[town.code, period.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def filled(content: bytes, values: dict, tmp_path, *, formula_at=None, replace_first_id=None):
    """The downloaded sheet with 今期の値 filled in by KPI id and saved again (read with calamine, written with
    xlsxwriter, as a spreadsheet program would save it)."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    source = tmp_path / "in.xlsx"
    source.write_bytes(content)
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_name("KPIの値").to_python(skip_empty_area=False)
    header = next(i for i, row in enumerate(rows) if row and row[0] == "KPI番号")
    out = tmp_path / "out.xlsx"
    book = xlsxwriter.Workbook(str(out))
    sheet = book.add_worksheet("KPIの値")
    for r, row in enumerate(rows):
        row = list(row)
        kpi_id = int(row[0]) if r > header and row[0] != "" else None
        if kpi_id in values:
            row[7] = values[kpi_id]
        if r == header + 1 and replace_first_id is not None:
            row[0] = replace_first_id
        for c, value in enumerate(row):
            if kpi_id is not None and kpi_id == formula_at and c == 7:
                sheet.write_formula(r, c, "=1+1")
            elif value != "":
                sheet.write(r, c, value)
    book.close()
    return out


def upload(client, town, period, path):
    with path.open("rb") as fh:
        return client.post(
            grid_url(town, period), {"sheet": fh, "as_of": str(min(timezone.localdate(), period.ends_on))}
        )


def test_the_sheet_downloaded_and_filled_in_excel_saves_its_values(dept_staff, town, period, tmp_path):
    kpis = own_kpis(town)[:2]
    path = filled(download(dept_staff, town, period), {kpis[0].pk: 7, kpis[1].pk: "１，２００"}, tmp_path)
    response = upload(dept_staff, town, period, path)
    assert response.status_code == 302
    saved = {a.kpi_id: a.value for a in KPIActual.objects.filter(period=period, kpi__in=kpis)}
    assert saved == {kpis[0].pk: Decimal(7), kpis[1].pk: Decimal(1200)}


def test_a_refused_value_in_the_sheet_is_placed_by_row_and_column_and_nothing_is_saved(
    dept_staff, town, period, tmp_path
):
    kpis = own_kpis(town)[:2]
    path = filled(download(dept_staff, town, period), {kpis[0].pk: 7, kpis[1].pk: "たくさん"}, tmp_path)
    page = upload(dept_staff, town, period, path).content.decode()
    assert "何も保存していません" in page
    assert "H（今期の値）" in page and "数値ではありません" in page
    assert not KPIActual.objects.filter(period=period, kpi__in=kpis).exists()


def test_a_formula_or_a_kpi_of_another_department_in_the_sheet_is_refused(dept_staff, town, period, tmp_path):
    kpi = own_kpis(town)[0]
    other = KPI.objects.filter(measure__plan__municipality=town).exclude(measure__owner__name="住民課").first()
    content = download(dept_staff, town, period)
    page = upload(dept_staff, town, period, filled(content, {}, tmp_path, formula_at=kpi.pk)).content.decode()
    assert "数式" in page
    # The first data row now names another department's KPI.
    path = filled(content, {kpi.pk: 3}, tmp_path, replace_first_id=other.pk)
    page = upload(dept_staff, town, period, path).content.decode()
    assert "A（KPI番号）" in page and "今期あなたが報告する KPI ではありません" in page
    assert not KPIActual.objects.filter(period=period, kpi__in=[kpi, other]).exists()


def test_a_file_that_is_not_a_workbook_gets_a_message_and_not_an_error_page(dept_staff, town, period, tmp_path):
    path = tmp_path / "note.xlsx"
    path.write_bytes(b"not a workbook")
    response = upload(dept_staff, town, period, path)
    assert response.status_code == 200
    assert "何も保存していません" in response.content.decode()


def test_a_draft_taken_in_from_elsewhere_is_reported_on_only_once_it_is_started(town_staff, town, period):
    from banso.plans.services import measure_start

    measure = Measure.objects.filter(plan__municipality=town, kpis__isnull=False).exclude(status="done").first()
    Measure.objects.filter(pk=measure.pk).update(is_draft=True)
    kpi = measure.kpis.first()
    inbox = reverse("tracking:inbox", args=[town.code])
    assert f"{measure.number} {measure.title}" not in town_staff.get(inbox).content.decode()
    assert f'name="kpi_{kpi.pk}"' not in town_staff.get(grid_url(town, period)).content.decode()
    update = reverse("tracking:update", args=[town.code, period.pk, measure.pk])
    assert town_staff.get(update).status_code == 404
    page = town_staff.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "下書き" in page
    measure.refresh_from_db()
    measure_start(measure=measure)
    assert f'name="kpi_{kpi.pk}"' in town_staff.get(grid_url(town, period)).content.decode()
    assert town_staff.get(update).status_code == 200


def test_a_value_being_typed_shows_the_signal_it_would_give_by_the_dashboards_rule(dept_staff, town, period):
    from banso.tracking import selectors as tracking_selectors

    kpi = own_kpis(town)[0]
    page = dept_staff.get(grid_url(town, period)).content.decode()
    signal_url = reverse("tracking:live_signal", args=[town.code, kpi.pk])
    assert f'hx-get="{signal_url}"' in page and f'id="signal-{kpi.pk}"' in page
    today = timezone.localdate()
    targets = {t.fiscal_year: t.value for t in kpi.targets.all()}
    for typed in ["0", "1000000"]:
        expected = tracking_selectors.kpi_signal(kpi, targets, Decimal(typed), today)
        answer = dept_staff.get(signal_url, {f"kpi_{kpi.pk}": typed, "as_of": str(today)}).content.decode()
        assert "この値なら" in answer and str(expected.label) in answer
    wrong = dept_staff.get(signal_url, {f"kpi_{kpi.pk}": "たくさん"}).content.decode()
    assert "数値ではありません" in wrong
    other = KPI.objects.filter(measure__plan__municipality=town).exclude(measure__owner__name="住民課").first()
    assert dept_staff.get(reverse("tracking:live_signal", args=[town.code, other.pk])).status_code == 404
