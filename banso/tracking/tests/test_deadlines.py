"""Deadlines on any day: what the dashboard calls late is what `banso remind` sends, once, caught up after a
missed cron run, counted in Japan's calendar whatever the server's clock; a measure is never late for a period
that ended before it existed."""

import datetime as dt
import time
from dataclasses import dataclass

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from banso import factories
from banso.core.fiscal import FiscalYear
from banso.orgs.models import Role, User
from banso.plans import services as plan_services
from banso.plans.models import Measure
from banso.testing import client_for
from banso.tracking.models import Notice, ReportingPeriod
from banso.tracking.reminders import record_and_send, reminders_for, send_reminders

JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(autouse=True)
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


LATE_SECTION = {"dashboard": ('id="late"', 'id="kpis"'), "summary": ('id="late-h"', "</section>")}


def late_section(persona, town, name="dashboard") -> str:
    page = client_for(persona).get(reverse(f"tracking:{name}", args=[town.code])).content.decode()
    start, end = LATE_SECTION[name]
    return page[page.index(start) : page.index(end, page.index(start))]


@dataclass
class SmallTown:
    town: object
    roads: object  # 建設課: a head with an address and one member of staff
    officer: object  # its DX officer
    measure: object
    spring: object  # April 2030, due 15 May (grace 14 days, reminders 7 days before)


@pytest.fixture
def small(db):
    """A town of its own (banso.factories): one department, one measure in progress, one period in 2030."""
    town = factories.municipality("試験町")
    roads = factories.department(town, "建設課", head_name="課長", head_email="head@example.jp")
    factories.department_staff(town, roads, "roads-staff")
    officer = factories.person("office", Role.DX_STAFF, town)
    plan = factories.plan(town, 2026, 2030)
    measure = factories.measure(plan, roads, "1-1", created=dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST))
    spring = factories.period(town, dt.date(2030, 4, 1), dt.date(2030, 4, 30), dt.date(2030, 5, 15))
    return SmallTown(town, roads, officer, measure, spring)


def kinds_sent(town, period, day) -> set[str]:
    sent, _skipped = send_reminders([town], day)
    return {r.kind for r in sent if r.period == period}


def test_it_sends_what_the_dashboard_calls_late_once_however_often_cron_runs_it(town):
    today = timezone.localdate()
    first, _skipped = send_reminders([town], today)
    again, skipped = send_reminders([town], today)
    assert first, "the demo, built relative to today, always owes a reminder for its newest late quarter"
    assert again == []
    assert {(r.period, r.department, r.kind) for r in first} <= {(r.period, r.department, r.kind) for r in skipped}
    late = late_section("town_staff", town)
    for reminder in first:
        assert reminder.department.name in late
    assert f"{today:%-m/%-d}" in late  # the reminders just sent, with their day, beside the late items


def test_it_agrees_with_the_dashboard_and_the_mayors_summary_on_what_is_late(town):
    from banso.orgs.scoping import operator_scope
    from banso.tracking import selectors

    today = timezone.localdate()
    plan = town.plans.get(title="サンプル町DX推進計画")
    board = selectors.dashboard(operator_scope([town.pk]), plan, today)
    late = {(i.period.pk, i.row.measure.owner_id) for i in board.late if i.period}
    owed = {(r.period.pk, r.department.pk) for r in reminders_for(town, today) if r.kind == Notice.Kind.OVERDUE}
    assert late == owed
    assert late
    dashboard, summary = late_section("town_staff", town), late_section("executive", town, "summary")
    for item in board.late:
        number = f"{item.row.measure.number} {item.row.measure.title}"
        assert number in dashboard
        assert number in summary


def test_it_prints_the_rule_beside_what_is_late(town):
    late = late_section("town_staff", town)
    assert "7日前" in late
    assert "14日後" in late
    assert "所属長" in late


def test_it_reminds_before_the_due_date_and_escalates_after_the_grace_period(small):
    assert kinds_sent(small.town, small.spring, dt.date(2030, 5, 7)) == set()  # 8 days before: not yet
    assert kinds_sent(small.town, small.spring, dt.date(2030, 5, 8)) == {"due"}
    assert kinds_sent(small.town, small.spring, dt.date(2030, 5, 16)) == {"overdue"}
    assert kinds_sent(small.town, small.spring, dt.date(2030, 5, 29)) == set()  # still in the grace period
    assert kinds_sent(small.town, small.spring, dt.date(2030, 5, 30)) == {"escalated"}
    assert kinds_sent(small.town, small.spring, dt.date(2030, 6, 30)) == set()
    assert [m.to for m in mail.outbox] == [
        ["roads-staff@example.jp"],
        ["roads-staff@example.jp"],
        ["head@example.jp"],
    ]


def test_it_catches_up_reminders_whose_day_passed_while_cron_did_not_run(small):
    # cron was down from before the due date until well after the grace period
    assert kinds_sent(small.town, small.spring, dt.date(2030, 6, 5)) == {"overdue", "escalated"}
    assert kinds_sent(small.town, small.spring, dt.date(2030, 6, 6)) == set()
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.jp", "roads-staff@example.jp"]


