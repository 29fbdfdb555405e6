"""Banso at national scale: server time and queries of every main page, for each persona (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/national.py      # 300 towns
    python benchmarks/national.py --towns 40                                                  # SQLite, smaller

Builds, through the services: every municipality of Japan (master data), the sample world, 10,000 cases
(as cases_bench.py), and `--towns` real towns (北海道's first, then others) that share with their prefecture,
each with a plan of 40 measures and a KPI each, five years of quarterly reports (approved, bulk-inserted as
tracking_bench.py does, since the figures are about reading) and half of it published. 北海道 runs programmes of
10, 40 and 180 towns (or as many as were built); an advisor is assigned to 40 of them.

Then prints, for each page and persona, p50 and p95 of the server time over `--runs` requests (after one
warming request, as a user's second click) and the page's query count. Targets: p95 ≤ 150 ms, public page
≤ 100 ms; the programme page's and the home pages' queries must not grow with the number of towns.
"""

import argparse
import datetime as dt
import gc
import os
import statistics
import time
from decimal import Decimal

from survey_bench import django_setup, machine_speed, setup_database

MEASURES = 40
TARGETS = {"public page": 100}


def build_town(town, department_names=("総務課", "住民課", "産業振興課")):
    """A town's plan of MEASURES measures with a KPI each, in one transaction (one summary job)."""
    from django.db import transaction

    from banso.orgs import services as org_services
    from banso.plans import services

    with transaction.atomic():
        departments = [
            town.departments.filter(name=name).first()
            or org_services.department_create(municipality=town, name=name)
            for name in department_names
        ]
        plan = services.plan_save(
            municipality=town, title=f"{town.name}DX推進計画", start_year=2025, end_year=2029
        )
        for n in range(MEASURES):
            measure = services.measure_save(
                plan=plan,
                number=f"{n // 10 + 1}-{n % 10 + 1}",
                title=f"施策{n + 1}：窓口のオンライン化",
                owner=departments[n % len(departments)],
            )
            services.kpi_save(
                measure=measure,
                name=f"オンライン申請件数{n + 1}",
                unit="件",
                baseline_value=Decimal(10),
                baseline_date=dt.date(2025, 4, 1),
                targets={2027: "50件", 2029: "100件"},
            )
    return plan


def build(towns_wanted):
    from cases_bench import build as build_cases
    from django.utils import timezone
    from tracking_bench import add_reports

    from banso.core.audit import acting_as
    from banso.orgs import services as org_services
    from banso.orgs.models import Municipality, Prefecture, Role, User
    from banso.programs import services as programme_services
    from banso.survey.demo import create_sample_survey

    sample = build_cases()  # migrate, master data, the sample world, 10,000 cases
    with acting_as(None, label="national benchmark"):
        create_sample_survey(sample)
    hokkaido = Prefecture.objects.get(number=1)
    candidates = list(
        Municipality.objects.local_governments()
        .filter(is_sample=False)
        .exclude(kind="designated_ward")
        .order_by("code")[:towns_wanted]
    )
    Municipality.objects.filter(pk__in=[t.pk for t in candidates]).update(shares_with_prefecture=True)
    with acting_as(None, label="national benchmark"):
        plans = []
        for town in candidates:
            plan = build_town(town)
            add_reports(plan)
            plans.append(plan)
        towns = [t for t in candidates if t.prefecture_id == hokkaido.pk]
        provider = org_services.provider_create(name="全国伴走支援機構")
        pref_staff = User.objects.create_user("bench-pref", display_name="北海道 職員")
        org_services.membership_grant(user=pref_staff, role=Role.PREFECTURE_STAFF, prefecture=hokkaido)
        advisor = User.objects.create_user("bench-advisor", display_name="支援員")
        org_services.membership_grant(user=advisor, role=Role.ADVISOR, provider=provider)
        town_staff = User.objects.create_user("bench-dx", display_name="DX担当")
        org_services.membership_grant(user=town_staff, role=Role.DX_STAFF, municipality=candidates[0])
        day = timezone.localdate()
        for town in candidates[:40]:
            org_services.assignment_create(
                advisor=advisor,
                provider=provider,
                municipality=town,
                title="伴走支援",
                starts_on=day - dt.timedelta(days=30),
                ends_on=day + dt.timedelta(days=300),
            )
        programmes = {}
        for size in sorted({min(size, len(towns)) for size in (10, 40, 180)}):  # 北海道 has 179
            programme = programme_services.programme_save(
                title=f"北海道DX推進事業（{size}団体）",
                starts_on=day - dt.timedelta(days=100),
                ends_on=day + dt.timedelta(days=300),
                owner_prefecture=hokkaido,
            )
            for town in towns[:size]:
                programme_services.participant_save(programme=programme, municipality=town, theme="窓口DX")
            programmes[size] = programme
    return sample, candidates[0], plans[0], programmes, {"pref": pref_staff, "advisor": advisor, "dx": town_staff}


