"""Every write of the survey capability."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import NOT_PROVIDED
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as job

from banso.core.audit import acting_as
from banso.core.bulk import as_is, column_preparers, rows_insert
from banso.core.jobs import job_abandoned, progress_update
from banso.core.uploads import Problem, UploadError, check_upload_size, local_copy
from banso.orgs.models import Department, Section
from banso.orgs.services import sections_add_missing
from banso.survey import sheet
from banso.survey.models import (
    MEANINGS_OF_KIND,
    CategoryKind,
    CategoryOption,
    ColumnMapping,
    ColumnSet,
    ImportBatch,
    PairDecision,
    RoundStatusChange,
    SurveyDepartment,
    SurveyRound,
    SurveyTask,
)
from banso.survey.reader import (
    Context,
    guess_columns,
    guess_department_header,
    header_signature,
    read_workbook,
    time_columns_found,
)
from banso.text.normalize import normalize_many

log = logging.getLogger(__name__)
IMPORT_FIELDS = [c.key for c in sheet.COLUMNS if c.kind != "id"] + [
    "section",
    "extra",
    "annual_hours",
    "missing_answers",
]
DECIMAL_FIELDS = {"minutes_per_case", "staff_per_case", "fte", "annual_hours"}
TEXT_FIELDS = [c.key for c in sheet.COLUMNS if c.kind in ("text", "long_text", "choice", "months")] + ["section"]
PROGRESS_INTERVAL_SECONDS = 0.5


# -- rounds -------------------------------------------------------------------
@transaction.atomic
def round_create(
    *,
    municipality,
    fiscal_year,
    title,
    deadline,
    hourly_cost_yen,
    annual_hours_per_fte=1800,
    departments=None,
    column_set=ColumnSet.FULL,
    custom_columns=None,
):
    """A new round with Banso's lists; it asks for `column_set`'s columns (`custom_columns` for the town's own)."""
    survey_round = SurveyRound(
        municipality=municipality,
        fiscal_year=fiscal_year,
        title=title.strip(),
        deadline=deadline,
        hourly_cost_yen=hourly_cost_yen,
        annual_hours_per_fte=annual_hours_per_fte,
        column_set=column_set,
        custom_columns=_checked_columns(column_set, custom_columns),
    )
    if SurveyRound.objects.filter(
        municipality=municipality, fiscal_year=fiscal_year, title=survey_round.title
    ).exists():
        raise ValidationError({"title": _("A survey with this title already exists for this fiscal year.")})
    survey_round.full_clean()
    survey_round.save()
    CategoryOption.objects.bulk_create(
        CategoryOption(
            survey_round=survey_round,
            kind=kind,
            value=v,
            meaning=sheet.DEFAULT_MEANINGS.get(kind, {}).get(v, ""),
            order=i,
        )
        for kind, values in sheet.DEFAULT_OPTIONS.items()
        for i, v in enumerate(values)
    )
    if departments is None:
        departments = municipality.departments.filter(is_active=True)
    round_set_departments(survey_round=survey_round, departments=departments)
    return survey_round


@transaction.atomic
def round_update(*, survey_round, departments=None, **values):
    if "column_set" in values or "custom_columns" in values:
        values["custom_columns"] = _checked_columns(
            values.get("column_set", survey_round.column_set),
            values.get("custom_columns", survey_round.custom_columns),
        )
    for key, value in values.items():
        setattr(survey_round, key, value)
    survey_round.full_clean(validate_unique=False)
    survey_round.save()
    if departments is not None:
        round_set_departments(survey_round=survey_round, departments=departments)
    return survey_round


def _checked_columns(column_set, custom) -> dict[str, str]:
    """The town's own column choice ({column: "required" | "optional"}), kept only for CUSTOM: it must ask for
    something to count hours by (cases and minutes, or the FTE)."""
    if column_set != ColumnSet.CUSTOM:
        return {}
    custom = {
        k: v for k, v in (custom or {}).items() if k in sheet.COLUMN_BY_KEY and v in ("required", "optional")
    }
    asked = sheet.asked_columns(column_set, custom)
    if not ("fte" in asked or {"annual_count", "minutes_per_case"} <= set(asked)):
        raise ValidationError(
            {
                "custom_columns": _(
                    "Ask for the cases a year and the minutes per case, or for the FTE: hours are counted from them."
                )
            }
        )
    return custom


def round_set_departments(*, survey_round, departments) -> None:
    wanted = {d.pk for d in departments if d.municipality_id == survey_round.municipality_id}
    current = set(survey_round.round_departments.values_list("department_id", flat=True))
    with_answers = set(survey_round.tasks.values_list("department_id", flat=True).distinct())
    if (current - wanted) & with_answers:
        raise ValidationError(
            {"departments": _("A department that has already sent answers cannot be taken out of the survey.")}
        )
    survey_round.round_departments.filter(department_id__in=current - wanted).delete()
    SurveyDepartment.objects.bulk_create(
        SurveyDepartment(survey_round=survey_round, department_id=d) for d in wanted - current
    )


@transaction.atomic
def round_change_status(*, survey_round, to_status, user=None):
    to_status = SurveyRound.Status(to_status)
    if to_status not in SurveyRound.TRANSITIONS[SurveyRound.Status(survey_round.status)]:
        raise ValidationError(
            _("A survey that is “%(from)s” cannot become “%(to)s”.")
            % {"from": survey_round.get_status_display(), "to": to_status.label}
        )
    RoundStatusChange.objects.create(
        survey_round=survey_round, from_status=survey_round.status, to_status=to_status, changed_by=user
    )
    survey_round.status = to_status
    survey_round.save(update_fields=["status", "updated_at"])
    return survey_round


# The task field each list fills, as the sheet's columns say.
OPTION_FIELDS = {column.choices: column.key for column in sheet.COLUMNS if column.choices}


@transaction.atomic
def options_replace(*, survey_round, kind, values: list[str], meanings: dict[str, str] | None = None) -> None:
    """Replace one list; for a list the analysis reads, `meanings` gives each value's meaning ({value: meaning}).
    Values already used in answers must stay, so answers never dangle (rename them with option_rename())."""
    cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not cleaned:
        raise ValidationError(_("A list needs at least one value."))
    if any(len(v) > 50 for v in cleaned):
        raise ValidationError(_("Each value can have at most 50 characters."))
    allowed = MEANINGS_OF_KIND.get(kind, [])
    given = {k.strip(): v for k, v in (meanings or {}).items()}
    if any(meaning not in allowed for meaning in given.values()):
        raise ValidationError(_("The list “%(list)s” has no such meaning.") % {"list": CategoryKind(kind).label})
    # A value given no meaning keeps the one it had, or Banso's for its own values.
    meanings = {
        **sheet.DEFAULT_MEANINGS.get(kind, {}),
        **dict(survey_round.options.filter(kind=kind).values_list("value", "meaning")),
        **given,
    }
    meanings = {v: m for v, m in meanings.items() if m}
    if allowed and (missing := [v for v in cleaned if v not in meanings]):
        raise ValidationError(
            _("Say what “%(value)s” means in the list “%(list)s”: the analysis counts by meaning.")
            % {"value": missing[0], "list": CategoryKind(kind).label}
        )
    field = OPTION_FIELDS[kind]
    used = set(survey_round.tasks.exclude(**{field: ""}).values_list(field, flat=True).distinct())
    dropped = used - set(cleaned)
    if dropped:
        raise ValidationError(
            _("These values are used in answers and cannot be removed: %(values)s.")
            % {"values": "、".join(sorted(dropped))}
        )
    survey_round.options.filter(kind=kind).delete()
    survey_round.save(update_fields=["updated_at"])  # the analysis is cached under the round's last change
    CategoryOption.objects.bulk_create(
        CategoryOption(
            survey_round=survey_round, kind=kind, value=v, meaning=meanings.get(v, "") if allowed else "", order=i
        )
        for i, v in enumerate(cleaned)
    )


@transaction.atomic
def option_rename(*, survey_round, kind, value: str, new_value: str) -> None:
    """Call a list value by another name, in the list and in every answer that uses it; its meaning stays, so
    no figure of the analysis changes."""
    new_value = new_value.strip()
    option = survey_round.options.filter(kind=kind, value=value).first()
    if option is None:
        raise ValidationError(_("The list has no value “%(value)s”.") % {"value": value})
    if not new_value or len(new_value) > 50:
        raise ValidationError(_("Enter the new name in at most 50 characters."))
    if new_value != value and survey_round.options.filter(kind=kind, value=new_value).exists():
        raise ValidationError(_("The list already has “%(value)s”.") % {"value": new_value})
    option.value = new_value
    option.save(update_fields=["value"])
    field = OPTION_FIELDS[kind]
    survey_round.tasks.filter(**{field: value}).update(**{field: new_value})
    # The answers an import replaced, kept to roll it back, use the new name too: a rollback restores a value the
    # list still has.
    for batch in survey_round.imports.filter(status__in=[ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL]):
        earlier = batch.undo.get("updated", [])
        if any(previous.get(field) == value for previous in earlier):
            for previous in earlier:
                if previous.get(field) == value:
                    previous[field] = new_value
            batch.save(update_fields=["undo"])
    survey_round.save(update_fields=["updated_at"])  # the analysis is cached under the round's last change


def options_of(survey_round) -> dict[str, list[str]]:
    options: dict[str, list[Any]] = {kind: [] for kind in CategoryKind.values}
    for kind, value in survey_round.options.values_list("kind", "value"):
        options[kind].append(value)
    return options


# -- imports ------------------------------------------------------------------
def build_context(survey_round) -> Context:
    # Values, not model instances, and no ordering: this runs before every import.
    departments = list(
        survey_round.round_departments.order_by().values_list(
            "department_id", "department__name", "department__staff_count"
        )
    )
    sections: dict[int, set[str]] = {pk: set() for pk, _name, _staff in departments}
    for department_id, name in (
        Section.objects.filter(department_id__in=sections).order_by().values_list("department_id", "name")
    ):
        sections[department_id].add(name)
    return Context(
        round_id=survey_round.pk,
        municipality_code=survey_round.municipality.code,
        fiscal_year=survey_round.fiscal_year,
        department_ids=set(sections),
        department_by_name={name: pk for pk, name, _staff in departments},
        department_names={pk: name for pk, name, _staff in departments},
        options=options_of(survey_round),
        annual_hours_per_fte=survey_round.annual_hours_per_fte,
        staff_counts={pk: staff for pk, _name, staff in departments},
        row_keys=lambda: {str(k): d for k, d in survey_round.tasks.values_list("row_key", "department_id")},
        columns=sheet.asked_columns(survey_round.column_set, survey_round.custom_columns),
        sections=sections,
    )


def import_create(*, survey_round, file, original_name, user=None, department=None, source="web") -> ImportBatch:
    """Keep the uploaded file with who sent it; nothing is read yet."""
    if getattr(file, "size", None) is not None:
        check_upload_size(file.size, original_name)
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    batch = ImportBatch(
        survey_round=survey_round,
        department=department,
        original_name=original_name[:255],
        sha256=digest.hexdigest(),
        uploaded_by=user,
        source=source,
    )
    batch.file.save(f"{uuid.uuid4().hex}.xlsx", File(file), save=False)
    batch.save()
    return batch


def import_start(batch, *, accept_valid_rows=False, allowed_department_ids=None) -> None:
    """Run the import as a job (`banso worker`), so the page can show its progress; at once where jobs run
    immediately (tests, BANSO_JOBS=immediate). The options are kept with the import to run it again if the
    worker is interrupted."""
    options = {
        "accept_valid_rows": accept_valid_rows,
        "allowed_department_ids": sorted(allowed_department_ids) if allowed_department_ids is not None else None,
    }
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.PENDING, run_options=options, finished_at=None
    )
    # The job is a row in the same database: a worker sees it when the import's own changes are committed too.
    import_job.enqueue(batch.pk, **options)


