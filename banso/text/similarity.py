"""Find pairs of similar short texts (task names) among thousands, fast and exactly.

Similarity is the Dice coefficient of character-bigram sets, 2·|A∩B| / (|A|+|B|),
which reads as "share of the wording in common".

Comparing every pair of 2,000 names is two million comparisons. Instead we use
prefix filtering: sort each name's bigrams from the rarest to the most common
(one global order). Two names can only reach Dice ≥ t if they share at least
α = t·|A|/(2−t) bigrams, and then the first |A|−α+1 bigrams of each ("the
prefix") must have one in common. So only names whose prefixes meet are
compared, and no pair above the threshold is missed.
"""

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


def similar_pairs(
    items: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = 0.6,
    may_pair: Callable[[Hashable, Hashable], bool] | None = None,
) -> list[Match]:
    """Pairs (a, b) whose normalised texts have a Dice score ≥ threshold, best first.

    `may_pair` filters pairs before scoring (e.g. only across departments).
    """
    keys, normals, grams = [], [], []
    for key, text in items:
        normal = normalize_for_matching(text)
        keys.append(key)
        normals.append(normal)
        grams.append(ngrams(normal))
    frequency = Counter(g for gs in grams for g in gs)
    index: dict[str, list[int]] = defaultdict(list)
    candidates: set[tuple[int, int]] = set()
    ratio = threshold / (2 - threshold)
    for i, gs in enumerate(grams):
        ordered = sorted(gs, key=lambda g: (frequency[g], g))
        prefix = len(ordered) - math.ceil(ratio * len(ordered)) + 1
        for g in ordered[:prefix]:
            postings = index[g]
            candidates.update((j, i) for j in postings)
            postings.append(i)
    matches = []
    for i, j in candidates:
        a, b = len(grams[i]), len(grams[j])
        if min(a, b) < ratio * max(a, b):  # sizes too different to reach the threshold
            continue
        if may_pair is not None and not may_pair(keys[i], keys[j]):
            continue
        score = 1.0 if normals[i] == normals[j] else dice(grams[i], grams[j])
        if score >= threshold:
            matches.append(Match(keys[i], keys[j], round(score, 3), normals[i], normals[j]))
    matches.sort(key=lambda m: (-m.score, str(m.a), str(m.b)))
    return matches
