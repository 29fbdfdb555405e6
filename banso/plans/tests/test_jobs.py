"""Plan workbooks and long plans' documents are made by the worker, not the web process: the page shows the work
waiting, then its outcome; a worker lost mid-way leaves it 「中断」 with nothing written, to run again."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banso import factories
from banso.orgs.models import Role
from banso.plans import services
from banso.plans.models import DocumentExport, Plan, WorkbookImport
from banso.plans.selectors import plan_snapshot
from banso.plans.tests.test_round_trip import city, other_town  # noqa: F401 (fixtures)
from banso.plans.workbook import export_workbook
from banso.testing import worker_lost_during


def officer(town):
    client = Client()
    client.force_login(factories.person(f"dx-{town.code}", Role.DX_STAFF, town))
    return client


def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_page_shows_the_import_waiting_for_the_worker_then_its_plan(city, other_town, settings):  # noqa: F811
    queued(settings)
    client = officer(other_town)
    data = export_workbook(plan_snapshot(city))
    response = client.post(
        reverse("plans:plan_import_new", args=[other_town.code]), {"file": SimpleUploadedFile("計画.xlsx", data)}
    )
    found = WorkbookImport.objects.get(municipality=other_town)
    status_page = reverse("plans:workbook_import", args=[other_town.code, found.pk])
    assert response["Location"] == status_page
    page = client.get(status_page).content.decode()
    assert "順番を待っています" in page and 'hx-trigger="every 1s"' in page
    assert not Plan.objects.filter(municipality=other_town).exists()  # nothing yet: the worker has not run

    job = DBTaskResult.objects.get(task_path=services.workbook_import_job.module_path)
    job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])  # what the worker does

    copy = Plan.objects.get(municipality=other_town)
    poll = client.get(status_page + "?poll=1")
    assert poll["HX-Redirect"] == status_page  # the open page moves on by itself
    opened = client.get(status_page)
    assert opened["Location"] == reverse("plans:plan", args=[other_town.code, copy.pk])
    assert "取組項目</span> 1-1 行かない市役所" in client.get(opened["Location"]).content.decode()


def test_a_workbook_with_problems_lists_them_where_the_file_has_them_and_writes_nothing(
    city,  # noqa: F811
    other_town,  # noqa: F811
    settings,
):
    queued(settings)
    client = officer(other_town)
    upload = SimpleUploadedFile("壊れた.xlsx", b"not a workbook")
    response = client.post(reverse("plans:plan_import_new", args=[other_town.code]), {"file": upload})
    found = WorkbookImport.objects.get(municipality=other_town)
    services.workbook_import_job.call(found.pk)
    page = client.get(response["Location"]).content.decode()
    assert "取り込んでいません" in page
    found.refresh_from_db()
    assert found.status == WorkbookImport.Status.HAS_ERRORS and found.problems
    assert found.problems[0]["message"] in page
    assert not Plan.objects.filter(municipality=other_town).exists()


def test_an_import_whose_worker_was_lost_is_interrupted_and_runs_again(city, other_town, settings):  # noqa: F811
    queued(settings)
    client = officer(other_town)
    data = export_workbook(plan_snapshot(city))
    client.post(
        reverse("plans:plan_import_new", args=[other_town.code]), {"file": SimpleUploadedFile("計画.xlsx", data)}
    )
    found = WorkbookImport.objects.get(municipality=other_town)
    assert worker_lost_during(services.workbook_import_job) == 1

    status_page = reverse("plans:workbook_import", args=[other_town.code, found.pk])
    page = client.get(status_page).content.decode()
    assert "中断" in page and "もう一度実行する" in page
    assert not Plan.objects.filter(municipality=other_town).exists()

    assert client.post(status_page).status_code == 302  # run it again
    again = DBTaskResult.objects.filter(
        task_path=services.workbook_import_job.module_path, status=TaskResultStatus.READY
    ).get()
    again.task.call(*again.args_kwargs["args"], **again.args_kwargs["kwargs"])
    found.refresh_from_db()
    assert found.status == WorkbookImport.Status.APPLIED
    assert Plan.objects.filter(municipality=other_town).count() == 1
    assert client.post(status_page).status_code == 403  # only an interrupted import runs again


def test_another_town_cannot_see_an_import(city, other_town, settings):  # noqa: F811
    queued(settings)
    data = export_workbook(plan_snapshot(city))
    officer(other_town).post(
        reverse("plans:plan_import_new", args=[other_town.code]), {"file": SimpleUploadedFile("計画.xlsx", data)}
    )
    found = WorkbookImport.objects.get(municipality=other_town)
    outsider = officer(city.municipality)
    assert (
        outsider.get(reverse("plans:workbook_import", args=[city.municipality.code, found.pk])).status_code == 404
    )
    assert outsider.get(reverse("plans:workbook_import", args=[other_town.code, found.pk])).status_code in (
        403,
        404,
    )


def test_a_long_plans_pdf_is_made_by_the_worker_and_offered_when_ready(city, settings):  # noqa: F811
    queued(settings)
    settings.BANSO_EXPORT_INLINE_MEASURES = 1  # 試験市's plan is long for this test
    client = officer(city.municipality)
    code = city.municipality.code
    response = client.get(reverse("plans:export", args=[code, city.pk, "pdf"]))
    export = DocumentExport.objects.get(plan=city)
    page_url = reverse("plans:document_export", args=[code, city.pk, export.pk])
    assert response["Location"] == page_url
    assert "順番を待っています" in client.get(page_url).content.decode()

    services.document_export_job.call(export.pk)  # what the worker does
    poll = client.get(page_url + "?poll=1").content.decode()
    assert "ファイルができました" in poll and "hx-trigger" not in poll
    download = client.get(page_url + "?download=1")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "filename*=UTF-8''" in download["Content-Disposition"]

    # The file is its requester's: a colleague of the same office gets a 404, not the file.
    colleague = Client()
    colleague.force_login(factories.person("dx-colleague", Role.DX_STAFF, city.municipality))
    assert colleague.get(page_url + "?download=1").status_code == 404


def test_a_short_plan_downloads_at_once_and_old_exports_are_removed(city, settings):  # noqa: F811
    client = officer(city.municipality)
    code = city.municipality.code
    response = client.get(reverse("plans:export", args=[code, city.pk, "docx"]))
    assert response.status_code == 200 and not DocumentExport.objects.exists()

    settings.BANSO_EXPORT_INLINE_MEASURES = 1
    assert client.get(reverse("plans:export", args=[code, city.pk, "docx"])).status_code == 200  # at once here
    export = DocumentExport.objects.get(plan=city)
    assert export.status == DocumentExport.Status.DONE and export.file
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert services.document_exports_prune_job.call() == 1
    assert not DocumentExport.objects.exists()
    assert not export.file.storage.exists(export.file.name)
