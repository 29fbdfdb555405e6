"""200 signed-in people using Banso at once, for 60 s, against the production set-up on this machine (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BANSO_CACHE_URL=redis://127.0.0.1:6379/15 \\
        python benchmarks/load.py [--sessions 200] [--seconds 60] [--think 5-15]

Builds a prefecture's installation through the services (as national.py: all municipalities, 10,000 cases, towns
with 40-measure plans and five years of reports, the sample town with its survey), then starts `banso serve` as
docs/deploy.md describes it for a shared installation: gunicorn with its default number of processes, a job
worker, PostgreSQL and the Redis cache, a real secret key, on the loopback only.

Each session is one person with their own account: department staff of the towns and, in the sample town, DX
staff. Everyone signs in first, a few at a time (people arrive over the morning; sign-in is deliberately slow).
Then, for `--seconds`, all sessions at once: each clicks through the realistic mix (home, inbox, dashboard, summary, plan, their
department's page, case search, case library, the survey analysis for DX staff) with a pause of `--think` seconds
between clicks, and once, at a random moment, opens the progress update of the measure they own, fills it as a
browser would (the form's own fields) and saves it.

Prints p50/p95/p99 and worst time per page, HTTP errors, timeouts (30 s), requests per second, and then checks in
the database that every saved update holds what its person typed (no lost update). Exits 1 on any 5xx, timeout,
refused save or lost update. Bounded: at most --sessions × (--seconds / think) requests, all to 127.0.0.1.
"""

import argparse
import html.parser
import math
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from abuse import PASSWORD, Browser, serve
from survey_bench import django_setup, machine_speed, setup_database

TIMEOUT = 30
SEARCHES = [
    "マイナンバーカード 申請",
    "窓口 オンライン",
    "RPA",
    "電子申請",
    "キャッシュレス",
    "公共施設 予約",
    "AI 議事録",
]
USERS_PER_TOWN = 10


@dataclass
class Person:
    username: str
    code: str
    kind: str  # "dx" (sample town, sees the survey) or "department"
    department_id: int
    update_path: str
    measure_id: int
    period_id: int
    plan_id: int
    survey_path: str = ""
    token: str = field(default_factory=lambda: secrets.token_hex(6))
    value: int = 0
    saved: bool | None = None  # None: never tried
    refusal: str = ""


