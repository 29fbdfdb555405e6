"""DX plan performance figures (issue: 課題ヒアリング to DX推進計画).

    python benchmarks/plan_bench.py                   # SQLite (a temporary database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/plan_bench.py

Builds a plan of 60 measures with a step in each of its five 年度 and 180 KPIs (two targets each), all
tagged, then prints for the database in use:
- the plan page's and the roadmap's server time (median of 20) and query count (targets ≤ 150 ms, fixed);
- the docx and PDF export of that plan (target ≤ 3 s each), and the Excel export and import.
"""

import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from survey_bench import django_setup, setup_database

MEASURES, KPIS_PER_MEASURE = 60, 3


def build_plan():
    from django.core.management import call_command

    from banso.core.audit import acting_as
    from banso.demo.sample import create_sample
    from banso.orgs.models import Municipality
    from banso.plans import services
    from banso.plans.models import AlignmentItem

    call_command("migrate", verbosity=0)
    with acting_as(None, label="benchmark"):
        create_sample()
        town = Municipality.objects.get(code="999997")
        departments = list(town.departments.all())
        services.alignment_items_ensure()
        items = list(AlignmentItem.objects.all())
        plan = services.plan_save(municipality=town, title=f"bench-{time.time()}", start_year=2025, end_year=2029)
        for order, (start, end) in enumerate([(2025, 2026), (2026, 2028), (2027, 2029)], start=1):
            services.phase_save(plan=plan, order=order, name=f"フェーズ{order}", start_year=start, end_year=end)
        policies = [services.policy_save(plan=plan, number=str(n), title=f"方針{n}") for n in range(1, 6)]
        for n in range(MEASURES):
            measure = services.measure_save(
                plan=plan,
                number=f"{n // 12 + 1}-{n % 12 + 1}",
                title=f"施策{n}：窓口のオンライン化と業務の見直し",
                owner=departments[n % len(departments)],
                related_departments=departments[:2],
                policy=policies[n % 5],
                purpose="町民が役場に来なくても手続できるようにする。" * 2,
                content="オンライン申請とキャッシュレス決済を広げ、窓口の様式を見直す。" * 3,
                steps={y: f"{y}年度の取組：対象の手続を10件ずつ増やす" for y in range(2025, 2030)},
            )
            for k in range(KPIS_PER_MEASURE):
                services.kpi_save(
                    measure=measure,
                    name=f"指標{n}-{k}",
                    unit="件",
                    baseline_value=Decimal(10),
                    baseline_date=dt.date(2025, 4, 1),
                    targets={2027: Decimal(50), 2029: Decimal(100)},
                )
            services.tag_add(measure=measure, user=None, item=items[n % len(items)])
    return plan


def page_time(client, url, runs=20):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (session, translations) as a user's second click would
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def report(database, plan):
    from django.test import Client
    from django.urls import reverse

    from banso.core.documents import docx_bytes, pdf_bytes
    from banso.orgs.models import User
    from banso.plans import workbook
    from banso.plans.documents import plan_document
    from banso.plans.selectors import plan_snapshot

    client = Client()
    client.force_login(User.objects.get(username="dx-staff"))
    kwargs = {"code": plan.municipality.code, "pk": plan.pk}
    for name in ("plan", "roadmap"):
        ms, queries = page_time(client, reverse(f"plans:{name}", kwargs=kwargs))
        print(
            f"[{database}] {name} page, {MEASURES} measures / {MEASURES * KPIS_PER_MEASURE} KPIs: median {ms:.0f} ms, {queries} queries (target ≤ 150 ms)"
        )
    for fmt, render in (("docx", docx_bytes), ("pdf", pdf_bytes)):
        start = time.perf_counter()
        content = render(plan_document(plan_snapshot(plan), versions=[]))
        print(
            f"[{database}] {fmt} export: {time.perf_counter() - start:.2f} s, {len(content) // 1024} KB (target ≤ 3 s)"
        )
    start = time.perf_counter()
    data = workbook.export_workbook(plan_snapshot(plan))
    exported = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(data)
        start = time.perf_counter()
        result = workbook.read_plan_workbook(path, plan)
        counts = workbook.apply_plan_import(plan, result)
        imported = time.perf_counter() - start
    print(
        f"[{database}] xlsx export {exported:.2f} s; import back (validate and write) {imported:.2f} s: {counts}"
    )


def main():
    database, cleanup = setup_database()
    try:
        django_setup()
        report(database, build_plan())
    finally:
        cleanup()


if __name__ == "__main__":
    main()
