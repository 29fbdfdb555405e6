"""`banso serve` runs several web processes on Linux, sized and bound from the environment."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn forks; Windows serves with waitress")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def test_it_serves_with_the_number_of_processes_the_environment_asks_for(tmp_path):
    banso = [str(Path(sys.executable).parent / "banso")]  # the command as installed
    env = {**os.environ, "BANSO_DATA_DIR": str(tmp_path), "BANSO_WEB_WORKERS": "3", "PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    subprocess.run([*banso, "manage", "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    server = subprocess.Popen([*banso, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    job_workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/login/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "banso serve did not answer within 60 s"
                time.sleep(0.5)
        while len(children_of(server.pid)) < 4 and time.monotonic() < deadline:  # workers start one after another
            time.sleep(0.2)
        children = children_of(server.pid)
        # gunicorn's three web processes and the job worker `banso serve` starts beside them
        job_workers = [pid for pid in children if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(children) == 4 and len(job_workers) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    # Stopping Banso stops its job worker too.
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in job_workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in job_workers)


def test_a_process_count_that_is_not_a_number_is_refused_with_what_to_write(tmp_path):
    env = {**os.environ, "BANSO_DATA_DIR": str(tmp_path), "BANSO_WEB_WORKERS": "four"}
    env.pop("DATABASE_URL", None)
    refused = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "banso"), "serve"], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode != 0
    assert "BANSO_WEB_WORKERS は 1 以上の整数にしてください（いまは「four」）" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_second_start_on_the_same_data_folder_collects_nothing_when_no_static_file_changed(
    tmp_path, monkeypatch
):
    from django.test import override_settings

    from banso.core.management.commands import serve

    collected: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda name, **options: collected.append(name))
    with override_settings(STATIC_ROOT=tmp_path / "static"):
        (tmp_path / "static").mkdir()
        serve._collect_static_and_load()
        serve._collect_static_and_load()  # a second web process, or the same one restarted
        assert collected == ["collectstatic"]
        # A Banso update brings other files: the next start collects them.
        (tmp_path / ".collectstatic.sources").write_text("older files", encoding="utf-8")
        serve._collect_static_and_load()
        assert collected == ["collectstatic", "collectstatic"]
