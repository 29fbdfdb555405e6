"""A backup brings everything back: `banso manage backup` then `restore` on an installation of its own (SQLite,
and PostgreSQL in a database of its own where the suite runs on PostgreSQL), exactly as docs/deploy.md says to."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BANSO = [str(Path(sys.executable).parent / "banso"), "manage"]  # the command as installed


def installations(tmp_path):
    yield "sqlite", {}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        if shutil.which("pg_dump") is None:
            pytest.fail("the suite runs on PostgreSQL but pg_dump is not installed (postgresql-client)")
        import psycopg

        base, name = url.rsplit("/", 1)
        own = f"{name}_backup_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{own}"')
            conn.execute(f'CREATE DATABASE "{own}"')
        try:
            yield "postgresql", {"DATABASE_URL": f"{base}/{own}"}
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def banso(env, *arguments, check=True):
    return subprocess.run(  # noqa: S603 (the installed command, the test's own arguments)
        [*BANSO, *arguments], env=env, capture_output=True, text=True, timeout=600, check=check
    )


def count(env, what):
    code = f"from banso.orgs.models import Municipality, Department; print({what}.objects.count())"
    return int(banso(env, "shell", "-v0", "-c", code).stdout.strip().splitlines()[-1])


def test_a_restored_backup_has_every_row_and_uploaded_file_of_the_day_it_was_taken(tmp_path):
    for name, database in installations(tmp_path):
        data = tmp_path / name
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("BANSO_")}
        env.update({"BANSO_DATA_DIR": str(data), "BANSO_JOBS": "immediate", **database})
        banso(env, "migrate", "-v0")
        banso(env, "orgs_load")  # every municipality of Japan: real-sized master data
        evidence = data / "media" / "evidence" / "2026" / "会議録.pdf"
        evidence.parent.mkdir(parents=True)
        evidence.write_bytes(b"%PDF-1.4 minutes of the meeting")
        municipalities = count(env, "Municipality")
        assert municipalities > 1700

        written = banso(env, "backup", str(tmp_path / f"backups-{name}")).stdout
        assert "Backed up to" in written or "バックアップ" in written
        folder = next((tmp_path / f"backups-{name}").iterdir())

        # The day after: every row lost, a file deleted.
        banso(env, "flush", "--no-input")
        evidence.unlink()
        assert count(env, "Municipality") == 0

        refused = banso(env, "restore", str(folder), check=False)
        assert refused.returncode != 0 and "--yes" in refused.stderr  # nothing replaced without saying so
        assert count(env, "Municipality") == 0

        restored = banso(env, "restore", str(folder), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert count(env, "Municipality") == municipalities
        assert evidence.read_bytes() == b"%PDF-1.4 minutes of the meeting"

        not_a_backup = banso(env, "restore", str(tmp_path), "--yes", check=False)
        assert not_a_backup.returncode != 0 and "manifest.json" in not_a_backup.stderr
