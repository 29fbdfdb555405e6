import pytest
from django.core.exceptions import ValidationError

from banso.orgs.codes import check_digit, normalize_lg_code


@pytest.mark.parametrize(
    ("given", "six"),
    [
        ("131016", "131016"),  # 千代田区
        ("13101", "131016"),  # five digits are completed
        ("１３１０１６", "131016"),  # full-width digits from a Word document
        (" 13101 ", "131016"),
        ("990001", "990001"),  # サンプル県
        ("99999", "999997"),  # サンプル町
        ("011002", "011002"),  # 札幌市: leading zero kept
    ],
)
def test_it_accepts_five_or_six_digits_and_returns_six(given, six):
    assert normalize_lg_code(given) == six


@pytest.mark.parametrize("given", ["131017", "1310", "1310166", "abcdef", "", "13１0a"])
def test_it_rejects_wrong_codes_with_a_japanese_reason(given):
    with pytest.raises(ValidationError):
        normalize_lg_code(given)


def test_it_says_which_check_digit_was_expected():
    with pytest.raises(ValidationError) as err:
        normalize_lg_code("131017")
    assert "131016" in str(err.value.messages[0])


def test_it_matches_every_code_in_the_national_master():
    import json

    from banso.orgs.loader import DATA_DIR

    items = json.loads((DATA_DIR / "jichitai-code-index.json").read_text("utf-8"))["items"]
    assert len(items) == 1965
    assert all(str(check_digit(i["s"])) == i["c"][5] for i in items)
