"""Imports as jobs: a job cut off with its worker ends 「中断」 with nothing written and runs again; the analysis
page waits for the job computing it instead of computing it a second time."""

import datetime as dt

from django.core.files.base import File
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banso.core import jobs
from banso.core.models import WorkerHeartbeat
from banso.orgs.models import Department
from banso.survey import selectors, services
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import own_workbook, row


def uploaded(tmp_path, town, names):
    survey_round = SurveyRound.objects.get(municipality=town)
    department = Department.objects.get(municipality=town, name="議会事務局")
    path = own_workbook(tmp_path / "sheet.xlsx", survey_round, department, [row(n) for n in names])
    with open(path, "rb") as fh:
        batch = services.import_create(survey_round=survey_round, file=File(fh), original_name="回答.xlsx")
    return survey_round, batch


def running_job_of(batch, worker):
    """The job as the database backend keeps it, claimed by a worker (the tests run jobs at once otherwise)."""
    return DBTaskResult.objects.create(
        args_kwargs={"args": [batch.pk], "kwargs": {"accept_valid_rows": False, "allowed_department_ids": None}},
        task_path=services.import_job.module_path,
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker],
        started_at=timezone.now(),
    )


def test_a_job_whose_worker_went_silent_is_failed_and_its_import_interrupted(town, tmp_path, town_staff):
    survey_round, batch = uploaded(tmp_path, town, ["請願の受付", "陳情の受付"])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, processed_rows=1)
    WorkerHeartbeat.objects.create(worker_id="gone-1", seen_at=timezone.now() - dt.timedelta(minutes=5))
    WorkerHeartbeat.objects.create(worker_id="alive-2", seen_at=timezone.now())
    lost = running_job_of(batch, "gone-1")
    _other_batch_round, other = uploaded(tmp_path, town, ["議事録の作成"])
    busy = running_job_of(other, "alive-2")

    assert jobs.recover_abandoned() == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and "JobAbandoned" in lost.exception_class_path
    assert busy.status == TaskResultStatus.RUNNING  # its worker is alive: left alone
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INTERRUPTED
    assert not SurveyTask.objects.filter(survey_round=survey_round, name="請願の受付").exists()
    page = town_staff.get(reverse("survey:import", args=[town.code, survey_round.pk, batch.pk])).content.decode()
    assert "中断" in page and "取り込みをもう一度実行する" in page

    # Run again, as it was started: now it completes.
    response = town_staff.post(reverse("survey:import_again", args=[town.code, survey_round.pk, batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert SurveyTask.objects.filter(survey_round=survey_round, name="請願の受付").exists()


def test_only_an_interrupted_import_runs_again(town, tmp_path, town_staff):
    survey_round, batch = uploaded(tmp_path, town, ["請願の受付"])
    services.import_start(batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    response = town_staff.post(reverse("survey:import_again", args=[town.code, survey_round.pk, batch.pk]))
    assert response.status_code == 403


def test_the_analysis_page_waits_for_the_job_computing_it(town, town_staff, django_assert_max_num_queries):
    survey_round = SurveyRound.objects.get(municipality=town)
    url = reverse("survey:analysis", args=[town.code, survey_round.pk])
    from django.core.cache import cache

    cache.clear()
    selectors.warming(survey_round, True)
    with django_assert_max_num_queries(25):  # not the analysis: a page that says it is being computed
        page = town_staff.get(url).content.decode()
    assert "計算しています" in page and 'http-equiv="refresh"' in page
    selectors.warming(survey_round, False)
    assert "計算しています" not in town_staff.get(url).content.decode()
