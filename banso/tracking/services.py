"""Every write of 実行管理: periods, owners' updates with their actuals, approval, status changes, publication."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.core.fiscal import FiscalYear
from banso.plans.models import STATUS_TRANSITIONS, Measure
from banso.plans.values import parse_amount
from banso.tracking.models import (
    ApprovalState,
    KPIActual,
    MeasureUpdate,
    Publication,
    ReportingPeriod,
    StatusChange,
    TrackingSettings,
)
from banso.tracking.selectors import settings_for


@transaction.atomic
def settings_save(*, municipality, **values) -> TrackingSettings:
    tracking = settings_for(municipality)
    for key, value in values.items():
        setattr(tracking, key, value)
    tracking.full_clean()
    tracking.save()
    return tracking


# -- periods -----------------------------------------------------------------------------


@transaction.atomic
def period_save(*, municipality, period=None, label, starts_on, ends_on, due_on) -> ReportingPeriod:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    if due_on < ends_on:
        raise ValidationError(
            {"due_on": _("Reports are due after the period ends: choose a date on or after its last day.")}
        )
    overlapping = municipality.reporting_periods.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    other = overlapping.exclude(pk=getattr(period, "pk", None)).first()
    if other is not None:
        raise ValidationError(
            {
                "starts_on": _("This period overlaps “%(other)s” (%(start)s to %(end)s).")
                % {"other": other.label, "start": other.starts_on, "end": other.ends_on}
            }
        )
    period = period or ReportingPeriod(municipality=municipality)
    period.label, period.starts_on, period.ends_on, period.due_on = nfkc(label), starts_on, ends_on, due_on
    period.full_clean()
    period.save()
    return period


QUARTERS = [((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31)), ((1, 1), (3, 31))]


@transaction.atomic
def periods_quarterly(*, municipality, fiscal_year: int, due_after_days: int = 15) -> list[ReportingPeriod]:
    """The four quarters of a 年度, each due some days after it ends; quarters that exist already are kept."""
    made = []
    for number, ((m1, d1), (m2, d2)) in enumerate(QUARTERS, start=1):
        year = fiscal_year if number < 4 else fiscal_year + 1
        starts_on, ends_on = dt.date(year, m1, d1), dt.date(year, m2, d2)
        if municipality.reporting_periods.filter(starts_on=starts_on).exists():
            continue
        label = _("%(year)s Q%(n)s") % {"year": FiscalYear(fiscal_year).era_label, "n": number}
        made.append(
            period_save(
                municipality=municipality,
                label=label,
                starts_on=starts_on,
                ends_on=ends_on,
                due_on=ends_on + dt.timedelta(days=due_after_days),
            )
        )
    return made


# -- status ---------------------------------------------------------------------------------


def status_change(*, measure, to_status, user, update=None) -> bool:
    """Move a measure to another status if the move is allowed, and record it. False when nothing changed."""
    if to_status == measure.status:
        return False
    if to_status not in STATUS_TRANSITIONS[measure.status]:
        raise ValidationError(
            {
                "status": _("A measure that is “%(from)s” cannot become “%(to)s”. Allowed: %(allowed)s.")
                % {
                    "from": Measure.Status(measure.status).label,
                    "to": Measure.Status(to_status).label,
                    "allowed": "、".join(
                        str(Measure.Status(s).label) for s in sorted(STATUS_TRANSITIONS[measure.status])
                    ),
                }
            }
        )
    StatusChange.objects.create(
        measure=measure, from_status=measure.status, to_status=to_status, changed_by=user, update=update
    )
    measure.status = to_status
    measure.save(update_fields=["status", "updated_at"])
    return True


# -- updates and actuals ------------------------------------------------------------------------


def check_as_of(as_of: dt.date, plan, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    first, last = FiscalYear(plan.start_year).start, FiscalYear(plan.end_year).end
    if as_of > today:
        raise ValidationError(
            _("%(date)s is in the future. Enter the date the value was measured.") % {"date": as_of}
        )
    if not first <= as_of <= last:
        raise ValidationError(
            _("%(date)s is outside the plan period (%(start)s to %(end)s).")
            % {"date": as_of, "start": first, "end": last}
        )


class StaleUpdate(ValidationError):
    """Someone else saved the same update after this form was opened."""


@transaction.atomic
def update_save(
    *, measure, period, user, revision: int, status, note="", evidence_url="", evidence_file=None, actuals=None
) -> MeasureUpdate:
    """Save an owner's update. `actuals`: {kpi: (value text, as_of date, source)} for the KPIs given a value.

    Refused, with nothing written: an update already approved, one changed by someone else since `revision`,
    a status the measure cannot move to, and actuals that are not numbers in the KPI's unit or dated outside
    the plan or in the future.
    """
    tracking = settings_for(measure.plan.municipality)
    update = MeasureUpdate.objects.select_for_update().filter(measure=measure, period=period).first()
    if update is not None and update.state == ApprovalState.APPROVED and tracking.require_approval:
        raise ValidationError(
            _("The update for %(period)s has been approved. Ask the DX office to return it if it must change.")
            % {"period": period.label}
        )
    if update is not None and update.revision != revision:
        who = update.submitted_by or _("someone")
        raise StaleUpdate(
            _(
                "%(who)s saved this update at %(time)s, after you opened it. Your entries are kept below: compare them "
                "with the saved ones and save again."
            )
            % {
                "who": who,
                "time": timezone.localtime(update.submitted_at).strftime("%H:%M") if update.submitted_at else "—",
            }
        )
    values = _checked_actuals(measure, actuals or {})
    state = ApprovalState.SUBMITTED if tracking.require_approval else ApprovalState.APPROVED
    update = update or MeasureUpdate(measure=measure, period=period)
    update.status, update.note, update.evidence_url = status, note.strip(), evidence_url.strip()
    if evidence_file:
        update.evidence_file = evidence_file
    update.state, update.submitted_by, update.submitted_at = state, user, timezone.now()
    update.revision += 1
    update.full_clean()
    update.save()
    status_change(measure=measure, to_status=status, user=user, update=update)
    for kpi, (value, as_of, source) in values.items():
        KPIActual.objects.update_or_create(
            kpi=kpi,
            period=period,
            defaults={"value": value, "as_of": as_of, "source": source, "update": update, "state": state},
        )
    return update


@transaction.atomic
def grid_save(*, period, user, as_of: dt.date, entries) -> int:
    """Save a period grid: `entries` is {measure: (revision, {kpi: value text})}. Each measure's update keeps its
    status, progress and evidence (a new one takes the measure's status) and gets the values, as the update form
    would save them. All or nothing: the messages of every refused value are raised together, by KPI
    (`kpi_<id>`), and a measure's own refusal (approved, saved meanwhile) is named by its number. Returns the
    number of values saved."""
    try:  # one date for the whole grid: said once beside it, not beside every value
        for plan in {measure.plan for measure in entries}:
            check_as_of(as_of, plan)
    except ValidationError as err:
        raise ValidationError({"as_of": err.messages}) from err
    errors: dict[str, list[str]] = {}
    saved = 0
    updates = {u.measure_id: u for u in MeasureUpdate.objects.filter(period=period, measure__in=list(entries))}
    for measure, (revision, values) in entries.items():
        update = updates.get(measure.pk)
        sources = {a.kpi_id: a.source for a in update.actuals.all()} if update else {}
        try:
            update_save(
                measure=measure,
                period=period,
                user=user,
                revision=revision,
                status=update.status if update else measure.status,
                note=update.note if update else "",
                evidence_url=update.evidence_url if update else "",
                actuals={kpi: (text, as_of, sources.get(kpi.pk, kpi.data_source)) for kpi, text in values.items()},
            )
        except ValidationError as err:
            if hasattr(err, "error_dict"):
                for key, found in err.message_dict.items():
                    errors.setdefault(key, []).extend(found)
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(f"{measure.number}：{m}" for m in err.messages)
            continue
        saved += len(values)
    if errors:
        raise ValidationError(errors)
    return saved


def _checked_actuals(measure, actuals) -> dict:
    errors, values = {}, {}
    for kpi, (text, as_of, source) in actuals.items():
        try:
            value = parse_amount(text, kpi.unit)
            if as_of is None:
                raise ValidationError(_("Enter the date the value was measured."))
            check_as_of(as_of, measure.plan)
        except ValidationError as err:
            errors[f"kpi_{kpi.pk}"] = [f"{kpi.name}：{m}" for m in err.messages]
            continue
        values[kpi] = (value, as_of, nfkc(source or ""))
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def update_review(*, update, user, approve: bool, note="") -> MeasureUpdate:
    """The DX office approves an update (its values then count and may be published) or returns it."""
    if update.state not in (ApprovalState.SUBMITTED, ApprovalState.APPROVED):
        raise ValidationError(_("Only a submitted update can be approved or returned."))
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say what should be corrected.")})
    state = ApprovalState.APPROVED if approve else ApprovalState.RETURNED
    update.state, update.reviewed_by, update.reviewed_at, update.review_note = (
        state,
        user,
        timezone.now(),
        note.strip(),
    )
    update.revision += 1
    update.save()
    update.actuals.update(state=state)
    return update


@transaction.atomic
def publication_save(*, plan, user=None, is_published, intro="", measures=(), kpis=()) -> Publication:
    """Choose what residents see. Values waiting for approval are never published, so publishing a KPI whose
    values wait is refused until the DX office has decided."""
    tracking = settings_for(plan.municipality)
    if tracking.require_approval:
        waiting = [k for k in kpis if k.actuals.filter(state=ApprovalState.SUBMITTED).exists()]
        if waiting:
            raise ValidationError(
                {
                    "kpis": _("Values of %(kpis)s wait for approval. Approve or return them before publishing.")
                    % {"kpis": "、".join(f"「{k.name}」" for k in waiting)}
                }
            )
    outside = [k for k in kpis if k.measure not in measures]
    if outside:
        raise ValidationError(
            {
                "kpis": _("Publish the measure of %(kpis)s as well.")
                % {"kpis": "、".join(f"「{k.name}」" for k in outside)}
            }
        )
    publication, _created = Publication.objects.get_or_create(plan=plan)
    publication.is_published, publication.intro = is_published, intro.strip()
    publication.save()
    publication.measures.set(measures)
    publication.kpis.set(kpis)
    return publication


@transaction.atomic
def automatic_set(*, kpi, source_key: str, parameter: str = ""):
    """Bind a KPI to one of Banso's own data sources, or unbind it with an empty key. A binding that reads
    nothing today (a course title with a typo) is refused, so the owner is never offered an empty value."""
    from banso.tracking.actual_sources import SOURCES, reading_for
    from banso.tracking.models import AutomaticActual

    if not source_key:
        AutomaticActual.objects.filter(kpi=kpi).delete()
        return None
    if source_key not in SOURCES:
        raise ValidationError({"source_key": _("Choose a source from the list.")})
    binding, _created = AutomaticActual.objects.update_or_create(
        kpi=kpi, defaults={"source_key": source_key, "parameter": nfkc(parameter)}
    )
    kpi.automatic = binding
    if reading_for(kpi, timezone.localdate()) is None:
        raise ValidationError(
            {
                "parameter": _(
                    "Banso finds no value for this KPI with “%(parameter)s”. Check the name against the list."
                )
                % {"parameter": parameter}
            }
        )
    return binding
