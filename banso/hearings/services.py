"""Every write of the hearings capability."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.hearings.models import Challenge, ChallengeTheme, HearingSession, Priority, suggest_priority

DEFAULT_THEMES = [
    "窓口・手続",
    "業務効率化",
    "情報発信",
    "人材・体制",
    "福祉・子育て",
    "地域・産業",
    "防災・インフラ",
    "教育",
    "その他",
]


def themes_ensure(municipality) -> None:
    """A municipality starts with a usable list of themes; it can change them afterwards."""
    if not ChallengeTheme.objects.filter(municipality=municipality).exists():
        for order, name in enumerate(DEFAULT_THEMES):
            ChallengeTheme.objects.create(municipality=municipality, name=name, order=order)


@transaction.atomic
def themes_replace(*, municipality, names: list[str]) -> None:
    cleaned = list(dict.fromkeys(nfkc(n) for n in names if n.strip()))
    if not cleaned:
        raise ValidationError({"names": _("A list needs at least one value.")})
    if any(len(n) > 50 for n in cleaned):
        raise ValidationError({"names": _("Each value can have at most 50 characters.")})
    current = {t.name: t for t in ChallengeTheme.objects.filter(municipality=municipality)}
    in_use = {t.name for t in current.values() if t.challenges.exists()}
    dropped = in_use - set(cleaned)
    if dropped:
        raise ValidationError(
            {
                "names": _("These values are used in answers and cannot be removed: %(values)s.")
                % {"values": "、".join(sorted(dropped))}
            }
        )
    for name, theme in current.items():
        if name not in cleaned:
            theme.delete()
    for order, name in enumerate(cleaned):
        theme = current.get(name) or ChallengeTheme(municipality=municipality, name=name)
        theme.order = order
        theme.save()


def _check_department(municipality, department):
    if department is not None and department.municipality_id != municipality.pk:
        raise ValidationError({"department": _("The department belongs to another municipality.")})


@transaction.atomic
def session_save(
    *, municipality, session=None, department=None, title, held_on, attendees="", notes=""
) -> HearingSession:
    _check_department(municipality, department)
    session = session or HearingSession(municipality=municipality)
    session.department, session.title, session.held_on = department, nfkc(title), held_on
    session.attendees, session.notes = attendees.strip(), notes.strip()
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def challenge_save(*, municipality, challenge=None, user=None, survey_tasks=None, **values) -> Challenge:
    """Create or change a challenge. A priority other than the suggested one needs a reason."""
    challenge = challenge or Challenge(municipality=municipality, recorded_by=user)
    department = values.get("department", challenge.department if challenge.pk else None)
    _check_department(municipality, department)
    theme = values.get("theme")
    if theme is not None and theme.municipality_id != municipality.pk:
        raise ValidationError({"theme": _("The theme belongs to another municipality.")})
    session = values.get("session")
    if session is not None and session.municipality_id != municipality.pk:
        raise ValidationError({"session": _("The hearing belongs to another municipality.")})
    for key, value in values.items():
        setattr(challenge, key, nfkc(value) if key == "title" else value)
    suggested = suggest_priority(challenge.impact, challenge.urgency, challenge.feasibility)
    if not challenge.priority:
        challenge.priority = suggested
    if challenge.priority != suggested and not (challenge.priority_reason or "").strip():
        raise ValidationError(
            {
                "priority_reason": _(
                    "The scores suggest “%(suggested)s”. Write why this challenge belongs in “%(chosen)s”."
                )
                % {"suggested": Priority(suggested).label, "chosen": Priority(challenge.priority).label}
            }
        )
    challenge.full_clean()
    challenge.save()
    if survey_tasks is not None:
        foreign = [t for t in survey_tasks if t.survey_round.municipality_id != municipality.pk]
        if foreign:
            raise ValidationError({"survey_tasks": _("A survey task of another municipality cannot be linked.")})
        challenge.survey_tasks.set(survey_tasks)
    return challenge


@transaction.atomic
def challenges_merge(*, keep: Challenge, others: list[Challenge]) -> Challenge:
    """Merge duplicates into one: the others point to it, their survey links move over."""
    for other in others:
        if other.pk == keep.pk or other.municipality_id != keep.municipality_id:
            raise ValidationError(_("Only different challenges of the same municipality can be merged."))
        if other.status == Challenge.Status.MERGED:
            raise ValidationError(_("“%(title)s” is already merged.") % {"title": other.title})
    for other in others:
        keep.survey_tasks.add(*other.survey_tasks.all())
        if other.description and other.description not in keep.description:
            keep.description = f"{keep.description}\n{other.title}: {other.description}".strip()
        other.status, other.merged_into = Challenge.Status.MERGED, keep
        other.save()
    keep.save()
    return keep


@transaction.atomic
def challenge_close(*, challenge: Challenge) -> Challenge:
    """Solved or dropped: kept with its history, no longer in the open lists."""
    challenge.status = Challenge.Status.CLOSED
    challenge.save()
    return challenge
