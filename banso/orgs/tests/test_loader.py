from io import StringIO

import pytest
from django.core.management import call_command

from banso.orgs.models import Municipality, Prefecture


@pytest.fixture(scope="module")
def master(django_db_setup, django_db_blocker):
    """Load the national master once for this module (it takes a few seconds), and remove afterwards only what
    it added: the session's world already holds the towns of the seed cases."""
    with django_db_blocker.unblock():
        towns = set(Municipality.objects.values_list("pk", flat=True))
        prefectures = set(Prefecture.objects.values_list("pk", flat=True))
        call_command("orgs_load", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        added = Municipality.objects.exclude(pk__in=towns)
        Municipality.objects.filter(pk__in=towns).update(parent=None)  # the load linked wards to their city
        added.exclude(parent=None).delete()
        added.delete()
        Prefecture.objects.exclude(pk__in=prefectures).delete()


def test_it_loads_every_prefecture_and_municipality(db, master):
    assert Prefecture.objects.filter(is_sample=False).count() == 47
    assert Municipality.objects.filter(is_sample=False).count() == 1918
    assert Municipality.objects.filter(is_sample=False, is_active=False).count() == 6  # 北方領土の6村


def test_it_takes_census_figures_and_readings(db, master):
    chiyoda = Municipality.objects.get(code="131016")
    assert chiyoda.name == "千代田区"
    assert chiyoda.prefecture.name == "東京都"
    assert chiyoda.kind == Municipality.Kind.SPECIAL_WARD
    assert chiyoda.name_kana == "ちよだく"
    assert 60_000 < chiyoda.population < 70_000
    assert 11 < float(chiyoda.area_km2) < 12.5


def test_it_sums_the_wards_of_a_designated_city(db, master):
    sapporo = Municipality.objects.get(code="011002")
    wards = Municipality.objects.filter(parent=sapporo)
    assert wards.count() == 10
    assert sapporo.population == sum(w.population for w in wards)
    assert 1_950_000 < sapporo.population < 1_980_000
    youngest, oldest = min(w.aged_65_share for w in wards), max(w.aged_65_share for w in wards)
    assert youngest <= sapporo.aged_65_share <= oldest


def test_it_refreshes_master_data_without_touching_the_staff_profile(db, master):
    town = Municipality.objects.get(code="012025")  # 函館市
    Municipality.objects.filter(pk=town.pk).update(staff_count=1234, population=1)
    out = StringIO()
    call_command("orgs_load", stdout=out)
    town.refresh_from_db()
    assert town.staff_count == 1234
    assert town.population > 200_000
    assert "0 件" in out.getvalue() or "0 new" in out.getvalue()
    assert Municipality.objects.filter(is_sample=False).count() == 1918
