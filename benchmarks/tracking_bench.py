"""実行管理 performance figures (issue: 実行管理).

    python benchmarks/tracking_bench.py               # SQLite (a temporary database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/tracking_bench.py

Builds a plan of 60 measures and 180 KPIs with five years of quarterly reports (20 periods: 1,200 updates and
3,600 actuals, all approved), publishes half of it, then prints the server time (median of 20) and query
count of the municipality dashboard, the mayor's summary (targets ≤ 150 ms) and the public page (≤ 100 ms).
"""

import datetime as dt
import time
from decimal import Decimal

from plan_bench import KPIS_PER_MEASURE, MEASURES, build_plan, page_time
from survey_bench import django_setup, setup_database


def add_reports(plan):
    from banso.core.audit import acting_as
    from banso.tracking import services
    from banso.tracking.models import ApprovalState, KPIActual, MeasureUpdate

    town = plan.municipality
    with acting_as(None, label="benchmark"):
        for year in range(2025, 2030):
            services.periods_quarterly(municipality=town, fiscal_year=year)
        periods = list(town.reporting_periods.order_by("starts_on"))
        measures = list(plan.measures.prefetch_related("kpis"))
        # Bulk inserts: the figures are about reading, and 4,800 audited saves would only slow the setup.
        MeasureUpdate.objects.bulk_create(
            MeasureUpdate(
                measure=m,
                period=p,
                status="in_progress",
                note="進捗",
                state=ApprovalState.APPROVED,
                submitted_at=dt.datetime.combine(p.due_on, dt.time(9), tzinfo=dt.UTC),
            )
            for m in measures
            for p in periods
        )
        KPIActual.objects.bulk_create(
            KPIActual(kpi=k, period=p, value=Decimal(10 + i * 2), as_of=p.ends_on, state=ApprovalState.APPROVED)
            for m in measures
            for k in m.kpis.all()
            for i, p in enumerate(periods)
        )
        half = measures[: len(measures) // 2]
        services.publication_save(
            plan=plan, is_published=True, measures=half, kpis=[k for m in half for k in m.kpis.all()]
        )
    return len(periods)


def report(database, plan, periods):
    from django.test import Client
    from django.urls import reverse

    from banso.orgs.models import User

    staff = Client()
    staff.force_login(User.objects.get(username="dx-staff"))
    code = plan.municipality.code
    size = f"{MEASURES} measures / {MEASURES * KPIS_PER_MEASURE} KPIs / {periods} quarters"
    for name in ("dashboard", "summary"):
        ms, queries = page_time(staff, reverse(f"tracking:{name}", args=[code]))
        print(f"[{database}] {name}, {size}: median {ms:.0f} ms, {queries} queries (target ≤ 150 ms)")
    ms, queries = page_time(Client(), reverse("public:progress", args=[code]))
    print(f"[{database}] public page, half published: median {ms:.0f} ms, {queries} queries (target ≤ 100 ms)")


def main():
    database, cleanup = setup_database()
    try:
        django_setup()
        start = time.perf_counter()
        plan = build_plan()
        periods = add_reports(plan)
        print(f"[{database}] setup {time.perf_counter() - start:.1f} s")
        report(database, plan, periods)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
