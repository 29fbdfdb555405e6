"""Show why a text matched: mark the characters that carry a query's bigrams, and cut a snippet around them.

The index folds text before cutting it into bigrams (banso.text.search); here we fold character by
character so that each mark lands on the characters the person wrote, full-width or half, katakana or
hiragana. Near-synonyms are folded by whole words, so the query is also cut as typed and as each variant
of the synonyms it uses: 「スマホ」 then marks both スマホ and スマートフォン.
"""

from __future__ import annotations

import functools
import unicodedata

from banso.text import vocabulary
from banso.text.normalize import SYNONYMS
from banso.text.search import CODE_BITS, LONG_VOWELS, SCRIPT_FOLD, SEPARATORS, canonical, chunk_terms

Segment = tuple[str, bool]  # (text, marked)


class QueryTerms(set[int]):
    """The bigrams to mark, and whether any of them only exists without the hiragana (申込 in 申し込み)."""

    bridging = False


def query_terms(query: str) -> QueryTerms:
    canon = canonical(query)
    typed = unicodedata.normalize("NFKC", query or "").lower()
    texts = [canon, typed] + [variant for variant, form in (*SYNONYMS, *vocabulary.town_pairs()) if form in canon]
    terms, bridges = QueryTerms(), set[int]()
    for text in texts:
        for chunk in SEPARATORS.split(text):
            if chunk:
                folded, content = chunk_terms(chunk)
                terms |= folded | content
                bridges |= content - folded
    terms.bridging = bool(bridges)
    return terms


@functools.lru_cache(maxsize=20000)
def _folded(ch: str) -> str | None:
    """A character as the index sees it (None for a separator), remembered: a page marks thousands."""
    return None if SEPARATORS.fullmatch(ch) else unicodedata.normalize("NFKC", ch).lower().translate(SCRIPT_FOLD)


def marks(text: str, terms: set[int]) -> list[bool]:
    """Per character of `text`: is it part of a bigram (or a one-character word) in `terms`?"""
    marked = [False] * len(text)
    # The second pass finds 申込 in 申し込み; most queries have no such bigram and skip it.
    for without_hiragana in (False, True) if getattr(terms, "bridging", True) else (False,):
        # The previous character as the first half of a bigram's code (code() inlined: a page of hits runs this
        # for some fifteen thousand characters), and where it is.
        previous_high, previous_at = -1, 0
        for i, ch in enumerate(text):
            folded_char = _folded(ch)
            if folded_char is None:
                previous_high = -1
                continue
            if without_hiragana and "ぁ" <= ch <= "ゖ":
                continue
            for folded in folded_char:
                point = ord(folded)
                high = point << CODE_BITS
                if high in terms:
                    marked[i] = True
                if previous_high >= 0 and previous_high | point in terms:
                    marked[previous_at] = marked[i] = True
                previous_high, previous_at = high, i
    # The long-vowel mark is dropped before cutting: mark it when both its neighbours are (ドロ-ン).
    for i in range(1, len(text) - 1):
        if text[i] in LONG_VOWELS and marked[i - 1] and marked[i + 1]:
            marked[i] = True
    return marked


def snippet(text: str, terms: set[int], width: int = 110) -> list[Segment]:
    """The part of `text` with the most marked characters, as segments; the whole text when it is short."""
    text = " ".join((text or "").split())
    flags = marks(text, terms)
    start = 0
    if len(text) > width:
        window = best = sum(flags[:width])
        for i in range(1, len(text) - width + 1):
            window += flags[i + width - 1] - flags[i - 1]
            if window > best:
                best, start = window, i
        start = max(0, start - 10) if best else 0  # a little context before the first mark
    end = min(len(text), start + width)
    segments = _segments(text[start:end], flags[start:end])
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(text):
        segments.append(("…", False))
    return segments


def highlight(text: str, terms: set[int]) -> list[Segment]:
    """The whole text as segments (for a title)."""
    return _segments(text, marks(text, terms))


def _segments(text: str, flags: list[bool]) -> list[Segment]:
    segments: list[Segment] = []
    for ch, flag in zip(text, flags, strict=True):
        if segments and segments[-1][1] == flag:
            segments[-1] = (segments[-1][0] + ch, flag)
        else:
            segments.append((ch, flag))
    return segments
