"""方針 in three levels named as the plan names them, measures under any level, and 視点 across them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from banso import factories
from banso.orgs.models import Role
from banso.plans import selectors, services
from banso.plans.documents import plan_document
from banso.plans.models import Measure, Policy


@pytest.fixture
def city(db):
    """A city whose plan goes 基本方針 → 施策 → 具体的取組 (as a designated city's does), entered by its DX office."""
    town = factories.municipality("試験市")
    office = factories.department(town, "デジタル推進課")
    plan = factories.plan(town, 2024, 2028, title="試験市DX推進計画")
    services.plan_save(
        municipality=town,
        plan=plan,
        title=plan.title,
        start_year=2024,
        end_year=2028,
        level_names="基本方針／施策／具体的取組",
    )
    client = Client()
    client.force_login(factories.person("city-dx", Role.DX_STAFF, town))
    return town, office, plan, client


def add_policy(client, plan, number, title, parent=None):
    url = reverse("plans:policy_create", args=[plan.municipality.code, plan.pk])
    return client.post(url, {"number": number, "title": title, "parent": parent.pk if parent else ""})


def test_it_nests_policies_three_levels_deep_and_names_each_level(city):
    town, office, plan, client = city
    assert add_policy(client, plan, "1", "市民サービスの向上").status_code == 302
    top = Policy.objects.get(plan=plan, number="1")
    assert add_policy(client, plan, "1-1", "行かない市役所", top).status_code == 302
    middle = Policy.objects.get(plan=plan, number="1-1")
    assert add_policy(client, plan, "1-1-1", "オンライン申請の拡充", middle).status_code == 302
    leaf = Policy.objects.get(plan=plan, number="1-1-1")
    assert leaf.parent == middle
    factories.measure(plan, office, "1-1-1-1", title="子育て手続のオンライン化", policy=leaf)
    page = client.get(reverse("plans:plan", args=[town.code, plan.pk])).content.decode()
    tree = page[page.index('id="policies"') : page.index('id="viewpoints"')]
    assert tree.index("基本方針</span> 1 市民サービスの向上") < tree.index("施策</span> 1-1 行かない市役所")
    assert tree.index("施策</span> 1-1 行かない市役所") < tree.index(
        "具体的取組</span> 1-1-1 オンライン申請の拡充"
    )
    assert "tree__item--d2" in tree
    form = client.get(reverse("plans:measure_create", args=[town.code, plan.pk])).content.decode()
    assert "　　具体的取組 1-1-1 オンライン申請の拡充" in form


def test_it_refuses_a_policy_inside_itself_and_changes_nothing(city):
    town, _office, plan, client = city
    top = services.policy_save(plan=plan, number="1", title="市民サービス")
    child = services.policy_save(plan=plan, number="1-1", title="窓口", parent=top)
    grandchild = services.policy_save(plan=plan, number="1-1-1", title="書かない窓口", parent=child)
    page = client.post(
        reverse("plans:policy_edit", args=[town.code, plan.pk, top.pk]),
        {"number": "1", "title": "市民サービス", "parent": grandchild.pk},
    ).content.decode()
    assert "この方針の中にあります" in page
    top.refresh_from_db()
    assert top.parent is None


def test_it_refuses_a_tree_deeper_than_five_levels(city):
    _town, _office, plan, _client = city
    parent = None
    for depth in range(5):
        parent = services.policy_save(plan=plan, number=f"{depth + 1}", title=f"第{depth + 1}層", parent=parent)
    with pytest.raises(ValidationError) as err:
        services.policy_save(plan=plan, number="6", title="第6層", parent=parent)
    assert "5" in err.value.messages[0]
    assert not Policy.objects.filter(plan=plan, number="6").exists()


def test_it_refuses_a_parent_from_another_plan(city, town):
    _town, _office, plan, _client = city
    foreign = Policy.objects.filter(plan__municipality=town).first()
    with pytest.raises(ValidationError):
        services.policy_save(plan=plan, number="9", title="よその方針の下", parent=foreign)


def test_it_keeps_the_children_and_their_measures_when_a_level_is_deleted(city):
    town, office, plan, client = city
    top = services.policy_save(plan=plan, number="1", title="市民サービス")
    child = services.policy_save(plan=plan, number="1-1", title="窓口", parent=top)
    measure = factories.measure(plan, office, "1-1-1", policy=child)
    client.post(reverse("plans:policy_delete", args=[town.code, plan.pk, top.pk]))
    child.refresh_from_db()
    assert child.parent is None
    assert Measure.objects.get(pk=measure.pk).policy == child


def test_it_tags_measures_with_the_plans_own_viewpoints_and_prints_them(city):
    town, office, plan, client = city
    response = client.post(
        reverse("plans:viewpoint_create", args=[town.code, plan.pk]),
        {"order": 1, "title": "誰一人取り残さない", "description": "窓口でも同じサービスを"},
    )
    assert response.status_code == 302
    viewpoint = plan.viewpoints.get()
    measure = factories.measure(plan, office, "1")
    services.measure_save(
        plan=plan, measure=measure, number="1", title=measure.title, owner=office, viewpoints=[viewpoint]
    )
    page = client.get(reverse("plans:plan", args=[town.code, plan.pk])).content.decode()
    assert "誰一人取り残さない" in page[page.index('id="viewpoints"') :]
    snapshot = selectors.plan_snapshot(plan)
    assert snapshot["measures"][0]["viewpoints"] == ["誰一人取り残さない"]
    document = plan_document(snapshot, versions=[])
    headings = [b.text for b in document.blocks if hasattr(b, "level")]
    assert "横断的な視点" in headings


def test_it_prints_the_tree_indented_with_its_level_names(city):
    _town, office, plan, _client = city
    top = services.policy_save(plan=plan, number="1", title="市民サービス")
    child = services.policy_save(plan=plan, number="1-1", title="窓口", parent=top)
    factories.measure(plan, office, "1-1-1", title="書かない窓口", policy=child)
    document = plan_document(selectors.plan_snapshot(plan), versions=[])
    rows = [
        row
        for block in document.blocks
        if hasattr(block, "rows") and hasattr(block, "headers")
        for row in block.rows
    ]
    assert ["基本方針 1 市民サービス", ""] in rows
    assert ["　施策 1-1 窓口", "1-1-1 書かない窓口"] in rows


def test_it_compares_a_policy_moved_to_another_parent(city):
    _town, _office, plan, _client = city
    first = services.policy_save(plan=plan, number="1", title="市民サービス")
    second = services.policy_save(plan=plan, number="2", title="行政運営")
    child = services.policy_save(plan=plan, number="2-1", title="窓口", parent=first)
    services.version_issue(plan=plan, issued_on=dt.date(2024, 4, 1), note="策定")
    services.policy_save(plan=plan, policy=child, number="2-1", title="窓口", parent=second)
    from banso.plans.diff import diff_snapshots

    sections = diff_snapshots(plan.versions.get().snapshot, selectors.plan_snapshot(plan))
    changes = [(c.label, c.before, c.after) for s in sections for c in s.changes]
    assert ("2-1 上位の方針", "1", "2") in changes


def test_it_shows_everything_within_a_policy_when_the_roadmap_is_filtered_by_it(city):
    town, office, plan, client = city
    top = services.policy_save(plan=plan, number="1", title="市民サービス")
    child = services.policy_save(plan=plan, number="1-1", title="窓口", parent=top)
    other = services.policy_save(plan=plan, number="2", title="行政運営")
    factories.measure(plan, office, "1-1-1", title="書かない窓口", policy=child, steps={2025: "試行"})
    factories.measure(plan, office, "2-1", title="電子決裁", policy=other, steps={2025: "導入"})
    page = client.get(reverse("plans:roadmap", args=[town.code, plan.pk]), {"policy": top.pk}).content.decode()
    assert "書かない窓口" in page
    assert "電子決裁" not in page
    assert "　施策 1-1 窓口" in page


def test_it_shows_the_path_of_policies_and_the_viewpoints_on_the_measure_page(city):
    town, office, plan, client = city
    top = services.policy_save(plan=plan, number="1", title="市民サービス")
    child = services.policy_save(plan=plan, number="1-1", title="窓口", parent=top)
    viewpoint = services.viewpoint_save(plan=plan, title="誰一人取り残さない")
    measure = factories.measure(plan, office, "1-1-1", title="書かない窓口", policy=child)
    measure.viewpoints.set([viewpoint])
    page = client.get(reverse("plans:measure", args=[town.code, measure.pk])).content.decode()
    assert "基本方針 1 市民サービス › 施策 1-1 窓口" in page
    assert "誰一人取り残さない" in page
