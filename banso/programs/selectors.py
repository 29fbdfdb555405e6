"""Reads of 広域連携・伴走支援: who sees which programme, the towns side by side, the support log, models to adopt."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery

from banso.plans.models import Measure
from banso.programs.models import Adoption, Participant, Programme, StatusSnapshot, SupportActivity
from banso.tracking import progress
from banso.tracking.models import TownSummary
from banso.tracking.summaries import summaries_of


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
    summary: TownSummary | None  # None while the town's figures are first being computed
    snapshot: StatusSnapshot | None

    @property
    def plan_title(self) -> str:
        return self.summary.plan_title if self.summary else ""

    @property
    def measures(self) -> int:
        return self.summary.measures if self.summary else 0

    @property
    def signals(self) -> Counter:
        return Counter(self.summary.signals if self.summary else {})

    @property
    def late(self) -> int:
        return self.summary.late if self.summary else 0

    @property
    def attainment(self) -> float | None:
        counted = sum(self.signals[s] for s in (progress.ON_TRACK, progress.AT_RISK, progress.OFF_TRACK))
        return self.signals[progress.ON_TRACK] / counted if counted else None


def with_latest_snapshots(programme, on: dt.date) -> list[tuple[Participant, StatusSnapshot | None]]:
    """The programme's participants, each with its town's newest status snapshot as of `on`, in two queries
    whatever the number of towns (a report for 179 towns asked once per town)."""
    latest = (
        StatusSnapshot.objects.filter(municipality=OuterRef("municipality"), as_of__lte=on)
        .order_by("-as_of", "-id")
        .values("pk")[:1]
    )
    participants = list(
        programme.participants.select_related("municipality")
        .prefetch_related("providers__provider")
        .annotate(snapshot_id=Subquery(latest))
    )
    snapshots = StatusSnapshot.objects.in_bulk([p.snapshot_id for p in participants if p.snapshot_id])
    return [(p, snapshots.get(p.snapshot_id)) for p in participants]


def side_by_side(scope, programme, on: dt.date) -> list[TownRow]:
    """Each participating town the user may read: theme, plan, KPI signals, late items and the latest status.

    The figures come from the towns' precomputed summaries (tracking.summaries), so the page costs the same
    queries for 10 towns as for 179."""
    rows = [(p, s) for p, s in with_latest_snapshots(programme, on) if scope.can_view(p.municipality_id)]
    summaries = summaries_of(scope, [p.municipality_id for p, _s in rows], on)
    return [TownRow(p, summaries.get(p.municipality_id), snapshot) for p, snapshot in rows]


def activities_of(municipality, *, advisor=None, until: dt.date | None = None):
    found = SupportActivity.objects.filter(municipality=municipality)
    if advisor is not None:
        found = found.filter(advisor=advisor)
    if until is not None:
        found = found.filter(held_on__lte=until)
    return found.select_related("advisor").order_by("held_on", "id")


MODELS_PER_PAGE = 12


def models_to_adopt(programme, page_number=1):
    """Published measures of the programme's towns, most adopted first, a page at a time (180 towns publish
    thousands), each with who adopted it."""
    from banso.tracking.models import Publication

    towns = programme.participants.values("municipality")
    publications = Publication.objects.filter(is_published=True, plan__municipality__in=towns)
    measures = (
        Measure.objects.filter(pk__in=publications.values("measures"))
        .annotate(adoption_count=Count("adoptions"))
        .select_related("plan__municipality")
        .prefetch_related("adoptions__adopted__plan__municipality")
        .order_by("-adoption_count", "plan__municipality__code", "number", "pk")
    )
    return Paginator(measures, MODELS_PER_PAGE).get_page(page_number)


def adoptions_in(plan):
    return Adoption.objects.filter(adopted__plan=plan).select_related("adopted")
