"""Shared fixtures: the sample world and one logged-in client per persona.

The sample data (サンプル県 with サンプル町, 見本町 and 手本町) is created once per
test session; every test runs inside a transaction that is rolled back.
"""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.test import Client, override_settings

from banso.core.audit import acting_as
from banso.demo.sample import create_sample
from banso.orgs.models import Department, Municipality, User


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("BANSO_TEST_CLOCK") or None,
        help="run the whole session as if it started at this instant (ISO 8601 with its offset, e.g. "
        "2027-04-01T09:00+09:00); the clock ticks on from there. Default: the real clock.",
    )


def pytest_configure(config):
    """Move the clock for the whole run, before the sample world is built, so the world, the pages and the
    tests all live on that day. Each xdist worker is a process of its own and moves its own clock."""
    instant = config.getoption("--clock", default=None)
    if instant:
        import time_machine

        moment = dt.datetime.fromisoformat(instant)
        if moment.tzinfo is None:
            raise pytest.UsageError("--clock needs an offset, e.g. 2027-04-01T09:00+09:00")
        config._banso_clock = time_machine.travel(moment, tick=True)
        config._banso_clock.start()


def pytest_report_header(config):
    instant = config.getoption("--clock", default=None)
    return f"clock moved to {instant}" if instant else None


# persona fixture name -> demo user name (None: a resident, not logged in)
PERSONAS = {
    "town_staff": "dx-staff",
    "dept_staff": "dept-staff",
    "executive": "mayor",
    "other_town_staff": "other-dx",
    "pref_staff": "pref-staff",
    "advisor": "advisor",
    "no_membership": "no-membership",
    "resident": None,
}


# What tests run with, whatever the install's settings: jobs at once inside the test, a cache of each test
# process's own (an install's file cache would be shared by the parallel test processes), and static files as
# they are, found in the apps (hashed names need collectstatic, which `banso serve` runs).
TEST_SETTINGS = {
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "STORAGES": {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
}


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, media_root):
    from banso.survey.demo import create_sample_survey

    with (
        django_db_blocker.unblock(),
        acting_as(None, label="test setup"),
        override_settings(
            MEDIA_ROOT=media_root,
            TASKS=TEST_SETTINGS["TASKS"],
            CACHES=TEST_SETTINGS["CACHES"],
            STORAGES={**settings.STORAGES, **TEST_SETTINGS["STORAGES"]},
        ),
    ):
        create_sample()
        User.objects.create_user("no-membership", password="banso-demo", display_name="所属 なし")
        from banso.hearings.demo import create_sample_hearings

        create_sample_survey(Municipality.objects.get(code="999997"))
        create_sample_survey(Municipality.objects.get(code="999971"), tasks={"総務課": ["文書の収受・発送"]})
        create_sample_hearings(Municipality.objects.get(code="999997"))
        create_sample_hearings(Municipality.objects.get(code="999971"))
        from banso.plans.demo import create_sample_plan

        create_sample_plan(Municipality.objects.get(code="999997"))
        create_sample_plan(Municipality.objects.get(code="999971"))
        from banso.tracking.demo import create_sample_tracking

        create_sample_tracking(Municipality.objects.get(code="999997"))
        create_sample_tracking(Municipality.objects.get(code="999971"))
        from banso.training.demo import create_sample_training

        create_sample_training(Municipality.objects.get(code="999997"))
        create_sample_training(Municipality.objects.get(code="999971"))
        from banso.programs.demo import create_sample_programme

        create_sample_programme()
        from banso.cases.demo import create_sample_cases

        create_sample_cases()
        from banso.cases.services import case_save

        hidden = Municipality.objects.get(code="999971")
        case_save(
            municipality=hidden,
            title="手本町の下書きの事例",
            summary="まだ誰にも見せていない下書き。",
            theme="divide",
            kind="service",
        )


@pytest.fixture(autouse=True)
def inline_imports_and_private_media(settings, media_root):
    """Jobs (imports) run at once in tests, and uploaded files go to a temporary folder."""
    from django.core.cache import cache

    settings.TASKS = TEST_SETTINGS["TASKS"]  # jobs run at once, inside the test
    settings.MEDIA_ROOT = media_root
    settings.CACHES = TEST_SETTINGS["CACHES"]
    settings.STORAGES = {**settings.STORAGES, **TEST_SETTINGS["STORAGES"]}
    cache.clear()  # the database rolls back after each test; the in-process cache must too
    from banso.text import vocabulary

    vocabulary.forget()  # and so must the words a test added to the vocabulary


@pytest.fixture(autouse=True)
def japanese():
    """Every test starts in Japanese: a request that switched the language (set_language, Accept-Language)
    leaves it active in the worker's thread, which would otherwise leak into the next test's messages."""
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.activate("ja")


def client_for(persona: str) -> Client:
    client = Client()
    username = PERSONAS[persona]
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _persona_fixture(persona: str):
    @pytest.fixture(name=persona)
    def logged_in(db):
        return client_for(persona)

    logged_in.__doc__ = f"A test client logged in as {persona} (not logged in for resident)."
    return logged_in


# town_staff, dept_staff, executive, other_town_staff, pref_staff, advisor, no_membership, resident
for _persona in PERSONAS:
    globals()[_persona] = _persona_fixture(_persona)


@pytest.fixture
def town(db):
    """サンプル町: every persona but other_town_staff and no_membership may read it."""
    return Municipality.objects.get(code="999997")


@pytest.fixture
def other_town(db):
    """見本町: other_town_staff's town."""
    return Municipality.objects.get(code="999989")


@pytest.fixture
def hidden_town(db):
    """手本町: shares with nobody and the advisor's assignment there has ended."""
    return Municipality.objects.get(code="999971")


@pytest.fixture
def department(town):
    return Department.objects.get(municipality=town, name="住民課")


def worker_lost_during(task) -> int:
    """The queued job of `task` as if a worker had claimed it and then been killed; then a worker looks for
    abandoned jobs and says how many it found. (Jobs wait in the database only where a test asks for the database
    backend.)"""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from banso.core import jobs
    from banso.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(worker_id="gone-1", seen_at=timezone.now() - dt.timedelta(minutes=5))
    DBTaskResult.objects.filter(task_path=task.module_path).update(
        status=TaskResultStatus.RUNNING, worker_ids=["gone-1"], started_at=timezone.now()
    )
    return jobs.recover_abandoned()
