"""The demo is alive whenever it is loaded, and loading it again on a later day keeps it consistent."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from banso.orgs.models import Municipality
from banso.tracking import deadlines
from banso.tracking.demo import create_sample_tracking
from banso.tracking.models import MeasureUpdate, Notice, ReportingPeriod
from banso.tracking.reminders import send_reminders

JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def town(db):
    return Municipality.objects.get(code="999997")


def test_it_has_a_current_period_ahead_and_late_quarters_behind_on_the_day_it_is_loaded(town):
    today = timezone.localdate()
    periods = list(ReportingPeriod.objects.filter(municipality=town))
    current = [p for p in periods if p.starts_on <= today <= p.ends_on]
    assert len(current) == 1
    assert current[0].due_on > today
    tracking = town.tracking_settings
    late = deadlines.late_periods(periods, today)
    assert [deadlines.late_kind(p, tracking, today) for p in late][-1] == Notice.Kind.ESCALATED
    # the older late quarter's reminders were sent at the time; today's run sends the rest, once
    assert Notice.objects.filter(period=late[-1]).exists()
    sent, _skipped = send_reminders([town], today)
    assert sent
    assert send_reminders([town], today)[0] == []


@pytest.mark.parametrize("days_later", [1, 45, 120, 400])
def test_it_stays_consistent_when_loaded_again_later(town, days_later):
    later = timezone.localdate() + dt.timedelta(days=days_later)
    with time_machine.travel(dt.datetime.combine(later, dt.time(9, 0), tzinfo=JST)):
        create_sample_tracking(town)
        updates = MeasureUpdate.objects.filter(period__municipality=town).count()
        create_sample_tracking(town)  # idempotent on the same day
        assert MeasureUpdate.objects.filter(period__municipality=town).count() == updates
        periods = list(ReportingPeriod.objects.filter(municipality=town))
        assert any(p.starts_on <= later <= p.ends_on and p.due_on > later for p in periods)
        late = deadlines.late_periods(periods, later)
        reported = MeasureUpdate.objects.filter(period__in=late).values_list("period_id", flat=True)
        assert len(late) == 2
        assert set(reported) == {p.pk for p in late}  # each late quarter has reports, and some are missing
        assert send_reminders([town], later)[0], "a demo loaded on any day owes reminders"
