import pytest

from banso.text.normalize import fold, normalize_for_matching
from banso.text.similarity import similar_pairs


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("住民票の写しの交付業務", "住民票写し発行"),
        ("ｼﾞｭｳﾐﾝﾋｮｳ交付", "じゅうみんひょう交付"),
        ("印鑑登録証明書の発行事務", "印鑑登録証明書交付"),
        ("ＤＸ推進に関する事務", "dx推進"),
    ],
)
def test_it_normalises_variants_to_one_form(a, b):
    assert normalize_for_matching(a) == normalize_for_matching(b)


def test_it_folds_width_case_and_script():
    assert fold("ＡＢＣ カタカナ") == "abc かたかな"


def test_it_finds_the_same_work_in_two_departments_and_ignores_unrelated_work():
    items = [
        (1, "住民票の写しの交付"),
        (2, "住民票写し発行業務"),
        (3, "除雪車の運行管理"),
        (4, "道路除雪車運行管理"),
        (5, "議会だよりの編集"),
    ]
    pairs = {(m.a, m.b) for m in similar_pairs(items, threshold=0.6)}
    assert (1, 2) in pairs
    assert (3, 4) in pairs
    assert not any(5 in p for p in pairs)


def test_it_respects_the_pairing_rule():
    items = [(("総務課", 1), "文書収受"), (("総務課", 2), "文書の収受事務"), (("税務課", 3), "文書収受")]
    pairs = similar_pairs(items, may_pair=lambda a, b: a[0] != b[0])
    assert all(m.a[0] != m.b[0] for m in pairs)
    assert len(pairs) == 2
