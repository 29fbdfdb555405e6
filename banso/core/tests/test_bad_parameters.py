"""Hand-edited query strings never cause a server error: a value that is not an id finds nothing."""

import pytest

from banso.plans.models import Plan


@pytest.mark.parametrize(
    "path",
    [
        "challenges/?department=x",
        "challenges/?theme=x&priority=zzz",
        "plans/{plan}/roadmap/?policy=abc&department=x&tag=item-zz",
        "plans/{plan}/measures/new/?challenge=x",
        "plans/{plan}/export/pdf/?version=abc",
        "tracking/?plan=abc",
    ],
)
def test_it_answers_a_hand_edited_url_without_an_error(town_staff, town, path):
    plan = Plan.objects.get(municipality=town)
    response = town_staff.get(f"/m/{town.code}/" + path.format(plan=plan.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/m/999997/tracking/?export=nope", "/p/999997/open-data.xml", "/m/999997/tracking/annual/1900/"]
)
def test_it_answers_an_unknown_export_or_year_with_not_found(town_staff, path):
    assert town_staff.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/cases/?page=99999999999999999999999",  # more digits than any database integer
        "/cases/?page=9999",  # past the last page
        "/m/999997/tracking/?plan=99999999999999999999999",
    ],
)
def test_it_answers_a_page_or_id_out_of_range_without_an_error(town_staff, path):
    assert town_staff.get(path).status_code in (200, 404)


def test_a_page_that_cannot_exist_is_not_found_and_the_first_is_there(town_staff):
    assert town_staff.get("/cases/?page=1").status_code == 200
    assert town_staff.get("/cases/").status_code == 200
    for page in ("9999", "99999999999999999999999", "0", "-1", "abc"):
        assert town_staff.get(f"/cases/?page={page}").status_code == 404, page


def test_sheet_names_are_what_excel_accepts_and_never_the_same_twice():
    from banso.core.xlsx import worksheet_name

    taken: set[str] = set()
    names = [
        worksheet_name(title, taken) for title in ("研修 1/2", "研修 1/2", "A" * 40, "'引用'", "", "a[1]:*?\\x")
    ]
    assert names == ["研修 1・2", "研修 1・2(2)", "A" * 31, "引用", "Sheet", "a・1・・・・・x"]