@job()
def import_job(
    batch_id: int, accept_valid_rows: bool = False, allowed_department_ids: list[int] | None = None
) -> str:
    """The job: read, check and write one import, then compute the round's analysis for its page."""
    batch = ImportBatch.objects.select_related("uploaded_by", "survey_round").get(pk=batch_id)
    allowed = set(allowed_department_ids) if allowed_department_ids is not None else None
    from banso.survey.selectors import warming

    warming(batch.survey_round, True)  # the analysis page waits for this job rather than computing it too
    try:
        with acting_as(batch.uploaded_by, label=f"survey import #{batch.pk}"):
            batch = import_run(batch, accept_valid_rows=accept_valid_rows, allowed_department_ids=allowed)
            _warm_after(batch)
    except Exception:  # the page must learn the import stopped, not spin for ever
        log.exception("survey import %s failed", batch_id)
        _stopped(batch_id, ImportBatch.Status.REJECTED)
    finally:
        warming(batch.survey_round, False)
    return str(batch.status)


def _stopped(batch_id: int, status: ImportBatch.Status) -> None:
    messages = {
        ImportBatch.Status.REJECTED: _(
            "The import stopped because of an internal error. Nothing was written. Please tell the operator."
        ),
        ImportBatch.Status.INTERRUPTED: _(
            "The import was interrupted before the end (the server's worker stopped). Nothing was written. "
            "Run it again."
        ),
    }
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
    ).update(status=status, finished_at=timezone.now(), problems=[Problem(messages[status]).as_dict()])


