import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from banso.hearings import selectors, services
from banso.hearings.models import Challenge, HearingSession, Priority, suggest_priority


@pytest.mark.parametrize(
    ("scores", "group"),
    [
        ((5, 5, 5), Priority.TOP),
        ((5, 3, 2), Priority.TOP),
        ((3, 3, 3), Priority.HIGH),
        ((2, 3, 3), Priority.HIGH),
        ((2, 3, 2), Priority.LONG),
        ((1, 2, 3), Priority.LONG),
    ],
)
def test_it_suggests_the_priority_group_from_the_scores(scores, group):
    assert suggest_priority(*scores) == group


def test_it_requires_a_reason_to_override_the_suggested_group(town):
    count = Challenge.objects.count()
    with pytest.raises(ValidationError) as err:
        services.challenge_save(
            municipality=town, title="新しい課題", impact=1, urgency=1, feasibility=1, priority="top"
        )
    assert "priority_reason" in err.value.message_dict
    assert Challenge.objects.count() == count
    challenge = services.challenge_save(
        municipality=town,
        title="新しい課題",
        impact=1,
        urgency=1,
        feasibility=1,
        priority="top",
        priority_reason="町長の公約のため",
    )
    assert challenge.priority == "top"
    assert challenge.suggested_priority == "long"


def test_it_takes_the_suggested_group_when_none_is_chosen(town):
    challenge = services.challenge_save(
        municipality=town, title="ｍａｐ更新", impact=4, urgency=4, feasibility=4, priority=""
    )
    assert challenge.priority == Priority.TOP
    assert challenge.title == "map更新"


def test_it_refuses_links_to_another_towns_survey_tasks(town, hidden_town):
    from banso.survey.models import SurveyTask

    foreign = SurveyTask.objects.filter(survey_round__municipality=hidden_town)[:1]
    with pytest.raises(ValidationError):
        services.challenge_save(
            municipality=town,
            title="越境",
            impact=3,
            urgency=3,
            feasibility=3,
            priority="",
            survey_tasks=list(foreign),
        )


def test_it_groups_similar_challenges_and_merges_them(town):
    challenges = list(selectors.open_challenges(_scope("dx-staff"), town))
    groups = selectors.similar_groups(challenges)
    titles = [{c.title for c in g} for g in groups]
    assert {"紙の文書の受付と回付に毎日時間を取られている", "文書の受付と回付に時間がかかる"} in titles
    keep, other = next(g for g in groups if any("文書" in c.title for c in g))
    services.challenges_merge(keep=keep, others=[other])
    other.refresh_from_db()
    assert other.status == Challenge.Status.MERGED
    assert other.merged_into == keep
    assert set(keep.survey_tasks.values_list("name", flat=True)) >= {"文書の収受・発送", "文書収受事務"}


def _scope(username):
    from banso.orgs.models import User
    from banso.orgs.scoping import scope_for

    return scope_for(User.objects.get(username=username))


def test_it_places_challenges_in_the_matrix(town):
    challenges = list(selectors.open_challenges(_scope("dx-staff"), town))
    rows = selectors.matrix(challenges)
    assert [r["impact"] for r in rows] == [5, 4, 3, 2, 1]
    placed = sum(len(cell["challenges"]) for r in rows for cell in r["cells"])
    assert placed == len(challenges)


def test_it_records_a_hearing_and_a_challenge_from_the_browser(town_staff, town, department):
    response = town_staff.post(
        reverse("hearings:hearing_create", args=[town.code]),
        {
            "department": department.pk,
            "title": "住民課ヒアリング（2回目）",
            "held_on": "2025-07-01",
            "attendees": "課長",
            "notes": "窓口の流れ",
        },
    )
    session = HearingSession.objects.get(title="住民課ヒアリング(2回目)")  # NFKC: full-width brackets become ASCII
    assert response.status_code == 302
    response = town_staff.post(
        reverse("hearings:challenge_create", args=[town.code]),
        {
            "title": "転入届の記入が多い",
            "session": session.pk,
            "department": department.pk,
            "impact": 5,
            "urgency": 4,
            "feasibility": 4,
            "priority": "",
            "priority_reason": "",
        },
    )
    assert response.status_code == 302
    assert Challenge.objects.get(title="転入届の記入が多い").priority == Priority.TOP
    page = town_staff.get(reverse("hearings:hearing", args=[town.code, session.pk])).content.decode()
    assert "転入届の記入が多い" in page
    assert "最優先" in page


def test_it_explains_a_missing_reason_on_the_form(town_staff, town):
    response = town_staff.post(
        reverse("hearings:challenge_create", args=[town.code]),
        {
            "title": "優先度を上げたい課題",
            "impact": 1,
            "urgency": 1,
            "feasibility": 1,
            "priority": "top",
            "priority_reason": "",
        },
    )
    assert response.status_code == 200
    assert "理由" in response.content.decode()
    assert not Challenge.objects.filter(title="優先度を上げたい課題").exists()


def test_it_refuses_an_impossible_score(town_staff, town):
    response = town_staff.post(
        reverse("hearings:challenge_create", args=[town.code]),
        {"title": "点数がおかしい", "impact": 9, "urgency": 1, "feasibility": 1},
    )
    assert response.status_code == 200
    assert not Challenge.objects.filter(title="点数がおかしい").exists()


def test_it_shows_department_staff_only_their_departments_challenges(dept_staff, town):
    page = dept_staff.get(reverse("hearings:challenges", args=[town.code])).content.decode()
    assert "窓口で同じことを何度も書かせている" in page  # 住民課
    assert "要介護認定の訪問調査が紙で" not in page  # 保健福祉課


def test_it_exports_challenges_without_formulas(town_staff, town):
    Challenge.objects.filter(municipality=town).update(title="=1+1")
    response = town_staff.get(reverse("hearings:challenges", args=[town.code]), {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "'=1+1" in text
    assert "\n=1+1" not in text


def test_it_lists_challenges_in_a_fixed_number_of_queries(town_staff, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert town_staff.get(reverse("hearings:challenges", args=[town.code])).status_code == 200


def test_it_dates_hearings(town):
    assert HearingSession.objects.filter(municipality=town, held_on__lte=timezone.localdate()).count() == 8


def test_it_shows_department_staff_only_their_own_hearings(dept_staff, town):
    page = dept_staff.get(reverse("hearings:hearings", args=[town.code])).content.decode()
    assert "住民課ヒアリング" in page
    assert "保健福祉課ヒアリング" not in page
    assert "町長ヒアリング" not in page


def test_it_refuses_an_empty_theme_list_or_dropping_a_theme_in_use(town_staff, town):
    from banso.hearings.models import ChallengeTheme

    before = list(ChallengeTheme.objects.filter(municipality=town).values_list("name", flat=True))
    response = town_staff.post(reverse("hearings:themes", args=[town.code]), {"names": "  \n "})
    assert response.status_code == 200
    assert "必須" in response.content.decode()
    response = town_staff.post(reverse("hearings:themes", args=[town.code]), {"names": "その他"})
    assert "削除できません" in response.content.decode()
    assert "窓口・手続" in response.content.decode()
    assert list(ChallengeTheme.objects.filter(municipality=town).values_list("name", flat=True)) == before
