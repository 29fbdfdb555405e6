"""Japanese text normalisation for matching (not for display).

Staff write the same work in different ways: 住民票の写しの交付 / 住民票写し発行業務 /
ｼﾞｭｳﾐﾝﾋｮｳ. Before comparing, we fold width (NFKC), case and katakana/hiragana,
drop filler words that every task name carries (業務, 事務, の, に関する …), and
map near-synonyms to one form (発行→交付, 写し→写). The tables are small and
explicit so that a person can see why two names matched; the installation adds
its own words in the back office (banso.text.vocabulary, ADR 23). Every feature
that matches text goes through `variants_applied()`.
"""

import re
import unicodedata
from collections.abc import Sequence

from banso.text import vocabulary

# Longest first: "に関する" must go before "に".
STOP_WORDS = (
    "に関すること",
    "に関する",
    "に係る",
    "についての",
    "について",
    "等の",
    "及び",
    "ならびに",
    "並びに",
    "業務",
    "事務",
    "作業",
    "対応",
    "処理",
    "関係",
    "関連",
    "全般",
    "等",
    "の",
    "に",
    "を",
    "と",
    "へ",
    "・",
)
# (variant, canonical): applied after width folding, before stop words.
NAME_SYNONYMS = (
    ("写し", "写"),
    ("うつし", "写"),
    ("発行", "交付"),
    ("申し込み", "申込"),
    ("申込み", "申込"),
    ("受け付け", "受付"),
    ("受付け", "受付"),
    ("取り扱い", "取扱"),
    ("取扱い", "取扱"),
    ("問い合わせ", "問合せ"),
    ("問合わせ", "問合せ"),
    ("届け出", "届出"),
    ("払い込み", "払込"),
    ("振り込み", "振込"),
    ("手続き", "手続"),
    ("申請書", "申請"),
    ("證明", "証明"),
    ("マイナンバーカード", "個人番号カード"),
    ("まいなんばーかーど", "個人番号カード"),
)

# (variant, canonical) for the vocabulary of DX work (cases, task names, challenges, plan tags), applied to
# documents and queries alike. Only replacements that cannot change another word's meaning: 「ライン」 is not LINE
# (オンライン contains it).
DOMAIN_SYNONYMS = (
    ("スマホ", "スマートフォン"),
    ("お年寄り", "高齢者"),
    ("シニア", "高齢者"),
    ("人工知能", "ai"),
    ("在宅勤務", "テレワーク"),
    ("リモートワーク", "テレワーク"),
    ("無人店舗", "スマートストア"),
    ("無人売店", "スマートストア"),
    ("キャッシュレス決済", "キャッシュレス"),
    ("電子決済", "キャッシュレス"),
    ("証明書コンビニ交付", "コンビニ交付"),
    ("会議録", "議事録"),
    ("電子化", "デジタル化"),
    ("オンライン化", "デジタル化"),
    ("使用料", "手数料"),
    ("ウェブサイト", "ホームページ"),
    ("webサイト", "ホームページ"),
    ("電子申請", "オンライン申請"),
    ("物流", "配送"),
    ("宅配", "配送"),
    ("乗合タクシー", "デマンド交通"),
    ("デマンドバス", "デマンド交通"),
    ("要介護認定", "介護認定"),
    ("かかない", "書かない"),
    ("見える化", "可視化"),
    ("ai乗合バス", "aiデマンド交通・ai乗合バス"),  # both, so either name finds it
)
SYNONYMS = NAME_SYNONYMS + DOMAIN_SYNONYMS
_SPACE_RE = re.compile(r"[\s\u3000()（）\[\]「」『』【】〈〉《》、。,.:：;；!！?？/／\-ー－~〜]+")


KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def fold(text: str) -> str:
    """NFKC, lower case, katakana to hiragana: the width- and script-blind form."""
    return unicodedata.normalize("NFKC", text or "").lower().translate(KATAKANA_TO_HIRAGANA)


# The one-character particles: removed only where one ends a run of hiragana (住民票の写し, 写しの交付,
# 申請書を受付), never as a letter of a word. The other stop words go wherever they stand.
PARTICLES = ("の", "に", "を", "と", "へ")
_WORDS = tuple(w for w in STOP_WORDS if w not in PARTICLES)
_PARTICLE_RE = re.compile(f"[{''.join(PARTICLES)}](?![ぁ-ゖ])")


