"""The words an installation adds in the back office reach every feature that matches text, in every process,
without anyone rebuilding an index by hand."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from banso.cases import selectors
from banso.cases.models import IndexBuild
from banso.orgs.models import User
from banso.orgs.scoping import operator_scope
from banso.text import services, vocabulary
from banso.text.models import Synonym
from banso.text.normalize import normalize_for_matching


def keys(query):
    return [h.case.seed_key for h in selectors.search(operator_scope(), query, limit=5).hits]


def test_a_word_added_in_the_back_office_finds_cases_at_once_and_the_index_follows(
    db, django_capture_on_commit_callbacks
):
    assert keys("雪かき") == []  # the seed cases say 除雪
    builds = IndexBuild.objects.count()
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("admin:text_synonym_add"), {"variant": "雪かき", "form": "除雪", "note": "住民の言い方"}
        )
    assert response.status_code == 302
    assert Synonym.objects.get(variant="雪かき").form == "除雪"
    assert IndexBuild.objects.count() == builds + 1  # rebuilt under the new words by the job, unasked
    found = keys("雪かき")
    assert "oguni-snow-removal-drone" in found and "kaneyama-snow-monitoring" in found
    page = selectors.search(operator_scope(), "雪かき", limit=1)
    assert any(mark for _text, mark in page.hits[0].title)  # 除雪 is marked for 雪かき


def test_task_names_are_matched_with_the_added_words(db, django_capture_on_commit_callbacks):
    assert normalize_for_matching("会議録の作成") != normalize_for_matching("会議の記録の作成")
    with django_capture_on_commit_callbacks(execute=True):
        services.synonym_save(variant="会議の記録", form="会議録")
    assert normalize_for_matching("会議録の作成") == normalize_for_matching("会議の記録の作成")


def test_another_process_sees_a_change_within_the_refresh_time(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.synonym_save(variant="ＳＮＳ発信", form="情報発信")
    assert Synonym.objects.get().variant == "sns発信"  # kept as matching compares: NFKC, lower case
    # Another process: its memory still holds the old list, and it last asked the cache long ago.
    vocabulary.forget("an older version")
    assert vocabulary.town_pairs() == ()
    monkeypatch.setattr(vocabulary._memo, "checked", float("-inf"))
    assert vocabulary.town_pairs() == (("sns発信", "情報発信"),)
    assert cache.get(vocabulary.VERSION_KEY)


@pytest.mark.parametrize(
    ("variant", "form", "message"),
    [
        ("議事録", "議事録", "それ自体の同義語"),
        ("コンビニ交付", "証明書コンビニ交付", "逆"),
    ],
)
def test_a_pair_that_cannot_work_is_refused_with_a_reason_and_nothing_is_saved(db, variant, form, message):
    with pytest.raises(ValidationError) as refused:
        services.synonym_save(variant=variant, form=form)
    assert message in str(refused.value)
    assert not Synonym.objects.exists()


def test_a_form_that_is_itself_a_variant_is_refused_in_the_back_office(db):
    services.synonym_save(variant="会議録", form="議事録")
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    response = admin.post(reverse("admin:text_synonym_add"), {"variant": "議会の記録", "form": "会議録"})
    assert response.status_code == 200
    assert "「議事録」" in response.content.decode() or "“議事録”" in response.content.decode()
    assert Synonym.objects.count() == 1
