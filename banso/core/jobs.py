"""Long work as jobs, through Django's Tasks interface (the django-tasks backport; ADR 20).

The web process only records a job; `banso worker` (started by `banso serve` on a single machine) runs it. Jobs
live in the database (django-tasks-db), so they survive a restart of the web processes and need no service
beyond the database. A worker writes a heartbeat; a job whose worker stopped beating (killed, machine lost) is
marked failed by the next worker that looks, and `job_abandoned` tells the job's owner (an import marks itself
interrupted, to be run again). Tests and the command line run jobs at once (the immediate backend).
"""

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from banso.core.models import WorkerHeartbeat

log = logging.getLogger("banso.jobs")

HEARTBEAT_SECONDS = 5

# Sent for each job found abandoned: sender is the task's module path; args and kwargs are the job's.
job_abandoned = Signal()


class JobAbandoned(Exception):
    """Recorded as a job's failure when its worker stopped before the job finished."""


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


def progress_update(rows: QuerySet[Any], **values: Any) -> int:
    """Write a job's progress marker (running, rows done) without waiting for the disk.

    On PostgreSQL a commit waits until its record is flushed to disk (15–30 ms on a modest disk), and a marker
    is written before an import and up to twice a second during it. A marker lost to a crash is harmless (the
    job is found abandoned and run again), so its transaction commits asynchronously (`synchronous_commit`
    off for that transaction alone); the import's answers keep the full guarantee. SQLite in WAL mode with
    synchronous=NORMAL does not wait for the disk on commit anyway.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return rows.update(**values)  # inside a larger transaction, its commit decides
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return rows.update(**values)


def beat(worker: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker, defaults={"seen_at": timezone.now()})


def recover_abandoned() -> int:
    """Fail every running job whose worker has not beaten for BANSO_WORKER_SILENT_SECONDS; return how many."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    alive = set(
        WorkerHeartbeat.objects.filter(
            seen_at__gte=timezone.now() - timedelta(seconds=settings.BANSO_WORKER_SILENT_SECONDS)
        ).values_list("worker_id", flat=True)
    )
    found = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        result.set_failed(JobAbandoned(f"worker {result.worker_ids[-1:]} stopped during the job"))
        arguments = result.args_kwargs or {}
        job_abandoned.send(result.task_path, args=arguments.get("args", []), kwargs=arguments.get("kwargs", {}))
        log.warning("job %s (%s) abandoned by its worker; marked failed", result.id, result.task_path)
        found += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return found


# Jobs that run once a day on their own, registered by the apps (`register_daily`): (task, first hour in Japan).
_daily: list[tuple[Any, int]] = []


def register_daily(task: Any, hour: int) -> None:
    """Run `task` (no arguments) once a day from `hour` o'clock Japan time, by whichever worker looks first: the
    embedded install sends its reminders without cron. A task registered twice (tests reload apps) counts once."""
    if all(known.module_path != task.module_path for known, _hour in _daily):
        _daily.append((task, hour))


def enqueue_daily(now: Any = None) -> list[str]:
    """Enqueue each daily job whose hour has come and that no worker has enqueued yet today; return their paths.
    Two workers that look at the same moment may both enqueue one; the daily jobs are written so that a second
    run that day finds nothing left to do (reminders record what they sent under a unique key)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.localtime(now)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    enqueued = []
    for task, hour in _daily:
        if now.hour < hour:
            continue
        if DBTaskResult.objects.filter(task_path=task.module_path, enqueued_at__gte=midnight).exists():
            continue
        task.enqueue()
        enqueued.append(task.module_path)
    return enqueued


# What a worker does once when it starts, registered by the apps (`register_at_start`).
_at_start: list[Callable[[], Any]] = []


def register_at_start(chore: Callable[[], Any]) -> None:
    """Run `chore` when a worker starts: after an upgrade the workers restart, and work that the new code
    needs (a search index cut by new rules) is enqueued without anyone remembering a command."""
    if chore not in _at_start:
        _at_start.append(chore)


def start_chores() -> None:
    for chore in _at_start:
        try:
            chore()
        except Exception:  # the worker must start even if a chore cannot run now; it is tried at the next start
            log.exception("start chore %s failed", getattr(chore, "__name__", chore))


def heartbeat_chores() -> None:
    """What a worker's companion does at each heartbeat besides beating."""
    recover_abandoned()
    if settings.JOBS == "database":  # with jobs run at once there is no queue to look at, nor a worker
        enqueue_daily()


def keep_beating(
    worker: str, stop: threading.Event, parent: int | None = None, sweep: Callable[[], Any] = heartbeat_chores
) -> None:
    """A worker's companion thread: its heartbeat every few seconds, and a look for abandoned jobs. With a
    parent (`banso serve`), the worker stops, as after Ctrl+C, once that parent is gone."""
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return
        try:
            beat(worker)
            sweep()
        except Exception:  # a database hiccup must not stop the heartbeat for good
            log.exception("heartbeat of %s failed", worker)
        finally:
            close_old_connections()
        stop.wait(HEARTBEAT_SECONDS)


def wait_for_database(seconds: float = 30) -> None:
    """At start-up the database may come up after the worker (containers): try for a while."""
    from django.db import connection

    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.ensure_connection()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
