"""The case index is rebuilt by the worker, not by a request: after an upgrade that changes how text is folded,
and, for the cases concerned, when a name they show is changed (issue 16)."""

import re

from banso.cases import services
from banso.cases.models import Case, IndexBuild
from banso.cases.tests.test_search import keys
from banso.core import jobs
from banso.plans.models import FundingScheme
from banso.text import normalize, search


def _published(town, **values):
    case = services.case_save(municipality=town, theme="front_office", kind="service", **values)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED)
    return case


def test_a_starting_worker_rebuilds_an_index_cut_by_other_rules(db, town, monkeypatch):
    case = _published(town, title="窓口の呼び出し番号を表示", summary="番号札の呼び出しを画面に出した。")
    services.index_rebuild()
    assert case.title in keys("窓口")
    # An upgrade folds 窓口 into カウンター: queries are folded by the new rules, the index still by the old.
    upgraded = (*normalize.SYNONYMS, ("窓口", "カウンター"))
    monkeypatch.setattr(normalize, "SYNONYMS", upgraded)
    monkeypatch.setattr(normalize, "_ANY_VARIANT_RE", re.compile("|".join(re.escape(v) for v, _form in upgraded)))
    monkeypatch.setattr(search, "SYNONYMS", upgraded)
    assert case.title not in keys("窓口")
    assert not services.index_is_current()

    jobs.start_chores()  # the worker of the new version starts; jobs run at once in tests

    assert case.title in keys("窓口")
    assert services.index_is_current()
    assert IndexBuild.objects.first().cases == Case.objects.count()
    jobs.start_chores()  # and the next worker to start finds nothing to do
    assert IndexBuild.objects.filter(rules=search.rules_fingerprint()).count() == 1


def test_renaming_a_funding_scheme_indexes_its_cases_again(db, town, django_capture_on_commit_callbacks):
    scheme = FundingScheme.objects.create(name="デジタル田園都市国家構想交付金", kind="national")
    case = _published(town, title="書かない窓口を導入", summary="申請書を職員が作る。")
    case.funding.set([scheme])
    services.index_case(case)
    assert case.title not in keys("地方経済 生活環境創生")

    with django_capture_on_commit_callbacks(execute=True):
        scheme.name = "新しい地方経済・生活環境創生交付金"
        scheme.save()

    assert case.title in keys("地方経済 生活環境創生")


def test_a_rewritten_case_is_found_by_its_new_words_and_no_longer_by_its_old(db, town):
    case = _published(town, title="窓口の呼び出し番号を表示", summary="番号札の呼び出しを画面に出した。")
    services.index_case(case)
    assert case.title in keys("番号札")

    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)  # withdrawn to be rewritten
    case.refresh_from_db()
    case = services.case_save(case=case, title="除雪車の位置を地図で公開", summary="除雪車にGPSを載せた。")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED)

    assert case.title in keys("除雪車")
    assert keys("番号札") == []


def test_a_deleted_case_no_longer_counts_among_the_documents_words_are_weighed_by(db, town):
    kept = _published(town, title="除雪車の位置を地図で公開", summary="除雪車にGPSを載せた。")
    deleted = _published(town, title="除雪の出動をメールで知らせる", summary="出動を登録者に送る。")
    services.index_rebuild()
    assert {kept.title, deleted.title} <= set(keys("除雪"))

    deleted.delete()  # from the back office

    assert services.INDEX.documents() == Case.objects.count()
    assert deleted.title not in keys("除雪")


def test_a_rebuild_reads_the_library_in_as_many_queries_however_many_cases_it_holds(db, town):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rebuild_queries():
        with CaptureQueriesContext(connection) as queries:
            services.index_rebuild()
        return len(queries)

    before = rebuild_queries()
    scheme = FundingScheme.objects.create(name="デジタル田園都市国家構想交付金", kind="national")
    for n in range(30):
        _published(town, title=f"書かない窓口 その{n}", summary="申請書を職員が作る。").funding.set([scheme])
    assert rebuild_queries() == before
    assert "書かない窓口 その29" in keys("書かない窓口 その29")


def test_a_one_character_word_is_weighed_against_the_number_of_cases_once(db):
    words = search.parse("雪")
    assert [w.prefix is not None for w in words] == [True]
    assert services.INDEX.prepare(words) == Case.objects.count()


def test_cases_loaded_without_their_index_are_indexed_by_the_next_worker(db):
    services.index_rebuild()
    assert services.index_is_current()
    services.INDEX.rebuild([])  # what loaddata from another database leaves: the cases, their records, no index
    assert keys("除雪") == []
    assert not services.index_is_current()

    jobs.start_chores()

    assert "oguni-snow-removal-drone" in keys("除雪")
    assert services.index_is_current()


def test_a_rebuild_reads_every_case_as_the_case_page_indexes_it_in_id_order(db, town):
    """The rebuild reads rows, a save reads the case: both must give the index the same text, and FTS5 wants the
    ids ascending (it writes out what it holds whenever one is lower than the last)."""
    scheme = FundingScheme.objects.create(name="デジタル田園都市国家構想交付金", kind="national")
    _published(town, title="書かない窓口を導入", summary="申請書を職員が作る。", cost="約300万円").funding.set(
        [scheme]
    )
    documents = list(services.documents_for_index())
    assert [pk for pk, _fields in documents] == sorted(Case.objects.values_list("pk", flat=True))
    by_case = {case.pk: services.search_fields(case) for case in services.cases_for_index()}
    assert dict(documents) == by_case


def pid_row(obj_id, tokens):
    """A row that says which process cut it."""
    import os

    return obj_id, os.getpid(), tokens.tolist()


def test_several_processes_cut_a_large_rebuild_into_the_same_rows_in_the_same_order(db, monkeypatch):
    import os

    documents = list(services.documents_for_index())
    monkeypatch.setattr(search, "REBUILD_BATCH", 7)  # many batches in flight at once
    batches = list(search.rows_in_batches(iter(documents), pid_row, 2))

    rows = [row for batch in batches for row in batch]
    assert [(obj_id, tokens) for obj_id, _pid, tokens in rows] == [
        (obj_id, search.document_tokens(fields)) for obj_id, fields in documents
    ]
    assert os.getpid() not in {pid for _obj_id, pid, _tokens in rows}


def test_a_rebuild_by_several_processes_finds_what_one_process_finds(db, monkeypatch):
    queries = ("除雪", "申し込み オンライン", "ｽﾏﾎ 高齢者", "窓口DX")
    services.index_rebuild()
    alone = {q: keys(q) for q in queries}
    monkeypatch.setattr(services, "rebuild_workers", lambda cases: 2)
    monkeypatch.setattr(search, "REBUILD_BATCH", 5)

    services.index_rebuild()

    assert {q: keys(q) for q in queries} == alone
    assert services.index_is_current()