def test_it_sends_nothing_twice_when_two_runs_meet(small):
    # Both runs decided to send before either recorded it: the database's unique key lets one through.
    reminder = reminders_for(small.town, dt.date(2030, 5, 16))[0]
    assert record_and_send(small.town, reminder, "") is True
    assert record_and_send(small.town, reminder, "") is False
    assert len(mail.outbox) == 1
    assert Notice.objects.filter(period=small.spring).count() == 1


def test_it_names_the_departments_it_could_not_reach(small, capsys):
    small.town.departments.update(head_email="")
    call_command("remind", municipality=small.town.code, date="2030-06-05")
    assert "建設課 にはこの通知の宛先のメールアドレスがありません" in capsys.readouterr().err
    with time_machine.travel(dt.datetime(2030, 6, 5, 10, 0, tzinfo=JST)):
        office = Client()
        office.force_login(small.officer)  # signed in that day: a session does not last four years
        page = office.get(reverse("tracking:dashboard", args=[small.town.code])).content.decode()
    late = page[page.index('id="late"') : page.index('id="kpis"')]
    assert "宛先なし" in late
    assert reverse("orgs:department_edit", args=[small.town.code, small.roads.pk]) in late


def test_it_never_calls_late_a_measure_made_after_the_period_ended(town):
    today = timezone.localdate()
    current = ReportingPeriod.objects.get(municipality=town, starts_on__lte=today, ends_on__gte=today)
    plan = town.plans.get(title="サンプル町DX推進計画")
    measure = plan_services.measure_save(
        plan=plan, number="9-1", title="今日つくった施策", owner=town.departments.get(name="建設課")
    )
    Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.IN_PROGRESS)
    assert "今日つくった施策" not in late_section("town_staff", town)
    assert "今日つくった施策" not in late_section("executive", town, "summary")
    assert all(measure not in r.measures for r in reminders_for(town, today))
    # It owes the report of the period it was made in, at that period's due date.
    day_after = dt.datetime.combine(current.due_on + dt.timedelta(days=1), dt.time(10, 0), tzinfo=JST)
    with time_machine.travel(day_after):
        assert "今日つくった施策" in late_section("town_staff", town)
        assert "今日つくった施策" in late_section("executive", town, "summary")
        assert any(measure in r.measures for r in reminders_for(town, timezone.localdate()))


@pytest.fixture
def server_clock_in_utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_it_counts_days_in_japan_between_midnight_and_nine_on_a_utc_server(small, server_clock_in_utc):
    # 15:30 UTC on the due date is 00:30 the next day in Japan: the report is overdue, not due today.
    with time_machine.travel(dt.datetime(2030, 5, 15, 15, 30, tzinfo=dt.UTC)):
        assert dt.datetime.now().date() == dt.date(2030, 5, 15)  # noqa: DTZ005 (the server's own clock)
        assert timezone.localdate() == dt.date(2030, 5, 16)
        call_command("remind", municipality=small.town.code)
    assert list(Notice.objects.filter(period=small.spring).values_list("kind", flat=True)) == ["overdue"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date": "2027-02-30"}, "日付ではありません"),
        ({"date": "2024-04-01"}, "計画の期間より前"),
        ({"municipality": "999999"}, "団体コード"),
    ],
)
def test_it_refuses_a_bad_date_or_town_with_exit_code_2_and_sends_nothing(town, options, message):
    before = Notice.objects.count()
    with pytest.raises(CommandError) as err:
        call_command("remind", **{"municipality": town.code, **options})
    assert message in str(err.value)
    assert err.value.returncode == 2
    assert Notice.objects.count() == before
    assert mail.outbox == []


def test_it_says_what_it_would_send_in_a_dry_run_and_records_nothing(town, capsys):
    before = Notice.objects.count()
    call_command("remind", "--dry-run", municipality=town.code)
    out = capsys.readouterr().out
    assert "送信予定" in out
    assert Notice.objects.count() == before
    assert mail.outbox == []


def test_it_does_not_call_stale_a_measure_whose_first_step_is_still_to_come(town):
    plan = town.plans.get(title="サンプル町DX推進計画")
    measure = plan_services.measure_save(
        plan=plan,
        number="9-2",
        title="来年度から始める施策",
        owner=town.departments.get(name="建設課"),
        steps={FiscalYear.of(timezone.localdate()).year + 1: "試行"},
    )
    Measure.objects.filter(pk=measure.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert "来年度から始める施策" not in late_section("town_staff", town)
    next_year = FiscalYear.of(timezone.localdate()).year + 1
    with time_machine.travel(dt.datetime(next_year, 4, 2, 9, 0, tzinfo=JST)):
        assert "来年度から始める施策" not in late_section("town_staff", town)  # its 年度 has only just begun
    with time_machine.travel(dt.datetime(next_year, 8, 1, 9, 0, tzinfo=JST)):
        assert "来年度から始める施策" in late_section("town_staff", town)


def test_it_lists_a_measure_without_owner_for_the_dx_office_and_mails_no_one_about_it(small):
    ownerless = factories.measure(
        small.measure.plan,
        None,
        "1-2",
        title="担当の決まっていない施策",
        created=dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST),
    )
    with time_machine.travel(dt.datetime(2030, 6, 5, 10, 0, tzinfo=JST)):
        office = Client()
        office.force_login(small.officer)
        page = office.get(reverse("tracking:dashboard", args=[small.town.code])).content.decode()
        assert "担当の決まっていない施策" in page
        assert "担当未定" in page
        assert all(ownerless not in r.measures for r in reminders_for(small.town, timezone.localdate()))