def build(sessions):
    """The data, through the services; one person per session, each owning a different measure."""
    import national
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from banso.core.audit import acting_as
    from banso.orgs import services as org_services
    from banso.orgs.models import Municipality, Role, User
    from banso.plans.models import Plan
    from banso.survey.models import SurveyRound
    from banso.tracking.models import KPIActual, MeasureUpdate
    from banso.tracking.selectors import current_period, periods_of

    dx_people = max(1, sessions // 10)  # as many as the sample plan has measures with an owner
    towns_wanted = math.ceil(sessions / USERS_PER_TOWN)
    sample, *_rest = national.build(towns_wanted)
    today = timezone.localdate()
    built = list(
        Municipality.objects.filter(plans__isnull=False, is_sample=False)
        .distinct()
        .order_by("code")[:towns_wanted]
    )
    people = []
    with acting_as(None, label="load benchmark"):
        # The sample town's plan and reports, as the demo makes them: its DX staff report on them too.
        from banso.plans.demo import create_sample_plan
        from banso.tracking.demo import create_sample_tracking

        create_sample_plan(sample)
        create_sample_tracking(sample)
    with acting_as(None, label="load benchmark"), transaction.atomic():
        survey_round = SurveyRound.objects.filter(municipality=sample).order_by("pk").first()
        plan_towns = [(sample, dx_people)] + [(t, USERS_PER_TOWN) for t in built]
        for town, count in plan_towns:
            plan = Plan.objects.filter(municipality=town).order_by("-pk").first()
            period = current_period(periods_of(town), today)
            measures = list(plan.measures.exclude(owner=None).order_by("pk")[:count])
            for n, measure in enumerate(measures):
                if len(people) >= sessions:
                    break
                user = User.objects.create_user(
                    f"load-{town.code}-{n}", password=PASSWORD, display_name=f"負荷{n}"
                )
                kind = "dx" if town == sample else "department"
                if kind == "dx":
                    org_services.membership_grant(user=user, role=Role.DX_STAFF, municipality=town)
                else:
                    org_services.membership_grant(user=user, role=Role.DEPARTMENT_STAFF, department=measure.owner)
                # Each person reports on the current period of their own measure, as yet unreported.
                KPIActual.objects.filter(kpi__measure=measure, period=period).delete()
                MeasureUpdate.objects.filter(measure=measure, period=period).delete()
                people.append(
                    Person(
                        user.username,
                        town.code,
                        kind,
                        measure.owner_id,
                        reverse("tracking:update", args=[town.code, period.pk, measure.pk]),
                        measure.pk,
                        period.pk,
                        plan.pk,
                        reverse("survey:analysis", args=[town.code, survey_round.pk])
                        if kind == "dx" and survey_round
                        else "",
                    )
                )
    return people


def pages_of(person):
    """(name, weight, path) of what this person opens, with how often."""
    from django.urls import reverse

    code = person.code
    pages = [
        ("home", 2, reverse("home")),
        ("inbox", 1, reverse("tracking:inbox", args=[code])),
        ("dashboard", 3, reverse("tracking:dashboard", args=[code])),
        ("plan", 2, reverse("plans:plan", args=[code, person.plan_id])),
        ("case search", 2, None),
        ("case library", 1, reverse("cases:library")),
    ]
    if person.kind == "dx":
        pages += [
            ("summary", 1, reverse("tracking:summary", args=[code])),
            ("survey analysis", 1, person.survey_path),
        ]
    else:
        pages.append(("department page", 1, reverse("tracking:department", args=[code, person.department_id])))
    return pages


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send from the form that holds `revision` (the progress update)."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.select, self.textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = a.get("method", "").lower() == "post"
            self.current = {}
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.current[name] = a.get("value", "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and ("selected" in a or self.select not in self.current):
            self.current[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.current[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.in_form:
            if "revision" in self.current:
                self.fields = self.current
            self.in_form = False


def save_update(browser, person, record):
    from django.utils import timezone

    started = time.perf_counter()
    status, body = browser.get(person.update_path)
    record("update form", status, started)
    parser = FormFields()
    parser.feed(body.decode("utf-8", "replace"))
    fields = parser.fields
    person.value = random.randint(100, 9999)
    for name in list(fields):
        if re.fullmatch(r"kpi_\d+", name):
            fields[name] = str(person.value)
        elif re.fullmatch(r"as_of_\d+", name) and not fields[name]:
            fields[name] = timezone.localdate().isoformat()
    fields["note"] = f"負荷試験 {person.token}"
    fields.pop("csrfmiddlewaretoken", None)
    started = time.perf_counter()
    status, body = browser.post(person.update_path, fields, form_page=None)
    record("update save", status, started)
    person.saved = status == 302
    if not person.saved:
        found = re.search(rb'class="[^"]*(?:errorlist|message--error)[^"]*"[^>]*>(.*?)</', body, re.S)
        person.refusal = f"{status} {found.group(1).decode()[:200] if found else ''}"


class TimedBrowser(Browser):
    """abuse.Browser with this benchmark's timeout, a timeout counted as status 0."""

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                self.location = response.headers.get("Location", "")
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            self.location = err.headers.get("Location", "")
            return err.code, err.read()
        except (TimeoutError, ConnectionError, urllib.error.URLError):
            return 0, b""


def sign_in_everyone(base, people, results):
    """People arrive over the morning, not all in the same second: everyone signs in first, a few at a time
    (sign-in is deliberately slow: Argon2), and the mix is measured once all the sessions are open."""
    browsers = {}

    def arrive(person):
        browser = TimedBrowser(base)
        started = time.perf_counter()
        status = browser.sign_in(person.username)
        results["sign-in"].append((status, (time.perf_counter() - started) * 1000))
        if status == 302:
            browsers[person.username] = browser

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(arrive, people))
    return browsers


def session(browser, person, pages, deadline, think, results, lock):
    rng = random.Random(person.username)

    def record(name, status, started):
        with lock:
            results[name].append((status, (time.perf_counter() - started) * 1000))

    names = [p for p in pages for _ in range(p[1])]
    update_at = time.monotonic() + rng.uniform(0, max(0.0, deadline - time.monotonic() - 2 * think[1]))
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(*think))
        if person.saved is None and time.monotonic() >= update_at:
            save_update(browser, person, record)
            continue
        name, _weight, path = rng.choice(names)
        if path is None:
            path = "/cases/?" + urllib.parse.urlencode({"q": rng.choice(SEARCHES)})
        started = time.perf_counter()
        status, _body = browser.get(path)
        record(name, status, started)
    if person.saved is None:  # the run ended first: still one update each
        save_update(browser, person, record)


def lost_updates(people):
    """People whose save was answered as saved but whose words or value are not what the database holds."""
    from django.db import connections

    from banso.tracking.models import KPIActual, MeasureUpdate

    connections.close_all()
    lost = []
    for person in (p for p in people if p.saved):
        update = MeasureUpdate.objects.filter(measure_id=person.measure_id, period_id=person.period_id).first()
        values = set(
            KPIActual.objects.filter(kpi__measure_id=person.measure_id, period_id=person.period_id).values_list(
                "value", flat=True
            )
        )
        if update is None or person.token not in update.note or any(int(v) != person.value for v in values):
            lost.append(person.username)
    return lost


def percentile(values, share):
    return values[min(len(values) - 1, math.ceil(share * len(values)) - 1)]


def report(results, seconds):
    print(f"{'page':18} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'worst':>7}  errors")
    total, failures = 0, 0
    for name, entries in sorted(results.items()):
        times = sorted(t for _s, t in entries)
        bad = [s for s, _t in entries if s == 0 or s >= 500]
        other = defaultdict(int)
        for s, _t in entries:
            if s not in (200, 302) and s < 500 and s != 0:
                other[s] += 1
        total += len(entries)
        failures += len(bad)
        errors = ", ".join(
            [f"{n}× timeout" for n in [bad.count(0)] if n]
            + [f"{n}× 5xx" for n in [len(bad) - bad.count(0)] if n]
            + [f"{n}× {s}" for s, n in sorted(other.items())]
        )
        print(
            f"{name:18} {len(entries):6} {statistics.median(times):7.0f} {percentile(times, 0.95):7.0f} "
            f"{percentile(times, 0.99):7.0f} {times[-1]:7.0f}  {errors or '—'}"
        )
    everything = sorted(t for entries in results.values() for _s, t in entries)
    print(
        f"{'all':18} {total:6} {statistics.median(everything):7.0f} {percentile(everything, 0.95):7.0f} "
        f"{percentile(everything, 0.99):7.0f} {everything[-1]:7.0f}  {total / seconds:.1f} requests/s"
    )
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="5-15", help="seconds between one person's clicks, as MIN-MAX (5-15)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split("-"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("note: without DATABASE_URL=postgres://… this is SQLite, not the shared installation's set-up")
    cache_url = os.environ.get("BANSO_CACHE_URL", "")
    database, cleanup = setup_database()
    folder = tempfile.mkdtemp(prefix="banso-load-")
    os.environ["BANSO_DATA_DIR"] = os.environ.get("BANSO_DATA_DIR", folder)
    try:
        django_setup()
        start = time.perf_counter()
        people = build(args.sessions)
        from django.db import connections

        connections.close_all()
        print(f"[{database}] {machine_speed()}")
        print(
            f"[{database}] setup {time.perf_counter() - start:.0f} s: {len(people)} people, each their own measure"
        )
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("BANSO_")},
            "BANSO_DATA_DIR": os.environ["BANSO_DATA_DIR"],
            "BANSO_SECRET_KEY": secrets.token_urlsafe(50),
            "BANSO_CACHE_URL": cache_url,
        }
        server = serve(env, args.port)
        try:
            base = f"http://127.0.0.1:{args.port}"
            arrivals = defaultdict(list)
            began = time.monotonic()
            browsers = sign_in_everyone(base, people, arrivals)
            signed_in = time.monotonic() - began
            results, lock = defaultdict(list), threading.Lock()
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=session,
                    args=(browsers[p.username], p, pages_of(p), deadline, think, results, lock),
                    daemon=True,
                )
                for p in people
                if p.username in browsers
            ]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 4 * TIMEOUT)
            elapsed = time.monotonic() - began
        finally:
            server.terminate()
            server.wait(timeout=60)
        workers = os.environ.get("BANSO_WEB_WORKERS", "default")
        print(
            f"[{database}, cache {'Redis' if cache_url else 'per process'}, web processes {workers}] "
            f"{len(people)} sessions, {elapsed:.0f} s, think {args.think} s"
        )
        times = sorted(t for _s, t in arrivals["sign-in"])
        print(
            f"sign-in, 4 at a time before the run: {len(browsers)} of {len(people)} signed in in {signed_in:.0f} s, "
            f"p50 {statistics.median(times):.0f} ms, worst {times[-1]:.0f} ms"
        )
        failures = report(results, elapsed) + len(people) - len(browsers)
        refused = [p for p in people if p.saved is False]
        never = [p for p in people if p.saved is None]
        lost = lost_updates(people)
        saved = sum(1 for p in people if p.saved)
        print(f"updates: {saved} saved, {len(refused)} refused, {len(never)} not tried, {len(lost)} lost")
        for person in refused[:5]:
            print(f"  refused for {person.username}: {person.refusal}")
        return 1 if failures or refused or never or lost else 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
