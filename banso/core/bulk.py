"""Write many rows of one model at the speed of the database, not of the ORM.

`bulk_create` builds every value of every row through each field's preparation and the SQL compiler: for a
50,000-row survey of 45 columns that was two thirds of an import. Here each column's preparation is chosen
once (`column_preparers`) — nothing at all for text, numbers, decimals and booleans, whose Python values the
drivers take as they are — and the rows go to the database by COPY on PostgreSQL and by sqlite3's own
`executemany` on SQLite.

Like `bulk_create`, this sends no signals and calls no `save()`: callers use it only for models whose writes
need neither (survey answers, search postings), and record what they wrote themselves.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Fields whose Python value (str, int, bool, Decimal) every supported driver stores as it is.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DecimalField,
    models.ForeignKey,
)


def column_preparers(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    """For each field name (an attribute name: `department_id` for a foreign key), the function that turns a
    Python value into what the database driver takes."""
    preparers: list[Callable[[Any], Any]] = []
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy looked up on every value
    for name in names:
        field = _concrete_field(model, name)
        if isinstance(field, _AS_IS) and not isinstance(field, models.AutoField):
            preparers.append(as_is)
        elif isinstance(field, models.DateTimeField) and database.vendor == "postgresql":
            # ISO 8601 text with its offset, which COPY reads into a timestamptz as it is: psycopg's own datetime
            # dumper took two thirds of the time of formatting a survey task's row.
            preparers.append(functools.partial(_iso_text, field, database))
        elif isinstance(field, models.JSONField):
            # The JSON text itself, which both databases read into the column: the driver's own JSON wrapper
            # would be encoded again for every row, even for the same empty {} that most rows carry.
            preparers.append(functools.partial(_json_text, field.encoder))
        else:
            preparers.append(functools.partial(_prepare, field, database))
    return preparers


def _prepare(field: models.Field[Any, Any], database: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, database)


def _iso_text(field: models.Field[Any, Any], database: Any, value: Any) -> str | None:
    prepared = field.get_db_prep_save(value, database)
    return None if prepared is None else prepared.isoformat()


def _json_text(encoder: type[json.JSONEncoder] | None, value: Any) -> str | None:
    return None if value is None else json.dumps(value, cls=encoder)


def as_is(value: Any) -> Any:
    """The preparer of a field whose value the driver takes as it is (callers may skip calling it)."""
    return value


def rows_insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows of prepared values (in the order of `names`, attribute names); the number written."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(_concrete_field(model, n).column)) for n in names)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no COPY
            # Its errors as Django's (IntegrityError …), as every other statement raises them.
            with connection.wrap_database_errors, raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:

            def counted() -> Iterator[Sequence[Any]]:
                nonlocal written
                for row in rows:
                    written += 1
                    yield row

            # sqlite3's own executemany, which takes the rows as they come: Django's wrapper makes a list first.
            connection.ensure_connection()
            connection.connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})",  # noqa: S608 (quoted names)
                counted(),
            )
    return written


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The concrete field by its name or its attribute name (`department` or `department_id`)."""
    return next(f for f in model._meta.concrete_fields if name in (f.name, f.attname))
