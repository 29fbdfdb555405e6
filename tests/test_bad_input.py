"""Wrong data into every form and command this change added: a Japanese message, and nothing written."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from banso.cases.models import Case
from banso.plans.models import Measure, Plan
from banso.programs.models import Programme, StatusSnapshot, SupportActivity
from banso.tracking.models import ReportingPeriod
from banso.training.models import Consultation, Course, Designation, StaffMember


def tomorrow() -> str:
    return str(timezone.localdate() + dt.timedelta(days=1))


def test_a_measure_without_owner_department_is_kept_as_not_decided(town_staff, town):
    # Real plans name no owner for some measures; the DX office answers for them until one is chosen.
    plan = Plan.objects.get(municipality=town)
    response = town_staff.post(
        reverse("plans:measure_create", args=[town.code, plan.pk]), {"number": "9-9", "title": "担当なし"}
    )
    assert response.status_code == 302
    measure = Measure.objects.get(plan=plan, number="9-9")
    assert measure.owner is None
    page = town_staff.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "担当未定" in page


def test_a_measure_whose_owner_is_another_towns_department(town_staff, town, other_town):
    plan = Plan.objects.get(municipality=town)
    foreign = other_town.departments.first()
    page = town_staff.post(
        reverse("plans:measure_create", args=[town.code, plan.pk]),
        {"number": "9-8", "title": "よその課", "owner": foreign.pk},
    ).content.decode()
    assert "正しく選択してください" in page or "選択肢" in page
    assert not Measure.objects.filter(plan=plan, number="9-8").exists()


def test_a_version_dated_before_the_last_one(town_staff, town):
    plan = Plan.objects.get(municipality=town)
    plan.concept = "変更あり"
    plan.save()
    page = town_staff.post(
        reverse("plans:versions", args=[town.code, plan.pk]), {"issued_on": "2020-01-01"}
    ).content.decode()
    assert "より前" in page or "前の日付" in page or "発行されています" in page
    assert plan.versions.count() == 2


def test_an_overlapping_reporting_period(town_staff, town):
    before = ReportingPeriod.objects.filter(municipality=town).count()
    page = town_staff.post(
        reverse("tracking:periods", args=[town.code]),
        {
            "single": "1",
            "p-label": "臨時",
            "p-starts_on": "2026-05-01",
            "p-ends_on": "2026-05-31",
            "p-due_on": "2026-06-10",
        },
    ).content.decode()
    assert "重なっています" in page
    assert ReportingPeriod.objects.filter(municipality=town).count() == before


def test_a_course_title_that_exists(town_staff, town):
    page = town_staff.post(
        reverse("training:course_create", args=[town.code]), {"title": "情報セキュリティ研修", "audience": "staff"}
    ).content.decode()
    assert "すでにあります" in page
    assert Course.objects.filter(municipality=town, title="情報セキュリティ研修").count() == 1


def test_a_consultation_without_its_question(town_staff, town):
    before = Consultation.objects.filter(municipality=town).count()
    page = town_staff.post(
        reverse("training:helpdesk", args=[town.code]),
        {
            "received_on": "2026-11-20",
            "channel": "desk",
            "requester": "resident",
            "age_band": "70_79",
            "topic": "",
            "question": "",
            "status": "answered",
            "minutes": "10",
        },
    ).content.decode()
    assert "相談内容" in page
    assert "必須" in page
    assert Consultation.objects.filter(municipality=town).count() == before


def test_a_designation_that_ends_before_it_starts(town_staff, town):
    member = StaffMember.objects.filter(municipality=town).first()
    page = town_staff.post(
        reverse("training:staff_detail", args=[town.code, member.pk]),
        {"kind": "leader", "starts_on": "2026-04-01", "ends_on": "2026-03-01"},
    ).content.decode()
    assert "始まりより前" in page
    assert not Designation.objects.filter(staff=member, ends_on="2026-03-01").exists()


def test_a_programme_that_ends_before_it_starts(pref_staff):
    page = pref_staff.post(
        reverse("programs:programme_create"),
        {"title": "逆さまの事業", "starts_on": "2026-04-01", "ends_on": "2025-04-01"},
    ).content.decode()
    assert "始まりより前" in page
    assert not Programme.objects.filter(title="逆さまの事業").exists()


def test_a_support_activity_or_status_dated_in_the_future(advisor, town):
    url = reverse("programs:support", args=[town.code])
    page = advisor.post(
        url,
        {
            "activity": "1",
            "a-held_on": tomorrow(),
            "a-kind": "visit",
            "a-category": "vision",
            "a-title": "先の訪問",
        },
    ).content.decode()
    assert "未来の日付" in page
    assert not SupportActivity.objects.filter(title="先の訪問").exists()
    page = advisor.post(url, {"snapshot": "1", "s-as_of": tomorrow(), "s-next_steps": "先の話"}).content.decode()
    assert "未来の日付" in page
    assert not StatusSnapshot.objects.filter(next_steps="先の話").exists()


def test_a_case_with_a_period_backwards_and_a_title_too_long(town_staff, town):
    before = Case.objects.count()
    page = town_staff.post(
        reverse("cases:case_create", args=[town.code]),
        {
            "title": "長" * 151,
            "summary": "逆の期間",
            "theme": "divide",
            "kind": "service",
            "start_year": "令和9年度",
            "end_year": "令和7年度",
        },
    ).content.decode()
    assert "この値は 150 文字以下でなければなりません" in page
    page = town_staff.post(
        reverse("cases:case_create", args=[town.code]),
        {
            "title": "逆の期間",
            "summary": "逆の期間",
            "theme": "divide",
            "kind": "service",
            "start_year": "令和9年度",
            "end_year": "令和7年度",
        },
    ).content.decode()
    assert "終わりの日付が始まりより前になっています" in page
    assert "逆の期間" in page
    assert Case.objects.count() == before


def test_a_typed_challenge_too_long_and_a_case_adopted_into_an_unknown_town(town_staff, town):
    page = town_staff.get(reverse("cases:recommended", args=[town.code]), {"text": "課" * 2001}).content.decode()
    assert "2000 文字以下" in page
    case = Case.objects.get(seed_key="natori-smart-store")
    before = Measure.objects.count()
    assert town_staff.post(reverse("cases:case_adopt", args=[case.pk]), {"municipality": "abc"}).status_code == 404
    assert town_staff.post(reverse("cases:case_status", args=[case.pk]), {"action": "delete"}).status_code == 403
    assert Measure.objects.count() == before
    assert Case.objects.get(pk=case.pk).status == "published"


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        ("remind", {"date": "2026/04/15"}, "2026-04-15"),
        (
            "plan_export",
            {"municipality": "999997", "format": "pdf", "out": "never-written.pdf", "edition": "9.9"},
            "9.9",
        ),
        ("plan_import", {"municipality": "999997"}, "見つかりません"),
        (
            "report_advisor",
            {"municipality": "999997", "advisor": "dx-staff", "format": "pdf", "out": "never-written.pdf"},
            "派遣がありません",
        ),
        (
            "report_programme",
            {"programme": "存在しない事業", "format": "pdf", "out": "never-written.pdf"},
            "という事業はありません",
        ),
        ("cases_recommend", {"municipality": "12345"}, "12345"),
        ("cases_load", {"file": "/nonexistent/cases.toml"}, "読み込めません"),
    ],
)
def test_commands_explain_wrong_arguments(db, command, options, message):
    args = ["/nonexistent/plan.xlsx"] if command == "plan_import" else []
    with pytest.raises(CommandError) as err:
        call_command(command, *args, **options)
    assert message in str(err.value)
