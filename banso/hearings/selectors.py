"""Reads shared by the hearings pages, exports and later the plan."""

from collections import defaultdict

from django.apps import apps
from django.db.models import Count, Prefetch

from banso.core.access import id_param
from banso.hearings.models import Challenge, HearingSession
from banso.text.normalize import content_characters
from banso.text.similarity import similar_pairs


def sessions_of(scope, municipality):
    return (
        scope.filter(HearingSession.objects.filter(municipality=municipality))
        .select_related("department")
        .annotate(challenge_count=Count("challenges"))
    )


def open_challenges(scope, municipality, *, priority=None, theme=None, department=None):
    queryset = scope.filter(Challenge.objects.filter(municipality=municipality, status=Challenge.Status.OPEN))
    if priority:
        queryset = queryset.filter(priority=priority)
    # Filters come from the query string: a value that is not an id matches nothing rather than failing.
    if theme:
        queryset = queryset.filter(theme_id=id_param(theme))
    if department:
        queryset = queryset.filter(department_id=id_param(department))
    return with_links(scope, queryset)


def with_links(scope, queryset):
    """Challenges as their table shows them: with the survey tasks they came from and the measures already made from
    them, so a reader sees which challenges are being acted on. Only the tasks and measures the scope may read:
    department staff see no other department's measure here either (ADR 2)."""
    tasks, measures = apps.get_model("survey", "SurveyTask"), apps.get_model("plans", "Measure")
    return queryset.select_related("theme", "department", "session").prefetch_related(
        Prefetch("survey_tasks", queryset=scope.filter(tasks._default_manager.all()), to_attr="linked_tasks"),
        Prefetch("measures", queryset=scope.filter(measures._default_manager.all()), to_attr="linked_measures"),
    )


def matrix(challenges) -> list[dict]:
    """Impact (rows, 5 at the top) × feasibility (columns, 1 to 5): the challenges in each cell."""
    cells = defaultdict(list)
    for challenge in challenges:
        cells[(challenge.impact, challenge.feasibility)].append(challenge)
    return [
        {"impact": impact, "cells": [{"feasibility": f, "challenges": cells[(impact, f)]} for f in range(1, 6)]}
        for impact in range(5, 0, -1)
    ]


def similar_groups(challenges, *, threshold=0.5) -> list[list]:
    """Groups of challenges whose titles say nearly the same thing, for a person to merge."""
    by_id = {c.pk: c for c in challenges}
    parent = {pk: pk for pk in by_id}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for match in similar_pairs(((c.pk, content_characters(c.title)) for c in challenges), threshold=threshold):
        parent[root(match.a)] = root(match.b)
    groups = defaultdict(list)
    for pk in by_id:
        groups[root(pk)].append(by_id[pk])
    return sorted((sorted(g, key=lambda c: c.pk) for g in groups.values() if len(g) > 1), key=lambda g: g[0].pk)
