"""One Japanese full-text search for every collection, the same on SQLite and PostgreSQL (ADR 15).

Japanese has no spaces between words, so we index character bigrams rather than words: 「除雪ドローン」
is 除雪, 雪ど, どろ, ろん. A bigram index finds partial words (「デマンド」 in 「AIオンデマンド交通」) and
survives a small typo (most bigrams of 「オンデマントバス」 are still right). Before cutting, text is
folded so that what a person means the same is the same:

- width and case (NFKC: ＡＩ = AI, ｽﾏﾎ = スマホ), katakana = hiragana, the long-vowel mark dropped
  (サーバー = サーバ);
- near-synonyms to one form (写し → 写, 発行 → 交付, スマホ → スマートフォン; the tables below);
- okurigana: each chunk is indexed a second time without its hiragana, so 「申し込み」 also yields
  申込 and meets 「申込」.

Terms are integers (the two code points side by side). A document's terms, each with the step of its weight,
are kept as tokens in each database's own full-text machinery — FTS5 on SQLite, a GIN index on PostgreSQL —
which keeps the documents of each token as a compressed list. A query is one SQL aggregation over the
documents of its tokens; every number in it is an integer computed the same way on both databases (idf from
document counts, weights from the steps), and ties are broken by id, so SQLite and PostgreSQL return the same
ranking on the same data.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import multiprocessing
import os
import re
import struct
import sys
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import F, QuerySet

from banso.text import vocabulary
from banso.text.normalize import KATAKANA_TO_HIRAGANA, SYNONYMS, variants_applied

SEPARATORS = re.compile(
    r"[\s、。，．,.!?！？「」『』（）()\[\]【】〈〉《》・:：;；/／\"'“”‘’…‥〜~|｜→⇒=＝+＋*＊#＃%％&＆@＠<>＜＞]+"
)
_HIRAGANA = re.compile(r"[ぁ-ゖ]+")
MARKER = 0  # the token every indexed object has once: how many hold it is the number of objects
MAX_PREFIX_TERMS = 64  # a one-character word stands for the commonest bigrams that start with it
SATURATION = 2  # stored weight = 100·tf/(tf+SATURATION): repeating a word helps, but less and less
COVERAGE_BONUS = 50  # added to every matched weight, so matching more of the query beats repeating part of it


# Raise when the code that cuts text into terms changes in a way the tables below do not show; the fingerprint
# then changes and the indexes are rebuilt by the next worker that starts.
RULES_REVISION = 4


def rules_fingerprint() -> str:
    """What the terms of a document depend on, as a short digest: an index built under other rules must be
    rebuilt, or a query folded under the new rules misses documents folded under the old ones."""
    rules = (
        RULES_REVISION,
        SYNONYMS,
        vocabulary.town_pairs(),
        SEPARATORS.pattern,
        _HIRAGANA.pattern,
        sorted(SCRIPT_FOLD.items()),
        SATURATION,
        WEIGHT_STEPS,
    )
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:16]


# A hyphen after katakana is a long-vowel mark typed on the wrong key (ドロ－ン, which NFKC makes ドロ-ン).
_HYPHEN_AS_LONG_VOWEL = re.compile(r"(?<=[ァ-ヶ])-")


def canonical(text: str) -> str:
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # a fast check: most fields need nothing
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if "-" in text:
        text = _HYPHEN_AS_LONG_VOWEL.sub("ー", text)
    return variants_applied(text)


CODE_BITS = 21  # every code point fits: a bigram's code is the first shifted by this, or-ed with the second
SECOND_CHARACTER = (1 << CODE_BITS) - 1  # the mask of a code's second character


def code(a: str, b: str = "") -> int:
    """A bigram as one integer: both code points side by side."""
    return (ord(a) << CODE_BITS) | (ord(b) if b else 0)


def _grams(stream: str) -> set[int]:
    if len(stream) == 1:
        return {code(stream)}
    codes = map(ord, stream)  # code() inlined: a recommendation cuts every sentence of a town's challenges
    return {(a << CODE_BITS) | b for a, b in itertools.pairwise(codes)}


# Katakana to hiragana and the long-vowel mark dropped, in one C-level pass: the chunk is already NFKC and
# lower case (canonical). documents_tokens() folds the same way on arrays of code points.
LONG_VOWELS = "ーｰ－"
SCRIPT_FOLD = {**KATAKANA_TO_HIRAGANA, **{ord(c): None for c in LONG_VOWELS}}
_LONG_VOWEL_POINTS = np.array([ord(c) for c in LONG_VOWELS], dtype=np.uint32)


def streams(chunk: str) -> tuple[str, str]:
    """A canonical chunk folded, and folded again without its hiragana (particles and okurigana)."""
    folded = chunk.translate(SCRIPT_FOLD)
    content = _HIRAGANA.sub("", chunk).translate(SCRIPT_FOLD)
    return folded, content


def chunks(text: str) -> list[str]:
    return _split(canonical(text))


def _split(canonical_text: str) -> list[str]:
    return [c for c in SEPARATORS.split(canonical_text) if c]


def chunk_terms(chunk: str) -> tuple[set[int], set[int]]:
    folded, content = streams(chunk)
    return (_grams(folded) if folded else set()), (_grams(content) if content else set())


# A weight is one of eight steps, kept in the token itself (term × 8 + step) in FTS5 on SQLite and in the GIN
# index on PostgreSQL alike: the first four are one, two, three and four occurrences, then bands.
WEIGHT_STEPS = (33, 50, 60, 67, 73, 80, 87, 95)
_STEP_LIMITS = (33, 50, 60, 67, 76, 83, 91)
STEP_BITS = 3


def term_tokens(term: int) -> list[tuple[int, int]]:
    """The tokens an index may hold for a term, one per step, each with the weight it stands for."""
    return [(term << STEP_BITS | step, weight) for step, weight in enumerate(WEIGHT_STEPS)]


def tokens_between(low: int, high: int) -> tuple[int, int]:
    """The first and last token of the terms from low to high."""
    return low << STEP_BITS, (high << STEP_BITS) + len(WEIGHT_STEPS) - 1


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # code points as the machine's own integers
_LINE = ord("\n")
_TERM_MASK = (1 << 2 * CODE_BITS) - 1  # a term's bits in a key that also names its document
_BASIC_PLANE = 0x10000


@functools.cache
def _separator_table() -> np.ndarray:
    """For every code point of the Basic Multilingual Plane, whether SEPARATORS matches it (none beyond it does)."""
    return np.fromiter(
        (SEPARATORS.fullmatch(chr(c)) is not None for c in range(_BASIC_PLANE)), dtype=bool, count=_BASIC_PLANE
    )


def documents_tokens(documents: Sequence[Iterable[tuple[str, int]]]) -> list[np.ndarray]:
    """Each document made of (text, field weight) pairs as the index keeps it, for many documents at once: per
    term, term × 8 + the step of its weight (title-like fields weigh more); the marker first, whose count is the
    number of documents; the terms in ascending order.

    The terms are those chunk_terms() gives each chunk (folded, and folded without hiragana), found by array
    operations over the whole batch's text rather than chunk by chunk (a rebuild cuts half a million chunks;
    test_terms pins the agreement). Each field weight's text stands apart, its chunks one per line:
    - every pair of neighbours on a line;
    - the pairs the content stream makes across a run of hiragana (申し込 → 申込);
    - a line of one character, and a line whose content is one character (写し → 写).
    A term's count is the number of times it occurs, times the weight of its field."""
    texts, text_document, text_weight = _texts_by_weight(documents)
    points = np.frombuffer("\n".join([*texts, ""]).encode(_UTF32), dtype=np.uint32)
    owner = np.repeat(np.arange(len(texts)), [len(t) + 1 for t in texts])  # which text each character is of
    # Separators become line ends and long-vowel marks go (サーバー = サーバ).
    basic = points < _BASIC_PLANE
    separator = basic & _separator_table()[np.where(basic, points, 0)]
    kept = ~np.isin(points, _LONG_VOWEL_POINTS)
    points, owner = np.where(separator, _LINE, points)[kept], owner[kept]
    at, terms = _terms_at(points)
    where = owner[at]
    keys = np.asarray(text_document, dtype=np.uint64)[where] << (2 * CODE_BITS) | terms
    keys, occurrence = np.unique(keys, return_inverse=True)
    counts = np.bincount(occurrence, weights=np.asarray(text_weight, dtype=np.float64)[where]).astype(np.int64)
    # 100·tf/(tf+SATURATION) rounded to one of WEIGHT_STEPS (both round halves to even).
    steps = np.searchsorted(_STEP_LIMITS, np.round(100 * counts / (counts + SATURATION)), side="left")
    tokens = (keys & _TERM_MASK) << STEP_BITS | steps.astype(np.uint64)
    bounds = np.searchsorted(keys >> (2 * CODE_BITS), np.arange(len(documents) + 1, dtype=np.uint64))
    marker = np.array([MARKER], dtype=np.uint64)
    return [np.concatenate((marker, tokens[bounds[n] : bounds[n + 1]])) for n in range(len(documents))]


