"""Writing, reviewing and publishing a case; a finished measure becomes a case; a case becomes a measure."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banso.cases import services
from banso.cases.models import Case, CaseAdoption
from banso.orgs.models import User
from banso.plans.models import Measure
from banso.tracking.models import KPIActual


@pytest.fixture
def draft(town):
    return services.case_save(
        municipality=town,
        title="公民館でのスマホ相談会",
        summary="月2回、公民館でスマホの相談会を開いた。",
        actions="地区の公民館を巡回した。",
        theme="divide",
        kind="service",
        sources=[{"title": "サンプル町 広報 令和8年5月号", "published_on": None, "url": ""}],
    )


def test_it_writes_a_case_with_the_towns_profile(town_staff, town):
    response = town_staff.post(
        reverse("cases:case_create", args=[town.code]),
        {
            "title": "ＬＩＮＥで道路の損傷を通報",
            "summary": "住民が写真と位置を送れるようにした。",
            "theme": "communication",
            "kind": "service",
            "start_year": "令和7年度",
            "source_1_title": "サンプル町 広報",
            "source_1_url": "example.jp/kouhou",
        },
    )
    case = Case.objects.get(title="LINEで道路の損傷を通報")
    assert response.status_code == 302
    assert (case.population, case.status, case.start_year) == (town.population, "draft", 2025)
    assert case.population_band == "u10k"
    assert case.sources.get().url == "https://example.jp/kouhou"


def test_it_says_where_a_case_form_is_wrong_and_keeps_what_was_typed(town_staff, town):
    response = town_staff.post(
        reverse("cases:case_create", args=[town.code]),
        {
            "title": "",
            "summary": "要約だけ書いた",
            "theme": "divide",
            "kind": "service",
            "start_year": "令和9年度",
            "end_year": "令和7年度",
            "source_1_url": "https://example.jp",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "要約だけ書いた" in html
    assert "出典の名称（資料名）を入力してください。" in html
    assert "このフィールドは必須です。" in html
    assert not Case.objects.filter(summary="要約だけ書いた").exists()


def test_it_needs_a_reviewer_other_than_the_town_to_publish(town_staff, pref_staff, draft):
    url = reverse("cases:case_status", args=[draft.pk])
    assert town_staff.post(url, {"action": "submit"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert town_staff.post(url, {"action": "publish"}).status_code == 403
    response = pref_staff.post(url, {"action": "return", "note": ""}, follow=True)
    assert "どこを直すべきか" in response.content.decode()
    pref_staff.post(url, {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_on is not None
    assert [t.to_status for t in draft.transitions.all()] == ["published", "in_review"]


def test_it_refuses_to_let_the_sender_publish_their_own_case(draft):
    reviewer = User.objects.get(username="pref-staff")
    services.case_transition(case=draft, to_status="in_review", user=reviewer)
    with pytest.raises(ValidationError, match="別の人"):
        services.case_transition(case=draft, to_status="published", user=reviewer)


def test_it_keeps_drafts_to_the_town_and_shows_published_cases_to_all(other_town_staff, town_staff, draft):
    url = reverse("cases:case", args=[draft.pk])
    assert other_town_staff.get(url).status_code == 404
    assert town_staff.get(url).status_code == 200
    Case.objects.filter(pk=draft.pk).update(status="published")
    assert other_town_staff.get(url).status_code == 200


def test_it_changes_only_drafts(draft):
    services.case_transition(case=draft, to_status="in_review")
    with pytest.raises(ValidationError):
        services.case_save(case=draft, title="変更", summary="変更", theme="divide", kind="service")
    with pytest.raises(ValidationError):
        services.case_transition(case=draft, to_status="in_review")


def test_it_writes_a_case_draft_from_a_finished_measure(town_staff, town):
    measure = Measure.objects.get(plan__municipality=town, number="1-2")
    Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.DONE)
    response = town_staff.post(reverse("cases:measure_to_case", args=[town.code, measure.pk]))
    case = Case.objects.get(source_measure=measure)
    assert response.status_code == 302
    assert case.status == "draft"
    assert case.title == measure.title
    kpi = measure.kpis.first()
    assert kpi.name in case.results_quantitative
    latest = KPIActual.objects.filter(kpi=kpi).order_by("-as_of").first()
    if latest is not None and latest.state in ("submitted", "approved"):
        assert "実績" in case.results_quantitative
    assert measure.owner.name in case.organisation
    again = town_staff.post(reverse("cases:measure_to_case", args=[town.code, measure.pk]), follow=True)
    assert "すでに事例" in again.content.decode()


def test_it_refuses_a_case_from_an_unfinished_measure(town_staff, town):
    measure = Measure.objects.get(plan__municipality=town, number="2-1")
    response = town_staff.post(reverse("cases:measure_to_case", args=[town.code, measure.pk]), follow=True)
    assert "「完了」の施策だけ" in response.content.decode()
    assert not Case.objects.filter(source_measure=measure).exists()


def test_it_adopts_a_case_into_the_plan_as_a_draft_measure(town_staff, town):
    case = Case.objects.get(seed_key="owani-care-certification-lowcode")
    url = reverse("cases:case_adopt", args=[case.pk])
    # The first press asks where it goes and shows the case's text; nothing is made yet.
    asked = town_staff.post(url, {"municipality": town.code}).content.decode()
    assert "方針" in asked and case.background[:20] in asked
    assert not CaseAdoption.objects.filter(case=case).exists()
    refused = town_staff.post(url, {"municipality": town.code, "policy": ""}).content.decode()
    assert "方針を選んでください" in refused and not CaseAdoption.objects.filter(case=case).exists()
    policy = town.plans.first().policies.order_by("number").last()
    response = town_staff.post(url, {"municipality": town.code, "policy": policy.pk})
    measure = Measure.objects.get(plan__municipality=town, adopted_from__case_link__case=case)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/measures/{measure.pk}/")
    assert measure.policy == policy and measure.number.startswith(f"{policy.number}-")
    assert measure.status == "not_started" and measure.is_draft
    assert (
        measure.purpose == "" and measure.goal == ""
    )  # the town writes its own; the case's words are a reference
    assert case.background[:20] in measure.adopted_from.reference
    assert "大鰐町" in measure.adopted_from.source_label
    assert measure.steps.count() == 1
    assert "大鰐町" in measure.steps.get().description
    assert CaseAdoption.objects.filter(case=case).count() == 1
    # Pressed again: no 横-2; the page opens the draft made the first time and says so.
    again = town_staff.post(reverse("cases:case_adopt", args=[case.pk]), {"municipality": town.code}, follow=True)
    assert again.redirect_chain[-1][0].endswith(f"/measures/{measure.pk}/")
    assert f"すでに {measure.number}「{measure.title}」として計画に取り入れています" in again.content.decode()
    assert CaseAdoption.objects.filter(case=case).count() == 1
    assert Measure.objects.filter(plan__municipality=town, adopted_from__case_link__case=case).count() == 1


def test_it_refuses_to_adopt_an_unpublished_or_own_case(town, draft):
    plan = town.plans.first()
    with pytest.raises(ValidationError, match="公開されている"):
        services.case_adopt(case=draft, plan=plan)
    Case.objects.filter(pk=draft.pk).update(status="published")
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="自分の自治体"):
        services.case_adopt(case=draft, plan=plan)


def test_it_asks_for_a_source_before_review(town_staff, town):
    case = services.case_save(
        municipality=town, title="出典のない事例", summary="要約", actions="内容", theme="divide", kind="service"
    )
    response = town_staff.post(reverse("cases:case_status", args=[case.pk]), {"action": "submit"}, follow=True)
    assert "出典" in response.content.decode()
    assert "確認を依頼する前に" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "draft"


def test_a_second_tab_confirming_the_same_adoption_opens_the_draft_the_first_made(town_staff, town, monkeypatch):
    """Both tabs passed the check before either made the draft: the service refuses the second, and the page
    opens the first draft instead of showing an error."""
    from banso.cases import services as case_services

    case = Case.objects.get(seed_key="owani-care-certification-lowcode")
    policy = town.plans.first().policies.order_by("number").first()
    url = reverse("cases:case_adopt", args=[case.pk])
    assert town_staff.post(url, {"municipality": town.code, "policy": policy.pk}).status_code == 302
    first = Measure.objects.get(plan__municipality=town, adopted_from__case_link__case=case)
    from banso.programs.services import AlreadyAdopted

    monkeypatch.setattr(case_services, "adopted_case_measure", lambda case, plan: None)  # the page saw nothing yet

    def made_meanwhile(**kwargs):
        raise AlreadyAdopted(first)  # ... and the service found the first tab's draft

    monkeypatch.setattr(case_services, "case_adopt", made_meanwhile)
    again = town_staff.post(url, {"municipality": town.code, "policy": policy.pk})
    assert again["Location"].endswith(f"/measures/{first.pk}/")
    assert CaseAdoption.objects.filter(case=case).count() == 1
