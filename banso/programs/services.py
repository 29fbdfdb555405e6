"""Every write of 広域連携・伴走支援. Each checks its rule before anything is saved."""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as job

from banso.core import exports
from banso.core.documents import document_bytes
from banso.core.fields import nfkc
from banso.core.jobs import job_abandoned
from banso.core.services import save_validated
from banso.orgs.models import AdvisorAssignment
from banso.programs.models import (
    Adoption,
    Dispatch,
    Meeting,
    Participant,
    ParticipantProvider,
    Programme,
    ProgrammeReport,
    StatusSnapshot,
    SupportActivity,
)


@transaction.atomic
def programme_save(
    *,
    programme=None,
    title,
    starts_on,
    ends_on,
    owner_prefecture=None,
    owner_provider=None,
    funding="",
    description="",
):
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The programme cannot end before it starts.")})
    if owner_prefecture is None and owner_provider is None:
        raise ValidationError(
            {"owner_prefecture": _("Choose the prefecture or the provider that runs the programme.")}
        )
    programme = programme or Programme()
    return save_validated(
        programme,
        title=nfkc(title),
        starts_on=starts_on,
        ends_on=ends_on,
        owner_prefecture=owner_prefecture,
        owner_provider=owner_provider,
        funding=funding,
        description=description,
    )


@transaction.atomic
def participant_save(*, programme, municipality, theme, summary="", providers=()) -> Participant:
    """A town joins the programme with its theme; `providers`: [(provider, role)]."""
    participant, _created = Participant.objects.get_or_create(
        programme=programme, municipality=municipality, defaults={"theme": theme}
    )
    save_validated(participant, theme=theme, summary=summary)
    participant.providers.all().delete()
    for provider, role in providers:
        ParticipantProvider.objects.create(participant=participant, provider=provider, role=role)
    return participant


@transaction.atomic
def meeting_save(*, programme, meeting=None, **values) -> Meeting:
    meeting = meeting or Meeting(programme=programme)
    return save_validated(meeting, **values)


@transaction.atomic
def dispatch_save(
    *, programme, advisor, provider, municipality, title, starts_on, ends_on, time_share_percent=None
) -> AdvisorAssignment:
    """Assign an advisor to a town for the programme. Access to the town follows the assignment's dates
    (orgs.scoping), so it starts and ends without anyone touching permissions."""
    if not programme.participants.filter(municipality=municipality).exists():
        raise ValidationError(
            {"municipality": _("%(town)s does not take part in this programme.") % {"town": municipality}}
        )
    if not ParticipantProvider.objects.filter(participant__programme=programme, provider=provider).exists():
        raise ValidationError(
            {
                "provider": _(
                    "%(provider)s is not a support provider of this programme. Add it to a participating town first."
                )
                % {"provider": provider}
            }
        )
    if starts_on < programme.starts_on or ends_on > programme.ends_on or ends_on < starts_on:
        raise ValidationError(
            {
                "starts_on": _("The assignment must lie within the programme period (%(start)s to %(end)s).")
                % {"start": programme.starts_on, "end": programme.ends_on}
            }
        )
    if not advisor.memberships.filter(provider=provider, is_active=True).exists():
        raise ValidationError(
            {
                "advisor": _("%(person)s does not work for %(provider)s.")
                % {"person": advisor, "provider": provider}
            }
        )
    assignment = save_validated(
        AdvisorAssignment(advisor=advisor, provider=provider, municipality=municipality),
        title=nfkc(title),
        starts_on=starts_on,
        ends_on=ends_on,
        time_share_percent=time_share_percent,
    )
    Dispatch.objects.create(programme=programme, assignment=assignment)
    return assignment


@transaction.atomic
def activity_save(*, municipality, activity=None, **values) -> SupportActivity:
    if values.get("held_on") and values["held_on"] > timezone.localdate():
        raise ValidationError(
            {
                "held_on": _("Log activities that have taken place: %(date)s is in the future.")
                % {"date": values["held_on"]}
            }
        )
    activity = activity or SupportActivity(municipality=municipality)
    return save_validated(activity, **values)


@transaction.atomic
def snapshot_save(
    *, municipality, as_of, user=None, programme=None, vision="", people="", implementation="", next_steps=""
) -> StatusSnapshot:
    """A new snapshot; earlier ones are kept as the history."""
    if as_of > timezone.localdate():
        raise ValidationError(
            {"as_of": _("A status is as of a date that has come: %(date)s is in the future.") % {"date": as_of}}
        )
    if not any(v.strip() for v in (vision, people, implementation, next_steps)):
        raise ValidationError(_("Write the status under at least one outcome category, or the next steps."))
    return save_validated(
        StatusSnapshot(municipality=municipality, programme=programme, written_by=user),
        as_of=as_of,
        vision=vision,
        people=people,
        implementation=implementation,
        next_steps=next_steps,
    )


def adoptable(source, municipality) -> None:
    """Refuse, with the reason, a measure this town cannot take in: unpublished, or its own."""
    from banso.tracking.models import Publication

    published = Publication.objects.filter(plan=source.plan, is_published=True, measures=source).exists()
    if not published:
        raise ValidationError(_("Only measures another municipality has published can be adopted."))
    if source.plan.municipality_id == municipality.pk:
        raise ValidationError(_("This measure is already your municipality's own."))


def measure_source_label(source) -> str:
    return f"{source.plan.municipality.name}「{source.plan.title}」{source.number} {source.title}"


def measure_reference(source) -> str:
    return reference_text(
        [
            (_("purpose"), source.purpose),
            (_("target audience"), source.audience),
            (_("content"), source.content),
            (_("goal"), source.goal),
        ]
    )