def _texts_by_weight(documents: Sequence[Iterable[tuple[str, int]]]) -> tuple[list[str], list[int], list[int]]:
    """Each document's canonical text per field weight (its fields' texts one per line), with the document and
    the weight of each."""
    texts, text_document, text_weight = [], [], []
    for n, fields in enumerate(documents):
        by_weight: dict[int, list[str]] = {}
        for text, weight in fields:
            if text:
                by_weight.setdefault(weight, []).append(canonical(text))
        for weight, parts in by_weight.items():
            texts.append("\n".join(parts))
            text_document.append(n)
            text_weight.append(weight)
    return texts, text_document, text_weight


def _terms_at(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """In code points whose chunks stand one per line: where each term occurrence starts, and its term."""
    line_end = points == _LINE
    hiragana = (points >= ord("ぁ")) & (points <= ord("ゖ"))  # the class _HIRAGANA matches
    folded = points.astype(np.uint64)
    folded[(points >= ord("ァ")) & (points <= ord("ヶ"))] -= ord("ァ") - ord("ぁ")  # as KATAKANA_TO_HIRAGANA
    # Neighbours on one line.
    first = np.flatnonzero(~line_end[:-1] & ~line_end[1:])
    # Across a run of hiragana: two content characters of one line with only hiragana between them.
    content = np.flatnonzero(~hiragana)  # line ends included, so that no pair spans two lines
    left, right = content[:-1], content[1:]
    across = (right - left > 1) & ~line_end[left] & ~line_end[right]
    left, right = left[across], right[across]
    # Lines of one character, or of one content character among hiragana.
    line = np.cumsum(line_end) - line_end
    length = np.bincount(line, weights=~line_end)
    content_length = np.bincount(line, weights=~hiragana & ~line_end)
    alone = (length == 1)[line] & ~line_end
    only_content = ~hiragana & ~line_end & ((content_length == 1) & (length > 1))[line]
    single = np.flatnonzero(alone | only_content)
    at = np.concatenate((first, left, single))
    terms = np.concatenate(
        (
            folded[first] << CODE_BITS | folded[first + 1],
            folded[left] << CODE_BITS | folded[right],
            folded[single] << CODE_BITS,
        )
    )
    return at, terms


def document_tokens(fields: Iterable[tuple[str, int]]) -> list[int]:
    """One document's tokens (documents_tokens) as numbers."""
    tokens: list[int] = documents_tokens([fields])[0].tolist()
    return tokens


# -- the query ---------------------------------------------------------------------------------------


@dataclass
class Word:
    """A word the person typed (or a whole text, for recommendations), with its ways of being found."""

    text: str  # as the person typed it, for messages
    alternatives: list[set[int]] = field(default_factory=list)
    prefix: tuple[int, int] | None = None  # a single character: every bigram that starts with it
    optional: set[int] = field(default_factory=set)  # terms that count when found and are not asked for
    parts: list[tuple[str, set[int]]] = field(default_factory=list)  # its runs of one script, with their terms
    least_share: float = 0.0  # the share of its terms a case must hold, when more than coverage_needed() asks
    # Filled from the index:
    known: list[dict[int, int]] = field(default_factory=list)  # per alternative: term -> idf, seen terms only
    thresholds: list[int] = field(default_factory=list)
    frequencies: dict[int, int] = field(default_factory=dict)  # term -> number of documents with it

    @property
    def findable(self) -> bool:
        return any(self.known)

    def missing(self) -> list[str]:
        """What to name when no case holds the word: its parts that no case has (a bigram of them is in no case:
        住民票 and コンビニ of 「住民票の写しをコンビニで交付したい」), or the word itself when every part is
        somewhere, only not together."""
        if len(self.parts) < 2:
            return [self.text]  # as the person typed it (ＤＲＯＮＥ, not drone)
        absent = [run for run, terms in self.parts if any(t not in self.frequencies for t in terms)]
        return absent or [self.text]


# Words that nearly every DX case uses: in a query they rank but do not have to be found (「窓口DX」 is about
# 窓口). Typed alone, they are searched for like any word.
GENERIC_WORDS = ("dx", "デジタル", "推進", "活用", "導入", "取組", "取り組み", "事業")
_GENERIC_RE = re.compile("|".join(GENERIC_WORDS))


def parse(query: str) -> list[Word]:
    words = []
    folded_words, typed_words = canonical(query).split(), (query or "").split()
    if len(typed_words) != len(folded_words):  # a synonym with a space in it: name the words as folded
        typed_words = folded_words
    for raw, typed in zip(folded_words, typed_words, strict=True):
        raw = _GENERIC_RE.sub(" ", raw).strip() or raw
        parts = _split(raw)
        if not parts:
            continue
        folded, content, joints = set(), set(), set()
        for part in parts:
            folded |= chunk_terms(part)[0]
            terms, joints_here = run_terms(part)
            content |= terms
            joints |= joints_here
        joints -= content
        # A word with kanji or katakana is found by those alone: its hiragana are particles, okurigana and endings
        # (「交付したい」), whose bigrams (した, たい) are in every other case. A word in hiragana alone (ごみ,
        # どろーん), or with a single kanji (ため池), is looked for whole.
        runs = [run for part in parts for run in _RUN.findall(part) if len(run.translate(SCRIPT_FOLD)) > 1]
        if len(runs) > 1 and len(parts) == 1 and not _HIRAGANA.search(raw):
            # A compound of katakana and kanji (オンライン診療, 乗合バス): each part must be found, so that a case
            # about オンライン申請 does not answer a question about オンライン診療. A phrase with hiragana in it is
            # looked for whole, in a share of its bigrams: its parts are often said otherwise in a case. So is a
            # word a synonym made two (ai乗合バス → aiデマンド交通・ai乗合バス: either name finds it).
            for n, run in enumerate(runs):
                terms = _grams(run.translate(SCRIPT_FOLD))
                extra = (joints - terms) if n == 0 else set()
                words.append(Word(run, [terms | extra], optional=extra))
            continue
        # A long katakana word in a phrase names a thing (ガバメントクラウド, サテライトオフィス): it must be found
        # itself, not a share of the phrase's bigrams through its common half (クラウド).
        named = [run for run in runs if _LONG_KATAKANA.fullmatch(run)] if _HIRAGANA.search(raw) else []
        for run in named:
            terms = _grams(run.translate(SCRIPT_FOLD))
            words.append(Word(run, [terms], least_share=NAMED_SHARE))
            content -= terms
        if named and not content:
            continue
        word = Word(typed, [content | joints or folded], optional=joints if content else set())
        word.parts = [(run, _grams(run.translate(SCRIPT_FOLD))) for run in runs if run not in named]
        joined = "".join(streams(p)[0] for p in parts)
        if len(joined) == 1:
            word.prefix = (code(joined), code(joined) | SECOND_CHARACTER)
        words.append(word)
    return words


# A run of one script: kanji, katakana, or Latin letters and digits (hiragana are the particles between them).
_RUN = re.compile(r"[一-龥々〆ヵヶ]+|[ァ-ヺー]+|[a-z0-9]+")
_LONG_KATAKANA = re.compile(r"[ァ-ヺー]{6,}")
NAMED_SHARE = 0.7  # of a long katakana word's bigrams: one typo (two bigrams) passes, half the word does not


def run_terms(chunk: str) -> tuple[set[int], set[int]]:
    """The bigrams of a canonical chunk's runs of kanji and katakana, without its hiragana, and apart the bigrams
    that join a single kanji to the run beside it. 「ドローンで荷物」 is どろ, ろん, 荷物 and not ん荷, which only
    a sentence with the same particle holds; 「申し込み」 is the joint 申込, so okurigana fall away, and so is
    「ため池の水位」's 池水, which no case holds: a joint helps a case that has it, and no case needs it."""
    runs = [r.translate(SCRIPT_FOLD) for r in _HIRAGANA.split(chunk)]
    runs = [r for r in runs if r]
    terms: set[int] = set()
    joints: set[int] = set()
    for i, run in enumerate(runs):
        if len(run) > 1:
            terms |= _grams(run)
        if i and (len(run) == 1 or len(runs[i - 1]) == 1):
            joints.add(code(runs[i - 1][-1], run[0]))
    return terms, joints - terms


def text_word(text: str, *, label: str = "") -> Word:
    """A whole passage as one word of a lenient query (challenge texts for recommendations). Only the runs of
    kanji and katakana between the hiragana are cut: in a sentence, を相 or の使 are particles, and bigrams
    across a particle (者ス in 高齢者がスマホ) join two words by chance."""
    terms: set[int] = set()
    for chunk in chunks(text):
        for run in _HIRAGANA.split(chunk):
            folded = run.translate(SCRIPT_FOLD)
            if folded:
                terms |= _grams(folded)
    return Word(label or text[:40], [terms])


def shared_words(query: str, document: str, limit: int = 5) -> list[str]:
    """The words of `query` that `document` also uses, in the query's order: its runs of kanji and katakana (the
    hiragana between them are particles and endings), or the longest parts of a run the document has when it
    lacks the whole (窓口業務改革 → 窓口, 業務). Two characters at least, none of the words every DX text uses.
    What a recommendation names as its reason, so a person can check it against both texts."""
    haystack = " ".join(chunks(document)).translate(SCRIPT_FOLD)
    found: list[str] = []
    for chunk in chunks(query):
        for run in _HIRAGANA.split(chunk):
            start = 0
            while start < len(run) - 1:
                for end in range(len(run), start + 1, -1):  # the longest part first
                    part = run[start:end]
                    if part.translate(SCRIPT_FOLD) in haystack:
                        if part not in found and not _GENERIC_RE.fullmatch(part):
                            found.append(part)
                        start = end
                        break
                else:
                    start += 1
    # スマートフォン beside スマートフォン教室 says nothing more: only the longer is named.
    return [w for w in found if not any(w != other and w in other for other in found)][:limit]


def idf(documents: int, frequency: int) -> int:
    """BM25's idf as an integer (× 1000), so sums are exact and equal on every database."""
    return round(1000 * math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5)))


