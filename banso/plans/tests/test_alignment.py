"""National-item tags suggested from a measure's words: okurigana as towns write them, and no tag for a word that
only heads another compound."""

from types import SimpleNamespace

import pytest

from banso.plans import alignment
from banso.plans.models import AlignmentItem
from banso.plans.services import alignment_items_ensure


def measure(title, content=""):
    steps = SimpleNamespace(all=lambda: [])
    return SimpleNamespace(title=title, purpose="", audience="", content=content, goal="", steps=steps)


def suggested(title, content=""):
    framework = alignment_items_ensure()
    items = list(AlignmentItem.objects.filter(framework=framework))
    return [s.target.name for s in alignment.suggest(measure(title, content), items, [])]


@pytest.mark.parametrize("title", ["行政手続きのオンライン化の推進", "行政手続のオンライン化の推進"])
def test_okurigana_do_not_hide_an_item(db, title):
    assert suggested(title)[0] == "自治体フロントヤード改革の推進"


def test_a_keyword_that_only_heads_another_compound_suggests_nothing(db):
    assert "都道府県と市区町村の連携" not in suggested("戸籍の広域交付")
    assert "都道府県と市区町村の連携" in suggested("近隣町村との広域連携の推進")


def test_the_words_the_installation_added_count_too(db, django_capture_on_commit_callbacks):
    from banso.text.services import synonym_save

    assert "テレワークの推進" not in suggested("サテライトオフィスの整備")
    with django_capture_on_commit_callbacks(execute=True):
        synonym_save(variant="サテライトオフィス", form="テレワーク")
    assert "テレワークの推進" in suggested("サテライトオフィスの整備")
