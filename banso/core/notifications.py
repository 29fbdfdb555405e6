"""Notifications: what waits for the signed-in user, across capabilities, with a count in the header.

Like the home-page panels, each capability registers a source here (in its AppConfig.ready): a function of the
request that returns `Notification`s for the towns the user works in, in a fixed number of queries however many
towns that is. The header asks for the total after the page has loaded (htmx), so no page pays for it; the
notifications page lists them, each linking to the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Notification:
    label: str  # what waits, in a few words: 「差し戻された報告」
    count: int
    url: str  # where the work is done
    place: str = ""  # the town (and department) it is about, for a user who works in several
    urgent: bool = False  # overdue or returned: shown first, and marked beyond colour


Source = Callable[[HttpRequest], list[Notification]]
_sources: list[Source] = []


def register(source: Source) -> Source:
    if source not in _sources:
        _sources.append(source)
    return source


def notifications_for(request: HttpRequest) -> list[Notification]:
    """Every source's notifications with something to count, the urgent ones first."""
    found = [n for source in _sources for n in source(request) if n.count]
    return sorted(found, key=lambda n: not n.urgent)
