"""A programme of many towns: its report is made by the worker and offered on a page of its own (issue 16)."""

import datetime as dt

import pypdfium2
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from banso.orgs import services as org_services
from banso.orgs.models import Role, User
from banso.programs import services
from banso.programs.models import Programme, ProgrammeReport
from banso.testing import worker_lost_during


@pytest.fixture
def programme(db):
    return Programme.objects.get(owner_prefecture__code="990001")


@pytest.fixture
def many_towns(settings):
    """Jobs wait for a worker, and the sample programme (two towns) counts as a large one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BANSO_EXPORT_INLINE_TOWNS = 1


def _ask(client, programme, fmt="pdf"):
    response = client.get(reverse("programs:programme_report", args=[programme.pk]), {"format": fmt})
    report = ProgrammeReport.objects.filter(programme=programme).first()
    return response, report


def test_a_large_programmes_report_is_made_by_the_worker_and_offered_when_ready(pref_staff, programme, many_towns):
    response, report = _ask(pref_staff, programme)
    page_url = reverse("programs:programme_report_file", args=[programme.pk, report.pk])
    assert response["Location"] == page_url
    assert "順番を待っています" in pref_staff.get(page_url).content.decode()

    services.programme_report_job.call(report.pk)  # what the worker does
    poll = pref_staff.get(page_url, {"poll": 1}).content.decode()
    assert "ファイルができました" in poll and "hx-trigger" not in poll
    download = pref_staff.get(page_url, {"download": 1})
    assert download["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(b"".join(download.streaming_content))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "サンプル町" in text and "見本町" in text

    # The file is its requester's: another member of the same prefecture gets a 404, not the file.
    colleague = Client()
    user = User.objects.create_user("pref-colleague", display_name="県の同僚")
    org_services.membership_grant(user=user, role=Role.PREFECTURE_STAFF, prefecture=programme.owner_prefecture)
    colleague.force_login(user)
    assert colleague.get(reverse("programs:programme", args=[programme.pk])).status_code == 200
    assert colleague.get(page_url, {"download": 1}).status_code == 404


def test_a_report_whose_worker_was_lost_says_so_and_is_made_again(pref_staff, programme, many_towns):
    _response, report = _ask(pref_staff, programme, "docx")
    assert worker_lost_during(services.programme_report_job) == 1
    page_url = reverse("programs:programme_report_file", args=[programme.pk, report.pk])
    page = pref_staff.get(page_url).content.decode()
    assert "中断" in page and "もう一度作る" in page

    again = pref_staff.post(page_url)
    newer = ProgrammeReport.objects.exclude(pk=report.pk).get()
    assert again["Location"] == reverse("programs:programme_report_file", args=[programme.pk, newer.pk])
    assert (newer.fmt, newer.as_of) == ("docx", report.as_of)


def test_a_small_programme_downloads_at_once_and_old_reports_are_removed(pref_staff, programme, settings):
    response, report = _ask(pref_staff, programme)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf" and report is None

    settings.BANSO_EXPORT_INLINE_TOWNS = 1
    response, report = _ask(pref_staff, programme, "docx")  # jobs run at once here: the file itself
    assert response.status_code == 200 and report.status == ProgrammeReport.Status.DONE and report.file
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert services.programme_reports_prune_job.call() == 1
    assert not ProgrammeReport.objects.exists()
    assert not report.file.storage.exists(report.file.name)


def test_a_report_in_an_unknown_format_is_refused_and_nothing_is_queued(pref_staff, programme, many_towns):
    response, report = _ask(pref_staff, programme, "exe")
    assert response.status_code == 404 and report is None
    assert not DBTaskResult.objects.filter(task_path=services.programme_report_job.module_path).exists()
    # Nor may anyone open a report number that is not theirs or does not exist.
    missing = reverse("programs:programme_report_file", args=[programme.pk, 999999])
    assert pref_staff.get(missing).status_code == 404
