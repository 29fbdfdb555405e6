"""The words a town adds to the built-in vocabulary: its own ways of writing the same thing (議事録/会議録,
電子化/オンライン化), kept in the database and edited in the back office, applied by every feature that matches
text (case search and its highlights, similar task names, challenge grouping).

Matching runs per line of a 50,000-row survey and per field of 10,000 cases, so each process keeps the list in
memory and asks the shared cache at most every REFRESH_SECONDS whether it changed: a change made in one process
reaches every other within that time, and the database holds the only copy that matters.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError
from django.dispatch import Signal

VERSION_KEY = "text:vocabulary:version"
REFRESH_SECONDS = 10

# Sent after the town's vocabulary changed: what indexes text by it rebuilds its index (cases connects this).
vocabulary_changed = Signal()


@dataclass
class _Memo:
    version: str | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    pattern: re.Pattern[str] | None = None
    checked: float = float("-inf")


_memo = _Memo()


def town_pairs() -> tuple[tuple[str, str], ...]:
    """(variant, form) added in the back office, longest variant first (so 証明書コンビニ交付 goes before コンビニ)."""
    _refresh()
    return _memo.pairs


def town_pattern() -> re.Pattern[str] | None:
    """Any variant of town_pairs(), or None: most texts hold none, and one search costs less than each replace."""
    _refresh()
    return _memo.pattern


def apply(text: str) -> str:
    """The town's variants replaced by their forms in text already NFKC and lower case."""
    _refresh()
    if _memo.pattern is None or not _memo.pattern.search(text):
        return text
    for variant, form in _memo.pairs:
        text = text.replace(variant, form)
    return text


def _refresh() -> None:
    now = time.monotonic()
    if now - _memo.checked < REFRESH_SECONDS:
        return
    _memo.checked = now
    version = cache.get(VERSION_KEY, "")
    if version != _memo.version:
        _load(version)


def _load(version: str) -> None:
    from banso.text.models import Synonym

    try:
        rows = list(Synonym.objects.values_list("variant", "form"))
    except DatabaseError:  # before the table exists (migrate, a fresh install): the built-in words alone
        rows = []
    rows.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    _memo.version, _memo.pairs = version, tuple(rows)
    _memo.pattern = re.compile("|".join(re.escape(v) for v, _form in rows)) if rows else None


def changed() -> None:
    """After a write: a new version for every process, this one at once."""
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    _load(version)
    _memo.checked = time.monotonic()
    vocabulary_changed.send(sender=None)


def forget(version: str = "") -> None:
    """Start again from an empty list at this version, without reading the database (tests: each begins with the
    vocabulary its rolled-back database holds, none)."""
    _memo.version, _memo.pairs, _memo.pattern, _memo.checked = version, (), None, time.monotonic()


def freeze() -> None:
    """Keep the list this process holds, without asking the cache again: a process forked to cut text for a
    rebuild, which must not use its parent's connections."""
    _memo.checked = float("inf")
