"""Several processes on PostgreSQL and Redis, as a prefecture's installation runs (issue 16).

Two web processes and one worker. An import sent through one web process is seen at once through the other; the
worker is killed in the middle of a large import: the import ends interrupted with nothing written, and run
again it completes. Runs where BANSO_CLUSTER_DATABASE_URL names a PostgreSQL database it may drop and create
(.ci/run sets it) and a Redis server answers; skipped elsewhere.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.abuse import Browser, answers_workbook, finished_import, in_django
from benchmarks.abuse import upload as send

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("BANSO_CLUSTER_DATABASE_URL", "")
REDIS = os.environ.get("BANSO_CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.skipif(not BASE_URL.startswith("postgres"), reason="needs BANSO_CLUSTER_DATABASE_URL")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    import psycopg

    folder = tmp_path_factory.mktemp("cluster")
    base, name = BASE_URL.rsplit("/", 1)
    database = f"{name}_cluster"
    with psycopg.connect(BASE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # left by a run that was cut off
        conn.execute(f'CREATE DATABASE "{database}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BANSO_", "DJANGO_")) and k != "DATABASE_URL"},
        "DATABASE_URL": f"{base}/{database}",
        "BANSO_CACHE_URL": REDIS,
        "BANSO_CACHE_PREFIX": f"cluster-{os.getpid()}",
        "BANSO_DATA_DIR": str(folder),
        "BANSO_SECRET_KEY": "cluster-test-" + "k" * 50,
        "BANSO_WORKER": "0",
        "BANSO_WEB_WORKERS": "2",
        "BANSO_WORKER_SILENT_SECONDS": "6",
    }
    banso = [sys.executable, "-m", "banso"]
    subprocess.run([*banso, "manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*banso, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    ports = [free_port(), free_port()]
    webs = [
        subprocess.Popen([*banso, "serve", "--port", str(p)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for p in ports
    ]
    processes = {"webs": webs, "worker": None}

    def start_worker():
        processes["worker"] = subprocess.Popen([*banso, "worker", "--interval", "0.2"], env=env, cwd=ROOT)

    start_worker()
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    for url in urls:
        for _ in range(120):
            try:
                Browser(url).get("/healthz")
                break
            except OSError:
                time.sleep(0.5)
    yield {"urls": urls, "env": env, "folder": folder, "processes": processes, "start_worker": start_worker}
    running = [p for p in [*webs, processes["worker"]] if p and p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Told to stop, a worker first finishes the job it holds (the analysis of 40,000 tasks the last test
            # left it takes longer than that on a slow machine); the scenario is over, so it need not.
            process.kill()
            process.wait()
    with psycopg.connect(BASE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def workbook(cluster, rows):
    path = cluster["folder"] / f"answers-{rows}.xlsx"
    return path, answers_workbook(path, cluster["env"], rows)


def tasks_in(cluster, round_id):
    code = f"from banso.survey.models import SurveyTask; print(SurveyTask.objects.filter(survey_round_id={round_id}).count())"
    return int(in_django(cluster["env"], code))


def upload(client, round_id, path):
    status, import_page = send(client, f"/m/999997/survey/{round_id}/", path)
    assert status == 302
    return import_page


def test_an_import_through_one_web_process_is_seen_at_once_through_the_other(cluster):
    first, second = (Browser(url) for url in cluster["urls"])
    assert first.sign_in("dx-staff") == 302 and second.sign_in("dx-staff") == 302
    path, round_id = workbook(cluster, 300)
    import_page = upload(first, round_id, path)
    body = finished_import(first, import_page)
    assert "取り込みました".encode() in body or "件の新しい業務".encode() in body, body[:2000]
    # The other web process (another cache, another connection) shows the same finished import and its tasks.
    _status, seen = second.get(import_page)
    assert b'hx-trigger="every 1s"' not in seen
    assert re.search(rb"300", seen)


def test_a_worker_killed_mid_import_leaves_nothing_half_written_and_the_import_runs_again(cluster):
    client = Browser(cluster["urls"][0])
    assert client.sign_in("dx-staff") == 302
    path, round_id = workbook(cluster, 40_000)
    before = tasks_in(cluster, round_id)
    import_page = upload(client, round_id, path)
    for _ in range(400):  # until the worker is in the middle of it
        _status, body = client.get(import_page)
        if "行を確認しています".encode() in body:
            break
        time.sleep(0.05)
    cluster["processes"]["worker"].send_signal(signal.SIGKILL)
    cluster["processes"]["worker"].wait()
    cluster["start_worker"]()  # a new worker notices the old one went silent and marks its job failed
    body = finished_import(client, import_page)
    assert "中断".encode() in body, body[:3000]
    assert tasks_in(cluster, round_id) == before  # nothing of it was written
    _status, page = client.get(import_page)
    token = re.search(rb'action="([^"]+/again/)"', page)
    assert token, "the page offers to run the import again"
    status, _body = client.post(token.group(1).decode(), {}, form_page=import_page)
    assert status == 302
    body = finished_import(client, import_page)
    assert "中断".encode() not in body
    assert tasks_in(cluster, round_id) > before