@receiver(job_abandoned, dispatch_uid="banso.survey.import_abandoned")
def _import_abandoned(sender: str, args: list, kwargs: dict, **extra) -> None:
    if sender == import_job.module_path:
        _stopped(args[0] if args else kwargs["batch_id"], ImportBatch.Status.INTERRUPTED)


def import_again(batch) -> None:
    """Run an interrupted import again, as it was started."""
    if batch.status != ImportBatch.Status.INTERRUPTED:
        raise ValidationError(_("Only an interrupted import can be run again."))
    import_start(batch, **batch.run_options)


def _warm_after(batch) -> None:
    """After an import wrote answers, compute the analysis now so its page opens fast."""
    if batch.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL):
        from django.utils import translation

        from banso.survey.selectors import warm_analysis

        with translation.override(settings.LANGUAGE_CODE):
            warm_analysis(batch.survey_round)


def import_run(batch, *, accept_valid_rows=False, allowed_department_ids=None) -> ImportBatch:
    """Read and validate the file; write only when it has no errors, or when the user accepted the valid rows."""
    survey_round = batch.survey_round
    ctx = build_context(survey_round)
    progress_update(ImportBatch.objects.filter(pk=batch.pk), status=ImportBatch.Status.RUNNING, processed_rows=0)

    written_at = time.monotonic()

    def progress(done, total):
        # Written at most twice a second: the page polls that often, and each write is a commit of its own.
        nonlocal written_at
        if time.monotonic() - written_at >= PROGRESS_INTERVAL_SECONDS:
            written_at = time.monotonic()
            progress_update(ImportBatch.objects.filter(pk=batch.pk), processed_rows=done, total_rows=total)

    try:
        with local_copy(batch.file) as path:
            result = read_workbook(
                path,
                ctx,
                original_name=batch.original_name,
                default_department_id=batch.department_id,
                mapping=batch.mapping,
                progress=progress,
            )
    except UploadError as err:
        return _finish(batch, ImportBatch.Status.REJECTED, [Problem(str(err))])
    batch.total_rows = result.total_rows
    departments = {r.department_id for r in result.rows if r.department_id}
    if batch.department_id is None and len(departments) == 1:
        batch.department_id = departments.pop()  # so the department's own staff can see its import
    if result.needs_mapping and not result.errors:
        batch.layout = result.layout()
        return _finish(batch, ImportBatch.Status.NEEDS_MAPPING, result.problems)
    if result.unknown_values and batch.mapping_id:
        # Offered on the import's page to be read as the round's values next time (正職員 → 正規).
        batch.layout = {
            **(batch.layout or {}),
            "unknown_values": {kind: sorted(values)[:50] for kind, values in result.unknown_values.items()},
        }
    _check_permission(result, ctx, allowed_department_ids)
    batch.valid_rows = len(result.valid_rows)
    batch.rejected_rows = result.refused_count
    if result.errors and not accept_valid_rows:
        return _finish(batch, ImportBatch.Status.HAS_ERRORS, result.problems)
    if not result.valid_rows:
        return _finish(
            batch, ImportBatch.Status.HAS_ERRORS, result.problems or [Problem(_("The sheet has no answers yet."))]
        )
    status = ImportBatch.Status.PARTIAL if result.errors else ImportBatch.Status.APPLIED
    with transaction.atomic():  # the answers and the import's status are written together, or neither
        _apply(batch, result.valid_rows, result.new_sections)
        return _finish(batch, status, result.problems)


