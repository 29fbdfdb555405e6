"""On PostgreSQL the case index moves into a GIN index over each case's tokens (ADR 15), as it moved into FTS5 on
SQLite (0003); the table of rows goes on both. The index is rebuilt by the next worker that starts: the rules
fingerprint changed with the weights' steps."""

from django.db import migrations

NAME = "cases_caseposting"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # What banso.text.search.GinPostings reads and writes; written out here, as a migration must stay as it ran.
    # No foreign key to the case: a case's deletion removes its tokens through the index (a post_delete receiver),
    # which also counts them out of the documents per token.
    schema_editor.execute(f"CREATE TABLE {NAME}_tokens (obj integer PRIMARY KEY, tokens bigint[] NOT NULL)")
    schema_editor.execute(f"CREATE INDEX {NAME}_tokens_gin ON {NAME}_tokens USING gin (tokens)")
    schema_editor.execute(f"CREATE TABLE {NAME}_vocab (token bigint PRIMARY KEY, documents integer NOT NULL)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {NAME}_tokens, {NAME}_vocab")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_postings_in_fts5")]

    operations = [migrations.RunPython(create, drop), migrations.DeleteModel(name="CasePosting")]