# Any variant at all: most names have none, and one search costs less than trying each replacement.
_ANY_VARIANT_RE = re.compile("|".join(re.escape(variant) for variant, _canonical in SYNONYMS))


_KATAKANA_RE = re.compile("[ァ-ヶ]+")


def _katakana_run_folded(run: re.Match[str]) -> str:
    return run.group().translate(KATAKANA_TO_HIRAGANA)


# Okurigana inside a compound, whatever the table lists: one kana between two kanji (取り消し → 取消し,
# 差し押さえ → 差押さえ), so that a name written with them meets the same name written without. Not two: から in
# 国からの報告 is not okurigana, and 国への報告 is another task. Nor the particles that are never okurigana: 県が実施
# and 県で実施 stay two.
_OKURIGANA_RE = re.compile(r"(?<=[一-龥々])(?![がではもや])[ぁ-ゖ](?=[一-龥々])")


def normalize_for_matching(text: str) -> str:
    """The form two names are compared in: width, case and script folded, variants made one, filler dropped.

    Stop words are removed before katakana is folded to hiragana, so that a katakana word keeps every letter:
    ノートパソコンの貸出 → のとぱそこん貸出 (the long-vowel mark goes with the punctuation), not ぱそこん貸出.
    """
    # Each step only where it has something to do: this runs once per row of a 50,000-row survey.
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = variants_applied(text.lower())
    for word in _WORDS:
        if word in text:
            text = text.replace(word, "")
    text = _PARTICLE_RE.sub("", text)
    text = _OKURIGANA_RE.sub("", text)
    # fold() without its NFKC and lower case, done above; run by run, as most of a name is kanji, which translate()
    # would look up one by one.
    text = _KATAKANA_RE.sub(_katakana_run_folded, text)
    return _SPACE_RE.sub("", text)


# Between the texts normalize_many() joins: a private-use character, which NFKC, lower case and every pattern above
# leave as it is (a control character would be taken for a space and removed).
_SEPARATOR = "\ue000"


def normalize_many(texts: Sequence[str]) -> list[str]:
    """normalize_for_matching() of each text, in one pass over them all joined: the same results, at a fraction of
    the cost of a call per text for the 50,000 names of a survey. Every step stops at the separator (it is no
    kana, kanji, space or variant), so no text changes its neighbour."""
    joined = _SEPARATOR.join(texts)
    normals = normalize_for_matching(joined).split(_SEPARATOR) if texts else []
    if len(normals) != len(texts):  # a text held the separator itself
        return [normalize_for_matching(text) for text in texts]
    return normals


def words_folded(text: str) -> str:
    """fold() with the vocabulary applied: okurigana and near-synonyms to one form (手続き → 手続, 申し込み → 申込,
    and the words the installation added), for features that look for whole words in a text (plan tags)."""
    return variants_applied(unicodedata.normalize("NFKC", text or "").lower()).translate(KATAKANA_TO_HIRAGANA)


def ngrams(text: str, n: int = 2) -> set[str]:
    """Character n-grams; a text shorter than n is its own gram."""
    if len(text) < n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


_HIRAGANA_RE = re.compile(r"[ぁ-ゖー]+")


def content_characters(text: str) -> str:
    """A sentence without its hiragana (particles, okurigana, endings), for comparing what it is about.

    「文書の受付と回付に時間がかかる」→「文書受付回付時間」. Task names are short and keep
    their kana; challenge sentences are compared this way.
    """
    return _HIRAGANA_RE.sub("", variants_applied(unicodedata.normalize("NFKC", text or "").lower()))


def variants_applied(text: str) -> str:
    """The installation's words, then the built-in variants, to one form, in text already NFKC and lower case
    (in that order, so that a word added as 会議の記録 → 会議録 ends where 会議録 does)."""
    text = vocabulary.apply(text)
    if _ANY_VARIANT_RE.search(text):
        for variant, canonical in SYNONYMS:
            text = text.replace(variant, canonical)
    return text
