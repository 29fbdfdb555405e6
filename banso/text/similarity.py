"""Find pairs of similar short texts (task names) among thousands, fast.

Comparing every pair of 2,000 names is two million comparisons; instead an
inverted index of character bigrams proposes only pairs that share enough
bigrams, and each proposal is scored with the Dice coefficient of the bigram
sets: 2·|A∩B| / (|A|+|B|), which reads as "share of the wording in common".
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from banso.text.normalize import ngrams, normalize_for_matching


@dataclass(frozen=True)
class Match:
    a: Hashable
    b: Hashable
    score: float
    normalized_a: str
    normalized_b: str


def dice(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similar_pairs(
    items: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = 0.6,
    may_pair: Callable[[Hashable, Hashable], bool] | None = None,
    max_postings: int = 300,
) -> list[Match]:
    """Pairs (a, b) whose normalised texts have a Dice score ≥ threshold, best first.

    `may_pair` filters pairs before scoring (e.g. only across departments).
    Bigrams shared by more than `max_postings` items (「申請」 in every other
    name) are too common to propose pairs; they still count in the score.
    """
    keys, normals, grams = [], [], []
    for key, text in items:
        normal = normalize_for_matching(text)
        keys.append(key)
        normals.append(normal)
        grams.append(ngrams(normal))
    index: dict[str, list[int]] = defaultdict(list)
    for i, gs in enumerate(grams):
        for g in gs:
            index[g].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for postings in index.values():
        if len(postings) > max_postings:
            continue
        for x in range(len(postings)):
            i = postings[x]
            for j in postings[x + 1 :]:
                shared[(i, j)] += 1
    matches = []
    for (i, j), common in shared.items():
        # Cheap filter before the exact score: the rare bigrams alone must already
        # cover half the threshold (common bigrams were not counted above).
        if 2 * common / (len(grams[i]) + len(grams[j])) < threshold * 0.5:
            continue
        if may_pair is not None and not may_pair(keys[i], keys[j]):
            continue
        score = dice(grams[i], grams[j])
        if normals[i] == normals[j]:
            score = 1.0
        if score >= threshold:
            matches.append(Match(keys[i], keys[j], round(score, 3), normals[i], normals[j]))
    matches.sort(key=lambda m: (-m.score, str(m.a), str(m.b)))
    return matches