def timings(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries)


def pages(sample, town, plan, programmes, people):
    from django.test import Client
    from django.urls import reverse

    from banso.orgs.models import User
    from banso.survey.models import SurveyRound

    def client(user):
        made = Client()
        if user is not None:
            made.force_login(user)
        return made

    sample_staff = User.objects.get(username="dx-staff")
    survey_round = SurveyRound.objects.filter(municipality=sample).order_by("pk").first()
    code = town.code
    yield "home", "DX staff", client(people["dx"]), reverse("home")
    yield "home", "prefecture staff", client(people["pref"]), reverse("home")
    yield "home", "advisor", client(people["advisor"]), reverse("home")
    yield "town page", "DX staff", client(people["dx"]), reverse("orgs:municipality", args=[code])
    yield "dashboard", "DX staff", client(people["dx"]), reverse("tracking:dashboard", args=[code])
    yield "dashboard", "prefecture staff", client(people["pref"]), reverse("tracking:dashboard", args=[code])
    yield "summary", "DX staff", client(people["dx"]), reverse("tracking:summary", args=[code])
    yield "plan", "DX staff", client(people["dx"]), reverse("plans:plan", args=[code, plan.pk])
    yield "roadmap", "advisor", client(people["advisor"]), reverse("plans:roadmap", args=[code, plan.pk])
    yield "public page", "resident", client(None), reverse("public:progress", args=[code])
    for size, programme in sorted(programmes.items()):
        url = reverse("programs:programme", args=[programme.pk])
        yield f"programme page, {size} towns", "prefecture staff", client(people["pref"]), url
    biggest = programmes[max(programmes)]
    # A job, not a page: the request only queues it where a worker runs; here jobs run at once (BANSO_JOBS=
    # immediate), so this times the worker's work, request included.
    url = reverse("programs:programme_report", args=[biggest.pk]) + "?format=pdf"
    yield f"programme report PDF, {max(programmes)} towns", "prefecture staff", client(people["pref"]), url
    if survey_round:
        url = reverse("survey:analysis", args=[sample.code, survey_round.pk])
        yield "survey analysis", "DX staff (sample town)", client(sample_staff), url
    yield "case library", "DX staff", client(people["dx"]), reverse("cases:library")
    yield "search", "DX staff", client(people["dx"]), reverse("cases:library") + "?q=マイナンバーカード 申請"
    url = reverse("cases:recommended", args=[code])
    yield "recommendations", "DX staff", client(people["dx"]), url
    yield "training", "DX staff", client(people["dx"]), reverse("training:home", args=[code])
    yield "help desk", "DX staff", client(people["dx"]), reverse("training:helpdesk", args=[code])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--towns", type=int, default=300, help="towns with a plan and reports (default 300)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    args = parser.parse_args()
    database, cleanup = setup_database()
    # The figures are server time: one client asks for a page far more often than a person may.
    os.environ["BANSO_HEAVY_PAGES_PER_MINUTE"] = "1000000"
    try:
        django_setup()
        start = time.perf_counter()
        sample, town, plan, programmes, people = build(args.towns)
        # As `banso serve` does before it starts its web processes: what is loaded by then lives as long as the
        # process, and the collector need not walk it again on every full collection.
        gc.collect()
        gc.freeze()
        print(f"[{database}] {machine_speed()}")
        print(f"[{database}] setup {time.perf_counter() - start:.0f} s: {args.towns} towns × {MEASURES} measures")
        print(f"{'page':32} {'persona':24} {'p50 ms':>7} {'p95 ms':>7} {'queries':>8}  target")
        for name, persona, client, url in pages(sample, town, plan, programmes, people):
            p50, p95, queries = timings(client, url, args.runs)
            if name.startswith("programme report"):
                print(f"{name:32} {persona:24} {p50:7.0f} {p95:7.0f} {queries:8}  a job (made by the worker)")
                continue
            target = TARGETS.get(name, 150)
            verdict = "ok" if p95 <= target else "OVER"
            print(f"{name:32} {persona:24} {p50:7.0f} {p95:7.0f} {queries:8}  ≤ {target} ms {verdict}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
