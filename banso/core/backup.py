"""Backups a town or a prefecture can restore: the database and the uploaded files in one folder, with a manifest
that says what was in it, so that a restore can prove it brought everything back (`banso manage backup`,
`banso manage restore`; docs/deploy.md).

SQLite is copied with its own online backup (the server may keep running); PostgreSQL with pg_dump's custom
format, which pg_restore reads on any later version. Uploaded files on this machine's disk go into a tar file;
files on S3-compatible storage are left to the bucket's own versioning (the manifest says so).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

DATABASE_FILES = {"sqlite": "banso.sqlite3", "postgresql": "banso.dump"}
MEDIA_FILE = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Restored:
    folder: Path
    rows: dict[str, int]
    differences: dict[str, tuple[int, int]]  # table: (in the backup, after the restore)
    media_files: int


def row_counts() -> dict[str, int]:
    """Rows of every table Banso's models (and the packages it uses) keep, by table name."""
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the models)
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _media_on_disk() -> Path | None:
    return Path(settings.MEDIA_ROOT) if isinstance(default_storage, FileSystemStorage) else None


def backup(parent: Path) -> Path:
    """Write a new backup folder under `parent` and return it."""
    folder = Path(parent) / f"banso-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / DATABASE_FILES["sqlite"]) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif vendor == "postgresql":
        _postgres(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={folder / DATABASE_FILES[vendor]}",
        )
    else:
        raise BackupError(_("Backups of a %(vendor)s database are not supported.") % {"vendor": vendor})
    media, media_files = _media_on_disk(), 0
    if media is not None:
        with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
            for path in sorted(media.rglob("*")) if media.exists() else []:
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media)))
                    media_files += 1
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    manifest = {
        "created": timezone.localtime().isoformat(),
        "database": vendor,
        "migrations": [f"{app}.{name}" for app, name in applied],
        "rows": row_counts(),
        "media": "disk" if media is not None else "shared storage (kept by its own versioning)",
        "media_files": media_files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(folder)s is not a Banso backup (it has no %(file)s). Give the folder `backup` wrote.")
            % {"folder": folder, "file": MANIFEST}
        )
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def restore(folder: Path) -> Restored:
    """Put the backup's database and files in place of the current ones, then compare every table's rows with
    the manifest. The web server and workers must be stopped (the command says so before it starts)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(
            _(
                "This backup is of a %(backup)s database and Banso now uses %(current)s. Set DATABASE_URL to a "
                "%(backup)s database to restore it (to move between the two, use dumpdata and loaddata)."
            )
            % {"backup": manifest["database"], "current": vendor}
        )
    source = folder / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as saved:
            saved.backup(connection.connection)
        saved.close()
    else:
        connections.close_all()
        _postgres(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(source),
        )
    media, media_files = _media_on_disk(), 0
    if media is not None and (folder / MEDIA_FILE).exists():
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            for member in members:
                # Names written by `backup`; still refuse one that would land outside the media folder.
                target = (media / member.name).resolve()
                if not target.is_relative_to(media.resolve()):
                    raise BackupError(
                        _("The backup's file %(name)s points outside the media folder.") % {"name": member.name}
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, open(target, "wb") as out:  # type: ignore[union-attr]
                    shutil.copyfileobj(data, out)
                media_files += 1
    now = row_counts()
    differences = {
        table: (count, now.get(table, 0))
        for table, count in manifest["rows"].items()
        if now.get(table, 0) != count
    }
    return Restored(folder, now, differences, media_files)


def _postgres(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on Banso's database, given to it through libpq's variables (no password on the
    command line, where other users of the machine could read it)."""
    if shutil.which(program) is None:
        raise BackupError(
            _("%(program)s was not found. Install PostgreSQL's client programs (Debian: postgresql-client).")
            % {"program": program}
        )
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": str(db["NAME"]),
    }
    target = ["--dbname", str(db["NAME"])] if program == "pg_restore" else []
    command = [program, *target, *arguments]  # fixed programs; the only variable parts are Banso's own paths
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": program, "error": done.stderr.strip()[-500:]}
        )
