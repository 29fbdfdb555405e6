"""How good is the search? recall@5 and MRR on the labelled queries of benchmarks/cases_queries.toml."""

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
    ranked: list[str]  # seed keys, best first (the first ten)

    @property
    def recall_at_5(self) -> float:
        return len(set(self.ranked[:5]) & set(self.relevant)) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / rank for rank, key in enumerate(self.ranked, start=1) if key in self.relevant), 0.0)


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


def summary(outcomes: list[Outcome]) -> tuple[float, float]:
    n = len(outcomes) or 1
    return sum(o.recall_at_5 for o in outcomes) / n, sum(o.reciprocal_rank for o in outcomes) / n
