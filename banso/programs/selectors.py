"""Reads of 広域連携・伴走支援: who sees which programme, the towns side by side, the support log, models to adopt."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from banso.plans.models import Measure, Plan
from banso.programs.models import Adoption, Participant, Programme, StatusSnapshot, SupportActivity
from banso.tracking import progress


def programmes_for(scope):
    """Programmes of the user's prefecture, of the towns they may read, and of their provider."""
    condition = Q(owner_prefecture_id__in=scope.prefecture_ids) | Q(owner_provider_id__in=scope.provider_ids)
    condition |= Q(participants__municipality_id__in=list(scope.grants))
    return Programme.objects.filter(condition).distinct().select_related("owner_prefecture", "owner_provider")


def sees_every_town(scope, programme) -> bool:
    """The programme's owner sees all its towns side by side; a town sees only itself among them."""
    return (programme.owner_prefecture_id in scope.prefecture_ids) or (
        programme.owner_provider_id in scope.provider_ids
    )


def latest_snapshot(municipality, as_of: dt.date | None = None) -> StatusSnapshot | None:
    found = StatusSnapshot.objects.filter(municipality=municipality)
    if as_of:
        found = found.filter(as_of__lte=as_of)
    return found.order_by("-as_of", "-id").first()


@dataclass
class TownRow:
    participant: Participant
    plan: Plan | None
    measures: int
    signals: Counter
    late: int
    snapshot: StatusSnapshot | None

    @property
    def attainment(self) -> float | None:
        counted = sum(self.signals[s] for s in (progress.ON_TRACK, progress.AT_RISK, progress.OFF_TRACK))
        return self.signals[progress.ON_TRACK] / counted if counted else None


def side_by_side(scope, programme, on: dt.date) -> list[TownRow]:
    """Each participating town the user may read: theme, plan, KPI signals, late items and the latest status."""
    from banso.tracking.selectors import dashboard

    rows = []
    participants = programme.participants.select_related("municipality").prefetch_related("providers__provider")
    for participant in participants:
        town = participant.municipality
        if not scope.can_view(town.pk):
            continue
        plan = Plan.objects.filter(municipality=town).first()
        board = dashboard(scope, plan, on) if plan else None
        rows.append(
            TownRow(
                participant,
                plan,
                len(board.rows) if board else 0,
                Counter(k.signal.state for k in board.kpis) if board else Counter(),
                len(board.late) if board else 0,
                latest_snapshot(town, on),
            )
        )
    return rows


def activities_of(municipality, *, advisor=None, until: dt.date | None = None):
    found = SupportActivity.objects.filter(municipality=municipality)
    if advisor is not None:
        found = found.filter(advisor=advisor)
    if until is not None:
        found = found.filter(held_on__lte=until)
    return found.select_related("advisor").order_by("held_on", "id")


def models_to_adopt(programme):
    """Published measures of the programme's towns, with who adopted each."""
    from banso.tracking.models import Publication

    towns = programme.participants.values("municipality")
    publications = Publication.objects.filter(is_published=True, plan__municipality__in=towns)
    measures = (
        Measure.objects.filter(pk__in=publications.values("measures"))
        .select_related("plan__municipality")
        .prefetch_related("adoptions__adopted__plan__municipality")
        .order_by("plan__municipality__code", "number")
    )
    return list(measures)


def adoptions_in(plan):
    return Adoption.objects.filter(adopted__plan=plan).select_related("adopted")
