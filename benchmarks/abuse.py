"""Abuse probes against a real `banso serve` on the loopback (issue 17), bounded in time and size.

    python benchmarks/abuse.py

Starts Banso (gunicorn, two worker processes) with the sample data in a temporary folder, then:
1. brute force: 30 wrong passwords for one account, then the right one, and 30 for made-up accounts from one
   address — prints which attempt was the first refused (429) and what the right password got;
2. the worst uploads, each while another town's DX officer keeps opening their own page: a workbook of 20,000
   near-identical task names (imported, then its analysis opened) and a workbook of 1,048,576 rows —
   prints the web server's memory (master and web processes) before, at peak and after, the job worker's beside
   it, and the other town's page time
   (median and worst) before and during.
Nothing leaves the loopback; the folder and the server are removed at the end.
"""

import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANSO = [sys.executable, "-m", "banso"]
PASSWORD = "banso-demo"


class Browser:
    """A cookie-keeping client that signs in and posts forms with their CSRF token, as a browser would."""

    def __init__(self, base, address_note=""):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=120) as response:
                self.location = response.headers.get("Location", "")
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            self.location = err.headers.get("Location", "")
            return err.code, err.read()

    def _token(self, path):
        _status, body = self.get(path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return found.group(1).decode() if found else ""

    def post(self, path, fields, form_page=None, files=None):
        fields = {**fields, "csrfmiddlewaretoken": self._token(form_page or path)}
        if files:
            boundary = secrets.token_hex(12)
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ]
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type, "Referer": self.base + path}
        )
        return self._open(request)

    def sign_in(self, username, password=PASSWORD):
        return self.post("/login/", {"username": username, "password": password})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def server_memory_mb(pid, jobs=False):
    """Resident memory of the web server (its master process and web processes), or with jobs=True of the job
    worker `banso serve` started beside them, from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            is_worker = b"worker" in Path(f"/proc/{current}/cmdline").read_bytes().split(b"\0")[2:4]
            if is_worker == jobs:
                total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue
    return total / 1024


class Watch:
    """While a probe runs: the server's memory every 0.2 s, and another town's page time, over and over."""

    def __init__(self, pid, other, path):
        self.pid, self.other, self.path = pid, other, path
        self.peak, self.times, self.stop = 0.0, [], threading.Event()

    def __enter__(self):
        self.before = server_memory_mb(self.pid)
        self.worker_before = server_memory_mb(self.pid, jobs=True)
        self.worker_peak = self.worker_before
        self.threads = [threading.Thread(target=self._memory), threading.Thread(target=self._pages)]
        for thread in self.threads:
            thread.start()
        return self

    def _memory(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, server_memory_mb(self.pid))
            self.worker_peak = max(self.worker_peak, server_memory_mb(self.pid, jobs=True))
            time.sleep(0.2)

    def _pages(self):
        while not self.stop.is_set():
            start = time.perf_counter()
            status, _body = self.other.get(self.path)
            self.times.append((time.perf_counter() - start, status))
            time.sleep(0.1)

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        time.sleep(1)
        self.after = server_memory_mb(self.pid)


def page_times(other, path, count=20):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        other.get(path)
        times.append(time.perf_counter() - start)
    return times


def ms(values):
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


def in_django(env, code):
    """Run Python code against the installation (its database and settings); what it printed last."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django, sys; django.setup(); sys.path.insert(0, 'benchmarks')\n{code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "banso.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout.strip().splitlines()[-1]


def answers_workbook(path, env, rows, alike=False):
    """Banso's own sheet for サンプル町's first department with this many tasks (written by Banso), within the
    staff's hours; with alike=True every task is named 住民票の写しの交付 and a number. Returns the round's id."""
    code = f"""
from survey_bench import make_rows
from banso.survey import services
from banso.survey.models import SurveyRound
from banso.survey.workbook import write_department_workbook
survey_round = SurveyRound.objects.filter(municipality__code="999997").latest("id")
department = survey_round.departments.order_by("id").first()
rows = make_rows({rows})
for i, row in enumerate(rows):
    row.update(annual_count=1, minutes_per_case=1)
    if {alike}:
        row["name"] = f"住民票の写しの交付（{{i}}）"
write_department_workbook({str(path)!r}, survey_round, department, services.options_of(survey_round), rows)
print(survey_round.pk)
"""
    return int(in_django(env, code))


def upload(client, round_page, path):
    """Send a workbook on the survey's page, as its upload form does; the import's page (where it redirects)."""
    status, _body = client.post(
        f"{round_page}imports/", {}, form_page=round_page, files={"file": (path.name, path.read_bytes())}
    )
    return status, urllib.parse.urlsplit(client.location).path


