"""The labelled queries of benchmarks/cases_queries.toml: the search must keep finding what a colleague would."""

from banso.cases import quality
from banso.orgs.scoping import operator_scope


def test_it_finds_the_labelled_cases_in_the_first_five(db):
    queries = quality.labelled()
    assert len(queries) >= 40
    outcomes = quality.evaluate(operator_scope(), queries)
    recall, mrr = quality.summary(outcomes)
    missed = [(o.query, o.ranked[:5]) for o in outcomes if o.recall_at_5 < 0.5]
    assert recall >= 0.9, (recall, mrr, missed)
    assert mrr >= 0.9, (recall, mrr, missed)
