from django.urls import reverse


def test_it_shows_the_plan_on_the_home_page_with_what_waits_for_the_dx_office(town_staff):
    page = town_staff.get(reverse("home")).content.decode()
    assert "サンプル町DX推進計画" in page
    assert "施策 7 件" in page
    assert "判断を待っています" in page


def test_it_tells_department_staff_how_many_measures_their_department_owns(dept_staff):
    page = dept_staff.get(reverse("home")).content.decode()
    assert "あなたの課が担当する施策は 2 件です" in page
    assert "判断を待っています" not in page


def test_it_prompts_the_dx_office_to_start_a_plan(town_staff, town):
    town.plans.all().delete()
    page = town_staff.get(reverse("home")).content.decode()
    assert "まだ計画がありません" in page
    assert reverse("plans:plan_create", args=[town.code]) in page
