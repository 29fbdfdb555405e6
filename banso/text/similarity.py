"""Find pairs of similar short texts (task names) among thousands, fast, and exactly for the names towns write.

Similarity is the Dice coefficient of character-bigram sets, 2·|A∩B| / (|A|+|B|),
which reads as "share of the wording in common".

Comparing every pair of 2,000 names is two million comparisons. Instead we use
prefix filtering: sort each name's bigrams from the rarest to the most common
(one global order). Two names can only reach Dice ≥ t if they share at least
α = t·|A|/(2−t) bigrams, and then the first |A|−α+1 bigrams of each ("the
prefix") must have one in common. So only names whose prefixes meet are
compared, and no pair above the threshold is missed — as long as no bigram is shared by more than
POSTINGS_SCANNED texts and no text has more than CANDIDATES_VERIFIED candidates, which bound the time and memory
of a file of near-identical names (see the constants below).
"""

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from banso.text.normalize import ngrams, normalize_many


@dataclass(frozen=True)
class Match:
    a: Hashable
    b: Hashable
    score: float
    normalized_a: str
    normalized_b: str


def dice(a: set[Any], b: set[Any]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


# Bounds that make the search's time and memory independent of what was uploaded: 20,000 near-identical names
# would otherwise make every pair a candidate (200 million; the server ran out of memory). Below them, on the
# names towns write, the search is exact (tested against comparing every pair; benchmarks/similarity_bench.py
# prints the recall on 2,000 generated names, and the time for 50,000).
POSTINGS_SCANNED = 200  # per bigram of a text's prefix: the texts seen most recently with it
CANDIDATES_VERIFIED = 100  # per text: the candidates sharing the most of its rarest bigrams
MAX_PAIRS = 20_000  # the best pairs kept in all


def similar_pairs(
    items: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = 0.6,
    may_pair: Callable[[Hashable, Hashable], bool] | None = None,
    limit: int = MAX_PAIRS,
) -> list[Match]:
    """Pairs (a, b) whose normalised texts have a Dice score ≥ threshold, best first, at most `limit`.

    `may_pair` filters pairs before scoring (e.g. only across departments). Each text is compared with its
    candidates as soon as it is read, so no list of every candidate pair is ever built.
    """
    keys, texts = [], []
    for key, text in items:
        keys.append(key)
        texts.append(text or "")
    normals = normalize_many(texts)
    grams = [ngrams(normal) for normal in normals]
    frequency = Counter(g for gs in grams for g in gs)
    kept = _best_pairs(grams, frequency, threshold, keys, may_pair, limit)
    matches = [Match(keys[-j], keys[-i], score, normals[-j], normals[-i]) for score, j, i in kept]
    matches.sort(key=lambda m: (-m.score, str(m.a), str(m.b)))
    return matches


def _best_pairs(
    grams: list[set[str]],
    frequency: Counter[str],
    threshold: float,
    keys: list[Hashable],
    may_pair: Callable[[Hashable, Hashable], bool] | None,
    limit: int,
) -> list[tuple[float, int, int]]:
    """The heap of the best (score, -j, -i), at most `limit`, of the pairs scoring at least `threshold`.
    Each text is compared with its candidates as soon as it is read, so no list of every candidate pair is built."""
    index: dict[str, list[int]] = defaultdict(list)
    kept: list[tuple[float, int, int]] = []
    floor = threshold  # the least score that can still be kept: the threshold, then the worst kept once full
    for i, gs in enumerate(grams):
        if not gs:  # a name with nothing left to compare (only stop words)
            continue
        # Once `limit` pairs are kept, a pair must beat the worst of them: the prefix and the size bound tighten
        # with it, which is what keeps thousands of near-identical names (every pair above the threshold) fast.
        ratio = floor / (2 - floor)
        ordered = sorted(gs, key=lambda g: (frequency[g], g))
        size = len(ordered)
        prefix = size - math.ceil(ratio * size) + 1
        shared: Counter[int] = Counter()
        for g in ordered[:prefix]:
            postings = index[g]
            shared.update(postings[-POSTINGS_SCANNED:])
            postings.append(i)
        candidates = (
            shared.items()
            if len(shared) <= CANDIDATES_VERIFIED
            else sorted(shared.items(), key=itemgetter(1), reverse=True)[:CANDIDATES_VERIFIED]
        )
        for j, _count in candidates:
            other = grams[j]
            a = len(other)
            if (a if a < size else size) * 2 < floor * (a + size):  # sizes too different to reach the floor
                continue
            if may_pair is not None and not may_pair(keys[j], keys[i]):
                continue
            score = 2 * len(other & gs) / (a + size)  # equal names have equal sets: 1.0
            if score < floor:
                continue
            entry = (round(score, 3), -j, -i)
            if len(kept) < limit:
                heapq.heappush(kept, entry)
                if len(kept) == limit:
                    floor = max(floor, kept[0][0])
            elif entry > kept[0]:
                heapq.heapreplace(kept, entry)
                floor = max(floor, kept[0][0])
    return kept
