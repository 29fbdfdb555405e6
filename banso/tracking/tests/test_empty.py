from django.urls import reverse


def test_it_explains_tracking_to_a_town_without_a_plan(other_town_staff, other_town):
    other_town.plans.all().delete()  # the demo's 見本町 adopted a measure into a plan of its own
    page = other_town_staff.get(reverse("tracking:dashboard", args=[other_town.code])).content.decode()
    assert "まだ追跡する計画がありません" in page
    inbox = other_town_staff.get(reverse("tracking:inbox", args=[other_town.code])).content.decode()
    assert "報告期間がありません" in inbox or "始まった報告期間がありません" in inbox
