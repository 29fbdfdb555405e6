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
from typing import Any

from banso.text.normalize import ngrams, normalize_for_matching


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
# names towns write, the search is exact (tested against comparing every pair).
POSTINGS_SCANNED = 500  # per bigram of a text's prefix: the texts seen most recently with it
CANDIDATES_VERIFIED = 200  # per text: the candidates sharing the most of its rarest bigrams
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
    keys, normals, grams = [], [], []
    for key, text in items:
        normal = normalize_for_matching(text)
        keys.append(key)
        normals.append(normal)
        grams.append(ngrams(normal))
    frequency = Counter(g for gs in grams for g in gs)
    index: dict[str, list[int]] = defaultdict(list)
    ratio = threshold / (2 - threshold)
    kept: list[tuple[float, int, int]] = []  # a heap of the best (score, -j, -i) so far: bounded by `limit`
    for i, gs in enumerate(grams):
        ordered = sorted(gs, key=lambda g: (frequency[g], g))
        prefix = len(ordered) - math.ceil(ratio * len(ordered)) + 1
        shared: Counter[int] = Counter()
        for g in ordered[:prefix]:
            postings = index[g]
            shared.update(postings[-POSTINGS_SCANNED:])
            postings.append(i)
        for j, _count in shared.most_common(CANDIDATES_VERIFIED):
            a, b = len(grams[j]), len(gs)
            if min(a, b) < ratio * max(a, b):  # sizes too different to reach the threshold
                continue
            if may_pair is not None and not may_pair(keys[j], keys[i]):
                continue
            score = 1.0 if normals[j] == normals[i] else dice(grams[j], gs)
            if score < threshold:
                continue
            entry = (round(score, 3), -j, -i)
            if len(kept) < limit:
                heapq.heappush(kept, entry)
            elif entry > kept[0]:
                heapq.heapreplace(kept, entry)
    matches = [Match(keys[-j], keys[-i], score, normals[-j], normals[-i]) for score, j, i in kept]
    matches.sort(key=lambda m: (-m.score, str(m.a), str(m.b)))
    return matches
