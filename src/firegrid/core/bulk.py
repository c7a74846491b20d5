"""Inserting many rows fast: ids reserved up front, then one executemany (SQLite) or COPY
(PostgreSQL) instead of `bulk_create`.

`bulk_create` prepares every value of every row through the field API and, on SQLite, splits
the rows into INSERTs of 999 parameters; for 100,000 rows of 40 columns that is most of an
import's time. Callers give rows of plain Python values already in the column's type (numbers,
str, bool, None, aware datetimes, dict/list for JSON columns). Run inside a transaction.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, in ascending order.

    PostgreSQL draws them from the table's sequence (safe with concurrent writers). SQLite has
    one writer: inside the caller's (IMMEDIATE) transaction, max(id) + 1 … is ours.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608
        start = int(cursor.fetchone()[0]) + 1
        # Never reuse an id of a deleted row (AUTOINCREMENT tables keep the high-water mark).
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row and row[0] is not None:
                start = max(start, int(row[0]) + 1)
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` (tuples in the order of `columns`, the db column names) into `model`."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    json_positions = [
        i for i, column in enumerate(columns) if isinstance(_field(model, column), models.JSONField)
    ]
    if connection.vendor == "postgresql":
        _copy(table, names, rows, json_positions)
        return
    datetime_positions = [
        i
        for i, column in enumerate(columns)
        if isinstance(_field(model, column), models.DateTimeField)
    ]
    prepared = _sqlite_rows(rows, json_positions, datetime_positions)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608


def _field(model: type[models.Model], column: str) -> Any:
    return next(f for f in model._meta.concrete_fields if f.column == column)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_rows(
    rows: Sequence[Sequence[Any]], json_positions: list[int], datetime_positions: list[int]
) -> list[list[Any]]:
    """JSON as text; datetimes as Django's SQLite backend stores them (naive UTC)."""
    prepared = []
    for row in rows:
        values = list(row)
        for i in json_positions:
            values[i] = _dumps(values[i])
        for i in datetime_positions:
            value = values[i]
            if isinstance(value, datetime.datetime):
                if timezone.is_aware(value):
                    value = timezone.make_naive(value, datetime.UTC)
                values[i] = value.isoformat(" ")
        prepared.append(values)
    return prepared


def _copy(table: str, names: str, rows: Sequence[Sequence[Any]], json_positions: list[int]) -> None:
    from psycopg.types.json import Jsonb

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                if json_positions:
                    row = list(row)
                    for i in json_positions:
                        row[i] = Jsonb(row[i])
                copy.write_row(row)


@contextlib.contextmanager
def large_write_cache(megabytes: int = 256) -> Iterator[None]:
    """On SQLite, a page cache big enough for a bulk write's indexes while it runs.

    SQLite's default cache (~2 MB) makes 100,000 inserts into a table with ten indexes of
    random text keys page in and out of the OS; other backends manage their own buffers.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
