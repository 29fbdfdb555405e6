import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from banso.orgs.models import Department
from banso.survey import services, sheet
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import (
    HEADERS,
    as_list,
    lists_form_data,
    meta_for,
    own_workbook,
    raw_workbook,
    read_cells,
    row,
    run_import,
)


@pytest.fixture
def survey_round(town):
    return SurveyRound.objects.get(municipality=town)


def upload(client, survey_round, path, **extra):
    with path.open("rb") as fh:
        return client.post(
            reverse("survey:import_upload", args=[survey_round.municipality.code, survey_round.pk]),
            {"file": fh, **extra},
        )


def test_it_lets_a_department_send_its_own_sheet_from_the_browser(dept_staff, survey_round, department, tmp_path):
    tasks = list(SurveyTask.objects.filter(department=department))
    values = [{**row(t.name), "row_key": str(t.row_key)} for t in tasks] + [row("住民異動届の郵送受付")]
    response = upload(
        dept_staff, survey_round, own_workbook(tmp_path / "s.xlsx", survey_round, department, values)
    )
    batch = ImportBatch.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/imports/{batch.pk}/")
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.uploaded_by.username == "dept-staff"
    assert (batch.created_count, batch.updated_count) == (1, len(tasks))
    page = dept_staff.get(response["Location"]).content.decode()
    assert "取り込みました" in page


def test_it_refuses_another_departments_sheet_from_department_staff(dept_staff, survey_round, town, tmp_path):
    other = Department.objects.get(municipality=town, name="総務課")
    before = SurveyTask.objects.filter(department=other).count()
    upload(dept_staff, survey_round, own_workbook(tmp_path / "o.xlsx", survey_round, other, [row("よその業務")]))
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.HAS_ERRORS
    assert "自分の部署の回答だけ" in batch.problems[-1]["message"]
    assert SurveyTask.objects.filter(department=other).count() == before


def test_it_shows_the_problems_with_sheet_row_and_column(town_staff, survey_round, town, tmp_path):
    department = Department.objects.get(municipality=town, name="議会事務局")
    path = raw_workbook(
        tmp_path / "bad.xlsx",
        meta=meta_for(survey_round, department),
        header=HEADERS,
        rows=[as_list(row("請願", annual_count="多い"))],
    )
    response = upload(town_staff, survey_round, path)
    page = town_staff.get(response["Location"]).content.decode()
    assert "何も登録していません" in page
    assert sheet.DATA_SHEET in page
    assert "年間件数" in page
    assert "数値ではありません" in page


def test_it_says_what_is_wrong_with_a_file_that_is_not_a_workbook(town_staff, survey_round, tmp_path):
    path = tmp_path / "memo.xlsx"
    path.write_text("これは表計算ではありません")
    response = upload(town_staff, survey_round, path)
    page = town_staff.get(response["Location"]).content.decode()
    assert "Excel ブック（.xlsx）ではありません" in page


def test_it_polls_progress_as_a_partial_for_htmx(town_staff, survey_round):
    batch = survey_round.imports.first()
    url = reverse("survey:import", args=[survey_round.municipality.code, survey_round.pk, batch.pk])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    response = town_staff.get(url, {"poll": 1}, headers={"HX-Request": "true"})
    assert response.content.decode().startswith('<div id="import-status"')
    assert "HX-Redirect" not in response


