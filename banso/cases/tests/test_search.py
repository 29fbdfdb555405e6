"""Search as a DX officer types: width, kana, okurigana, near-synonyms, partial words, typos; facets, highlights."""

import re

import pytest
from django.urls import reverse

from banso.cases import selectors, services
from banso.cases.models import Case
from banso.orgs.scoping import operator_scope


def keys(query, **filters):
    page = selectors.search(operator_scope(), query, selectors.Filters(**filters), limit=10)
    return [h.case.seed_key or h.case.title for h in page.hits]


@pytest.mark.parametrize("query", ["ドローン", "ﾄﾞﾛｰﾝ", "どろーん", "ドロン"])
def test_it_finds_the_drone_cases_whatever_the_width_or_script(db, query):
    assert set(keys(query)[:2]) == {"toyooka-drone-delivery", "oguni-snow-removal-drone"}


def test_a_word_no_case_holds_is_named_and_the_cases_with_the_others_come_as_near_cases(db):
    page = selectors.search(operator_scope(), "ＤＲＯＮＥ ドローン", limit=10)
    assert page.hits == [] and page.unknown_words == ["ＤＲＯＮＥ"]
    assert {h.case.seed_key for h in page.near[:2]} == {"toyooka-drone-delivery", "oguni-snow-removal-drone"}


def test_it_ranks_the_same_way_on_every_database(db):
    # Pinned: the suite runs on SQLite and on PostgreSQL, so this holds the two backends to one ranking.
    assert keys("高齢者 スマホ")[:4] == [
        "kamishihoro-smartphone-desk",
        "natori-smartphone-esports-classes",
        "kamishihoro-broadcast-chatbot-tablets",
        "kaneyama-disaster-app-tablets",
    ]


def test_it_reads_through_okurigana(db):
    # 「見守る」 is written 「見守り」 in the case; 「申し込み」 and 「申込み」 are one word.
    assert keys("見守る 電話")[0] == "imakane-elderly-watch-call"
    assert keys("申し込み")[0] == keys("申込")[0] == "LINEで粗大ごみ収集を申し込めるようにして、電話の受付を半分に"


def test_it_knows_near_synonyms(db, town):
    case = services.case_save(
        municipality=town,
        title="住民票の写しをコンビニで交付",
        summary="住民票の写しの交付をコンビニで始めた。",
        theme="front_office",
        kind="service",
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED)
    assert keys("住民票写し 発行")[0] == case.title
    assert keys("住民票の写")[0] == case.title
    assert set(keys("無人店舗")[:2]) == {"kamishihoro-smart-store", "natori-smart-store"}
    assert keys("お年寄りのスマートフォン相談")[0] == "kamishihoro-smartphone-desk"


def test_it_forgives_a_small_typo_and_finds_part_of_a_word(db):
    assert keys("オンデマントバス")[0] == "natori-ai-demand-transport"  # ド typed as ト
    assert keys("デマンド")[0] == "natori-ai-demand-transport"
    assert "oguni-lpwa-reservoir" in keys("ため池")


def test_it_narrows_by_facets_and_counts_them(db):
    page = selectors.search(operator_scope(), "高齢者", limit=5)
    themes = {v.value: v.count for v in page.facets["theme"]}
    assert themes["divide"] >= 2
    assert sum(themes.values()) == page.total
    narrowed = selectors.search(operator_scope(), "高齢者", selectors.Filters(theme="divide"), limit=50)
    assert narrowed.total == themes["divide"]
    assert all(h.case.theme == "divide" for h in narrowed.hits)
    bands = {v.value for v in page.facets["band"]}
    assert "u10k" in bands
    funding = selectors.search(operator_scope(), "", selectors.Filters(funding="none"), limit=100)
    assert all(not h.case.funding_list for h in funding.hits)


def test_it_marks_what_matched_in_the_characters_typed(db):
    page = selectors.search(operator_scope(), "ﾄﾞﾛｰﾝ", limit=1)
    marked = "".join(text for text, mark in page.hits[0].title if mark)
    assert marked == "ドローン"


def test_when_no_case_has_every_word_it_says_so_and_offers_near_cases_apart(db):
    page = selectors.search(operator_scope(), "ため池 eスポーツ", limit=10)
    assert not page.answered and page.hits == [] and page.total == 0
    assert page.unknown_words == []  # each word is in some case, only not together
    near = {h.case.seed_key for h in page.near}
    assert "oguni-lpwa-reservoir" in near and "kamishihoro-elderly-esports" in near
    page = selectors.search(operator_scope(), "ため池 ぴよぴよぴ", limit=10)
    assert page.hits == [] and page.unknown_words == ["ぴよぴよぴ"]
    assert page.near[0].case.seed_key == "oguni-lpwa-reservoir"