def million_row_workbook(path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("業務一覧")
    for row in range(1_048_576):
        sheet.write_number(row, 0, row)
    book.close()


def main():
    folder = Path(tempfile.mkdtemp(prefix="banso-abuse-"))
    port = 8765
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BANSO_") and k != "DATABASE_URL"},
        "BANSO_DATA_DIR": str(folder),
        "BANSO_SECRET_KEY": secrets.token_urlsafe(50),
        "BANSO_WEB_WORKERS": "2",
    }
    subprocess.run([*BANSO, "manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*BANSO, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    server = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        brute_force(base, env)
        unlock(env)
        uploads(base, env, server.pid, folder)
    finally:
        server.terminate()
        server.wait(timeout=30)


def serve(env, port):
    """`banso serve` on the loopback, once it answers (the benchmark stops, saying why, if it does not)."""
    server = subprocess.Popen(
        [*BANSO, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("banso serve stopped: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.5)
    server.terminate()
    sys.exit("banso serve did not answer within 2 minutes")


def unlock(env):
    """What an administrator does in the back office: forget the failed attempts (django-axes' command), and what
    the quarter of an hour does for an address: its count of failures goes (the cache entry)."""
    subprocess.run([*BANSO, "manage", "axes_reset"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run(
        [*BANSO, "manage", "shell", "-c", "from django.core.cache import cache; cache.clear()"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def brute_force(base, env):
    start = time.perf_counter()
    answers = [Browser(base).sign_in("mayor", f"wrong-{i}") for i in range(30)]
    first_refused = answers.index(429) + 1 if 429 in answers else None
    right = Browser(base).sign_in("mayor")
    print(
        f"brute force on one account: {len(answers)} wrong passwords in {time.perf_counter() - start:.1f} s; "
        f"first refused (429) at attempt {first_refused}; {answers.count(429)} refused; "
        f"the right password afterwards: {right} (429 = still paused)"
    )
    unlock(env)
    answers = [Browser(base).sign_in(f"guess-{i}", "x") for i in range(60)]
    first_refused = answers.index(429) + 1 if 429 in answers else None
    colleague = Browser(base).sign_in("dx-staff")
    print(
        f"one address, 60 made-up accounts: first refused at attempt {first_refused}; {answers.count(429)} refused; "
        f"a colleague's right password from that address afterwards: {colleague} (429 = the address is paused)"
    )


def uploads(base, env, pid, folder):
    dx, other = Browser(base), Browser(base)
    assert dx.sign_in("dx-staff") == 302 and other.sign_in("other-dx") == 302
    other_page = "/m/999989/"
    quiet = page_times(other, other_page)
    print(f"server memory at rest: {server_memory_mb(pid):.0f} MB; another town's page: {ms(quiet)}")

    similar = folder / "near-identical.xlsx"
    round_id = answers_workbook(similar, env, 20_000, alike=True)
    round_page = f"/m/999997/survey/{round_id}/"
    with Watch(pid, other, other_page) as watch:
        start = time.perf_counter()
        status, import_page = upload(dx, round_page, similar)
        body = finished_import(dx, import_page)
        imported = time.perf_counter() - start
        print(f"  the import's page says: {import_outcome(body)}")
        for _ in range(600):  # the worker computes the analysis after the import; the page says so meanwhile
            code, body = dx.get(f"{round_page}analysis/")  # with 20,000 alike names: the similar-task search
            if "計算しています".encode() not in body:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        print(f"  import finished after {imported:.1f} s; the analysis page answered {code} after {seconds:.1f} s")
    report("20,000 near-identical task names (import, then the analysis page)", watch, seconds, status)

    huge = folder / "million-rows.xlsx"
    million_row_workbook(huge)
    with Watch(pid, other, other_page) as watch:
        start = time.perf_counter()
        status, import_page = upload(dx, round_page, huge)
        page = finished_import(dx, import_page)
        seconds = time.perf_counter() - start
        print(f"  the import's page says: {import_outcome(page)}")
    report(f"1,048,576-row workbook ({huge.stat().st_size / 1e6:.1f} MB)", watch, seconds, status)


def finished_import(client, import_page):
    """The import's page once the import has finished (it runs in the background; the page polls until then)."""
    for _ in range(600):
        _code, body = client.get(import_page)
        if b'hx-trigger="every 1s"' not in body:
            return body
        time.sleep(0.5)
    return body


def import_outcome(page):
    """The import page's status box, as text."""
    html = page.decode()
    start = html.find('id="import-status"')
    text = re.sub(r"<[^>]+>", " ", html[start : start + 4000] if start >= 0 else "")
    return " ".join(text.split()).removeprefix('id="import-status"')[:300] or "(no status found)"


def report(what, watch, seconds, status):
    statuses = sorted({s for _t, s in watch.times})
    print(
        json.dumps(
            {
                "upload": what,
                "answer": status,
                "seconds": round(seconds, 1),
                "server_mb_before": round(watch.before),
                "server_mb_peak": round(watch.peak),
                "server_mb_after": round(watch.after),
                "worker_mb_before": round(watch.worker_before),
                "worker_mb_peak": round(watch.worker_peak),
                "other_town_page": ms([t for t, _s in watch.times]) if watch.times else "not measured",
                "other_town_answers": statuses,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