def test_a_poll_that_finds_the_import_finished_shows_the_whole_page_again(town_staff, survey_round):
    batch = survey_round.imports.first()
    url = reverse("survey:import", args=[survey_round.municipality.code, survey_round.pk, batch.pk])
    response = town_staff.get(url, {"poll": 1}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == url  # with its problems to fix and the rollback, outside the polled part
    page = town_staff.get(url).content.decode()
    assert "状況: 取り込み済" in page and "この取り込みを取り消す" in page


def test_rolling_back_an_import_a_later_one_followed_says_which_first_and_changes_nothing(
    town_staff, survey_round, town, tmp_path
):
    department = Department.objects.get(municipality=town, name="会計課")
    first = run_import(
        own_workbook(tmp_path / "1.xlsx", survey_round, department, [row("新しい業務")]), survey_round
    )
    run_import(own_workbook(tmp_path / "2.xlsx", survey_round, department, [row("別の新しい業務")]), survey_round)
    before = SurveyTask.objects.filter(survey_round=survey_round).count()
    response = town_staff.post(
        reverse("survey:import_rollback", args=[town.code, survey_round.pk, first.pk]), follow=True
    )
    assert (
        "その後の取り込みで同じ部署の回答が変わっています。先にそちらを取り消してください"
        in response.content.decode()
    )
    assert SurveyTask.objects.filter(survey_round=survey_round).count() == before
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.APPLIED


def test_it_shows_completeness_and_what_to_chase(town_staff, survey_round):
    page = town_staff.get(
        reverse("survey:round", args=[survey_round.municipality.code, survey_round.pk])
    ).content.decode()
    assert "議会事務局" in page
    assert "未提出" in page
    assert "未回答あり" in page
    assert "督促が必要な部署" in page


def test_it_ranks_candidates_and_finds_duplicates_across_departments(town_staff, survey_round):
    page = town_staff.get(
        reverse("survey:analysis", args=[survey_round.municipality.code, survey_round.pk])
    ).content.decode()
    assert "要介護認定の申請受付と訪問調査" in page
    assert "文書の収受・発送" in page  # 総務課 and 企画政策課 do the same work
    assert "文書収受事務" in page
    assert "スコア" in page


def test_it_marks_a_task_to_become_a_measure(town_staff, survey_round):
    task = survey_round.tasks.get(name="要介護認定の申請受付と訪問調査")
    town_staff.post(
        reverse("survey:task_mark", args=[survey_round.municipality.code, survey_round.pk, task.pk]), {"mark": "1"}
    )
    task.refresh_from_db()
    assert task.to_become_measure
    assert task.marked_by.username == "dx-staff"


def test_it_never_exports_a_formula(town_staff, survey_round, town):
    department = Department.objects.get(municipality=town, name="会計課")
    SurveyTask.objects.filter(department=department).update(name='=HYPERLINK("http://x")')
    content = town_staff.get(reverse("survey:analysis_export", args=[town.code, survey_round.pk])).content
    cells = [str(c) for r in read_cells(content, "デジタル化候補") for c in r]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    sheet_content = town_staff.get(
        reverse("survey:template", args=[town.code, survey_round.pk, department.pk])
    ).content
    assert all(not str(c).startswith("=") for r in read_cells(sheet_content, sheet.DATA_SHEET) for c in r)


def test_it_loads_the_round_and_analysis_pages_in_a_fixed_number_of_queries(
    town_staff, survey_round, django_assert_max_num_queries
):
    code = survey_round.municipality.code
    with django_assert_max_num_queries(16):
        assert town_staff.get(reverse("survey:round", args=[code, survey_round.pk])).status_code == 200
    url = reverse("survey:analysis", args=[code, survey_round.pk])
    with django_assert_max_num_queries(13):  # computing the analysis, with what the round's list values mean
        assert town_staff.get(url).status_code == 200
    with django_assert_max_num_queries(9):  # from the cache, decisions and marks laid over it
        assert town_staff.get(url).status_code == 200


def test_it_keeps_lists_that_answers_use(town_staff, survey_round):
    url = reverse("survey:round_options", args=[survey_round.municipality.code, survey_round.pk])
    data = lists_form_data(survey_round)
    data["medium__spreadsheet"] = ""  # Excel dropped, though answers use it
    response = town_staff.post(url, data)
    assert "Excel" in response.content.decode()
    assert "削除できません" in response.content.decode()
    assert "Excel" in services.options_of(survey_round)["medium"]


def test_it_refuses_a_status_change_that_is_not_allowed(town_staff, survey_round):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.round_change_status(survey_round=survey_round, to_status=SurveyRound.Status.DRAFT)
    services.round_change_status(survey_round=survey_round, to_status=SurveyRound.Status.CLOSED)
    assert [c.to_status for c in survey_round.status_changes.all()] == ["open", "closed"]


def test_the_cli_imports_and_exits_non_zero_with_the_report(survey_round, town, tmp_path):
    department = Department.objects.get(municipality=town, name="議会事務局")
    good = own_workbook(tmp_path / "good.xlsx", survey_round, department, [row("請願の受付")])
    out = io.StringIO()
    call_command(
        "survey_import",
        "--municipality",
        "99999",
        "--fiscal-year",
        str(survey_round.fiscal_year),
        str(good),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())[0]["created"] == 1
    bad = raw_workbook(
        tmp_path / "bad.xlsx",
        meta=meta_for(survey_round, department),
        header=HEADERS,
        rows=[as_list(row("X", medium="FAX"))],
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "survey_import",
            "--municipality",
            "999997",
            "--fiscal-year",
            str(survey_round.fiscal_year),
            str(bad),
            stdout=out,
        )
    assert "FAX" in out.getvalue()
    assert "行" in out.getvalue()


def test_the_cli_explains_a_wrong_code_or_year(survey_round):
    with pytest.raises(CommandError, match="検査数字"):
        call_command("survey_analyze", "--municipality", "999998", "--fiscal-year", "R7")
    with pytest.raises(CommandError, match="元年"):
        call_command("survey_analyze", "--municipality", "999997", "--fiscal-year", "R0")


def test_the_cli_prints_the_analysis_as_json(survey_round):
    out = io.StringIO()
    call_command(
        "survey_analyze",
        "--municipality",
        "999997",
        "--fiscal-year",
        str(survey_round.fiscal_year),
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["tasks"] == survey_round.tasks.count()
    assert data["candidates"][0]["score"] >= data["candidates"][-1]["score"]
    assert any({p["department_a"], p["department_b"]} == {"総務課", "企画政策課"} for p in data["similar_pairs"])


def test_it_shows_department_staff_the_town_totals_but_only_their_own_tasks(dept_staff, survey_round, department):
    page = dept_staff.get(
        reverse("survey:analysis", args=[survey_round.municipality.code, survey_round.pk])
    ).content.decode()
    assert "保健福祉課" in page  # the totals by department cover the town
    assert "住民票の写しの交付" in page  # their own candidate
    assert "要介護認定の申請受付と訪問調査" not in page  # another department's task
    assert "施策候補にする" not in page  # marking is for the DX office


def test_it_starts_a_survey_with_reiwa_year_and_default_lists(town_staff, town):
    from banso.orgs.models import Department

    departments = list(
        Department.objects.filter(municipality=town, name__in=["総務課", "税務課"]).values_list("pk", flat=True)
    )
    response = town_staff.post(
        reverse("survey:round_create", args=[town.code]),
        {
            "title": "追加調査",
            "fiscal_year": "令和９年度",
            "deadline": "2027-06-30",
            "hourly_cost_yen": "３，２００",
            "annual_hours_per_fte": "1800",
            "departments": departments,
        },
    )
    survey_round = SurveyRound.objects.get(title="追加調査")
    assert response.status_code == 302
    assert survey_round.fiscal_year == 2027
    assert survey_round.hourly_cost_yen == 3200
    assert set(survey_round.departments.values_list("pk", flat=True)) == set(departments)
    assert services.options_of(survey_round)["medium"] == ["紙", "Excel", "基幹システム", "その他"]


def test_it_refuses_a_survey_without_departments_or_cost(town_staff, town):
    response = town_staff.post(
        reverse("survey:round_create", args=[town.code]),
        {"title": "不完全", "fiscal_year": "R0", "deadline": "", "hourly_cost_yen": "-1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "入力内容に" in page
    assert 'aria-invalid="true"' in page
    assert not SurveyRound.objects.filter(title="不完全").exists()


def test_it_keeps_departments_that_answered_in_the_round(town_staff, survey_round, town):
    from banso.orgs.models import Department

    only = Department.objects.filter(municipality=town, name="議会事務局")
    response = town_staff.post(
        reverse("survey:round_edit", args=[town.code, survey_round.pk]),
        {
            "title": survey_round.title,
            "fiscal_year": str(survey_round.fiscal_year),
            "deadline": str(survey_round.deadline),
            "hourly_cost_yen": "3500",
            "annual_hours_per_fte": "1800",
            "departments": [d.pk for d in only],
        },
    )
    assert response.status_code == 200
    assert "外せません" in response.content.decode()
    assert survey_round.departments.count() == 12


def test_it_shows_the_survey_pages_in_english_too(town_staff, survey_round):
    town_staff.post(reverse("set_language"), {"language": "en", "next": "/"})
    code = survey_round.municipality.code
    for name in ("survey:round", "survey:analysis"):
        page = town_staff.get(reverse(name, args=[code, survey_round.pk])).content.decode()
        assert 'lang="en"' in page


def test_a_round_still_open_after_its_deadline_says_so_beside_its_status(town_staff, survey_round, town):
    import datetime as dt

    from django.utils import timezone

    pages = [
        reverse("survey:round", args=[town.code, survey_round.pk]),
        reverse("survey:rounds", args=[town.code]),
    ]
    survey_round.status = SurveyRound.Status.OPEN
    for deadline, late in ((timezone.localdate(), False), (timezone.localdate() - dt.timedelta(days=1), True)):
        survey_round.deadline = deadline  # on the deadline itself, answers are still on time
        survey_round.save(update_fields=["status", "deadline"])
        for url in pages:
            page = town_staff.get(url).content.decode()
            assert "回答受付中" in page
            assert ("締切を過ぎています" in page) is late
