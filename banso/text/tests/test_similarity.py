import pytest

from banso.text.normalize import fold, normalize_for_matching, normalize_many
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


def brute_force(items, threshold):
    from banso.text.normalize import ngrams
    from banso.text.similarity import dice

    normal = [(key, ngrams(normalize_for_matching(text))) for key, text in items]
    found = set()
    for n, (a, ga) in enumerate(normal):
        for b, gb in normal[:n]:
            if dice(ga, gb) >= threshold:
                found.add((b, a))
    return found


def test_it_finds_exactly_what_comparing_every_pair_finds_on_names_as_towns_write_them():
    subjects = [
        "住民票",
        "戸籍",
        "国民健康保険",
        "介護保険",
        "児童手当",
        "固定資産税",
        "水道",
        "道路占用",
        "補助金",
        "公民館",
    ]
    actions = [
        "の交付",
        "の受付",
        "の審査",
        "の管理",
        "の通知発送",
        "の相談対応",
        "の台帳整備",
        "の支払",
        "の集計",
    ]
    channels = ["", "（窓口）", "（郵送）", "（電子申請）", "（庁内）", "（年度末）", "（臨時）", "（委託分）"]
    items = list(enumerate(f"{s}{a}{c}" for s in subjects for a in actions for c in channels))  # 720 names
    found = {(m.a, m.b) for m in similar_pairs(items, threshold=0.6)}
    assert found == brute_force(items, 0.6) and len(found) > 1000


def test_near_identical_names_give_a_bounded_answer():
    # Names that all resemble each other: every pair would be a candidate without the bounds (20,000 such names
    # took the server past 20 GB; benchmarks/survey_bench.py prints the time and memory for them).
    items = [(i, f"住民票の写しの交付（{i}）") for i in range(3_000)]
    pairs = similar_pairs(items, threshold=0.6, limit=500)
    assert len(pairs) == 500
    assert all(m.score >= 0.6 for m in pairs)


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("ノートパソコンの貸出", "のとぱそこん貸出"),
        ("ニーズ調査", "にず調査"),
        ("ヘルパー派遣", "へるぱ派遣"),
        ("モニター募集", "もにた募集"),
        ("公園トイレの清掃", "公園といれ清掃"),
        ("ヘルスケアポイント事業", "へるすけあぽいんと事業"),
        ("とりまとめ", "とりまとめ"),
    ],
)
def test_katakana_words_and_hiragana_words_keep_their_letters_where_particles_are_dropped(name, normal):
    assert normalize_for_matching(name) == normal


def test_a_particle_is_dropped_where_it_joins_two_words():
    assert (
        normalize_for_matching("住民票の写しの交付") == normalize_for_matching("住民票写し交付") == "住民票写交付"
    )
    assert normalize_for_matching("申請書を受け付ける") == "申請受付る"
    assert normalize_for_matching("まちづくりと連携") == "まちづくり連携"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("補助金交付決定の取り消し", "補助金交付決定の取消し"),
        ("滞納処分の差し押さえ", "滞納処分の差押さえ"),
        ("運転免許証の書き換え案内", "運転免許証の書換え案内"),
    ],
)
def test_okurigana_inside_a_compound_do_not_keep_two_names_apart(a, b):
    # Not in the table of variants: one or two kana between two kanji are dropped wherever they stand.
    assert normalize_for_matching(a) == normalize_for_matching(b)


def test_particles_between_kanji_are_words_and_keep_two_tasks_apart():
    assert normalize_for_matching("国からの報告") != normalize_for_matching("国への報告")
    assert normalize_for_matching("県が実施する調査") != normalize_for_matching("県で実施する調査")


def test_names_normalised_together_come_out_as_each_would_alone():
    # A survey's names go through normalize_many() in one pass; no name may change its neighbour, whatever it
    # ends or starts with (a particle, okurigana, katakana, a space, a combining mark, nothing at all).
    names = [
        "住民票の写しの",
        "交付",
        "取り",
        "消し",
        "ノートパソコン",
        "の貸出",
        "",
        "　会議録の作成　",
        "\u3099か",
        "が",
        "ＡＩ乗合バス",
        "区切り\ue000を含む名前",
    ]
    assert normalize_many(names) == [normalize_for_matching(name) for name in names]
    assert normalize_many([]) == []
