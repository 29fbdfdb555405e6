from django.urls import reverse

from banso.core.models import AuditEntry
from banso.orgs.models import ComprehensivePlanGoal, Department, Municipality, Section


def test_it_shows_a_newcomer_what_to_do_next(town_staff, town):
    Municipality.objects.filter(pk=town.pk).update(staff_count=None)
    page = town_staff.get(reverse("home")).content.decode()
    assert "サンプル町" in page
    assert "次のステップ" in page or "Next steps" in page
    assert reverse("orgs:municipality_edit", args=[town.code]) in page


def test_it_tells_a_user_without_membership_whom_to_ask(db):
    from banso.testing import client_for

    page = client_for("no_membership").get(reverse("home")).content.decode()
    assert "所属" in page
    assert "DX" in page
    assert "サンプル町" not in page


def test_it_lists_an_advisors_ended_assignment_without_a_link(advisor, hidden_town):
    page = advisor.get(reverse("home")).content.decode()
    assert "手本町" in page
    assert reverse("orgs:municipality", args=[hidden_town.code]) not in page


def test_it_shows_the_prefecture_who_shares_and_who_does_not(pref_staff, hidden_town):
    page = pref_staff.get(reverse("home")).content.decode()
    assert "手本町" in page
    assert "共有していない" in page


