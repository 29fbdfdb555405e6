"""One user cannot flood the server with uploads or its costliest pages; others go on unhindered."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from banso.survey.models import SurveyRound
from banso.testing import client_for


@pytest.fixture(autouse=True)
def start_of_a_minute():
    """Limits count per clock minute: start each test at the top of one, so a slow machine does not carry its
    requests into the next minute (where the count starts again) before the limit is reached."""
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=True):
        yield


@pytest.mark.django_db
def test_uploads_beyond_the_limit_are_refused_for_a_minute_with_a_japanese_page(settings, town):
    settings.BANSO_UPLOADS_PER_MINUTE = 3
    survey_round = SurveyRound.objects.get(municipality=town)
    url = reverse("survey:import_upload", kwargs={"code": town.code, "round_id": survey_round.pk})
    client = client_for("town_staff")

    def upload(c):
        return c.post(url, {"file": SimpleUploadedFile("回答.xlsx", b"not really a workbook")})

    answers = [upload(client).status_code for _ in range(3)]
    assert 429 not in answers
    refused = upload(client)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "1 分間に 3 件" in refused.content.decode()
    # Someone else of the same town is not held up by it.
    assert upload(client_for("dept_staff")).status_code != 429


@pytest.mark.django_db
def test_a_costly_page_asked_for_too_often_is_refused(settings):
    settings.BANSO_HEAVY_PAGES_PER_MINUTE = 5
    client = client_for("town_staff")
    answers = [client.get(reverse("cases:library"), {"q": "窓口"}).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert client.get(reverse("home")).status_code == 200  # ordinary pages are not counted
