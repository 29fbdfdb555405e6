from io import StringIO

import pytest
from django.core.management import call_command

from banso.cli import main, to_management_argv
from banso.core.audit import acting_as
from banso.core.models import AuditEntry
from banso.orgs.models import Department, Membership, User


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["orgs", "load"], ["orgs_load"]),
        (
            ["survey", "import", "--municipality", "999997", "a.xlsx"],
            ["survey_import", "--municipality", "999997", "a.xlsx"],
        ),
        (["demo"], ["demo"]),
        (["serve", "--port", "9000"], ["serve", "--port", "9000"]),
        (["manage", "migrate"], ["migrate"]),
        (["help", "survey", "import"], ["help", "survey_import"]),
    ],
)
def test_it_maps_subcommands_to_management_commands(argv, expected):
    assert to_management_argv(argv) == expected


def test_it_lists_the_commands_as_the_readme_writes_them(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    for typed in (
        "survey import",
        "survey analyze",
        "plan export",
        "plan import",
        "remind",
        "cases search",
        "serve",
    ):
        assert f"  {typed} " in out
    assert "survey_import" not in out
    assert "banso manage" in out


def test_it_runs_the_demo_twice_without_duplicating(db):
    before = (User.objects.count(), Department.objects.count(), Membership.objects.count())
    out = StringIO()
    call_command("demo", "--skip-master", stdout=out)
    call_command("demo", "--skip-master", stdout=out)
    assert (User.objects.count(), Department.objects.count(), Membership.objects.count()) == before
    assert "dx-staff" in out.getvalue()
    assert "banso-demo" in out.getvalue()


def test_it_records_create_update_and_delete_with_the_actor(db, town):
    with acting_as(None, label="test"):
        department = Department.objects.create(municipality=town, name="監査テスト課")
        department.name = "監査テスト室"
        department.save()
        department.save()  # nothing changed: no entry
        pk = department.pk
        department.delete()
    entries = list(AuditEntry.objects.filter(content_type__model="department", object_id=str(pk)).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].before["name"] == "監査テスト課"
    assert entries[1].after["name"] == "監査テスト室"
    assert entries[1].changed_fields == ["name"]
    assert all(e.actor_label == "test" and e.municipality_id == town.pk for e in entries)