def test_it_saves_a_profile_with_full_width_digits_and_reiwa_years(town_staff, town):
    response = town_staff.post(
        reverse("orgs:municipality_edit", args=[town.code]),
        {
            "staff_count": "１２０",
            "annual_budget_thousand_yen": "4,600,000",
            "main_industries": "酪農",
            "comprehensive_plan_name": "第６次総合計画",
            "comprehensive_plan_start": "令和3年度",
            "comprehensive_plan_end": "R12",
            "shares_with_prefecture": "on",
        },
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert (town.staff_count, town.annual_budget_thousand_yen) == (120, 4_600_000)
    assert (town.comprehensive_plan_start, town.comprehensive_plan_end) == (2021, 2030)
    assert town.comprehensive_plan_name == "第6次総合計画"


def test_it_refuses_a_plan_that_ends_before_it_starts(town_staff, town):
    before = town.comprehensive_plan_end
    response = town_staff.post(
        reverse("orgs:municipality_edit", args=[town.code]),
        {
            "comprehensive_plan_start": "R7",
            "comprehensive_plan_end": "R3",
            "staff_count": "1",
        },
    )
    assert response.status_code == 200
    assert "終了" in response.content.decode()
    town.refresh_from_db()
    assert town.comprehensive_plan_end == before


def test_it_explains_a_year_it_cannot_read(town_staff, town):
    response = town_staff.post(
        reverse("orgs:municipality_edit", args=[town.code]), {"comprehensive_plan_start": "R0"}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def _profile_as_posted(town, **changes):
    """What the edit form posts back when the user changes only `changes`."""
    from banso.orgs.forms import MunicipalityProfileForm

    form = MunicipalityProfileForm(instance=town)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in data.items()}
    return {**data, **changes}


def test_it_records_who_changed_the_profile_and_shows_it(town_staff, town):
    town_staff.post(
        reverse("orgs:municipality_edit", args=[town.code]), _profile_as_posted(town, staff_count="90")
    )
    entry = AuditEntry.objects.filter(object_id=str(town.pk), content_type__model="municipality").first()
    assert entry.actor.username == "dx-staff"
    assert entry.before["staff_count"] == 86
    assert entry.after["staff_count"] == 90
    assert entry.changed_fields == ["staff_count"]
    page = town_staff.get(reverse("history", args=["orgs.Municipality", town.pk])).content.decode()
    assert "職員数" in page
    assert "86" in page
    assert "90" in page


def test_it_refuses_a_duplicate_department_and_writes_nothing(town_staff, town):
    count = Department.objects.filter(municipality=town).count()
    response = town_staff.post(reverse("orgs:departments", args=[town.code]), {"name": "住民課", "order": ""})
    assert response.status_code == 200
    assert "すでに" in response.content.decode()
    assert Department.objects.filter(municipality=town).count() == count


def test_it_treats_full_width_letters_as_the_same_department_name(town_staff, town):
    Department.objects.create(municipality=town, name="DX推進室")
    response = town_staff.post(reverse("orgs:departments", args=[town.code]), {"name": "ＤＸ推進室"})
    assert "すでに" in response.content.decode()


def test_it_refuses_an_over_long_name_with_the_limit(town_staff, town):
    response = town_staff.post(reverse("orgs:departments", args=[town.code]), {"name": "課" * 61})
    assert response.status_code == 200
    assert "60" in response.content.decode()
    assert not Department.objects.filter(name="課" * 61).exists()


def test_it_adds_a_department_and_a_section(town_staff, town):
    town_staff.post(reverse("orgs:departments", args=[town.code]), {"name": "ＤＸ推進課", "order": "５"})
    department = Department.objects.get(municipality=town, name="DX推進課")
    assert department.order == 5
    town_staff.post(reverse("orgs:department", args=[town.code, department.pk]), {"name": "企画係"})
    assert Section.objects.filter(department=department, name="企画係").exists()


def test_it_does_not_let_department_staff_change_the_town(dept_staff, town):
    response = dept_staff.post(reverse("orgs:departments", args=[town.code]), {"name": "新しい課"})
    assert response.status_code == 403
    assert not Department.objects.filter(name="新しい課").exists()


def test_it_keeps_goal_numbers_unique_per_town(town_staff, town):
    response = town_staff.post(reverse("orgs:goal_create", args=[town.code]), {"number": "１", "title": "重複"})
    assert response.status_code == 200
    assert "1" in response.content.decode()
    assert ComprehensivePlanGoal.objects.filter(municipality=town, title="重複").count() == 0


def test_it_jumps_to_a_municipality_by_five_digit_code(town_staff, town):
    response = town_staff.get(reverse("orgs:municipalities"), {"code": "９９９９９"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/m/{town.code}/")


def test_it_explains_a_wrong_check_digit(town_staff):
    response = town_staff.get(reverse("orgs:municipalities"), {"code": "999998"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "999997" in page
    assert "検査数字" in page


def test_it_does_not_reveal_a_town_by_code(town_staff, hidden_town):
    response = town_staff.get(reverse("orgs:municipalities"), {"code": hidden_town.code})
    assert response.status_code == 200
    assert "手本町" not in response.content.decode()


def test_it_answers_a_tampered_url_with_a_japanese_404(town_staff, hidden_town):
    response = town_staff.get(reverse("orgs:municipality", args=[hidden_town.code]))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_it_answers_a_forbidden_action_with_a_japanese_403(executive, town):
    response = executive.get(reverse("orgs:municipality_edit", args=[town.code]))
    assert response.status_code == 403
    assert "この操作はできません" in response.content.decode()


def test_it_loads_the_home_page_in_a_fixed_number_of_queries(town_staff, django_assert_max_num_queries):
    # The frame and the town's card, plus each capability's home panel (survey 2, plan 1, tracking 2).
    with django_assert_max_num_queries(14):
        assert town_staff.get(reverse("home")).status_code == 200


def test_it_lists_departments_in_a_fixed_number_of_queries(town_staff, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert town_staff.get(reverse("orgs:departments", args=[town.code])).status_code == 200


def test_it_adds_a_section_in_place_for_htmx(town_staff, town, department):
    url = reverse("orgs:department", args=[town.code, department.pk])
    response = town_staff.post(url, {"name": "窓口係"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<div id="sections">')
    assert "窓口係" in page
    assert "<html" not in page


def test_it_shows_a_section_error_in_place_for_htmx(town_staff, town, department):
    url = reverse("orgs:department", args=[town.code, department.pk])
    response = town_staff.post(url, {"name": "戸籍住民係"}, headers={"HX-Request": "true"})
    assert "すでにあります" in response.content.decode()
    assert Section.objects.filter(department=department, name="戸籍住民係").count() == 1


def test_it_switches_to_english_and_back(town_staff):
    town_staff.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Welcome" in town_staff.get(reverse("home")).content.decode()
    town_staff.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert "ようこそ" in town_staff.get(reverse("home")).content.decode()


def test_it_keeps_other_departments_changes_out_of_a_department_users_feed(dept_staff, town_staff, town):
    from banso.hearings.models import Challenge

    challenge = Challenge.objects.get(municipality=town, title__startswith="農業補助金")  # 産業振興課's challenge
    challenge.description = "申請書類を半分にしたい。"
    challenge.save()
    assert "農業補助金" not in dept_staff.get(reverse("home")).content.decode()
    assert "農業補助金" in town_staff.get(reverse("home")).content.decode()