def coverage_needed(known_terms: int) -> float:
    """Share of a word's bigrams a document must contain. Counted, not weighted by idf: the rarest bigram of
    「職員研修」 is 員研, where two words meet, and it must not decide alone. Short words must match nearly
    whole; longer ones may carry a typo or, for a sentence, words the documents do not use."""
    if known_terms <= 2:
        return 0.75  # 「窓口DX」: 窓口 carries the word; DX is in half the library
    if known_terms <= 6:
        return 0.6
    if known_terms <= 14:
        return 0.4
    return 0.3


# -- the index ---------------------------------------------------------------------------------------


@dataclass
class Hit:
    obj_id: int
    score: int
    coverage: list[float]  # per word: the best share of it the document contains
    found: int = 0  # how many of the words it contains enough of
    row: tuple[Any, ...] = ()  # the extra fields asked for


@dataclass
class Page:
    total: int
    hits: list[Hit]
    counts: dict[int, list[tuple[Any, int]]]  # field position -> (value, number of hits)
    words_found: int = 0  # bit i set when some hit holds word i


def _sqlite_materializes() -> bool:
    """AS MATERIALIZED exists from SQLite 3.35; older ones compute the shared part once per use instead."""
    import sqlite3

    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


class SearchIndex:
    """The postings of one collection, in the database's own full-text machinery (ADR 15): FTS5 on SQLite,
    a GIN-indexed array of tokens per document on PostgreSQL. `name` prefixes the tables, which a migration of
    the app that owns the collection makes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.fts5, self.gin = Fts5Postings(name), GinPostings(name)

    def _store(self) -> Fts5Postings | GinPostings:
        return self.fts5 if connection.vendor == "sqlite" else self.gin

    # -- writing ---------------------------------------------------------------------------------
    def replace(self, obj_id: int, fields: Iterable[tuple[str, int]]) -> None:
        """(Re)index one object."""
        tokens = document_tokens(fields)
        with transaction.atomic():
            self._store().replace(obj_id, tokens)

    def remove(self, obj_id: int) -> None:
        with transaction.atomic():
            self._store().remove(obj_id)

    def rebuild(self, documents: Iterable[tuple[int, Iterable[tuple[str, int]]]], *, workers: int = 1) -> int:
        """Index every (id, fields) from scratch in one transaction: a failed rebuild leaves the old index as it
        was. The documents come in ascending id (FTS5 writes out what it holds whenever an id is lower than the
        last, which made a rebuild five times slower). `workers` processes cut the text (rebuild_workers()).
        Returns the number of postings."""
        store = self._store()
        with transaction.atomic():
            written = store.rebuild(rows_in_batches(iter(documents), store.row, workers))
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.gin.analyze()
        return written

    # -- reading ---------------------------------------------------------------------------------
    def documents(self) -> int:
        """How many objects the index holds."""
        return self._frequencies(set())[MARKER]

    def prepare(self, words: list[Word], *, max_share: float = 1.0, top: int | None = None) -> int:
        """Look the words' terms up: idf per known term and the weight each word must reach.
        `max_share` drops terms in more than that share of documents, `top` keeps a word's rarest terms
        (both for long texts, whose common bigrams only cost time). Without either, a word must be found in a share
        of all its terms; with them, in a share of the terms kept. Returns the number of documents."""
        whole = max_share >= 1.0 and top is None
        wanted = {t for w in words for alt in w.alternatives for t in alt}
        counts = self._frequencies(wanted)
        documents = counts.pop(MARKER, 0)
        for word in words:
            if word.prefix:
                word.alternatives = [set(self._prefix_terms(*word.prefix))]
                more = self._frequencies(word.alternatives[0] - counts.keys())
                more.pop(MARKER, None)  # counted once above (it was added twice, which doubled every idf's N)
                counts.update(more)
        for word in words:
            word.known, word.thresholds = [], []
            word.frequencies = {t: counts[t] for alt in word.alternatives for t in alt if counts.get(t)}
            for alternative in word.alternatives:
                known = {
                    t: idf(documents, counts[t])
                    for t in alternative
                    if counts.get(t) and counts[t] <= max_share * documents
                }
                if top is not None and len(known) > top:
                    known = dict(sorted(known.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
                share = 0.0 if word.prefix else coverage_needed(len(known))
                threshold = max(1, math.ceil(share * len(known))) if known else 0
                if whole and not word.prefix and known:
                    # The share is of every term the word has, found in the library or not: a question whose
                    # distinctive words no case uses (住民票, コンビニ) must not match on its commonest one (交付).
                    asked = len(alternative - word.optional)
                    threshold = max(1, math.ceil(max(coverage_needed(asked), word.least_share) * asked))
                    if threshold > len(known):
                        known, threshold = {}, 0
                word.known.append(known)
                word.thresholds.append(threshold)
        return documents

    def search(
        self,
        words: list[Word],
        *,
        require: str = "all",
        within: QuerySet[Any] | None = None,
        fields: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[Hit]:
        """Objects that contain every word ("all") or any word ("any"), best first, ties by id.
        `within` restricts to a queryset of the indexed model (what the reader may see, facets) and
        `fields` are read from it for each hit in the same query."""
        words = [w for w in words if w.findable]
        if not words:
            return []
        sql, params = self._sql(words, require, within, fields, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if require == "all":
            return [
                Hit(row[0], int(row[1]), [1.0] * len(words), len(words), row[3:]) for row in rows
            ]  # row[2] is v._sid
        # (word, number of terms, threshold) per alternative, in the order of the sums in each row
        alternatives = [
            (wi, len(w.known[ai]) or 1, w.thresholds[ai])
            for wi, w in enumerate(words)
            for ai in range(len(w.known))
        ]
        width = len(alternatives)
        hits = []
        for row in rows:
            coverage, found = [0.0] * len(words), [False] * len(words)
            for (wi, total, threshold), got in zip(alternatives, row[2 : 2 + width], strict=True):
                got = got or 0
                coverage[wi] = max(coverage[wi], min(1.0, got / total))
                found[wi] = found[wi] or got >= threshold
            hits.append(Hit(row[0], int(row[1]), coverage, sum(found), row[3 + width :]))
        return hits

    # -- SQL -------------------------------------------------------------------------------------
    def _frequencies(self, wanted: set[int]) -> Counter[int]:
        return self._store().frequencies(wanted | {MARKER})

    def _prefix_terms(self, low: int, high: int) -> list[int]:
        return self._store().commonest_between(low, high, MAX_PREFIX_TERMS)

    def _aggregate(self, words: list[Word], require: str) -> tuple[str, str]:
        """The query's terms as a VALUES table q, and the aggregation of their postings into (obj, score,
        found, a0…): one row per document that holds enough of every word ("all") or of any word ("any")."""
        alternatives = [(w, ai) for w in words for ai in range(len(w.known))]
        terms = sorted({t for w in words for known in w.known for t in known})
        store = self._store()
        values: list[str] = []
        for term in terms:
            idf = next(k[term] for w in words for k in w.known if term in k)
            # Per alternative: 1 when the term is one of its terms, so the sums count matched terms.
            columns = ",".join(str(int(c)) for c in [idf] + [int(term in w.known[ai]) for w, ai in alternatives])
            # One row per token the store may hold for the term, with the weight its step stands for.
            values += (f"({token},{step_weight},{columns})" for token, step_weight in store.tokens(term))
        names = ["token", "weight", "idf"] + [f"a{i}" for i in range(len(alternatives))]
        sums = ", ".join(f"SUM(q.a{i}) AS a{i}" for i in range(len(alternatives)))
        conditions, i = [], 0
        for word in words:
            ors = []
            for ai in range(len(word.known)):
                if word.known[ai]:
                    ors.append(f"SUM(q.a{i}) >= {int(word.thresholds[ai])}")
                i += 1
            conditions.append("(" + " OR ".join(ors) + ")")
        having = (" AND " if require == "all" else " OR ").join(conditions)
        found = (
            str(len(words))
            if require == "all"
            else " + ".join(f"CASE WHEN {c} THEN 1 ELSE 0 END" for c in conditions)
        )
        # Which words the document holds, one bit each: what a page says of the words no document has.
        mask = (
            str((1 << len(words)) - 1)
            if require == "all"
            else " + ".join(f"CASE WHEN {c} THEN {1 << i} ELSE 0 END" for i, c in enumerate(conditions))
        )
        source, obj = store.postings_of_q()
        cte = f"WITH q({', '.join(names)}) AS (VALUES {', '.join(values)})"
        inner = (
            f"SELECT {obj} AS obj, SUM((q.weight + {COVERAGE_BONUS}) * q.idf) AS score, {found} AS found, "
            f"{mask} AS mask, {sums} "
            f"FROM {source} GROUP BY {obj} HAVING {having}"
        )
        return cte, inner

    @staticmethod
    def _view(within: QuerySet[Any], fields: Sequence[str]) -> tuple[str, list[Any]]:
        """The readable objects as SQL with columns _sid, _f0, _f1 … (every column an annotation with a name
        of ours, so that their order in the SQL is ours too)."""
        aliases = {f"_f{k}": F(name) for k, name in enumerate(fields)}
        # order_by(): the model's default ordering would sort the whole collection for nothing.
        view = within.order_by().annotate(_sid=F("pk"), **aliases).values_list("_sid", *aliases)
        sql, params = view.query.sql_with_params()
        return sql, list(params)

    def _sql(
        self,
        words: list[Word],
        require: str,
        within: QuerySet[Any] | None,
        fields: Sequence[str],
        limit: int | None,
    ) -> tuple[str, list[Any]]:
        cte, inner = self._aggregate(words, require)
        width = sum(len(w.known) for w in words)
        # With every word required, each hit has them all: only the "any" search needs the sums back.
        select = ", ".join(["m.obj", "m.score"] + ([f"m.a{k}" for k in range(width)] if require != "all" else []))
        params: list[Any] = []
        if within is not None:
            view_sql, params = self._view(within, fields)
            sql = f"{cte} SELECT {select}, v.* FROM ({inner}) m JOIN ({view_sql}) v ON v._sid = m.obj"
        else:
            sql = f"{cte} SELECT {select} FROM ({inner}) m"
        sql += " ORDER BY m.score DESC, m.obj"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return sql, params

    def page(
        self,
        words: list[Word],
        *,
        within: QuerySet[Any],
        fields: Sequence[str],
        counted: Sequence[int],
        limit: int,
        offset: int = 0,
        require: str = "all",
    ) -> Page:
        """One page of hits, the number of all hits and, for the fields at the positions `counted`, how many
        hits have each value: all in one query, so a broad query does not carry thousands of rows to Python.
        Hits with more of the words come first (for "any"), then the higher score, then the lower id."""
        words = [w for w in words if w.findable]
        if not words:
            return Page(0, [], {i: [] for i in counted})
        cte, inner = self._aggregate(words, require)
        view_sql, params = self._view(within, fields)
        columns = [f"_f{k}" for k in range(len(fields))]
        blank = ["NULL"] * len(fields)
        materialized = "MATERIALIZED " if connection.vendor == "postgresql" or _sqlite_materializes() else ""
        parts = [
            f"SELECT * FROM (SELECT 0 AS kind, obj, score, found, {', '.join(columns)} FROM m "
            f"ORDER BY found DESC, score DESC, obj LIMIT {int(limit)} OFFSET {int(offset)}) top",
            f"SELECT 1, NULL, COUNT(*), NULL, {', '.join(blank)} FROM m",
            f"SELECT -1, NULL, COUNT(*), mask, {', '.join(blank)} FROM m GROUP BY mask",
        ]
        for i in counted:
            row = [*blank[:i], columns[i], *blank[i + 1 :]]
            parts.append(f"SELECT {2 + i}, NULL, COUNT(*), NULL, {', '.join(row)} FROM m GROUP BY {columns[i]}")
        sql = (
            f"{cte}, m AS {materialized}(SELECT m.obj, m.score, m.found, m.mask, v.* FROM ({inner}) m "
            f"JOIN ({view_sql}) v ON v._sid = m.obj) " + " UNION ALL ".join(parts)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        result = Page(0, [], {i: [] for i in counted})
        for kind, obj, score, found, *values in rows:
            if kind == 0:
                result.hits.append(Hit(obj, int(score), [], int(found), tuple(values)))
            elif kind == 1:
                result.total = int(score)
            elif kind == -1:
                result.words_found |= int(found)
            else:
                result.counts[kind - 2].append((values[kind - 2], int(score)))
        result.hits.sort(key=lambda h: (-h.found, -h.score, h.obj_id))  # UNION ALL keeps no order
        return result


# -- a rebuild: the text cut in batches, by several processes when the library is large -----------------------

REBUILD_BATCH = 500  # documents read, cut and written at a time
PARALLEL_FROM = 2000  # documents: below it, starting processes costs more than it saves
MOST_WORKERS = 8
Row = tuple[Any, ...]  # a document as a store's rebuild writes it


def rebuild_workers(documents: int) -> int:
    """How many processes cut the text of a rebuild of this many documents: one per processor this process may
    use, where processes can be forked (Linux; forking is unsafe on macOS and missing on Windows), else one."""
    if documents < PARALLEL_FROM or sys.platform != "linux":
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MOST_WORKERS))


def _rows(batch: list[tuple[int, Iterable[tuple[str, int]]]], row: Callable[[int, np.ndarray], Row]) -> list[Row]:
    tokens = documents_tokens([fields for _obj_id, fields in batch])
    return [row(obj_id, its) for (obj_id, _fields), its in zip(batch, tokens, strict=True)]


def rows_in_batches(
    documents: Iterator[tuple[int, Iterable[tuple[str, int]]]], row: Callable[[int, np.ndarray], Row], workers: int
) -> Iterator[list[Row]]:
    """The documents cut and made into a store's rows, batch by batch, in their order. With several workers the
    batches are cut by forked processes while this one reads the next from the database and writes the last
    into the index: cutting is most of a rebuild's time, and the database connection never leaves this process
    (the workers only cut text, under the vocabulary this process holds when they start)."""
    batches = iter(lambda: list(itertools.islice(documents, REBUILD_BATCH)), [])
    if workers <= 1:
        for batch in batches:
            yield _rows(batch, row)
        return
    vocabulary.town_pairs()  # current before the workers copy it
    _separator_table()  # made once, for every worker
    with multiprocessing.get_context("fork").Pool(workers, initializer=vocabulary.freeze) as pool:
        pending: deque[AsyncResult[list[Row]]] = deque()
        for batch in batches:
            pending.append(pool.apply_async(_rows, (batch, row)))
            if len(pending) > 2 * workers:  # enough ahead to keep every worker busy, no more in memory
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# -- the stores: tokens are term × 8 + the step of its weight -------------------------------------------


class _TokenStore:
    """What both stores read the same way: documents per term and the commonest terms of a range, from the
    documents per token each store counts its own way (`_documents_of` and `_documents_between` return
    (token, documents) pairs)."""

    def _documents_of(self, tokens: list[int]) -> Iterable[tuple[int, int]]:
        raise NotImplementedError

    def _documents_between(self, first: int, last: int) -> Iterable[tuple[int, int]]:
        raise NotImplementedError

    def frequencies(self, wanted: set[int]) -> Counter[int]:
        """Documents per term (per token, added over the steps)."""
        return self._per_term(self._documents_of([t for term in sorted(wanted) for t, _w in term_tokens(term)]))

    def commonest_between(self, low: int, high: int, limit: int) -> list[int]:
        counts = self._per_term(self._documents_between(*tokens_between(low, high)))
        return [t for t, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    @staticmethod
    def _per_term(token_documents: Iterable[tuple[int, int]]) -> Counter[int]:
        counts: Counter[int] = Counter()
        for token, documents in token_documents:
            counts[token >> STEP_BITS] += documents
        return counts


# -- SQLite: the postings in FTS5 ------------------------------------------------------------------------


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_SHIFTS = np.arange(44, -1, -4, dtype=np.uint64)  # twelve digits, the highest first: every token is below 2⁴⁵


def _packed(text: str) -> bytes:
    """A document's tokens as kept for removing it: compressed fast (hex digits compress well at any level)."""
    return zlib.compress(text.encode("ascii"), 1)


