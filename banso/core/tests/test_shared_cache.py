"""Several processes share one cache when BANSO_CACHE_URL names a Redis server; in-process stays the default."""

import os
import socket
import subprocess
import sys

import pytest

REDIS = ("127.0.0.1", 6379)


def in_a_process(code: str, tmp_path, cache_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "banso.settings",
        "BANSO_DATA_DIR": str(tmp_path),
        "BANSO_CACHE_URL": cache_url,
        "BANSO_CACHE_PREFIX": f"test-{os.getpid()}",
    }
    env.pop("DATABASE_URL", None)
    script = f"import django; django.setup(); from django.core.cache import cache; {code}"
    return subprocess.run(  # noqa: S603 (this interpreter, the test's own code)
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def redis_is_running() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_is_running(), reason="no Redis server on 127.0.0.1:6379")
def test_what_one_process_caches_another_reads(tmp_path):
    url = "redis://127.0.0.1:6379/15"
    written = in_a_process("cache.set('analysis', {'hours': 1260}); print('ok')", tmp_path, url)
    assert written.stdout.strip() == "ok", written.stderr
    read = in_a_process("print(cache.get('analysis')); cache.delete('analysis')", tmp_path, url)
    assert read.stdout.strip() == "{'hours': 1260}", read.stderr


def test_without_a_cache_url_the_processes_of_one_machine_share_a_file_cache(tmp_path):
    """The web processes and the job worker of one install: what the worker computed, a page reads."""
    written = in_a_process(
        "cache.set('analysis', 1); from django.core.cache import caches; print(type(caches['default']).__name__)",
        tmp_path,
        "",
    )
    assert written.stdout.strip() == "FileBasedCache", written.stderr
    assert in_a_process("print(cache.get('analysis'))", tmp_path, "").stdout.strip() == "1"
    # Another install (another data folder) does not see it.
    other = tmp_path / "other"
    other.mkdir()
    assert in_a_process("print(cache.get('analysis'))", other, "").stdout.strip() == "None"


def test_a_cache_url_of_another_kind_is_refused_with_what_to_write(tmp_path):
    refused = in_a_process("pass", tmp_path, "memcached://127.0.0.1:11211")
    assert refused.returncode != 0
    assert "BANSO_CACHE_URL must start with redis://" in refused.stderr
