"""Who owns a measure (a lead department, co-owners, partners outside the town) and its money by 年度."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from banso import factories
from banso.orgs.models import Role
from banso.plans import selectors, services
from banso.plans.diff import diff_snapshots
from banso.plans.documents import plan_document
from banso.plans.models import MeasureBudget, Partner


@pytest.fixture
def small(db):
    town = factories.municipality("試験町")
    lead = factories.department(town, "企画課")
    factories.department(town, "住民課")
    plan = factories.plan(town, 2025, 2027)
    services.funding_schemes_ensure()
    measure = factories.measure(plan, lead, "1-1", title="窓口のオンライン化")
    client = Client()
    client.force_login(factories.person("small-dx", Role.DX_STAFF, town))
    return town, plan, measure, client


def edit(client, town, measure, **extra):
    data = {"number": measure.number, "title": measure.title, "owner": measure.owner_id, **extra}
    return client.post(reverse("plans:measure_edit", args=[town.code, measure.pk]), data)


def test_it_records_co_owners_partners_and_money_by_year_from_the_page(small):
    town, _plan, measure, client = small
    citizens = town.departments.get(name="住民課")
    response = edit(
        client,
        town,
        measure,
        co_owners=[citizens.pk],
        partner_names="試験郡広域連合、試験県",
        budget_2025="１，２００",
        settled_2025="1100",
        funding_2025="デジタル活用推進事業債、ふるさと納税",
        budget_2026="3000",
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert list(measure.co_owners.all()) == [citizens]
    assert sorted(p.name for p in measure.partners.all()) == ["試験県", "試験郡広域連合"]
    first = MeasureBudget.objects.get(measure=measure, fiscal_year=2025)
    assert (first.budget_thousand_yen, first.settled_thousand_yen) == (1200, 1100)
    assert [f.name for f in first.funding.all()] == ["デジタル活用推進事業債"]
    assert first.funding_other == "ふるさと納税"
    page = client.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "試験郡広域連合" in page
    assert "ふるさと納税" in page
    assert "令和7年度（2025年度）" in page


def test_it_makes_one_partner_of_a_name_written_in_two_widths(small):
    town, _plan, measure, client = small
    edit(client, town, measure, partner_names="ＡＢＣ株式会社")
    other = factories.measure(measure.plan, measure.owner, "1-2")
    edit(client, town, other, partner_names="ABC株式会社")
    assert Partner.objects.filter(name__in=["ＡＢＣ株式会社", "ABC株式会社"]).count() == 1


def test_it_refuses_a_negative_budget_and_keeps_the_rest_of_the_form(small):
    town, _plan, measure, client = small
    page = edit(client, town, measure, budget_2025="-5", purpose="書いた目的").content.decode()
    assert "0 以上" in page or "以上の値" in page
    assert "書いた目的" in page
    assert not MeasureBudget.objects.filter(measure=measure).exists()


def test_it_compares_and_prints_the_money_by_year(small):
    _town, plan, measure, _client = small
    services.measure_budgets_replace(measure=measure, budgets={2025: {"budget": 1200, "settled": None}})
    services.version_issue(plan=plan, issued_on=dt.date(2025, 4, 1), note="策定")
    services.measure_budgets_replace(measure=measure, budgets={2025: {"budget": 1200, "settled": 980}})
    snapshot = selectors.plan_snapshot(plan)
    changes = {
        c.label: (c.before, c.after)
        for s in diff_snapshots(plan.versions.get().snapshot, snapshot)
        for c in s.changes
    }
    assert changes["1-1 予算（令和7年度）"] == ("予算 1,200千円", "予算 1,200千円・決算 980千円")
    document = plan_document(snapshot, versions=[])
    rows = [row for block in document.blocks if hasattr(block, "headers") for row in block.rows]
    assert ["R7（令和7年度）", "1,200", "980"] in rows


def test_it_matches_a_funding_scheme_by_another_name_and_keeps_an_ambiguous_one_as_written(small):
    town, _plan, measure, client = small
    edit(client, town, measure, budget_2025="100", funding_2025="第2世代交付金、デジタル田園都市国家構想交付金")
    row = MeasureBudget.objects.get(measure=measure, fiscal_year=2025)
    assert [f.name for f in row.funding.all()] == ["新しい地方経済・生活環境創生交付金（第2世代交付金）"]
    assert row.funding_other == "デジタル田園都市国家構想交付金"  # four schemes begin so: which one is not said
