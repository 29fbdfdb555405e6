"""A document's terms are cut field by field for speed, a query's chunk by chunk: both must give the same terms,
or a word typed as the document has it would miss it."""

from banso.cases import services
from banso.text import search

TRICKY = [
    ("住民票の写しを申し込み、コンビニで交付したい。", 3),
    ("ケーキの写し ー 写しー の", 1),
    ("ｽﾏﾎ教室（ＡＩ）ドロ－ン、町、あ か", 2),
    ("", 1),
    ("ノートパソコンの貸出とヘルパーのモニター", 1),
    ("ー", 2),  # nothing left once the long-vowel mark goes
    ("あ", 1),
    ("𠮷野家の𠮷\n写し", 2),  # beyond the Basic Multilingual Plane, and a line break inside a field
]


def chunk_by_chunk(fields):
    terms = set()
    for text, _weight in fields:
        for chunk in search.chunks(text):
            folded, content = search.chunk_terms(chunk)
            terms |= folded | content
    return terms


def test_a_documents_terms_are_the_terms_of_its_chunks(db):
    documents = [*services.documents_for_index(), (0, TRICKY), *((0, [field]) for field in TRICKY)]
    assert len(documents) > 20
    for _pk, fields in documents:
        tokens = search.document_tokens(fields)
        assert tokens[0] == search.MARKER
        assert {token >> search.STEP_BITS for token in tokens[1:]} == chunk_by_chunk(fields)


def test_documents_cut_together_are_cut_as_each_alone(db):
    documents = [fields for _pk, fields in services.documents_for_index()] + [TRICKY, [], [("", 1)]]
    together = search.documents_tokens(documents)
    assert [tokens.tolist() for tokens in together] == [search.document_tokens(fields) for fields in documents]
    assert together[-1].tolist() == [search.MARKER]  # an empty document is still counted


def test_a_word_repeated_weighs_more_and_a_title_more_than_the_body(db):
    def weight_of(fields, word):
        (term,) = search._grams(word)
        return {token >> search.STEP_BITS: token & 7 for token in search.document_tokens(fields)}[term]

    once = weight_of([("除雪を始めた。", 1)], "除雪")
    assert weight_of([("除雪を始めた。除雪車を買った。", 1)], "除雪") > once
    assert weight_of([("除雪を始めた。", 3)], "除雪") > once
