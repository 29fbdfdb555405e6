"""On SQLite the case index moves into FTS5 (ADR 15); PostgreSQL's moves into a GIN index in 0004. The index is
rebuilt by the next worker that starts: the rules fingerprint changed with the weights' steps."""

from django.db import migrations

TABLE = "cases_caseposting"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    # What banso.text.search.Fts5Postings reads and writes; written out here, as a migration must stay as it ran.
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(tokens, content='', detail=none, columnsize=0, tokenize='ascii')"
    )
    schema_editor.execute(f"CREATE VIRTUAL TABLE {TABLE}_fts_row USING fts5vocab({TABLE}_fts, 'row')")
    schema_editor.execute(f"CREATE VIRTUAL TABLE {TABLE}_fts_instance USING fts5vocab({TABLE}_fts, 'instance')")
    schema_editor.execute(f"CREATE TABLE {TABLE}_fts_doc (obj INTEGER PRIMARY KEY, tokens BLOB NOT NULL)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in (f"{TABLE}_fts_row", f"{TABLE}_fts_instance", f"{TABLE}_fts", f"{TABLE}_fts_doc"):
        schema_editor.execute(f"DROP TABLE IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_index_builds")]

    operations = [migrations.RunPython(create, drop)]
