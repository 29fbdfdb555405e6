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
