"""The labelled queries of benchmarks/cases_queries.toml: the search must keep finding what a colleague would, and
say so when no case answers."""

from banso.cases import quality
from banso.orgs.scoping import operator_scope


def test_it_finds_the_labelled_cases_in_the_first_five_and_nothing_for_what_no_case_answers(db):
    queries = quality.labelled()
    assert len(queries) >= 120
    outcomes = quality.evaluate(operator_scope(), queries)
    result = quality.summary(outcomes)
    assert result.answerable >= 100 and result.unanswerable >= 20
    missed = [(o.query, o.ranked[:5]) for o in outcomes if o.answerable and o.recall_at_5 < 0.5]
    noisy = [(o.query, o.ranked[:3]) for o in outcomes if not o.answerable and o.ranked]
    assert result.recall_at_5 >= 0.9, (result, missed)
    assert result.mrr >= 0.9, (result, missed)
    assert result.flagged >= 0.9, (result, noisy)
