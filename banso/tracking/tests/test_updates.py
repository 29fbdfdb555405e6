"""Owners' updates: allowed status moves with history, actuals checked for unit and date, approval, concurrency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from banso.orgs.models import User
from banso.plans.models import Measure
from banso.tracking import services
from banso.tracking.models import ApprovalState, KPIActual, MeasureUpdate, ReportingPeriod, StatusChange


@pytest.fixture
def measure(town):
    return Measure.objects.get(plan__municipality=town, number="1-1")


@pytest.fixture
def period(town):
    """The current quarter: nobody has reported on it yet (the demo reports only on quarters already due)."""
    today = timezone.localdate()
    return ReportingPeriod.objects.get(municipality=town, starts_on__lte=today, ends_on__gte=today)


@pytest.fixture
def owner():
    return User.objects.get(username="dept-staff")


def form_url(town, period, measure):
    return reverse("tracking:update", args=[town.code, period.pk, measure.pk])


def test_it_lets_an_owner_report_status_progress_and_a_kpi_value(dept_staff, town, period, measure):
    kpi = measure.kpis.get()
    response = dept_staff.post(
        form_url(town, period, measure),
        {
            "revision": 0,
            "status": "in_progress",
            "note": "2課で運用開始",
            f"kpi_{kpi.pk}": "２枚",
            f"as_of_{kpi.pk}": "2026-04-30",
            f"source_{kpi.pk}": "窓口集計",
        },
    )
    assert response.status_code == 302
    actual = KPIActual.objects.get(kpi=kpi, period=period)
    assert actual.value == Decimal(2)
    assert actual.state == ApprovalState.SUBMITTED  # サンプル町 approves values


@pytest.mark.parametrize(
    ("value", "as_of", "message"),
    [
        ("70件", "2026-04-30", "単位"),
        ("たくさん", "2026-04-30", "数値ではありません"),
        ("2", "2031-04-01", "未来"),
        ("2", "2024-04-01", "計画期間の外"),
    ],
)
def test_it_refuses_actuals_in_another_unit_or_outside_the_plan_and_keeps_what_was_typed(
    dept_staff, town, period, measure, value, as_of, message
):
    kpi = measure.kpis.get()
    page = dept_staff.post(
        form_url(town, period, measure),
        {
            "revision": 0,
            "status": "in_progress",
            "note": "入力した文章",
            f"kpi_{kpi.pk}": value,
            f"as_of_{kpi.pk}": as_of,
        },
    ).content.decode()
    assert message in page
    assert "入力した文章" in page
    assert f'value="{value}"' in page
    assert not MeasureUpdate.objects.filter(measure=measure, period=period).exists()


def test_it_allows_only_the_next_statuses_and_records_each_change(town, period, owner):
    measure = Measure.objects.get(plan__municipality=town, number="3-2")  # not started
    with pytest.raises(ValidationError) as err:
        services.status_change(measure=measure, to_status="done", user=owner)
    assert "完了" in err.value.messages[0]
    assert "実施中" in err.value.messages[0]
    services.update_save(measure=measure, period=period, user=owner, revision=0, status="in_progress")
    change = StatusChange.objects.filter(measure=measure).get()
    assert (change.from_status, change.to_status, change.changed_by) == ("not_started", "in_progress", owner)


def test_it_tells_the_second_of_two_editors_and_loses_neither_update(
    dept_staff, town_staff, town, period, measure
):
    kpi = measure.kpis.get()
    first = {
        "revision": 0,
        "status": "in_progress",
        "note": "一人目",
        f"kpi_{kpi.pk}": "3",
        f"as_of_{kpi.pk}": "2026-05-01",
    }
    second = {**first, "note": "二人目の文章", f"kpi_{kpi.pk}": "2"}
    assert dept_staff.post(form_url(town, period, measure), first).status_code == 302
    page = town_staff.post(form_url(town, period, measure), second).content.decode()
    assert "先に" in page or "後に" in page
    assert "二人目の文章" in page  # the second person's text is still in the form
    assert MeasureUpdate.objects.get(measure=measure, period=period).note == "一人目"


def test_it_refuses_to_change_an_approved_update(town, period, measure, owner):
    update = services.update_save(measure=measure, period=period, user=owner, revision=0, status="in_progress")
    services.update_review(update=update, user=None, approve=True)
    with pytest.raises(ValidationError) as err:
        services.update_save(
            measure=measure, period=period, user=owner, revision=update.revision, status="delayed"
        )
    assert "承認" in err.value.messages[0]


def test_it_counts_a_value_only_once_the_dx_office_approved_it(town_staff, town, period, measure, owner):
    kpi = measure.kpis.get()
    update = services.update_save(
        measure=measure,
        period=period,
        user=owner,
        revision=0,
        status="in_progress",
        actuals={kpi: ("1", timezone.localdate(), "")},
    )
    shown = f"1{kpi.unit}<br><small>{timezone.localdate():%Y/%-m/%-d}</small>"  # the newest value, with its date
    page = town_staff.get(reverse("tracking:dashboard", args=[town.code])).content.decode()
    assert shown not in page
    town_staff.post(reverse("tracking:review", args=[town.code, update.pk]), {"decision": "approve"})
    page = town_staff.get(reverse("tracking:dashboard", args=[town.code])).content.decode()
    assert shown in page


def test_it_returns_an_update_only_with_a_note(town_staff, town, period, measure, owner):
    update = services.update_save(measure=measure, period=period, user=owner, revision=0, status="in_progress")
    town_staff.post(reverse("tracking:review", args=[town.code, update.pk]), {"decision": "return"})
    update.refresh_from_db()
    assert update.state == ApprovalState.SUBMITTED
    town_staff.post(
        reverse("tracking:review", args=[town.code, update.pk]),
        {"decision": "return", "review_note": "値の時点を確認してください"},
    )
    update.refresh_from_db()
    assert update.state == ApprovalState.RETURNED
    assert update.review_note == "値の時点を確認してください"


def test_it_offers_a_value_taken_from_the_survey(town_staff, town, period):
    measure = Measure.objects.get(plan__municipality=town, number="2-1")
    page = town_staff.get(form_url(town, period, measure)).content.decode()
    assert "Banso から取得" in page
    assert "要介護認定の申請受付と訪問調査" in page


def test_it_makes_quarters_and_refuses_an_overlapping_period(town):
    made = services.periods_quarterly(municipality=town, fiscal_year=2028)
    assert made[0].label == "令和10年度 第1四半期"
    assert made[3].due_on == dt.date(2029, 4, 15)
    with pytest.raises(ValidationError) as err:
        services.period_save(
            municipality=town,
            label="臨時",
            starts_on=dt.date(2028, 5, 1),
            ends_on=dt.date(2028, 5, 31),
            due_on=dt.date(2028, 6, 10),
        )
    assert "重なって" in err.value.messages[0]


def test_it_keeps_evidence_files_and_refuses_one_over_the_size_limit(dept_staff, town, period, measure, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"revision": 0, "status": "in_progress", "note": "写真を添付"}
    files = {"evidence_file": SimpleUploadedFile("窓口の写真.pdf", b"%PDF-1.4 photo")}
    assert dept_staff.post(form_url(town, period, measure), {**data, **files}).status_code == 302
    update = MeasureUpdate.objects.get(measure=measure, period=period)
    download = dept_staff.get(reverse("tracking:evidence", args=[town.code, update.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 photo"
    settings.BANSO_MAX_UPLOAD_BYTES = 10
    big = {"evidence_file": SimpleUploadedFile("大きい.pdf", b"x" * 100)}
    page = dept_staff.post(
        form_url(town, period, measure), {**data, "revision": update.revision, **big}
    ).content.decode()
    assert "MB" in page
    assert "写真を添付" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("報告.html", b"<!doctype html><script>alert(1)</script>"),
        ("写真.pdf", b"<html><body>not a pdf</body></html>"),  # named as a PDF, written as a page
        ("図.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("メモ.txt", b"<script>alert(1)</script>"),
        ("表.xlsx", b"PK\x03\x04 not really a workbook"),
    ],
)
def test_evidence_that_is_not_a_document_or_picture_is_refused_and_the_update_kept(
    dept_staff, town, period, measure, name, content
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "revision": 0,
        "status": "in_progress",
        "note": "証拠を添付",
        "evidence_file": SimpleUploadedFile(name, content),
    }
    page = dept_staff.post(form_url(town, period, measure), data).content.decode()
    assert "添付できません" in page and "証拠を添付" in page  # said where, and what was typed is still there
    assert not MeasureUpdate.objects.filter(measure=measure, period=period).exists()


def test_evidence_in_the_kinds_towns_file_is_kept(dept_staff, town, period, measure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "revision": 0,
        "status": "in_progress",
        "note": "写真",
        "evidence_file": SimpleUploadedFile("写真.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
    }
    assert dept_staff.post(form_url(town, period, measure), data).status_code == 302
    assert MeasureUpdate.objects.get(measure=measure, period=period).evidence_file
