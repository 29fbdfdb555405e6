"""The seed cases: every initiative of the seed documents, loaded idempotently; a bad file is refused whole."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from banso.cases import seeds
from banso.cases.models import Case


def test_it_holds_every_initiative_of_the_seed_documents_with_its_source(db):
    data = seeds.read()
    assert len(data["case"]) >= 25
    towns = {c["name"] for c in data["case"]}
    for name in ["上士幌町", "名取市", "岩沼市", "大鰐町", "小国町", "金山町", "今金町", "富良野市", "豊岡市"]:
        assert name in towns
    loaded = Case.objects.exclude(seed_key=None)
    assert loaded.count() == len(data["case"])
    assert all(c.sources.exists() and c.status == "published" and c.population for c in loaded)


def test_it_loads_twice_without_duplicates(db):
    out = StringIO()
    call_command("cases_load", stdout=out)
    assert "新規 0 件" in out.getvalue()
    assert Case.objects.exclude(seed_key=None).count() == len(seeds.read()["case"])


def test_it_refuses_a_bad_file_and_says_where(db, tmp_path):
    path = tmp_path / "cases.toml"
    path.write_text(
        '[source.a]\ntitle = "資料"\n\n[[case]]\nkey = "x-1"\ncode = "042072"\nname = "岩沼市"\ntitle = "t"\n'
        'theme = "weather"\nkind = "service"\nsummary = "s"\nsources = ["a", "b"]\n',
        encoding="utf-8",
    )
    before = Case.objects.count()
    with pytest.raises(CommandError) as err:
        call_command("cases_load", "--file", str(path))
    message = str(err.value)
    assert "1件目の事例（x-1）：団体コード 042072 は名取市です" in message
    assert "「weather」は theme の選択肢にありません" in message
    assert "出典「b」が [source] に定義されていません" in message
    assert Case.objects.count() == before
    path.write_text("[[case]\nkey =", encoding="utf-8")
    with pytest.raises(CommandError, match="読み込めません"):
        call_command("cases_load", "--file", str(path))