def _check_permission(result, ctx, allowed_department_ids) -> None:
    if allowed_department_ids is None:
        return
    for department_id in sorted({r.department_id for r in result.rows} - set(allowed_department_ids)):
        result.problems.append(
            Problem(
                _("You can send answers only for your own department, not for %(department)s.")
                % {"department": ctx.department_names.get(department_id, "?")}
            )
        )
        for row in result.rows:
            if row.department_id == department_id:
                row.errors += 1


def _finish(batch, status, problems) -> ImportBatch:
    batch.status = status
    batch.problems = [p.as_dict() for p in problems][:5000]
    batch.finished_at = timezone.now()
    batch.processed_rows = batch.total_rows
    batch.save()
    return batch


def _task_values(row) -> dict:
    """What a task holds from a valid row: a blank text as "", no other columns as {}."""
    values = {k: row.values.get(k) for k in IMPORT_FIELDS}
    values["missing_answers"] = row.missing_answers
    for key in TEXT_FIELDS:
        values[key] = values[key] or ""
    values["extra"] = values["extra"] or {}
    return values


def _json(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


@transaction.atomic(savepoint=False)  # called inside the import's transaction: a failure undoes it all
def _apply(batch, rows, new_sections: set[tuple[int, str]]) -> None:
    survey_round = batch.survey_round
    department_ids = sorted({r.department_id for r in rows})
    # Lock the departments' links so two imports of one department run one after the other.
    list(
        SurveyDepartment.objects.select_for_update().filter(
            survey_round=survey_round, department_id__in=department_ids
        )
    )
    _add_sections({(r.department_id, r.values["section"]) for r in rows if r.values.get("section")} & new_sections)
    existing = list(SurveyTask.objects.filter(survey_round=survey_round, department_id__in=department_ids))
    by_key = {str(t.row_key): t for t in existing}
    by_name = {
        (t.department_id, name): t
        for t, name in zip(existing, normalize_many([t.name for t in existing]), strict=True)
    }
    new_task = _NewTaskRows(batch, set().union(*(row.values.keys() for row in rows)))
    updates, previous = [], []
    now = timezone.now()

    def new_tasks() -> Iterator[list]:
        """The new tasks' rows, written as they are made (one COPY on PostgreSQL: every row's values at once would
        double the memory, and a statement per thousand rows waited each time for the database to catch up); the
        rows that change an existing task are kept for one bulk update after."""
        for row in rows:
            task = (
                (by_key.get(row.values.get("row_key") or "") or by_name.get((row.department_id, row.match_name)))
                if existing
                else None
            )
            if task is None:
                yield new_task(row)
                continue
            values = _task_values(row)
            # A column the file does not have (a round asking fewer columns than before, another layout) leaves
            # what the task holds: nothing entered earlier is lost.
            values = {
                k: v for k, v in values.items() if k in row.values or k in ("annual_hours", "missing_answers")
            }
            current = {k: getattr(task, k) for k in IMPORT_FIELDS}
            if any(_differs(current[k], values[k]) for k in values):
                previous.append(
                    {"row_key": str(task.row_key), "import_batch": task.import_batch_id, **_json(current)}
                )
                for key, value in values.items():
                    setattr(task, key, value)
                task.import_batch = batch
                task.updated_at = now  # bulk_update does not apply auto_now
                updates.append(task)

    created = rows_insert(SurveyTask, new_task.names, new_tasks())
    SurveyTask.objects.bulk_update(updates, [*IMPORT_FIELDS, "import_batch", "updated_at"], batch_size=1000)
    SurveyDepartment.objects.filter(survey_round=survey_round, department_id__in=department_ids).update(
        submitted_at=timezone.now()
    )
    batch.created_count, batch.updated_count = created, len(updates)
    # The tasks it created are not listed: they are the ones that name this import and are not among those it
    # changed (a list of 50,000 row keys was a megabyte and a half written with every import).
    batch.undo = {"updated": previous, "departments": department_ids}


_ALWAYS_GIVEN = {"department_id", "row_key", "missing_answers"}


def _database_fills(field, template) -> bool:
    """Whether the database, left to itself, stores what the template holds for this field."""
    value = field.pre_save(template, True)
    if field.db_default is not NOT_PROVIDED:
        return value == field.db_default
    return field.null and value is None


class _NewTaskRows:
    """A new task's row for `rows_insert`: what is the same for every task of the import (round, import, times,
    defaults) prepared once, each answer prepared by its column's own preparer."""

    def __init__(self, batch, answered: set[str]):
        """`answered`: the fields any row has a value for. A field no row answers (a column the round does not ask,
        who marked the task) is left out of the INSERT where the database gives it the same empty value (NULL, or
        its default): a 業務説明表 round sends half the values it would otherwise."""
        template = SurveyTask(survey_round=batch.survey_round, import_batch=batch)
        fields = [
            f
            for f in SurveyTask._meta.concrete_fields
            if not f.primary_key
            and (f.attname in answered or f.attname in _ALWAYS_GIVEN or not _database_fills(f, template))
        ]
        self.names = [f.attname for f in fields]
        preparers = column_preparers(SurveyTask, self.names)
        self.base = [prepare(f.pre_save(template, True)) for f, prepare in zip(fields, preparers, strict=True)]
        # Where each answer goes, and how it is prepared (None: as it is); every other column keeps its default.
        self.answers = [
            (i, name, None if prepare is as_is else prepare)
            for i, (name, prepare) in enumerate(zip(self.names, preparers, strict=True))
            if name in IMPORT_FIELDS and name != "missing_answers"
        ]
        self.department_at = self.names.index("department_id")
        self.missing_at = self.names.index("missing_answers")
        self.row_key_at, self.row_key_prepare = self.names.index("row_key"), preparers[self.names.index("row_key")]
        self.fresh_keys = _fresh_row_keys()

    def __call__(self, row) -> list:
        """The task's values for the INSERT; its row key is the sheet's hidden id, or a new one."""
        values = row.values
        # A field the row has no value for keeps its default ("" for text, {} for extra, the import's times).
        task = self.base.copy()
        for i, name, prepare in self.answers:
            if (value := values.get(name)) is not None:
                task[i] = value if prepare is None else prepare(value)
        task[self.missing_at] = row.missing_answers
        task[self.department_at] = row.department_id
        given = values.get("row_key")
        task[self.row_key_at] = self.row_key_prepare(given) if given else next(self.fresh_keys)
        return task


def _fresh_row_keys() -> Iterator[str]:
    """Random (version 4) UUIDs as 32 hex digits, made a thousand at a time: what a UUIDField stores on SQLite and
    what PostgreSQL reads into a uuid, without making a UUID object for each new task."""
    while True:
        raw = bytearray(os.urandom(16 * 1000))
        raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])  # the version: 4, random
        raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])  # the variant of RFC 9562
        text = raw.hex()
        yield from (text[i : i + 32] for i in range(0, len(text), 32))


