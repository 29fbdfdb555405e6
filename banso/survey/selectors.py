"""Reads shared by the survey's pages, commands and exports."""

import hashlib

from django.db.models import Count, Max, Q, Sum

from banso.survey import sheet
from banso.survey.analysis import TASK_FIELDS, analyse
from banso.survey.models import ImportBatch, PairDecision, SurveyDepartment, SurveyRound, SurveyTask


def rounds_of(scope, municipality):
    return scope.filter(SurveyRound.objects.filter(municipality=municipality)).annotate(
        department_count=Count("round_departments", distinct=True),
        submitted_count=Count(
            "round_departments", filter=Q(round_departments__submitted_at__isnull=False), distinct=True
        ),
    )


def completeness(scope, survey_round) -> list[dict]:
    """Per department in scope: submitted or not, how many tasks and hours, and how many answers are missing."""
    links = scope.filter(SurveyDepartment.objects.filter(survey_round=survey_round)).select_related("department")
    stats = {
        row["department_id"]: row
        for row in SurveyTask.objects.filter(survey_round=survey_round)
        .values("department_id")
        .annotate(
            tasks=Count("id"),
            hours=Sum("annual_hours"),
            missing=Sum("missing_answers"),
            rows_missing=Count("id", filter=Q(missing_answers__gt=0)),
            last=Max("updated_at"),
        )
    }
    skipped = _skipped_rows(survey_round)
    result = []
    for link in links:
        s = stats.get(link.department_id, {})
        state = "not_yet"
        if link.submitted_at:
            state = "missing" if s.get("rows_missing") or skipped.get(link.department_id) else "submitted"
        result.append(
            {
                "department": link.department,
                "submitted_at": link.submitted_at,
                "state": state,
                "tasks": s.get("tasks", 0),
                "hours": s.get("hours") or 0,
                "missing": s.get("missing") or 0,
                "rows_missing": s.get("rows_missing", 0),
                "skipped": skipped.get(link.department_id, 0),
            }
        )
    return result


def _skipped_rows(survey_round) -> dict[int, int]:
    """Rows with problems that the latest import of each department left out."""
    latest = {}
    written = survey_round.imports.filter(status__in=[ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL])
    for batch in written.order_by("uploaded_at", "id"):
        for department_id in batch.undo.get("departments", []):
            latest[department_id] = batch
    return {d: b.rejected_rows for d, b in latest.items() if b.status == ImportBatch.Status.PARTIAL}


def analysis_of(survey_round, *, top=50):
    """The analysis of a round, fast on every view.

    The heavy part (duplicates among thousands of names, the candidate
    ranking) changes only when an import writes or is rolled back, so it is
    cached under a key made of that activity; people's decisions on pairs and
    their marks on tasks are laid over it on each view (two small queries).
    """
    from django.core.cache import cache
    from django.utils.translation import get_language

    result = cache.get(_analysis_key(survey_round, top, get_language()))
    if result is None:
        result = warm_analysis(survey_round, top=top)
    pairs = PairDecision.objects.filter(survey_round=survey_round).values_list("task_a_id", "task_b_id", "verdict")
    decisions = {(a, b): verdict for a, b, verdict in pairs}
    for pair in result.pairs:
        pair["verdict"] = decisions.get((pair["a"]["id"], pair["b"]["id"]))
    marked = set(
        SurveyTask.objects.filter(survey_round=survey_round, to_become_measure=True).values_list("id", flat=True)
    )
    for candidate in result.candidates:
        candidate.task["to_become_measure"] = candidate.task["id"] in marked
    return result


def _analysis_key(survey_round, top, language) -> str:
    activity = survey_round.imports.aggregate(n=Count("id"), done=Max("finished_at"), undone=Max("rolled_back_at"))
    # The round's own changes too (its lists are saved with it): a value renamed or given another meaning shows in
    # the figures at once.
    version = (
        f"{activity['n']}|{activity['done']}|{activity['undone']}|{survey_round.hourly_cost_yen}|"
        f"{survey_round.updated_at.isoformat()}"
    )
    return f"survey-analysis:{survey_round.pk}:{top}:{language}:{hashlib.sha256(version.encode()).hexdigest()}"


# Set by an import's job while it writes and then computes the round's analysis: a page that finds no analysis
# then says it is being computed, rather than computing it a second time in the web process.
WARMING_SECONDS = 15 * 60


def _warming_key(survey_round) -> str:
    return f"survey-analysis-warming:{survey_round.pk}"


def analysis_being_computed(survey_round, *, top=50) -> bool:
    """True while a job computes the analysis the page would show (it is not in the cache yet)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    if not cache.get(_warming_key(survey_round)):
        return False
    return cache.get(_analysis_key(survey_round, top, get_language())) is None


def warming(survey_round, active: bool) -> None:
    from django.core.cache import cache

    if active:
        cache.set(_warming_key(survey_round), True, timeout=WARMING_SECONDS)
    else:
        cache.delete(_warming_key(survey_round))


def warm_analysis(survey_round, *, top=50):
    """Compute and cache the heavy part; imports call this so the next view is already fast."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    result = _compute_analysis(survey_round, top)
    cache.set(_analysis_key(survey_round, top, get_language()), result, timeout=24 * 3600)
    return result


def _compute_analysis(survey_round, top):
    tasks = list(SurveyTask.objects.filter(survey_round=survey_round).values(*TASK_FIELDS))
    departments = dict(survey_round.round_departments.values_list("department_id", "department__name"))
    asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
    return analyse(
        tasks,
        departments,
        survey_round.hourly_cost_yen,
        {},
        meanings=meanings_of(survey_round),
        asked=asked,
        top=top,
    )


def meanings_of(survey_round) -> dict[str, dict[str, str]]:
    """What each value of the round's lists means to the analysis: {kind: {value: meaning}}."""
    meanings: dict[str, dict[str, str]] = {}
    for kind, value, meaning in survey_round.options.exclude(meaning="").values_list("kind", "value", "meaning"):
        meanings.setdefault(kind, {})[value] = meaning
    return meanings


def link_task_field(field, municipality) -> None:
    """Set up a form field that links survey tasks (to a challenge or a measure): the town's tasks, those
    marked 施策候補 first, each shown with its department."""
    from banso.survey.models import SurveyTask

    tasks = SurveyTask.objects.filter(survey_round__municipality=municipality).select_related("department")
    field.queryset = tasks.order_by("-to_become_measure", "department__order", "name")
    field.label_from_instance = lambda t: f"{t.department.name}：{t.name}"
    field.required = False