@transaction.atomic
def measure_adopt(*, source, plan, user=None, number=None, policy=None):
    """横展開: take another town's published measure into this plan as a draft under `policy`, with its steps that
    fit the plan period and its KPIs (targets that fit); its texts are kept as a reference, and where it came
    from is recorded."""
    adoptable(source, plan.municipality)
    if (earlier := adopted_measure(source, plan)) is not None:
        already_adopted(earlier)
    offset = plan.start_year - source.plan.start_year  # keep the step sequence: year 1 of theirs is year 1 of ours
    kpis = [
        (kpi, {t.fiscal_year + offset: t.text or t.value for t in kpi.targets.all()})
        for kpi in source.kpis.prefetch_related("targets")
    ]
    adoption = adopt_into_plan(
        plan=plan,
        user=user,
        number=number,
        source=source,
        label=measure_source_label(source),
        title=source.title,
        policy=policy,
        reference=measure_reference(source),
        steps={s.fiscal_year + offset: s.description for s in source.steps.all()},
        kpis=kpis,
    )
    return adoption.adopted


def adopted_measure(source, plan):
    """The measure of `plan` taken in from the peer's measure `source`, if it was."""
    earlier = Adoption.objects.filter(source=source, adopted__plan=plan).select_related("adopted").first()
    return earlier.adopted if earlier else None


def reference_text(parts: list[tuple[str, str]]) -> str:
    """The source's texts under their headings (【目的】…), for the draft's reference."""
    return "\n\n".join(f"【{heading}】\n{text.strip()}" for heading, text in parts if text and text.strip())


@transaction.atomic
def adopt_into_plan(
    *, plan, label, title, steps, kpis=(), user=None, number=None, source=None, policy=None, reference=""
) -> Adoption:
    """The one way something from elsewhere (a peer's measure, a case) enters a plan: as a draft under the 方針
    the town chose (numbered after that 方針's measures; 横-n without one), owned by the first department until
    the town says otherwise, with the steps and KPI targets that fall in the plan period. Its 目的 and ゴール
    are left for the town to write: the source's words are kept on the Adoption as a reference. A draft is in
    no reporting period until the town starts it (plans.services.measure_start)."""
    from banso.plans import services as plan_services

    owner = plan.municipality.departments.filter(is_active=True).order_by("order").first()
    if owner is None:
        raise ValidationError(_("Register your departments first: an adopted measure needs an owner department."))
    years = range(plan.start_year, plan.end_year + 1)
    if policy is not None and policy.plan_id != plan.pk:
        raise ValidationError(_("The policy belongs to another plan."))
    measure = plan_services.measure_save(
        plan=plan,
        number=number or _next_number(plan, policy),
        title=title,
        owner=owner,
        policy=policy,
        is_draft=True,
        steps={year: text for year, text in steps.items() if year in years},
    )
    for kpi, targets in kpis:
        targets = {year: value for year, value in targets.items() if year in years}
        if targets:
            plan_services.kpi_save(
                measure=measure,
                name=kpi.name,
                unit=kpi.unit,
                targets=targets,
                direction=kpi.direction,
                kind=kpi.kind,
            )
    return Adoption.objects.create(
        source=source, source_label=label[:250], reference=reference, adopted=measure, adopted_by=user
    )


class AlreadyAdopted(ValidationError):
    """The plan already holds a measure taken from the same source; `measure_id` is that measure (core.flows
    opens it)."""

    def __init__(self, measure):
        super().__init__(
            _("This is already in your plan as %(number)s “%(title)s”.")
            % {"number": measure.number, "title": measure.title},
            code="already_adopted",
        )
        self.measure_id = measure.pk


def already_adopted(measure) -> NoReturn:
    """A second press of 「取り入れる」 makes no second draft: the page opens the measure made the first time."""
    raise AlreadyAdopted(measure)


def _next_number(plan, policy=None) -> str:
    """The next free number under the 方針 (3-1, 3-2 → 3-3), or 横-n for a measure outside every 方針."""
    taken = set(plan.measures.values_list("number", flat=True))
    prefix = f"{policy.number}-" if policy is not None else "横-"
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def programme_report_create(*, programme, as_of, fmt: str, user) -> ProgrammeReport:
    """Queue the overview's PDF or Word file for `user`. Done when this returns where jobs run at once."""
    report = ProgrammeReport.objects.create(programme=programme, as_of=as_of, fmt=fmt, requested_by=user)
    programme_report_job.enqueue(report.pk)
    report.refresh_from_db()
    return report


def programme_report_content(programme, as_of, fmt: str) -> tuple[bytes, str]:
    from banso.programs import reports

    if fmt == "xlsx":
        content = reports.programme_workbook(programme, as_of)
    else:
        content = document_bytes(reports.programme_overview(programme, as_of), fmt)
    return content, f"{programme.title}_{as_of}.{fmt}"


@job()
def programme_report_job(report_id: int) -> str:
    return exports.make(
        ProgrammeReport,
        report_id,
        lambda report: programme_report_content(report.programme, report.as_of, report.fmt),
    )


@job()
def programme_reports_prune_job() -> int:
    """Remove reports older than a week, files included (a daily job)."""
    return exports.prune(ProgrammeReport)


@receiver(job_abandoned, dispatch_uid="banso.programs.programme_report_abandoned")
def _programme_report_abandoned(sender: str, args: list, kwargs: dict, **extra) -> None:
    if sender == programme_report_job.module_path:
        exports.interrupted(ProgrammeReport, args[0] if args else kwargs["report_id"])
