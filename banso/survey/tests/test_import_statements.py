"""An import writes its rows in a fixed number of statements, whatever the number of rows (the figures of speed
are printed by benchmarks/survey_bench.py), and what it leaves to the database is stored as the form would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banso.orgs.models import Department
from banso.survey import services
from banso.survey.models import ImportBatch, SurveyRound, SurveyTask
from banso.survey.tests.helpers import own_workbook, row, run_import
from banso.survey.tests.test_column_sets import mapped_import, mic_file, mic_round  # noqa: F401 (a fixture)


@pytest.fixture
def survey_round(town):
    return SurveyRound.objects.get(municipality=town)


def statements_of_import(survey_round, department, tmp_path, rows: int) -> int:
    path = own_workbook(
        tmp_path / f"{rows}.xlsx",
        survey_round,
        department,
        [row(f"業務{i}", annual_count=2, minutes_per_case=1) for i in range(rows)],
    )
    with CaptureQueriesContext(connection) as queries:
        batch = run_import(path, survey_round)
    assert batch.status == ImportBatch.Status.APPLIED and batch.created_count == rows, batch.problems[:2]
    return len(queries)


def test_an_import_costs_the_same_statements_for_a_hundred_rows_as_for_nine_hundred(
    survey_round, town, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "PROGRESS_INTERVAL_SECONDS", 3600)  # progress is written by time, not by rows
    small = statements_of_import(
        survey_round, Department.objects.get(municipality=town, name="議会事務局"), tmp_path, 100
    )
    large = statements_of_import(
        survey_round, Department.objects.get(municipality=town, name="税務課"), tmp_path, 900
    )
    assert small == large


def test_what_a_round_does_not_ask_is_stored_empty_as_a_form_would_store_it(mic_round, tmp_path):  # noqa: F811
    mapped_import(mic_round, mic_file(tmp_path))
    task = SurveyTask.objects.get(survey_round=mic_round, name="会議録の作成")
    # Columns the 業務説明表 does not have: left out of the INSERT, filled by the database.
    assert (task.medium, task.staff_type, task.issues, task.measure_note) == ("", "", "", "")
    assert (task.has_seal, task.minutes_per_case, task.marked_by, task.to_become_measure) == (
        None,
        None,
        None,
        False,
    )
    # What it has, as the file says it.
    assert (task.reference_number, task.outcome_indicator, task.system_cost_thousand_yen) == (
        "1-002",
        "公開までの日数",
        1200,
    )
    assert task.extra == {"備考": "委託"} and str(task.annual_hours) == "900.0"
