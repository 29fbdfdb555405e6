"""How good is the search? On the labelled queries of benchmarks/cases_queries.toml: recall@5 and MRR for the
questions some case answers, and for those none answers (an empty `relevant`), the share that comes back empty —
with the near cases apart — rather than with noise."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from banso.cases import selectors
from banso.cases.models import Case

QUERIES = Path(__file__).resolve().parents[2] / "benchmarks" / "cases_queries.toml"


@dataclass
class Outcome:
    query: str
    relevant: list[str]
    ranked: list[str]  # seed keys, best first (the first ten results)

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)

    @property
    def recall_at_5(self) -> float:
        return len(set(self.ranked[:5]) & set(self.relevant)) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / rank for rank, key in enumerate(self.ranked, start=1) if key in self.relevant), 0.0)


@dataclass
class Summary:
    answerable: int
    recall_at_5: float
    mrr: float
    unanswerable: int
    flagged: float  # share of the unanswerable that came back without results


def labelled(path: Path = QUERIES) -> list[dict]:
    return tomllib.loads(path.read_text("utf-8"))["query"]


def evaluate(scope, queries: list[dict]) -> list[Outcome]:
    outcomes = []
    for item in queries:
        page = selectors.search(scope, item["q"], limit=10)
        keys = dict(Case.objects.filter(pk__in=[h.case.pk for h in page.hits]).values_list("pk", "seed_key"))
        outcomes.append(
            Outcome(item["q"], item["relevant"], [keys[h.case.pk] or str(h.case.pk) for h in page.hits])
        )
    return outcomes


def summary(outcomes: list[Outcome]) -> Summary:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    n = len(answerable) or 1
    return Summary(
        len(answerable),
        sum(o.recall_at_5 for o in answerable) / n,
        sum(o.reciprocal_rank for o in answerable) / n,
        len(unanswerable),
        sum(not o.ranked for o in unanswerable) / (len(unanswerable) or 1),
    )
