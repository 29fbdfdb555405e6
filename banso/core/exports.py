"""Files made by a job for the person who asked (`core.models.FileJob`): a long plan's PDF, a large programme's
report. The web process records the request and the worker makes the file; the person's page asks every second
and then offers it. Each app keeps its own model (what the file is of, who may see it) and uses these steps."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from banso.core.documents import CONTENT_TYPES, attachment_disposition
from banso.core.jobs import progress_update

log = logging.getLogger("banso.exports")

KEPT_DAYS = 7


def make(model: Any, pk: int, build: Callable[[Any], tuple[bytes, str]]) -> str:
    """The job's work: `build(request)` returns (content, file name). A failure is recorded for the person's
    page, which offers to make it again; the traceback goes to the log only."""
    found = model.objects.get(pk=pk)
    progress_update(model.objects.filter(pk=pk), status=model.Status.RUNNING)
    try:
        content, name = build(found)
    except Exception:
        log.exception("%s %s failed", model._meta.label, pk)
        model.objects.filter(pk=pk).update(status=model.Status.FAILED, finished_at=timezone.now())
        return str(model.Status.FAILED)
    found.file.save(f"{uuid.uuid4().hex}.{found.fmt}", ContentFile(content), save=False)
    found.filename, found.status, found.finished_at = name, model.Status.DONE, timezone.now()
    found.save(update_fields=["file", "filename", "status", "finished_at"])
    return str(found.status)


def interrupted(model: Any, pk: int) -> None:
    """The worker making it stopped (core.jobs.job_abandoned): the page says so and offers to make it again."""
    model.objects.filter(pk=pk, status__in=[model.Status.PENDING, model.Status.RUNNING]).update(
        status=model.Status.INTERRUPTED, finished_at=timezone.now()
    )


def prune(model: Any) -> int:
    """Remove requests older than a week, files included (a daily job)."""
    old = model.objects.filter(requested_at__lt=timezone.now() - dt.timedelta(days=KEPT_DAYS))
    for found in old.exclude(file=""):
        found.file.delete(save=False)
    deleted: int = old.delete()[0]
    return deleted


def offer(found: Any, status_url: str) -> HttpResponseBase:
    """Right after a file was asked for: the file itself where jobs run at once (BANSO_JOBS=immediate), else the
    page that waits for it."""
    if found.status == found.Status.DONE:
        return file_response(found)
    return HttpResponseRedirect(status_url)


def status_page(request: Any, found: Any, template: str, context: dict[str, Any]) -> HttpResponseBase:
    """The person's page of one request: its status (the part the page asks for every second), or the file."""
    if request.GET.get("download") and found.status == found.Status.DONE:
        return file_response(found)
    context = {**context, "job": found, "status_url": request.path}
    return render(request, STATUS_TEMPLATE if request.GET.get("poll") else template, context)


STATUS_TEMPLATE = "core/partials/file_job_status.html"


def file_response(found: Any) -> FileResponse:
    """The finished file, read through the storage API (it may live on shared storage)."""
    response = FileResponse(found.file.open("rb"), content_type=CONTENT_TYPES[found.fmt])
    response["Content-Disposition"] = attachment_disposition(found.fmt, found.filename)
    return response