def test_kana_fragments_and_verb_endings_find_nothing_by_themselves(db):
    # した, たい and the rest are in every case; the question's content words are not in any case together.
    page = selectors.search(operator_scope(), "住民票の写しをコンビニで交付したい", limit=10)
    assert not page.answered
    page = selectors.search(operator_scope(), "サテライトオフィス 職員の働き方", limit=10)
    assert not page.answered and "サテライトオフィス" in page.unknown_words
    assert all("サテライト" not in h.case.title for h in page.near)
    # A long katakana word in a phrase must be found itself, not through its common half (クラウド).
    page = selectors.search(operator_scope(), "ガバメントクラウドへの移行", limit=10)
    assert not page.answered and page.unknown_words == ["ガバメントクラウド"]
    # A compound of katakana and kanji: オンライン申請 does not answer オンライン診療.
    page = selectors.search(operator_scope(), "オンライン診療", limit=10)
    assert not page.answered and page.unknown_words == ["診療"]


def test_it_shows_only_published_cases_in_search(db, town):
    draft = services.case_save(
        municipality=town, title="除雪の下書き事例", summary="除雪", theme="disaster", kind="pilot"
    )
    assert draft.title not in keys("除雪の下書き事例")


def test_it_searches_from_the_page_with_highlights_and_facets(town_staff, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = town_staff.get(reverse("cases:library"), {"q": "介護認定"})
    html = response.content.decode()
    assert "<mark>要介護認定</mark>" in html
    assert "大鰐町" in html
    assert "岩沼市" in html
    assert "保健・福祉・介護" in html  # the theme facet, in Japanese
    response = town_staff.get(reverse("cases:library"), {"q": "介護認定", "prefecture": "abc", "theme": "nope"})
    assert response.status_code == 200  # hand-edited filters are ignored, not an error


def test_the_page_says_when_no_case_answers_and_shows_near_cases_apart(town_staff):
    html = town_staff.get(reverse("cases:library"), {"q": "ため池 サテライトオフィス"}).content.decode()
    assert "次の言葉を含む事例はありません：サテライトオフィス" in html
    near = html.split('id="near-title"')[1]
    assert "近い事例" in near and "ため池" in near
    assert 'class="results__list" start=' not in html  # no result list: the near cases are not results


def test_it_exports_the_results_without_formulas(town_staff):
    response = town_staff.get(reverse("cases:library"), {"q": "スマホ", "export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "携帯ショップのない町" in text
    assert "\n=" not in text


def test_it_keeps_the_page_query_count_flat(town_staff, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        town_staff.get(reverse("cases:library"))


def test_either_name_of_a_service_finds_the_cases_of_both(db):
    found = keys("AI乗合バス")
    assert "iwanuma-ai-shared-bus" in found and "natori-ai-demand-transport" in found


def test_an_unanswered_search_with_near_cases_keeps_its_query_count_as_the_library_grows(
    town_staff, town, django_assert_num_queries
):
    url, query = reverse("cases:library"), {"q": "ため池 サテライトオフィス"}
    town_staff.get(url, query)  # the session and the scope, read once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert "近い事例" in town_staff.get(url, query).content.decode()
    for n in range(30):
        case = services.case_save(
            municipality=town,
            title=f"ため池の点検 {n}",
            summary="ため池を見回る。",
            theme="disaster",
            kind="pilot",
        )
        Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED)
    with django_assert_num_queries(len(small.captured_queries)):
        html = town_staff.get(url, query).content.decode()
    assert "近い事例" in html and "31件の事例" in html and "の点検 0" in html


def test_near_cases_mark_only_the_words_they_hold_not_fragments_of_a_word_no_case_has(db):
    page = selectors.search(operator_scope(), "サテライトオフィス 職員の働き方", limit=10)
    assert page.hits == [] and page.unknown_words == ["サテライトオフィス"]
    assert page.near
    marked = [text for h in page.near for text, on in [*h.title, *h.snippet] if on]
    assert any("職員" in text for text in marked)
    # ライ, テラ, フィ … of サテライトオフィス are in many cases; no case holds the word, so none is marked.
    assert not [text for text in marked if re.search("[ァ-ヶ]", text)]