def _add_sections(named: set[tuple[int, str]]) -> None:
    """The 係 a file names that its department lacks (the check said they would be added)."""
    if not named:
        return
    departments = {d.pk: d for d in Department.objects.filter(pk__in={d for d, _name in named})}
    sections_add_missing((departments[department_id], name) for department_id, name in named)


def _differs(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (Decimal(a) if a is not None else None) != (Decimal(b) if b is not None else None)
    return a != b


@transaction.atomic
def import_rollback(*, batch) -> ImportBatch:
    """Undo an import: remove the tasks it added and restore the values it changed."""
    if batch.status not in (ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL):
        raise ValidationError(_("Only an import that wrote answers can be rolled back."))
    later = ImportBatch.objects.filter(
        survey_round=batch.survey_round,
        uploaded_at__gt=batch.uploaded_at,
        status__in=[ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL],
    )
    departments = set(batch.undo.get("departments", []))
    if any(departments & set(b.undo.get("departments", [])) for b in later):
        raise ValidationError(_("A later import changed the same department. Roll that one back first."))
    tasks = SurveyTask.objects.filter(survey_round=batch.survey_round)
    previous = {p["row_key"]: p for p in batch.undo.get("updated", [])}
    if "created" in batch.undo:  # an import made before its new tasks were found by the import they name
        tasks.filter(row_key__in=batch.undo["created"]).delete()
    else:  # a later import that changed one of them was rolled back first and gave it back to this one
        tasks.filter(import_batch=batch).exclude(row_key__in=previous).delete()
    restored = list(tasks.filter(row_key__in=previous))
    for task in restored:
        task.updated_at = timezone.now()
        kept = previous[str(task.row_key)]
        for key in IMPORT_FIELDS:
            if key not in kept:  # a field added after this import was made: the import did not change it
                continue
            value = kept[key]
            setattr(task, key, Decimal(value) if key in DECIMAL_FIELDS and value is not None else value)
        if "import_batch" in kept:
            task.import_batch_id = kept["import_batch"]
    SurveyTask.objects.bulk_update(restored, [*IMPORT_FIELDS, "import_batch", "updated_at"], batch_size=1000)
    for department_id in departments:
        still = ImportBatch.objects.filter(
            survey_round=batch.survey_round, status__in=[ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL]
        ).exclude(pk=batch.pk)
        if not any(department_id in b.undo.get("departments", []) for b in still):
            SurveyDepartment.objects.filter(survey_round=batch.survey_round, department_id=department_id).update(
                submitted_at=None
            )
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.save(update_fields=["status", "rolled_back_at"])
    return batch


@transaction.atomic
def mapping_save(*, batch, name, fields: dict, department_header="", user=None) -> ColumnMapping:
    """Save how another layout's columns map to the survey, attach it to the import, and reuse it next time."""
    mapping = mapping_store(
        survey_round=batch.survey_round,
        layout=batch.layout or {},
        name=name,
        fields=fields,
        department_header=department_header,
        has_department=batch.department_id is not None,
    )
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    return mapping


@transaction.atomic
def mapping_store(
    *, survey_round, layout: dict, name, fields: dict, department_header="", has_department=False
) -> ColumnMapping:
    """Save a mapping of a layout (sheet, header row, headers as read) to the columns the round asks for, under
    the town's name for it; the page and `banso survey mapping save` both come here."""
    headers = layout.get("headers", [])
    chosen = {k: v for k, v in fields.items() if v}
    unknown = [v for v in chosen.values() if v not in headers] + (
        [department_header] if department_header and department_header not in headers else []
    )
    if unknown:
        raise ValidationError(
            _("These headers are not in the file: %(headers)s.") % {"headers": "、".join(unknown)}
        )
    asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
    chosen = {k: v for k, v in chosen.items() if k in asked}
    missing = mapping_gaps(asked, chosen)
    doubled = sorted({h for h in chosen.values() if list(chosen.values()).count(h) > 1})
    if doubled:
        raise ValidationError(
            _("One column of the file can fill only one field: %(headers)s is chosen twice.")
            % {"headers": "、".join(doubled)}
        )
    if missing:
        raise ValidationError(_("Choose a column for: %(fields)s.") % {"fields": "、".join(missing)})
    if not department_header and not has_department:
        raise ValidationError(
            _("Choose the department of this file, or the column that names each row's department.")
        )
    mapping, _created = ColumnMapping.objects.update_or_create(
        municipality=survey_round.municipality,
        name=name.strip()[:100],
        defaults={
            "header_signature": header_signature(headers),
            "sheet_name": layout.get("sheet", ""),
            "header_row": layout.get("header_row", 1),
            "header_rows": layout.get("header_rows", 1),
            "fields": chosen,
            "department_header": department_header,
        },
    )
    return mapping


def mapping_values_save(*, batch, read_as: dict[str, dict[str, str]]) -> ColumnMapping:
    """Read the town's own list words as the round's, for the mapping an import was read through (the page)."""
    if batch.mapping is None:
        raise ValidationError(
            _("Only a workbook in another layout, read through a mapping, can have its words read.")
        )
    return mapping_read_as(mapping=batch.mapping, survey_round=batch.survey_round, read_as=read_as)


@transaction.atomic
def mapping_read_as(*, mapping, survey_round, read_as: dict[str, dict[str, str]]) -> ColumnMapping:
    """Read the town's own list words as the round's ({list: {their value: the round's value}}), kept with the
    mapping for every later file of the layout; the page and `banso survey mapping read-as` both come here. A value
    read as something the list lacks is refused, and nothing is saved."""
    options = options_of(survey_round)
    for kind, pairs in read_as.items():
        wrong = [ours for ours in pairs.values() if ours and ours not in options.get(kind, [])]
        if kind not in options or wrong:
            raise ValidationError(
                _("“%(value)s” is not in the list “%(list)s”: choose one of its values.")
                % {
                    "value": "、".join(wrong) or kind,
                    "list": CategoryKind(kind).label if kind in options else kind,
                }
            )
    merged = {kind: dict(pairs) for kind, pairs in (mapping.values or {}).items()}
    for kind, pairs in read_as.items():
        merged.setdefault(kind, {}).update({theirs: ours for theirs, ours in pairs.items() if ours})
    mapping.values = merged
    mapping.save(update_fields=["values", "updated_at"])
    return mapping


def mapping_guess(survey_round, layout: dict) -> tuple[dict[str, tuple[str, int]], str]:
    """The guessed mapping of another layout to what the round asks ({column: (header, confidence)}), and the
    header naming each row's department: by the headers' names and by the answers under them, read against the
    round's lists and departments. The mapping page and both commands start from it."""
    headers, samples = layout.get("headers", []), layout.get("samples") or {}
    asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
    guesses = guess_columns(headers, samples, options_of(survey_round))
    departments = list(survey_round.round_departments.values_list("department__name", flat=True))
    return {k: v for k, v in guesses.items() if k in asked}, guess_department_header(headers, samples, departments)


def mapping_gaps(asked: dict[str, bool], chosen) -> list[str]:
    """What the round needs that a mapping leaves out: its required columns, and something to count hours by."""
    missing = [sheet.COLUMN_BY_KEY[k].header for k, required in asked.items() if required and k not in chosen]
    if not time_columns_found(asked, chosen):
        missing.append(
            _("cases a year and minutes per case, or FTE")
            if "minutes_per_case" in asked
            else sheet.COLUMN_BY_KEY["fte"].header
        )
    return missing


def saved_mapping_for(batch) -> ColumnMapping | None:
    headers = (batch.layout or {}).get("headers")
    if not headers:
        return None
    return ColumnMapping.objects.filter(
        municipality=batch.survey_round.municipality, header_signature=header_signature(headers)
    ).first()


# -- analysis decisions -----------------------------------------------------
@transaction.atomic
def pair_decide(*, survey_round, task_a, task_b, verdict, user=None) -> PairDecision:
    if task_a.pk > task_b.pk:
        task_a, task_b = task_b, task_a
    decision, _created = PairDecision.objects.update_or_create(
        task_a=task_a,
        task_b=task_b,
        defaults={"survey_round": survey_round, "verdict": verdict, "decided_by": user},
    )
    return decision


@transaction.atomic
def task_mark_for_measure(*, task, to_become_measure: bool, note: str = "", user=None) -> SurveyTask:
    task.to_become_measure = to_become_measure
    task.measure_note = note.strip()[:200]
    task.marked_by, task.marked_at = user, timezone.now()
    task.save(update_fields=["to_become_measure", "measure_note", "marked_by", "marked_at", "updated_at"])
    return task
