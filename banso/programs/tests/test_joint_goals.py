"""A prefecture's joint targets (共同目標): one set of goals with a target for each year-end, every participating
municipality reporting its own value, seen side by side by the prefecture and by each town for itself.

The facts are of our own making; the shape is that of a prefecture's joint targets for its municipalities."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from banso import factories
from banso.orgs.models import Role
from banso.plans.models import KPI
from banso.programs import joint, services
from banso.programs.models import JointGoalValue, Programme

TOWNS = ["試験一町", "試験二町", "試験三村"]


@pytest.fixture
def prefecture_programme(db):
    prefecture = factories.prefecture()
    programme = Programme.objects.create(
        title="試験県 市町村DX共同目標",
        owner_prefecture=prefecture,
        starts_on=dt.date(2024, 4, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    towns = [factories.municipality(name) for name in TOWNS]
    for town in towns:
        services.participant_save(programme=programme, municipality=town, theme="共同目標")
    online = joint.joint_goal_save(
        programme=programme,
        number="1",
        name="オンラインで申請できる手続の数",
        unit="手続",
        kind=KPI.Kind.CUMULATIVE,
        targets={2024: "10手続（累計）", 2025: "20手続（累計）"},
    )
    share = joint.joint_goal_save(
        programme=programme,
        number="2",
        name="マイナンバーカードの交付率",
        kind=KPI.Kind.SHARE,
        targets={2025: "80%"},
    )
    rules = joint.joint_goal_save(
        programme=programme,
        number="3",
        name="情報セキュリティポリシーの改定",
        kind=KPI.Kind.MILESTONE,
        targets={2024: "改定"},
    )
    return programme, towns, (online, share, rules)


def test_it_shows_each_towns_own_values_against_the_shared_targets(prefecture_programme):
    programme, towns, (online, share, rules) = prefecture_programme
    joint.joint_value_save(goal=online, municipality=towns[0], fiscal_year=2024, written="１２手続")
    joint.joint_value_save(goal=online, municipality=towns[1], fiscal_year=2024, written="8")
    joint.joint_value_save(goal=share, municipality=towns[0], fiscal_year=2025, written="81.5%")
    joint.joint_value_save(goal=rules, municipality=towns[2], fiscal_year=2024, written="達成")
    table = {row.goal.number: row for row in joint.joint_table(programme, towns)}
    first = dict(table["1"].towns)
    assert table["1"].columns == [(2024, "10手続（累計）"), (2025, "20手続（累計）")]
    assert [(c.written, c.met) for c in first[towns[0]] if c] == [("１２手続", True)]
    assert [(c.written, c.met) for c in first[towns[1]] if c] == [("8", False)]  # as the town typed it
    assert first[towns[2]] == [None, None]
    assert dict(table["3"].towns)[towns[2]][0].met is True


def test_it_refuses_a_value_that_does_not_fit_and_keeps_the_old_one(prefecture_programme):
    _programme, towns, (online, share, rules) = prefecture_programme
    joint.joint_value_save(goal=share, municipality=towns[0], fiscal_year=2025, written="70%")
    bad = [
        (share, towns[0], 2025, "120%", "0から100%の間"),
        (online, towns[0], 2024, "たくさん", "数値ではありません"),
        (online, towns[0], 2030, "5", "目標値がありません"),
        (rules, towns[0], 2024, "たぶん", "達成 または 未達成"),
    ]
    for goal, town, year, written, message in bad:
        with pytest.raises(ValidationError) as err:
            joint.joint_value_save(goal=goal, municipality=town, fiscal_year=year, written=written)
        assert message in " ".join(err.value.messages)
    outsider = factories.municipality("不参加町")
    with pytest.raises(ValidationError):
        joint.joint_value_save(goal=online, municipality=outsider, fiscal_year=2024, written="3")
    assert JointGoalValue.objects.get(goal=share).value == Decimal(70)


def test_it_lets_a_town_enter_only_its_own_values_and_saves_none_when_one_is_wrong(prefecture_programme):
    programme, towns, (online, share, _rules) = prefecture_programme
    office = Client()
    office.force_login(factories.person("ichi-dx", Role.DX_STAFF, towns[0]))
    url = reverse("programs:joint_values", args=[programme.pk, towns[0].code])
    page = office.post(url, {f"value_{online.pk}_2024": "12", f"value_{share.pk}_2025": "180%"}).content.decode()
    assert "0から100%の間" in page
    assert 'value="12"' in page  # what was typed is still there
    assert not JointGoalValue.objects.exists()
    response = office.post(url, {f"value_{online.pk}_2024": "12", f"value_{share.pk}_2025": "80%"})
    assert response.status_code == 302
    assert JointGoalValue.objects.count() == 2
    other = reverse("programs:joint_values", args=[programme.pk, towns[1].code])
    assert office.get(other).status_code == 404


def test_it_shows_the_prefecture_every_town_and_a_town_only_itself(prefecture_programme):
    programme, towns, (online, _share, _rules) = prefecture_programme
    for town, value in zip(towns, ("12", "8", "10"), strict=True):
        joint.joint_value_save(goal=online, municipality=town, fiscal_year=2024, written=value)
    prefecture_staff = Client()
    prefecture_staff.force_login(_prefecture_person(programme))
    page = prefecture_staff.get(reverse("programs:programme", args=[programme.pk])).content.decode()
    section = page[page.index('id="joint"') :]
    for name in TOWNS:
        assert name in section
    town_office = Client()
    town_office.force_login(factories.person("ni-dx", Role.DX_STAFF, towns[1]))
    section = town_office.get(reverse("programs:programme", args=[programme.pk])).content.decode()
    section = section[section.index('id="joint"') :]
    assert "試験二町" in section
    assert "試験一町" not in section


def _prefecture_person(programme):
    from banso.orgs.models import User
    from banso.orgs.services import membership_grant

    user = User.objects.create_user("pref-joint", display_name="県の担当")
    membership_grant(user=user, role=Role.PREFECTURE_STAFF, prefecture=programme.owner_prefecture)
    return user


def test_it_exports_the_joint_goals_with_each_towns_code_first(prefecture_programme):
    programme, towns, (online, _share, _rules) = prefecture_programme
    joint.joint_value_save(goal=online, municipality=towns[0], fiscal_year=2024, written="12")
    client = Client()
    client.force_login(_prefecture_person(programme))
    csv = client.get(reverse("programs:programme", args=[programme.pk]), {"joint": "csv"}).content.decode(
        "utf-8-sig"
    )
    lines = csv.splitlines()
    assert lines[0].startswith("団体コード,団体名,目標番号")
    assert f"{towns[0].code},試験一町,1,オンラインで申請できる手続の数,令和6年度,10手続（累計）,12,達成" in lines
