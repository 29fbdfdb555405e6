"""Suggest which national plan items and 総合計画 goals a measure serves, from its own words.

花巻市 found classifying measures under the national plan and its own 総合計画 slow
and arguable. Banso proposes tags with a confidence and the words that led to
it, so a person decides quickly and can see why; nothing is tagged unasked.

National items carry explicit keywords (editable data, DADS-style plain lists);
a word in the measure's title counts double. 総合計画 goals have no keywords, so
their wording is compared with the measure's: the share of the goal's content
bigrams (kanji pairs) that the measure's text also contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from banso.text.normalize import content_characters, ngrams, words_folded

ITEM_THRESHOLD = 0.4
GOAL_THRESHOLD = 0.5
_WORD_CHARS = re.compile(r"^[一-龥々]{2}$")  # kanji pairs: katakana words split into noise (デジ, ジタ)


@dataclass(frozen=True)
class Suggestion:
    target: Any  # AlignmentItem or ComprehensivePlanGoal
    confidence: float
    evidence: list[str]


def measure_text(measure) -> tuple[str, str]:
    """(title, everything else) of a measure."""
    body = " ".join([measure.purpose, measure.audience, measure.content, measure.goal])
    return measure.title, body + " " + " ".join(s.description for s in measure.steps.all())


_KANJI = re.compile(r"[一-龥々]")
INSIDE_COMPOUND = 0.25  # what a keyword counts when the text goes on in kanji after it: 広域 in 広域交付


def _found(word: str, text: str) -> float:
    """1 when `word` stands in `text` as a word; a quarter when every place it stands, more kanji follow it, so that
    it is the head of another compound (広域 in 戸籍の広域交付 is not 広域連携); 0 when it is absent."""
    best, start = 0.0, text.find(word)
    ends_in_kanji = bool(word) and _KANJI.match(word[-1]) is not None
    while start >= 0:
        after = text[start + len(word) : start + len(word) + 1]
        if not (ends_in_kanji and after and _KANJI.match(after)):
            return 1.0
        best = INSIDE_COMPOUND
        start = text.find(word, start + 1)
    return best


def item_confidence(title: str, body: str, keywords: list[str]) -> tuple[float, list[str]]:
    """`title` and `body` in words_folded() form; keywords as the item lists them."""
    weight, found = 0.0, list[str]()
    for word in keywords:
        folded = words_folded(word)
        share = max(2 * _found(folded, title), _found(folded, body))
        if share:
            weight, found = weight + share, [*found, word]
    # 1 word: 0.4, 2: 0.64, 3: 0.78 … never certain: a person confirms.
    return (round(min(0.95, 1 - 0.6**weight), 2), found)


def goal_confidence(measure_chars: str, goal_text: str) -> tuple[float, list[str]]:
    goal_grams = {g for g in ngrams(content_characters(goal_text)) if _WORD_CHARS.match(g)}
    if not goal_grams:
        return 0.0, []
    shared = goal_grams & ngrams(measure_chars)
    # Like the keywords: 1 shared pair 0.3 (one word such as 町民 proves little), 2: 0.51, 3: 0.66 …
    return round(min(0.9, 1 - 0.7 ** len(shared)), 2), sorted(shared)


def suggest(measure, items, goals) -> list[Suggestion]:
    title, body = measure_text(measure)
    found = []
    for item in items:
        # The item's name counts as one of its keywords: a plan that names 「行政手続のオンライン化」 as its own item
        # writes it in its measures too, with okurigana or without (手続き, 手続).
        keywords = [*item.keyword_list(), item.name]
        confidence, words = item_confidence(words_folded(title), words_folded(body), keywords)
        if confidence >= ITEM_THRESHOLD:
            found.append(Suggestion(item, confidence, words))
    chars = content_characters(f"{title} {body}")
    for goal in goals:
        confidence, words = goal_confidence(chars, f"{goal.title} {goal.description}")
        if confidence >= GOAL_THRESHOLD:
            found.append(Suggestion(goal, confidence, words))
    return sorted(found, key=lambda s: -s.confidence)