class Fts5Postings(_TokenStore):
    """The postings of one collection on SQLite, in FTS5 (ADR 15): a fraction of the size of a table of rows.

    The tables are made by a migration of the app that owns the collection (cases 0003). A contentless table
    with no positions (detail=none: which document has which token, nothing more) holds the postings;
    fts5vocab tables read them back by token (`_row`: documents per token; `_instance`: each document of a
    token). FTS5 forgets what it was given, and removing a document means giving its tokens again, so each
    document's tokens are kept beside it, compressed (`_doc`)."""

    def __init__(self, table: str) -> None:
        self.fts, self.rows = f"{table}_fts", f"{table}_fts_row"
        self.instances, self.docs = f"{table}_fts_instance", f"{table}_fts_doc"

    @staticmethod
    def _text(tokens: Sequence[int] | np.ndarray) -> str:
        """A document's tokens as FTS5 is given them: twelve hexadecimal digits each, so that FTS5's ascii
        tokenizer takes each whole and the order of the texts is the order of the numbers."""
        tokens = np.asarray(tokens, dtype=np.uint64)
        letters = np.full((len(tokens), 13), ord(" "), dtype=np.uint8)  # the digits of all tokens at once
        letters[:, :12] = _HEX_DIGITS[(tokens[:, None] >> _HEX_SHIFTS) & 0xF]
        return letters.tobytes()[:-1].decode("ascii")

    def _forget(self, cursor: Any, obj_id: int) -> None:
        cursor.execute(f"SELECT tokens FROM {self.docs} WHERE obj = %s", [obj_id])
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                f"INSERT INTO {self.fts}({self.fts}, rowid, tokens) VALUES ('delete', %s, %s)",
                [obj_id, zlib.decompress(row[0]).decode("ascii")],
            )
            cursor.execute(f"DELETE FROM {self.docs} WHERE obj = %s", [obj_id])

    def replace(self, obj_id: int, tokens: list[int]) -> None:
        _obj_id, text, packed, _postings = self.row(obj_id, tokens)
        with connection.cursor() as cursor:
            self._forget(cursor, obj_id)
            cursor.execute(f"INSERT INTO {self.fts}(rowid, tokens) VALUES (%s, %s)", [obj_id, text])
            cursor.execute(f"INSERT INTO {self.docs}(obj, tokens) VALUES (%s, %s)", [obj_id, packed])

    def remove(self, obj_id: int) -> None:
        with connection.cursor() as cursor:
            self._forget(cursor, obj_id)

    @staticmethod
    def row(obj_id: int, tokens: Sequence[int] | np.ndarray) -> Row:
        """A document as a rebuild writes it: its id, its tokens as FTS5 is given them and as kept for removing it,
        and its number of postings (not the marker)."""
        text = Fts5Postings._text(tokens)
        return obj_id, text, _packed(text), len(tokens) - 1

    def rebuild(self, batches: Iterator[list[Row]]) -> int:
        written = 0
        connection.ensure_connection()
        raw = connection.connection  # sqlite3's own executemany: the rows go in as they are made
        raw.execute(f"INSERT INTO {self.fts}({self.fts}) VALUES ('delete-all')")
        raw.execute(f"DELETE FROM {self.docs}")
        for batch in batches:
            raw.executemany(f"INSERT INTO {self.fts}(rowid, tokens) VALUES (?, ?)", [r[:2] for r in batch])
            raw.executemany(f"INSERT INTO {self.docs}(obj, tokens) VALUES (?, ?)", [(r[0], r[2]) for r in batch])
            written += sum(r[3] for r in batch)
        raw.execute(f"INSERT INTO {self.fts}({self.fts}) VALUES ('optimize')")  # one segment: smaller, faster
        return written

    def _documents_of(self, tokens: list[int]) -> Iterable[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        with connection.cursor() as cursor:
            for start in range(0, len(tokens), 1600):  # a statement of reasonable length
                part = ",".join(f"'{token:012x}'" for token in tokens[start : start + 1600])
                cursor.execute(f"SELECT term, doc FROM {self.rows} WHERE term IN ({part})")
                found += ((int(text, 16), documents) for text, documents in cursor.fetchall())
        return found

    def _documents_between(self, first: int, last: int) -> Iterable[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {self.rows} WHERE term >= %s AND term <= %s",
                [f"{first:012x}", f"{last:012x}"],
            )
            return [(int(text, 16), documents) for text, documents in cursor.fetchall()]

    @staticmethod
    def tokens(term: int) -> list[tuple[str, int]]:
        """The tokens FTS5 may hold for a term, as SQL literals, each with the weight it stands for."""
        return [(f"'{token:012x}'", weight) for token, weight in term_tokens(term)]

    def postings_of_q(self) -> tuple[str, str]:
        """The FROM clause joining the query's tokens (q) to the documents holding them, and the document column.
        q first, then FTS5 looked up token by token: CROSS JOIN keeps that order, where the planner would
        otherwise read all of FTS5 and look each posting up in q."""
        return f"q CROSS JOIN {self.instances} p ON p.term = q.token", "p.doc"


# -- PostgreSQL: the postings in a GIN index -------------------------------------------------------------


# COPY's binary format, written whole (psycopg sends a block as it is): its signature, no flags, no extension;
# after the tuples, a field count of -1.
_BINARY_COPY_HEAD = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_BINARY_COPY_TAIL = struct.pack(">h", -1)
_BINARY_ELEMENT = np.dtype([("length", ">i4"), ("value", ">i8")])  # packed: twelve bytes


class GinPostings(_TokenStore):
    """The postings of one collection on PostgreSQL (ADR 15): each document's tokens (term × 8 + the step of
    its weight, as FTS5 has them on SQLite) in one `bigint[]` under a GIN index, which keeps a compressed list
    of documents per token; and the number of documents per token (`_vocab`), which the idf and the commonest
    terms of a prefix are read from (GIN answers which documents, not how many, nor a range of tokens).

    The tables are made by a migration of the app that owns the collection (cases 0004)."""

    def __init__(self, name: str) -> None:
        self.docs, self.vocab, self.gin = f"{name}_tokens", f"{name}_vocab", f"{name}_tokens_gin"

    def _write(self, obj_id: int, tokens: list[int] | None) -> None:
        """The document's tokens replaced (None: removed), and the documents per token moved by the difference
        only, in one statement in token order: two saves at once wait for each other rather than deadlock.
        Two saves of the same document take turns (a lock for the transaction, on this collection and id), so the
        second reads what the first wrote, even when there was nothing before."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", [self.docs, obj_id])
            cursor.execute(f"DELETE FROM {self.docs} WHERE obj = %s RETURNING tokens", [obj_id])
            row = cursor.fetchone()
            old, new = set(row[0] if row else ()), set(tokens or ())
            if tokens is not None:
                cursor.execute(f"INSERT INTO {self.docs}(obj, tokens) VALUES (%s, %s::bigint[])", [obj_id, tokens])
            changes = sorted([(t, 1) for t in new - old] + [(t, -1) for t in old - new])
            if not changes:
                return
            cursor.execute(
                f"INSERT INTO {self.vocab}(token, documents) SELECT token, change "
                f"FROM unnest(%s::bigint[], %s::integer[]) AS c(token, change) ORDER BY token "
                f"ON CONFLICT (token) DO UPDATE SET documents = {self.vocab}.documents + EXCLUDED.documents",
                [[t for t, _c in changes], [c for _t, c in changes]],
            )
            gone = sorted(old - new)
            if gone:
                cursor.execute(
                    f"DELETE FROM {self.vocab} WHERE token = ANY(%s::bigint[]) AND documents <= 0", [gone]
                )

    def replace(self, obj_id: int, tokens: list[int]) -> None:
        self._write(obj_id, tokens)

    def remove(self, obj_id: int) -> None:
        self._write(obj_id, None)

    @staticmethod
    def row(obj_id: int, tokens: np.ndarray) -> Row:
        """A document as a rebuild writes it: its tuple in COPY's binary format, and its tokens, counted here.
        Binary because six million numbers as text took psycopg's array dumper longer than cutting the text, and
        PostgreSQL a third of the COPY to read back; the tuple is the id (int4) and the tokens as a one-dimensional
        int8 array without nulls (element type 20, lower bound 1), each element its length and its value."""
        elements = np.empty(len(tokens), dtype=_BINARY_ELEMENT)
        elements["length"] = 8
        elements["value"] = tokens
        head = struct.pack(">hiiiiiIii", 2, 4, obj_id, 20 + elements.nbytes, 1, 0, 20, len(tokens), 1)
        return head + elements.tobytes(), tokens

    def rebuild(self, batches: Iterator[list[Row]]) -> int:
        """Empty, load with COPY, then build the GIN index and write the documents per token once: several times
        faster than keeping them up to date document by document. The documents per token are counted here while
        the workers cut the next batches, which took PostgreSQL a second and a half at the end (unnest and
        GROUP BY over six million postings). In the caller's transaction."""
        tokens_of_batches, documents_of_batches = [], []
        documents = 0
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {self.gin}")
            cursor.execute(f"TRUNCATE {self.docs}, {self.vocab}")
            # Each batch whole before the COPY: neither reading the next documents nor cutting them (which may
            # read the town's vocabulary) may use the connection while a COPY holds it.
            for batch in batches:
                with cursor.copy(f"COPY {self.docs}(obj, tokens) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(b"".join([_BINARY_COPY_HEAD, *(row for row, _tokens in batch), _BINARY_COPY_TAIL]))
                batch_tokens, batch_documents = np.unique(
                    np.concatenate([tokens for _row, tokens in batch]), return_counts=True
                )
                tokens_of_batches.append(batch_tokens)
                documents_of_batches.append(batch_documents)
                documents += len(batch)
            cursor.execute(f"CREATE INDEX {self.gin} ON {self.docs} USING gin (tokens)")
            if not tokens_of_batches:
                return 0
            tokens, at = np.unique(np.concatenate(tokens_of_batches), return_inverse=True)
            per_token = np.bincount(at, weights=np.concatenate(documents_of_batches)).astype(np.int64)
            for start in range(0, len(tokens), 100_000):
                part = slice(start, start + 100_000)
                lines = zip(tokens[part].tolist(), per_token[part].tolist(), strict=True)
                with cursor.copy(f"COPY {self.vocab}(token, documents) FROM STDIN") as copy:
                    copy.write("".join(f"{token}\t{count}\n" for token, count in lines))
        return int(per_token.sum()) - documents

    def analyze(self) -> None:
        """After a rebuild, outside its transaction: the planner's statistics of the new tables."""
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {self.docs}, {self.vocab}")

    def _documents_of(self, tokens: list[int]) -> Iterable[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token, documents FROM {self.vocab} WHERE token = ANY(%s::bigint[])", [tokens])
            return [(token, documents) for token, documents in cursor.fetchall()]

    def _documents_between(self, first: int, last: int) -> Iterable[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT token, documents FROM {self.vocab} WHERE token BETWEEN %s AND %s", [first, last]
            )
            return [(token, documents) for token, documents in cursor.fetchall()]

    @staticmethod
    def tokens(term: int) -> list[tuple[str, int]]:
        """The tokens a document may hold for a term, as SQL literals, each with the weight it stands for."""
        return [(f"{token}::bigint", weight) for token, weight in term_tokens(term)]

    def postings_of_q(self) -> tuple[str, str]:
        """The FROM clause joining the query's tokens (q) to the documents holding them, and the document column:
        for each token of q, the GIN index's documents."""
        return f"q JOIN {self.docs} p ON p.tokens @> ARRAY[q.token]", "p.obj"