def test_the_worker_sends_the_days_reminders_once_from_the_set_hour_without_cron(small, settings):
    """With jobs in the database (the embedded install and servers), each worker looks at every heartbeat; the
    first look from 08:00 Japan time enqueues the day's reminders, later looks that day enqueue nothing."""
    from django_tasks_db.models import DBTaskResult

    from banso.core import jobs
    from banso.tracking.reminders import daily_reminders_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BANSO_SITE_URL = "https://banso.example.lg.jp"
    reminders = daily_reminders_job.module_path
    queued = DBTaskResult.objects.filter(task_path=reminders)
    with time_machine.travel(dt.datetime(2030, 5, 16, 7, 59, tzinfo=JST), tick=False):
        assert reminders not in jobs.enqueue_daily()
    with time_machine.travel(dt.datetime(2030, 5, 16, 8, 0, tzinfo=JST), tick=False):
        assert reminders in jobs.enqueue_daily()
        assert reminders not in jobs.enqueue_daily()
        assert queued.count() == 1
        # What the worker then does with it: the overdue reminder goes out, with the address to open (the demo's
        # towns, in the same database, get theirs too).
        assert daily_reminders_job.call() >= 1
    ours = [m for m in mail.outbox if m.to[0] in ("roads-staff@example.jp", "head@example.jp")]
    assert [m.to for m in ours] == [["roads-staff@example.jp"]]
    assert f"https://banso.example.lg.jp/m/{small.town.code}/tracking/inbox/" in ours[0].body
    sent = len(mail.outbox)
    with time_machine.travel(dt.datetime(2030, 5, 17, 9, 0, tzinfo=JST), tick=False):
        assert reminders in jobs.enqueue_daily()  # a new day
        assert daily_reminders_job.call() == 0  # nothing new is late: nothing sent twice
    assert len(mail.outbox) == sent


def test_a_digest_brings_one_persons_reminders_of_the_day_in_one_e_mail(small):
    """On 5 June the staff of 建設課 are late for April and for May at once: two reminders, one e-mail."""
    from banso.tracking.models import TrackingSettings

    factories.period(small.town, dt.date(2030, 5, 1), dt.date(2030, 5, 31), dt.date(2030, 6, 3))
    day = dt.date(2030, 6, 5)
    owed = reminders_for(small.town, day)
    staff_reminders = [r for r in owed if r.recipients and r.recipients != ["head@example.jp"]]
    assert len(staff_reminders) >= 2
    TrackingSettings.objects.update_or_create(municipality=small.town, defaults={"digest": True})
    small.town.refresh_from_db()
    del small.town._tracking_settings  # read once per object (selectors.settings_for): read again
    sent, _skipped = send_reminders([small.town], day)
    assert len(sent) == len(owed)
    by_person = {tuple(m.to): m for m in mail.outbox}
    assert len(mail.outbox) == len(by_person)  # one e-mail per person
    staff_mail = next(m for to, m in by_person.items() if to != ("head@example.jp",))
    assert "件）" in staff_mail.subject and staff_mail.body.count("■") == len(staff_reminders)
    assert Notice.objects.filter(municipality=small.town).count() == len(owed)
    assert send_reminders([small.town], day)[0] == []  # recorded: nothing twice


def test_the_dx_office_previews_todays_reminder_e_mails_as_they_are_sent(small):
    from banso.tracking.reminders import mails_for

    day = dt.date(2030, 5, 16)
    with time_machine.travel(dt.datetime(2030, 5, 16, 10, 0, tzinfo=JST)):
        office = Client()
        office.force_login(small.officer)
        page = office.get(reverse("tracking:reminders", args=[small.town.code])).content.decode()
        expected = mails_for(reminders_for(small.town, day), "http://testserver/", digest=False)
        assert expected
        for message in expected:
            assert message.subject in page
            assert "1-1" in page
        send_reminders([small.town], day)
        page = office.get(reverse("tracking:reminders", args=[small.town.code])).content.decode()
        assert "今日送る督促はありません" in page and "送信済み" in page
        staff = Client()
        staff.force_login(User.objects.get(username="roads-staff"))
        assert staff.get(reverse("tracking:reminders", args=[small.town.code])).status_code == 403
