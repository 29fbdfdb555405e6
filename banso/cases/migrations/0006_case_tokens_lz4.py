"""On PostgreSQL each case's tokens (a few kilobytes, stored compressed) are compressed with lz4 rather than
PostgreSQL's own pglz: writing them took half the time of a rebuild's COPY, for a tenth more on disk (ADR 15).
A server built without lz4 keeps pglz; nothing else changes."""

from django.db import migrations

NAME = "cases_caseposting"


def lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DO $$ BEGIN ALTER TABLE {NAME}_tokens ALTER COLUMN tokens SET COMPRESSION lz4; "
        "EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
    )


def pglz(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {NAME}_tokens ALTER COLUMN tokens SET COMPRESSION pglz")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_hit_fields_index")]

    operations = [migrations.RunPython(lz4, pglz)]
