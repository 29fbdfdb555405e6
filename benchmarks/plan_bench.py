"""DX plan performance figures (issue: 課題ヒアリング to DX推進計画).

    python benchmarks/plan_bench.py                   # SQLite (a temporary database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/plan_bench.py

Builds a plan of 60 measures under a three-level 方針 tree (5 基本方針 → 15 施策 → 30 具体的取組), with a step,
a budget and a settled amount in each of its five 年度, and 180 KPIs of every kind (two targets each, typed as
plans write them, and a grade), all tagged, then prints for the database in use:
- the plan page's and the roadmap's server time (median of 20) and query count (targets ≤ 150 ms, fixed);
- the docx and PDF export of that plan (target ≤ 3 s each), and the Excel export and import.
"""

import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from survey_bench import django_setup, machine_speed, setup_database

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
        tops = [services.policy_save(plan=plan, number=str(n), title=f"基本方針{n}") for n in range(1, 6)]
        middles = [
            services.policy_save(plan=plan, number=f"{t.number}-{m}", title=f"施策{t.number}-{m}", parent=t)
            for t in tops
            for m in range(1, 4)
        ]
        policies = [
            services.policy_save(plan=plan, number=f"{m.number}-{k}", title=f"具体的取組{m.number}-{k}", parent=m)
            for m in middles
            for k in range(1, 3)
        ]
        for n in range(MEASURES):
            measure = services.measure_save(
                plan=plan,
                number=f"{n // 12 + 1}-{n % 12 + 1}",
                title=f"施策{n}：窓口のオンライン化と業務の見直し",
                owner=departments[n % len(departments)],
                related_departments=departments[:2],
                policy=policies[n % len(policies)],
                budgets={
                    y: {"budget": 1000 + n, "settled": 900 + n, "funding": [], "funding_other": "一般財源"}
                    for y in range(2025, 2030)
                },
                purpose="町民が役場に来なくても手続できるようにする。" * 2,
                content="オンライン申請とキャッシュレス決済を広げ、窓口の様式を見直す。" * 3,
                steps={y: f"{y}年度の取組：対象の手続を10件ずつ増やす" for y in range(2025, 2030)},
            )
            kinds = [
                ("number", "件", {2027: "50件", 2029: "100件"}),
                ("share", "%", {2027: "50%", 2029: "85%"}),
                ("milestone", "", {2026: "規程の制定", 2028: "運用の定着"}),
            ]
            for k in range(KPIS_PER_MEASURE):
                kind, unit, targets = kinds[k % len(kinds)]
                kpi = services.kpi_save(
                    measure=measure,
                    name=f"指標{n}-{k}",
                    unit=unit,
                    kind=kind,
                    baseline_value=Decimal(10) if kind != "milestone" else None,
                    baseline_date=dt.date(2025, 4, 1),
                    targets=targets,
                )
                services.assessment_save(kpi=kpi, fiscal_year=2025, grade="B", comment="予定どおり")
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
    from banso.orgs.models import Municipality, User
    from banso.orgs.services import department_create
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
    for fmt, render, target in (("docx", docx_bytes, "1"), ("pdf", pdf_bytes, "3")):
        start = time.perf_counter()
        content = render(plan_document(plan_snapshot(plan), versions=[]))
        print(
            f"[{database}] {fmt} export: {time.perf_counter() - start:.2f} s, {len(content) // 1024} KB (target ≤ {target} s)"
        )
    start = time.perf_counter()
    data = workbook.export_workbook(plan_snapshot(plan))
    exported = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(data)
        start = time.perf_counter()
        result = workbook.read_plan_workbook(path, plan)
        counts = workbook.apply_plan_import(result, plan=plan)[1]
        imported = time.perf_counter() - start
        other = Municipality.objects.get(code="999989")
        for department in plan.municipality.departments.all():  # the other town's own departments, before timing
            if not other.departments.filter(name=department.name).exists():
                department_create(municipality=other, name=department.name)
        start = time.perf_counter()
        result = workbook.read_plan_workbook(path, municipality=other)
        workbook.apply_plan_import(result, municipality=other)
        elsewhere = time.perf_counter() - start
    print(
        f"[{database}] xlsx export {exported:.2f} s (target ≤ 1 s); import back into the plan {imported:.2f} s, "
        f"as a new plan of another town {elsewhere:.2f} s (target ≤ 3 s): {counts}"
    )


def main():
    print(machine_speed())
    database, cleanup = setup_database()
    try:
        django_setup()
        report(database, build_plan())
    finally:
        cleanup()


if __name__ == "__main__":
    main()
