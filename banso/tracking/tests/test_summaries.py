"""Towns side by side from precomputed summaries: the figures a town's dashboard shows, kept current, read in a
number of queries that does not grow with the number of towns (issue 16)."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banso import factories
from banso.orgs import services as org_services
from banso.orgs.models import Role, User
from banso.programs import services as programme_services
from banso.tracking import progress, services, summaries
from banso.tracking.models import TownSummary
from banso.tracking.selectors import dashboard


def _town_with_plan(number: int):
    """A town sharing with its prefecture, with a plan of two measures, a KPI each and the current period."""
    today = timezone.localdate()
    town = factories.municipality(shares_with_prefecture=True)
    department = factories.department(town)
    plan = factories.plan(town, start_year=today.year - 1, end_year=today.year + 3)
    for index in (1, 2):
        measure = factories.measure(plan, department, number=f"{number}-{index}")
        factories.kpi(measure, targets={today.year + 3: "100"})
    factories.period(
        town, today - dt.timedelta(days=30), today + dt.timedelta(days=60), today + dt.timedelta(days=70)
    )
    return town


class World:
    """A prefecture's towns in one programme, followed by a prefecture staff member and an advisor."""

    def __init__(self):
        today = timezone.localdate()
        self.towns = []
        self.programme = programme_services.programme_save(
            title="広域DX推進事業",
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=300),
            owner_prefecture=factories.prefecture(),
        )
        self.provider = org_services.provider_create(name="伴走支援株式会社")
        self.pref_staff = User.objects.create_user("pref98", display_name="県職員")
        org_services.membership_grant(
            user=self.pref_staff, role=Role.PREFECTURE_STAFF, prefecture=factories.prefecture()
        )
        self.advisor = User.objects.create_user("advisor98", display_name="支援員")
        org_services.membership_grant(user=self.advisor, role=Role.ADVISOR, provider=self.provider)

    def grow_to(self, count: int) -> None:
        today = timezone.localdate()
        while len(self.towns) < count:
            town = _town_with_plan(len(self.towns) + 1)
            programme_services.participant_save(programme=self.programme, municipality=town, theme="窓口DX")
            org_services.assignment_create(
                advisor=self.advisor,
                provider=self.provider,
                municipality=town,
                title="伴走支援",
                starts_on=today - dt.timedelta(days=10),
                ends_on=today + dt.timedelta(days=100),
            )
            programme_services.snapshot_save(municipality=town, as_of=today, next_steps=f"{town.name}の次の一歩")
            self.towns.append(town)
        summaries.refresh([t.pk for t in self.towns])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_it_shows_ten_or_three_towns_in_the_same_number_of_queries(client):
    world = World()
    pages = {
        "programme page": (world.pref_staff, reverse("programs:programme", args=[world.programme.pk])),
        "programme report": (
            world.pref_staff,
            reverse("programs:programme_report", args=[world.programme.pk]) + "?format=xlsx",
        ),
        "prefecture staff's home": (world.pref_staff, reverse("home")),
        "advisor's home": (world.advisor, reverse("home")),
    }
    counts = {}
    for size in (3, 10):
        world.grow_to(size)
        for name, (user, url) in pages.items():
            client.force_login(user)
            _queries(client, url)  # the first request of a session writes it
            counts[name, size] = _queries(client, url)
    assert {name: counts[name, 3] for name in pages} == {name: counts[name, 10] for name in pages}
    page = client.get(reverse("programs:programme", args=[world.programme.pk])).content.decode()
    assert all(town.name in page for town in world.towns)
    assert f"{world.towns[-1].name}の次の一歩" in page


