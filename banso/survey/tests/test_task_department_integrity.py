"""Every survey task names a department that exists, on both databases: SQLite by its foreign key, PostgreSQL by
a check per statement (migration 0008, ADR 18), whichever way the task is written and however the department
would go."""

from concurrent.futures import ThreadPoolExecutor, wait
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from banso.core.bulk import rows_insert
from banso.orgs.models import Department
from banso.survey.models import SurveyRound, SurveyTask


def _refused(write) -> None:
    """The write fails, at once on PostgreSQL and at the check of deferred constraints on SQLite."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        connection.check_constraints()


@pytest.fixture
def survey_round(town):
    return SurveyRound.objects.get(municipality=town)


@pytest.fixture
def gone(town) -> int:
    """The id of a department that no longer exists."""
    department = Department.objects.create(municipality=town, name="廃止された課")
    department_id = department.pk
    department.delete()
    return department_id


def test_a_task_naming_no_department_is_refused(survey_round, gone):
    _refused(lambda: SurveyTask.objects.create(survey_round=survey_round, department_id=gone, name="業務"))


def test_an_import_naming_no_department_is_refused(survey_round, town, gone):
    department = Department.objects.get(municipality=town, name="会計課")
    names = ["survey_round_id", "department_id", "row_key", "name", "created_at", "updated_at"]
    names += ["annual_hours", "missing_answers", "extra"]
    now = survey_round.created_at

    def rows():  # as an import writes them: by COPY on PostgreSQL
        yield [survey_round.pk, department.pk, "0" * 31 + "1", "業務1", now, now, Decimal(1), 0, "{}"]
        yield [survey_round.pk, gone, "0" * 31 + "2", "業務2", now, now, Decimal(1), 0, "{}"]

    _refused(lambda: rows_insert(SurveyTask, names, rows()))
    assert not SurveyTask.objects.filter(name__in=["業務1", "業務2"]).exists()


def test_a_task_moved_to_no_department_is_refused(survey_round, gone):
    task = SurveyTask.objects.filter(survey_round=survey_round).first()
    _refused(lambda: SurveyTask.objects.filter(pk=task.pk).update(department_id=gone))


def test_a_department_its_tasks_name_cannot_be_deleted_even_around_django(survey_round, town):
    department = Department.objects.create(municipality=town, name="新設の課")  # named by a task and nothing else
    SurveyTask.objects.create(survey_round=survey_round, department=department, name="業務")

    def delete():
        with connection.cursor() as cursor:  # past Django's PROTECT, as a script or a console would
            cursor.execute(f"DELETE FROM {Department._meta.db_table} WHERE id = %s", [department.pk])  # noqa: S608

    _refused(delete)
    assert Department.objects.filter(pk=department.pk).exists()


def test_a_department_without_tasks_can_still_be_deleted(town):
    department = Department.objects.create(municipality=town, name="新設の課")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Department._meta.db_table} WHERE id = %s", [department.pk])  # noqa: S608
    connection.check_constraints()
    assert not Department.objects.filter(pk=department.pk).exists()


# Two sessions at once, as two processes of one installation: each on its own connection, committing for real.
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's writers never overlap")

INSERT_TASK = (
    "INSERT INTO survey_surveytask (survey_round_id, department_id, row_key, name, created_at, updated_at, "
    "annual_hours, missing_answers, extra) VALUES (%s, %s, gen_random_uuid(), 'race', now(), now(), 0, 0, '{}')"
)


def _session():
    import psycopg

    return psycopg.connect(**connection.get_connection_params())


@pytest.fixture
def new_department(survey_round):
    """A committed department of the sample town, removed after the test with anything that names it."""
    with _session() as session:
        department_id = session.execute(
            'INSERT INTO orgs_department (municipality_id, name, "order", head_name, head_email, is_active, '
            "created_at, updated_at) VALUES (%s, '競合テスト課', 0, '', '', true, now(), now()) RETURNING id",
            [survey_round.municipality_id],
        ).fetchone()[0]
    yield department_id
    with _session() as session:
        session.execute("DELETE FROM survey_surveytask WHERE department_id = %s", [department_id])
        session.execute("DELETE FROM orgs_department WHERE id = %s", [department_id])


@postgresql_only
def test_a_deletion_waits_for_a_writer_of_its_tasks_and_is_then_refused(survey_round, new_department):
    import psycopg

    with _session() as writer, _session() as deleter, ThreadPoolExecutor(1) as background:
        writer.execute(INSERT_TASK, [survey_round.pk, new_department])  # not committed yet
        deletion = background.submit(
            deleter.execute, "DELETE FROM orgs_department WHERE id = %s", [new_department]
        )
        assert not wait([deletion], timeout=0.5).done  # waiting for the writer's lock
        writer.commit()
        assert isinstance(deletion.exception(timeout=10), psycopg.errors.ForeignKeyViolation)


@postgresql_only
def test_a_writer_waits_for_a_deletion_of_its_department_and_is_then_refused(survey_round, new_department):
    import psycopg

    with _session() as writer, _session() as deleter, ThreadPoolExecutor(1) as background:
        deleter.execute("DELETE FROM orgs_department WHERE id = %s", [new_department])  # not committed yet
        writing = background.submit(writer.execute, INSERT_TASK, [survey_round.pk, new_department])
        assert not wait([writing], timeout=0.5).done  # waiting for the deletion's lock
        deleter.commit()
        assert isinstance(writing.exception(timeout=10), psycopg.errors.ForeignKeyViolation)
