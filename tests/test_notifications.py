"""Notifications: what waits for each persona, counted in the header and listed with a link to the work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banso.plans.models import KPI, Measure
from banso.tracking import selectors
from banso.tracking.models import ApprovalState, MeasureUpdate, ReportingPeriod


def listed(client) -> str:
    return client.get(reverse("notifications")).content.decode()


def count(client) -> str:
    return client.get(reverse("notifications_count"), HTTP_HX_REQUEST="true").content.decode()


@pytest.fixture
def period(town):
    today = timezone.localdate()
    return ReportingPeriod.objects.get(municipality=town, starts_on__lte=today, ends_on__gte=today)


def test_every_page_asks_for_the_count_after_it_has_loaded(dept_staff):
    page = dept_staff.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications_count")}"' in page
    assert f'href="{reverse("notifications")}"' in page


def test_an_owner_sees_how_many_measures_wait_for_this_periods_report(dept_staff, town, period):
    from banso.orgs.models import User
    from banso.orgs.scoping import scope_for

    user = User.objects.get(username="dept-staff")
    _period, items, _plan = selectors.inbox(scope_for(user), town, user, timezone.localdate())
    waiting = sum(1 for _measure, update in items if update is None)
    assert waiting
    page = listed(dept_staff)
    assert f"{period.label}の報告がまだの施策" in page
    assert f'<span class="count-badge">{waiting}</span>' in page
    assert reverse("tracking:inbox", args=[town.code]) in page
    assert f">{waiting}<" in count(dept_staff)


def test_a_returned_report_comes_first_and_says_it_needs_action(dept_staff, town, period):
    measure = Measure.objects.filter(plan__municipality=town, owner__name="住民課", is_draft=False).first()
    MeasureUpdate.objects.create(
        measure=measure, period=period, status=measure.status, state=ApprovalState.RETURNED
    )
    page = listed(dept_staff)
    assert "差し戻された報告" in page and "要対応" in page
    assert page.index("差し戻された報告") < page.index("の報告がまだの施策")


def test_the_dx_office_sees_reports_waiting_for_approval_and_readers_see_nothing_to_do(
    town_staff, executive, town
):
    waiting = MeasureUpdate.objects.filter(period__municipality=town, state=ApprovalState.SUBMITTED).count()
    assert waiting
    page = listed(town_staff)
    assert "承認を待っている報告" in page and reverse("tracking:reviews", args=[town.code]) in page
    assert "いま対応が必要なものはありません" in listed(executive)
    assert "count-badge" not in count(executive)


def test_a_survey_file_that_stopped_on_problems_waits_until_it_is_sent_again(dept_staff, town, department):
    from banso.orgs.models import User
    from banso.survey.models import ImportBatch, SurveyRound

    survey_round = SurveyRound.objects.filter(municipality=town, status=SurveyRound.Status.OPEN).first()
    user = User.objects.get(username="dept-staff")
    stopped = ImportBatch.objects.create(
        survey_round=survey_round, department=department, uploaded_by=user, status="has_errors", original_name="a"
    )
    page = listed(dept_staff)
    assert "直して送り直す業務量調査のファイル" in page
    assert reverse("survey:import", args=[town.code, survey_round.pk, stopped.pk]) in page
    ImportBatch.objects.create(
        survey_round=survey_round, department=department, uploaded_by=user, status="applied", original_name="b"
    )
    assert "直して送り直す業務量調査のファイル" not in listed(dept_staff)


def test_prefecture_staff_see_the_cases_waiting_for_their_review(pref_staff):
    from banso.cases.models import Case

    assert Case.objects.filter(status=Case.Status.IN_REVIEW).exists()
    assert "確認を待っている事例" in listed(pref_staff)


def test_the_count_reads_the_same_number_of_queries_for_a_larger_plan(town_staff, town, period):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            count(town_staff)
        return len(captured)

    before = queries()
    source = Measure.objects.filter(plan__municipality=town).first()
    for n in range(5):
        added = Measure.objects.create(plan=source.plan, number=f"9-{n}", title=f"追加{n}", owner=source.owner)
        KPI.objects.create(measure=added, name=f"指標{n}", unit="件")
        MeasureUpdate.objects.create(measure=added, period=period, status="in_progress", state="returned")
    assert queries() == before
