import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from banso.orgs.models import Department
from banso.plans import services
from banso.plans.models import KPI, Measure, MeasureStep, Phase


@pytest.fixture
def plan(town):
    return services.plan_save(
        municipality=town,
        title="サンプル町DX推進計画（試案）",
        start_year=2023,
        end_year=2027,
        concept="雪国の暮らしをデジタルで軽く",
    )


@pytest.fixture
def owner(town):
    return Department.objects.get(municipality=town, name="企画政策課")


def test_it_accepts_phases_that_hand_over_like_kaneyamas(plan):
    services.phase_save(plan=plan, order=1, name="町役場内部のデジタイゼーション", start_year=2023, end_year=2024)
    services.phase_save(
        plan=plan, order=2, name="町民サービスのデジタライゼーション", start_year=2024, end_year=2027
    )
    services.phase_save(plan=plan, order=3, name="町民の生活のDX", start_year=2025, end_year=2027)
    assert [p.name for p in plan.phases.all()][2] == "町民の生活のDX"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (2023, 2024, "重なって"),
        (2024, 2023, "終了"),
        (2022, 2024, "計画期間の外"),
        (2025, 2028, "計画期間の外"),
        (2024, 2024, "重なって"),
    ],
)
def test_it_refuses_a_phase_out_of_order_inside_another_or_outside_the_period(plan, start, end, message):
    services.phase_save(plan=plan, order=1, name="第1段階", start_year=2023, end_year=2025)
    with pytest.raises(ValidationError) as err:
        services.phase_save(plan=plan, order=2, name="第2段階", start_year=start, end_year=end)
    assert any(message in m for m in err.value.messages)
    assert Phase.objects.filter(plan=plan).count() == 1


def test_it_saves_a_measure_with_a_step_per_year(plan, owner):
    measure = services.measure_save(
        plan=plan,
        number="３-１",
        title="防災情報アプリ",
        owner=owner,
        steps={2023: "事業計画", 2024: "タブレット配布", 2025: "本格運用"},
    )
    assert measure.number == "3-1"
    assert list(measure.steps.values_list("fiscal_year", flat=True)) == [2023, 2024, 2025]
    services.measure_save(
        plan=plan,
        measure=measure,
        number="3-1",
        title="防災情報アプリ",
        owner=owner,
        steps={2023: "事業計画", 2025: "本格運用（全世帯）"},
    )
    assert dict(measure.steps.values_list("fiscal_year", "description")) == {
        2023: "事業計画",
        2025: "本格運用（全世帯）",
    }


def test_it_keeps_a_measure_without_owner_and_refuses_a_step_outside_the_plan(plan, owner):
    assert services.measure_save(plan=plan, number="1", title="所属なし", owner=None).owner is None  # 担当未定
    with pytest.raises(ValidationError) as err:
        services.measure_save(plan=plan, number="2", title="期間外", owner=owner, steps={2030: "まだ先"})
    assert "令和12年度" in err.value.messages[0]
    assert list(Measure.objects.filter(plan=plan).values_list("number", flat=True)) == ["1"]
    assert not MeasureStep.objects.filter(measure__plan=plan).exists()


def test_it_refuses_a_kpi_without_unit_or_with_a_target_before_the_baseline(plan, owner):
    measure = services.measure_save(plan=plan, number="3-1", title="防災情報アプリ", owner=owner)
    with pytest.raises(ValidationError) as err:
        services.kpi_save(measure=measure, name="満足度", unit=" ", targets={2027: 70})
    assert "単位" in err.value.messages[0]
    with pytest.raises(ValidationError) as err:
        services.kpi_save(
            measure=measure,
            name="オンライン手続数",
            unit="件",
            baseline_value=28,
            baseline_date=dt.date(2025, 5, 1),
            targets={2024: 100},
        )
    assert "現状値の年度" in err.value.messages[0]
    assert not KPI.objects.filter(measure=measure).exists()


def test_it_keeps_several_targets_per_kpi(plan, owner):
    measure = services.measure_save(plan=plan, number="3-1", title="防災情報アプリ", owner=owner)
    kpi = services.kpi_save(
        measure=measure,
        name="行政情報配信数",
        unit="件／年",
        baseline_value=0,
        baseline_date=dt.date(2023, 4, 1),
        targets={2025: 100, 2027: 120},
    )
    assert list(kpi.targets.values_list("fiscal_year", "value")) == [
        (2025, Decimal("100")),
        (2027, Decimal("120")),
    ]
    assert kpi.unit == "件/年"


def test_it_keeps_funding_schemes_as_dated_data(db):
    from banso.plans.models import FundingScheme

    services.funding_schemes_ensure()
    services.funding_schemes_ensure()
    old = FundingScheme.objects.get(name__startswith="デジタル田園都市国家構想交付金（デジタル実装タイプ TYPE1")
    new = FundingScheme.objects.get(name="新しい地方経済・生活環境創生交付金（デジタル実装型）")
    assert old.valid_until < new.valid_from
    assert FundingScheme.objects.filter(name="一般財源").count() == 1


def test_it_records_plan_changes_in_the_history(plan, owner):
    from banso.core.models import AuditEntry

    measure = services.measure_save(plan=plan, number="3-2", title="デジタル人材の育成", owner=owner)
    assert AuditEntry.objects.filter(
        content_type__model="measure", object_id=str(measure.pk), municipality_id=plan.municipality_id
    ).exists()
