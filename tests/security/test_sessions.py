"""Sessions end when idle, when old, when the browser closes, and everywhere on request."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from banso.orgs.models import User

PASSWORD = "banso-demo"


def signed_in(username="dx-staff"):
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.8"
    )
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_a_session_idle_for_longer_than_the_limit_ends_with_a_message(settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in()
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # still within 30 minutes: and it counts again
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "30 分間操作がなかった" in response.content.decode()


@pytest.mark.django_db
def test_a_busy_session_still_ends_at_its_absolute_lifetime(settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in()
        for _ in range(12 * 3 + 1):  # a request every 20 minutes for over 12 hours
            clock.shift(dt.timedelta(minutes=20))
            response = client.get(reverse("home"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser():
    client = signed_in()
    cookie = client.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


@pytest.mark.django_db
def test_signing_out_everywhere_ends_the_other_sessions_and_keeps_this_one():
    here, there = signed_in(), signed_in()
    assert there.get(reverse("home")).status_code == 200
    response = here.post(reverse("accounts:sign_out_elsewhere"), follow=True)
    assert "サインアウトしました" in response.content.decode()
    assert here.get(reverse("home")).status_code == 200
    assert there.get(reverse("home")).status_code == 302
    # And a session signed in afterwards works.
    assert signed_in().get(reverse("home")).status_code == 200
    assert User.objects.get(username="dx-staff").session_generation == 1
