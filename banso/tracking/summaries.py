"""Each town's progress in a few figures, kept for the pages that show many towns at once.

A prefecture's programme of 179 towns, or its staff's home page, cannot compute 179 dashboards per request
(issue 16 measured 4.5 s for 40 towns). So a job computes each town's figures from the same dashboard the town
sees, and those pages read them in one query and say the day they are as of. They are computed again:

- after any committed change to a town's plan or its reports (every audited change of the plans and tracking
  apps ends in `changed()`; one job per transaction, whatever the number of rows);
- on a day they were not computed for, because lateness moves with the calendar: the first page that reads
  them that day asks for it, and shows the previous day's figures, marked as such, until the job has run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks import task as job

from banso.orgs.models import Municipality
from banso.orgs.scoping import operator_scope
from banso.plans.models import Measure, Plan
from banso.tracking.models import ApprovalState, MeasureUpdate, TownSummary

# Pages read summaries of these apps' models' towns; a change to any of them may move a town's figures.
SOURCE_APPS = {"plans", "tracking"}
REQUEST_AGAIN_AFTER_SECONDS = 300  # a page asks for a day's refresh once; a lost job is asked for again


def compute(municipality: Municipality, on: dt.date) -> dict:
    """The figures of a town's current plan on a date, from its dashboard as the DX office sees it."""
    from banso.tracking.selectors import dashboard

    plan = Plan.objects.filter(municipality=municipality).first()
    figures: dict = {"plan": plan, "plan_title": plan.title if plan else "", "signals": {}, "as_of": on}
    if plan is None:
        return figures | {
            "measures": 0,
            "late": 0,
            "period_label": "",
            "reported": 0,
            "reportable": 0,
            "waiting": 0,
        }
    board = dashboard(operator_scope([municipality.pk]), plan, on)
    open_rows = [r for r in board.rows if r.measure.status not in (Measure.Status.DONE, Measure.Status.STOPPED)]
    period = board.period
    return figures | {
        "measures": len(board.rows),
        "signals": dict(Counter(k.signal.state for k in board.kpis)),
        "late": len(board.late),
        "period_label": period.label if period else "",
        "reported": sum(1 for r in open_rows if period and any(u.period_id == period.pk for u in r.updates)),
        "reportable": len(open_rows),
        "waiting": MeasureUpdate.objects.filter(measure__plan=plan, state=ApprovalState.SUBMITTED).count(),
    }


def refresh(municipality_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Compute and store the summaries of these towns; return how many were written."""
    on = on or timezone.localdate()
    written = 0
    for municipality in Municipality.objects.filter(pk__in=list(municipality_ids)):
        figures = compute(municipality, on)
        TownSummary.objects.update_or_create(municipality=municipality, defaults=figures | {"stale": False})
        written += 1
    return written


@job()
def refresh_job(municipality_ids: list[int]) -> int:
    """The job: the summaries of these towns, as of the day it runs."""
    return refresh(municipality_ids)


class _RefreshAfterCommit:
    """A callback run after commit; the callbacks of one transaction share one set of towns, and the first to run
    refreshes them all (the others find it empty)."""

    def __init__(self, towns: set[int]):
        self.towns = towns
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        ids = sorted(self.towns)
        self.towns.clear()
        if ids:
            TownSummary.objects.filter(municipality_id__in=ids).update(stale=True)
            refresh_job.enqueue(ids)


def changed(municipality_id: int | None) -> None:
    """A town's plan or reports changed: refresh its summary once the change is committed."""
    if municipality_id is None:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _RefreshAfterCommit({municipality_id})()
        return
    # One job per transaction, however many rows it saves (a plan import, the demo). Django keeps the callbacks
    # waiting for the commit as (savepoint ids, callback, robust) and drops those of a savepoint rolled back, so
    # each savepoint that changes a town has a callback of its own, sharing the transaction's set of towns.
    inside = set(connection.savepoint_ids)
    pending = [
        (savepoints, callback)
        for savepoints, callback, _robust in connection.run_on_commit
        if isinstance(callback, _RefreshAfterCommit) and not callback.ran
    ]
    towns = pending[0][1].towns if pending else set()
    towns.add(municipality_id)
    if not any(savepoints == inside for savepoints, _callback in pending):
        transaction.on_commit(_RefreshAfterCommit(towns))


def summaries_of(scope, municipality_ids: Iterable[int], on: dt.date) -> dict[int, TownSummary]:
    """The summaries of those of these towns the scope may read, by municipality id, in one query. Those missing,
    or not as of `on`, or marked stale are asked for once (a job); where jobs run at once (tests, commands) they
    are read again, fresh."""
    ids = sorted(m for m in set(municipality_ids) if scope.can_view(m))
    readable = scope.filter(TownSummary.objects.all())
    found = {s.municipality_id: s for s in readable.filter(municipality_id__in=ids)}
    outdated = [m for m in ids if m not in found or found[m].stale or found[m].as_of != on]
    if not outdated:
        return found
    digest = hashlib.sha256(f"{on}:{outdated}".encode()).hexdigest()[:24]
    if cache.add(f"banso:summaries-requested:{digest}", 1, REQUEST_AGAIN_AFTER_SECONDS):
        result = refresh_job.enqueue(outdated)
        if result.status == TaskResultStatus.SUCCESSFUL:
            found.update({s.municipality_id: s for s in readable.filter(municipality_id__in=outdated)})
    return found
