"""Recommendations: relevance to a town's challenges and a similar profile, with the reasons a person can check."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from banso.cases import selectors
from banso.orgs.scoping import operator_scope


def test_it_puts_the_right_peers_first_for_a_challenge_typed_in_plain_japanese(town):
    found = selectors.recommend(
        operator_scope([town.pk]), town, texts=[("相談", "高齢者がスマホの使い方を相談できる場所がない")], limit=3
    )
    assert found[0].case.seed_key == "kamishihoro-smartphone-desk"
    assert found[0].reasons[0] == "共通する言葉：高齢者・スマートフォン・相談"  # スマホ is read as スマートフォン
    assert any(r.startswith("人口規模が近い") for r in found[0].reasons)
    care = selectors.recommend(
        operator_scope([town.pk]), town, texts=[("介護", "介護認定の事務に職員が足りない")], limit=2
    )
    assert {r.case.seed_key for r in care} == {"owani-care-certification-lowcode", "iwanuma-ai-care-certification"}


def test_it_recommends_for_the_open_challenges_and_leaves_out_the_towns_own(town):
    found = selectors.recommend(operator_scope([town.pk]), town, limit=10)
    assert found
    assert all(r.case.municipality_id != town.pk for r in found)
    assert any(reason.startswith("課題「") and "と共通する言葉：" in reason for r in found for reason in r.reasons)
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)


def test_it_falls_back_to_the_profile_without_challenges(town):
    found = selectors.recommend(operator_scope([town.pk]), town, texts=[], limit=3)
    assert found
    assert all(r.text_score == 0 for r in found)
    # 見本町 is in the same (sample) prefecture: the reason says so.
    names = [
        r.case.municipality.name for r in selectors.recommend(operator_scope([town.pk]), town, texts=[], limit=50)
    ]
    assert "見本町" in names


@pytest.mark.parametrize("code", ["999997", "012297", "032051", "063614"])  # サンプル町, 富良野市, 花巻市, 金山町
def test_without_challenges_the_nearest_towns_come_first_as_the_profile_score_ranks_them(db, code):
    from banso.cases.models import Case
    from banso.orgs.models import Municipality

    town = Municipality.objects.get(code=code)
    ours = selectors.profile_of(town)
    # The database scores each case as profile_similarity() does in Python (size, ageing, density, place) …
    others = Case.objects.filter(status=Case.Status.PUBLISHED).exclude(municipality=town)
    rows = others.annotate(profile=selectors.profile_score_sql(ours)).values_list(
        "id", "profile", *selectors.PROFILE_FIELDS
    )
    by_hand = {
        pk: selectors.profile_similarity(ours, selectors._profile(r), explain=False)[0] for pk, _s, *r in rows
    }
    assert {pk: score for pk, score, *_r in rows} == pytest.approx(by_hand)
    # … so the five shown are the best five of them.
    shown = selectors.recommend(operator_scope([town.pk]), town, texts=[], limit=5)
    assert [r.case.pk for r in shown] == sorted(by_hand, key=lambda pk: (-by_hand[pk], pk))[:5]


def test_it_explains_profile_similarity():
    ours = selectors.Profile(5000, 0.40, 500.0, 1, 1, "北海道")
    theirs = selectors.Profile(4800, 0.41, 480.0, 1, 1, "北海道")
    score, reasons = selectors.profile_similarity(ours, theirs)
    assert score > 0.9
    assert reasons[0].startswith("人口規模が近い")
    assert "同じ都道府県（北海道）" in reasons
    far = selectors.Profile(300_000, 0.25, 800.0, 13, 13, "")
    assert selectors.profile_similarity(ours, far)[0] < 0.2


def test_it_shows_recommendations_with_reasons_on_the_page(town_staff, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = town_staff.get(
            reverse("cases:recommended", args=[town.code]), {"text": "ドローンで荷物を届けたい"}
        )
    html = response.content.decode()
    assert "山間部のドローン小口配送モデル" in html
    assert "共通する言葉：ドローン" in html
    assert "計画に取り入れる" in html


def test_it_shows_similar_cases_on_challenge_and_measure_pages(town_staff, town):
    from banso.hearings.models import Challenge
    from banso.plans.models import Measure

    challenge = Challenge.objects.filter(municipality=town, title__contains="要介護認定").first()
    page = town_staff.get(reverse("hearings:challenge_edit", args=[town.code, challenge.pk])).content.decode()
    assert f"?challenge={challenge.pk}" in page
    part = town_staff.get(
        reverse("cases:similar", args=[town.code]), {"challenge": challenge.pk}, HTTP_HX_REQUEST="true"
    )
    assert "大鰐町" in part.content.decode()
    assert "<html" not in part.content.decode()
    measure = Measure.objects.get(plan__municipality=town, number="3-1")
    assert (
        f"?measure={measure.pk}"
        in town_staff.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    )
    full = town_staff.get(reverse("cases:similar", args=[town.code]), {"measure": measure.pk}).content.decode()
    assert "除雪" in full
    assert "<html" in full
    assert measure.title not in full.split("<main", 1)[1].split("</h1>", 1)[1]  # reasons never name the measure


def test_a_reason_names_only_the_words_the_case_really_shares(town):
    """A LINE 粗大ごみ case found for a paper-workflow challenge shares 受付, not the challenge."""
    found = selectors.recommend(
        operator_scope([town.pk]), town, texts=[("紙", "紙の文書の受付と回付に時間がかかる")], limit=10
    )
    for recommendation in found:
        case = recommendation.case
        text = " ".join([case.title, case.summary, case.background, case.actions, case.results_qualitative])
        for reason in recommendation.reasons:
            if reason.startswith("共通する言葉："):
                for word in reason.removeprefix("共通する言葉：").split("・"):
                    assert word in text
        assert not any("紙の文書の受付と回付" in reason for reason in recommendation.reasons)


def test_it_answers_the_commands_in_json(db):
    out = StringIO()
    call_command("cases_search", "ドローン", "配送", "--limit", "3", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["results"][0]["municipality"] == "豊岡市"
    assert "【ドローン】" in answer["results"][0]["highlight"] or "【ドローン" in answer["results"][0]["highlight"]
    assert answer["answered"] and answer["not_found"] == [] and answer["near"] == []
    out = StringIO()
    call_command("cases_search", "住民票の写しをコンビニで交付したい", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert not answer["answered"] and answer["results"] == [] and answer["total"] == 0
    assert answer["not_found"] == ["住民票", "コンビニ"]  # the parts of the question that no case holds
    out = StringIO()
    call_command("cases_search", "ため池", "サテライトオフィス", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["results"] == [] and answer["not_found"] == ["サテライトオフィス"]
    assert answer["near"][0]["municipality"] == "小国町"
    out = StringIO()
    call_command("cases_recommend", "--municipality", "99999", "--json", "--limit", "5", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["name"] == "サンプル町"
    assert len(answer["results"]) == 5
    assert all(r["reasons"] for r in answer["results"])


def test_it_says_what_is_wrong_with_a_municipality_code(db):
    with pytest.raises(CommandError, match="12345"):
        call_command("cases_recommend", "--municipality", "12345")