@pytest.mark.django_db
def test_it_keeps_the_figures_the_towns_dashboard_shows(django_capture_on_commit_callbacks):
    from banso.orgs.scoping import operator_scope
    from banso.plans.models import Plan

    with django_capture_on_commit_callbacks(execute=True):  # a new plan is summarised once committed
        town = _town_with_plan(1)
    plan = Plan.objects.get(municipality=town)
    summary = TownSummary.objects.get(municipality=town)
    board = dashboard(operator_scope([town.pk]), plan, timezone.localdate())
    assert (summary.plan_title, summary.measures, summary.late) == (plan.title, 2, len(board.late))
    assert summary.count(progress.NO_DATA) == 2
    assert (summary.reported, summary.reportable) == (0, 2)

    # An owner reports a value: once committed, the town's summary counts it as its dashboard does.
    measure = plan.measures.order_by("number").first()
    kpi = measure.kpis.get()
    owner = factories.department_staff(town, measure.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_save(
            measure=measure,
            period=town.reporting_periods.get(),
            user=owner,
            revision=0,
            status=measure.status,
            note="進めています",
            actuals={kpi: ("1", timezone.localdate(), "窓口の集計")},
        )
    summary.refresh_from_db()
    board = dashboard(operator_scope([town.pk]), plan, timezone.localdate())
    assert summary.signals == dict(Counter(k.signal.state for k in board.kpis))
    assert summary.count(progress.NO_DATA) == 1
    assert (summary.reported, summary.stale) == (1, False)


@pytest.mark.django_db
def test_it_computes_again_the_figures_of_a_past_day_when_a_page_reads_them(client):
    world = World()
    world.grow_to(2)
    ours = TownSummary.objects.filter(municipality__in=world.towns)
    ours.update(as_of=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.pref_staff)
    page = client.get(reverse("home")).content.decode()
    assert all(town.name in page for town in world.towns)
    # The tests run jobs at once: the page asked for them and read the new figures.
    assert set(ours.values_list("as_of", flat=True)) == {timezone.localdate()}


@pytest.mark.django_db
def test_it_says_a_towns_figures_are_being_computed_while_the_job_waits(client, settings):
    world = World()
    world.grow_to(2)
    TownSummary.objects.filter(municipality=world.towns[0]).delete()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world.pref_staff)
    page = client.get(reverse("programs:programme", args=[world.programme.pk])).content.decode()
    assert "集計中" in page
    assert world.towns[1].name in page


@pytest.mark.django_db
def test_it_still_refreshes_a_town_changed_after_a_rolled_back_change(django_capture_on_commit_callbacks):
    from django.db import transaction

    first, second = factories.municipality(), factories.municipality()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                factories.plan(first, title="取り消される計画")
                raise RuntimeError("the user's change is refused")
        except RuntimeError:
            pass
        factories.plan(second, title="残る計画")
    assert list(
        TownSummary.objects.filter(municipality__in=[first, second]).values_list("plan_title", flat=True)
    ) == ["残る計画"]


@pytest.mark.django_db
def test_it_lists_the_models_to_adopt_a_page_at_a_time(client):
    from banso.plans.models import Plan

    world = World()
    world.grow_to(7)  # 14 measures, all published below
    for town in world.towns:
        plan = Plan.objects.get(municipality=town)
        services.publication_save(plan=plan, is_published=True, measures=list(plan.measures.all()))
    client.force_login(world.pref_staff)
    url = reverse("programs:programme", args=[world.programme.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"models_page": 2}).content.decode()
    assert "14 件中 1–12 件（採用の多い順）" in first
    shown = [f"施策{n}-{i}" for n in range(1, 8) for i in (1, 2)]
    on_first = [title for title in shown if title in first]
    on_second = [title for title in shown if title in second]
    assert (len(on_first), len(on_second)) == (12, 2)
    assert not set(on_first) & set(on_second)


@pytest.mark.django_db
def test_it_shows_the_first_page_of_models_for_a_page_number_that_is_not_one(client):
    world = World()
    world.grow_to(1)
    client.force_login(world.pref_staff)
    url = reverse("programs:programme", args=[world.programme.pk])
    for typed in ("zzz", "-1", "99999999999999999999"):
        response = client.get(url, {"models_page": typed})
        assert response.status_code == 200
        assert world.towns[0].name in response.content.decode()
