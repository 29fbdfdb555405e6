"""A town's own list values (「紙・手書き」「会計年度任用職員」) mean what Banso's do: the analysis counts by meaning."""

from django.urls import reverse

from banso.survey import selectors
from banso.survey.models import SurveyRound, SurveyTask
from banso.survey.tests.helpers import lists_form_data


def figures(survey_round) -> dict:
    """What a DX officer reads off the analysis page, without the labels."""
    survey_round.refresh_from_db()  # as the page reads it: the analysis is cached under the round's last change
    result = selectors.analysis_of(survey_round)
    return {
        "hours": result.total_hours,
        "media hours": sorted(g["hours"] for g in result.by_medium),
        "status hours": sorted(g["hours"] for g in result.by_status),
        "candidates": [(c.task["id"], c.score, c.parts, [s[0] for s in c.savings]) for c in result.candidates],
    }


def test_renaming_list_values_changes_no_figure(town_staff, town):
    survey_round = SurveyRound.objects.get(municipality=town)
    before = figures(survey_round)
    assert SurveyTask.objects.filter(survey_round=survey_round, medium="紙").exists()
    url = reverse("survey:round_options", args=[town.code, survey_round.pk])
    for option, new_name in (
        ("medium|紙", "紙・手書き"),
        ("digital_status|済", "デジタル化済み"),
        ("medium|Excel", "表計算"),
    ):
        response = town_staff.post(url, {"rename": "1", "option": option, "new_value": new_name})
        assert response.status_code == 302, response.content.decode()
    assert not SurveyTask.objects.filter(survey_round=survey_round, medium="紙").exists()
    assert SurveyTask.objects.filter(survey_round=survey_round, medium="紙・手書き").exists()
    assert figures(survey_round) == before
    labels = [g["label"] for g in selectors.analysis_of(SurveyRound.objects.get(pk=survey_round.pk)).by_medium]
    assert "紙・手書き" in labels and "紙" not in labels


def test_a_towns_own_value_counts_as_what_it_means(town_staff, town):
    survey_round = SurveyRound.objects.get(municipality=town)
    task = SurveyTask.objects.filter(survey_round=survey_round, medium="基幹システム", annual_hours__gt=0).first()
    url = reverse("survey:round_options", args=[town.code, survey_round.pk])
    data = lists_form_data(survey_round)
    data["medium__paper"] += "\n紙媒体"
    assert town_staff.post(url, data).status_code == 302
    SurveyTask.objects.filter(pk=task.pk).update(medium="紙媒体", digital_status="未", annual_count=500)
    survey_round.refresh_from_db()
    found = {c.task["id"]: c for c in selectors.analysis_of(survey_round, top=10_000).candidates}[task.pk]
    assert found.parts["manual"] == 20  # paper, though the town calls it 紙媒体
    assert {"paperless", "ocr"} <= {kind for kind, *_ in found.savings}
    assert "紙媒体" in " ".join(found.reasons)


def test_a_value_under_two_meanings_or_without_one_is_refused_and_nothing_changes(town_staff, town):
    survey_round = SurveyRound.objects.get(municipality=town)
    url = reverse("survey:round_options", args=[town.code, survey_round.pk])
    lists_before = list(survey_round.options.values_list("kind", "value", "meaning"))
    data = lists_form_data(survey_round)
    data["medium__core_system"] += "\n紙"
    page = town_staff.post(url, data).content.decode()
    assert "「紙」が二つの意味に書かれています" in page
    response = town_staff.post(url, {"rename": "1", "option": "medium|紙", "new_value": "Excel"})
    assert "「Excel」はすでにあります" in response.content.decode()
    assert list(survey_round.options.values_list("kind", "value", "meaning")) == lists_before


def test_an_import_renamed_after_it_was_made_rolls_back_to_the_new_name(town, tmp_path):
    from banso.orgs.models import Department
    from banso.survey import services
    from banso.survey.tests.helpers import own_workbook, row, run_import

    survey_round = SurveyRound.objects.get(municipality=town)
    department = Department.objects.get(municipality=town, name="議会事務局")
    run_import(
        own_workbook(tmp_path / "a.xlsx", survey_round, department, [row("請願の受付", medium="紙")]), survey_round
    )
    task = SurveyTask.objects.get(survey_round=survey_round, name="請願の受付")
    changed = [row("請願の受付", row_key=str(task.row_key), medium="Excel")]
    batch = run_import(own_workbook(tmp_path / "b.xlsx", survey_round, department, changed), survey_round)
    services.option_rename(survey_round=survey_round, kind="medium", value="紙", new_value="紙・手書き")
    batch.refresh_from_db()  # as the rollback page reads it
    services.import_rollback(batch=batch)
    task.refresh_from_db()
    assert task.medium == "紙・手書き"  # what the answer was, under the name the list has now
