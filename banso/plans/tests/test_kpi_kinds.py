"""KPIs as real plans write them: kinds, targets typed with their units, milestones, targets after the plan ends,
a KPI listed again under another measure (再掲), and the town's yearly grades."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from banso import factories
from banso.orgs.models import Role
from banso.plans import selectors, services
from banso.plans.diff import diff_snapshots
from banso.plans.models import KPI, KPIAssessment
from banso.tracking import progress

JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def small(db):
    """A town whose plan runs 令和4年度–令和6年度, one measure, and its DX office signed in."""
    town = factories.municipality("試験町")
    office = factories.department(town, "総務課")
    plan = factories.plan(town, 2022, 2024)
    measure = factories.measure(plan, office, "1-1", title="オンライン申請")
    client = Client()
    client.force_login(factories.person("small-dx", Role.DX_STAFF, town))
    return town, plan, measure, client


@pytest.mark.parametrize(
    ("kind", "unit", "written", "number"),
    [
        (KPI.Kind.SHARE, "%", "85%", Decimal(85)),
        (KPI.Kind.CUMULATIVE, "箇所", "4箇所（累計）", Decimal(4)),
        (KPI.Kind.PER_YEAR, "人", "1,000人/年", Decimal(1000)),
        (KPI.Kind.NUMBER, "件", "１２０件", Decimal(120)),
    ],
)
def test_it_reads_a_target_as_the_plan_writes_it_and_keeps_the_words(small, kind, unit, written, number):
    _town, _plan, measure, _client = small
    kpi = services.kpi_save(measure=measure, name="指標", unit=unit, kind=kind, targets={2024: written})
    target = kpi.targets.get()
    assert target.value == number
    assert target.text == written


def test_it_refuses_a_share_over_100_and_writes_nothing(small):
    _town, _plan, measure, _client = small
    with pytest.raises(ValidationError) as err:
        services.kpi_save(measure=measure, name="電子申請の割合", kind=KPI.Kind.SHARE, targets={2024: "120%"})
    assert "割合は0から100%の間です。120 は割合になりません。" in err.value.messages[0]
    assert not KPI.objects.filter(measure=measure).exists()


def test_it_keeps_a_target_dated_after_the_plan_ends(small):
    _town, plan, measure, _client = small
    kpi = services.kpi_save(
        measure=measure, name="標準化対象の20業務の移行", unit="業務", targets={2024: "10", 2025: "20"}
    )
    assert sorted(kpi.targets.values_list("fiscal_year", flat=True)) == [2024, 2025]
    assert selectors.plan_snapshot(plan)["measures"][0]["kpis"][0]["targets"]["2025"] == "20"


def test_it_takes_a_kpi_typed_on_the_page_with_a_dash_for_no_baseline(small):
    town, _plan, measure, client = small
    response = client.post(
        reverse("plans:kpi_create", kwargs={"code": town.code, "measure_id": measure.pk}),
        {
            "name": "電子申請の割合",
            "kind": "share",
            "unit": "",
            "baseline_value": "-",
            "direction": "up",
            "target_2024": "８５％",
        },
    )
    assert response.status_code == 302
    kpi = KPI.objects.get(measure=measure)
    assert kpi.unit == "%"
    assert kpi.baseline_value is None
    page = client.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "８５％（R6）" in page


def test_it_writes_milestones_in_words_and_signals_one_that_is_late(small):
    _town, _plan, measure, _client = small
    kpi = services.kpi_save(
        measure=measure,
        name="情報セキュリティの規程",
        kind=KPI.Kind.MILESTONE,
        targets={2022: "行動規範の制定", 2023: "マニュアルの運用"},
    )
    assert [t.text for t in kpi.targets.all()] == ["行動規範の制定", "マニュアルの運用"]
    targets = {2022: None, 2023: None}
    during_first_year = dt.date(2022, 10, 1)
    after_first_year = dt.date(2023, 5, 1)
    assert progress.signal_for("milestone", None, None, targets, None, during_first_year).state == progress.NO_DATA
    assert (
        progress.signal_for("milestone", None, None, targets, None, after_first_year).state == progress.OFF_TRACK
    )
    reached = progress.signal_for("milestone", None, None, targets, Decimal(1), after_first_year)
    assert reached.state == progress.ON_TRACK


def test_it_pro_rates_a_figure_per_year_to_the_day():
    half_year = dt.date(2025, 9, 30)
    on_pace = progress.signal_for("per_year", None, None, {2025: Decimal(1000)}, Decimal(500), half_year)
    assert on_pace.state == progress.ON_TRACK
    assert Decimal(495) < on_pace.expected < Decimal(505)
    behind = progress.signal_for("per_year", None, None, {2025: Decimal(1000)}, Decimal(200), half_year)
    assert behind.state == progress.OFF_TRACK


def test_it_lists_a_kpi_again_under_another_measure_and_counts_it_once(small):
    town, plan, measure, client = small
    other = factories.measure(plan, measure.owner, "2-1", title="窓口改革")
    services.kpi_save(
        measure=measure, name="オンライン手続の数", unit="件", targets={2024: "30"}, listed_again_under=[other]
    )
    page = client.get(reverse("plans:measure", args=[town.code, other.pk])).content.decode()
    assert "オンライン手続の数" in page
    assert "1-1 から再掲" in page
    snapshot = selectors.plan_snapshot(plan)
    assert sum(len(m["kpis"]) for m in snapshot["measures"]) == 1
    assert snapshot["measures"][0]["kpis"][0]["listed_again_under"] == ["2-1"]


def test_it_grades_a_kpi_on_the_plans_own_scale_and_refuses_another_grade(small):
    town, _plan, measure, client = small
    kpi = services.kpi_save(measure=measure, name="オンライン手続の数", unit="件", targets={2024: "30"})
    url = reverse("plans:assessment_save", args=[town.code, measure.pk])
    client.post(
        url, {"kpi": kpi.pk, "fiscal_year": 2023, "grade": "B", "comment": "予定どおり", "continue_next": "on"}
    )
    assessment = KPIAssessment.objects.get(kpi=kpi)
    assert (assessment.grade, assessment.continue_next) == ("B", True)
    page = client.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "R5 B（次期計画で継続）" in page
    with pytest.raises(ValidationError) as err:
        services.assessment_save(kpi=kpi, fiscal_year=2023, grade="E")
    assert "A・B・C・D" in err.value.messages[0]
    assert KPIAssessment.objects.get(kpi=kpi).grade == "B"


def test_it_uses_a_towns_own_grade_scale(small):
    _town, plan, measure, _client = small
    plan.grade_scale = "◎ 達成\n○ おおむね達成\n△ 未達成"
    plan.save()
    kpi = services.kpi_save(measure=measure, name="研修の受講者", unit="人", targets={2024: "100"})
    assert services.assessment_save(kpi=kpi, fiscal_year=2024, grade="◎").grade == "◎"
    with pytest.raises(ValidationError):
        services.assessment_save(kpi=kpi, fiscal_year=2024, grade="A")


def test_it_compares_grades_and_milestones_in_the_table_of_changes(small):
    _town, plan, measure, _client = small
    kpi = services.kpi_save(
        measure=measure, name="規程", kind=KPI.Kind.MILESTONE, targets={2022: "行動規範の制定"}
    )
    services.version_issue(plan=plan, issued_on=dt.date(2022, 4, 1), note="策定")
    services.assessment_save(kpi=kpi, fiscal_year=2022, grade="C", comment="制定が翌年度にずれた")
    services.kpi_save(
        measure=measure, kpi=kpi, name="規程", kind=KPI.Kind.MILESTONE, targets={2022: "行動規範の制定と周知"}
    )
    sections = diff_snapshots(plan.versions.get().snapshot, selectors.plan_snapshot(plan))
    changes = {c.label: (c.before, c.after) for s in sections for c in s.changes}
    assert changes["1-1 KPI「規程」 目標値（令和4年度）"] == ("行動規範の制定", "行動規範の制定と周知")
    assert changes["1-1 KPI「規程」 自己評価（令和4年度）"] == ("", "C：制定が翌年度にずれた")
