"""Bulk loading and timing helpers for the PostgreSQL benchmarks (index lookup, Commons search).

Rows are generated inside PostgreSQL with `INSERT ... SELECT ... FROM generate_series(...)`;
a table's secondary indexes are dropped during the load and built again after it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any


def sql_literal(value: Any) -> str:
    """A literal for a model field's default, for the columns the load does not set."""
    import json

    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    if isinstance(value, datetime | date):
        return "now()"
    return "'" + str(value).replace("'", "''") + "'"


def insert_sql(model, explicit: dict[str, str], source: str) -> str:
    """INSERT ... SELECT with `explicit` expressions, and every other column at its default."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in explicit:
            expression = explicit[field.column]
        elif field.primary_key:
            continue
        elif field.null:
            expression = "NULL"
        else:
            expression = sql_literal(field.get_default())
        columns.append(field.column)
        values.append(expression)
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )


class without_secondary_indexes:
    """Drop a table's secondary indexes and constraints; create them again on exit."""

    def __init__(self, cursor, table: str, report) -> None:
        self.cursor, self.table, self.report = cursor, table, report

    def __enter__(self) -> None:
        cursor, table = self.cursor, self.table
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'c')",
            [table],
        )
        self.constraints = cursor.fetchall()
        names = {name for name, _definition in self.constraints}
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')",
            [table],
        )
        self.indexes = [(name, sql) for name, sql in cursor.fetchall() if name not in names]
        for name, _definition in self.constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _sql in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def __exit__(self, *exc_info: object) -> None:
        started = time.monotonic()
        for _name, sql in self.indexes:
            self.cursor.execute(sql)
        for name, definition in self.constraints:
            self.cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        self.report(
            f"  {len(self.indexes)} indexes and {len(self.constraints)} constraints created "
            f"again in {time.monotonic() - started:.0f}s"
        )


def server_milliseconds(queryset) -> float:
    """The query's execution time inside PostgreSQL (EXPLAIN ANALYZE), planning included."""
    import json

    (plan,) = json.loads(queryset.explain(analyze=True, format="json"))
    return float(plan["Planning Time"]) + float(plan["Execution Time"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def progress(message: str) -> None:
    """A line about a long load, on stderr (the figures go to stdout)."""
    print(message, file=sys.stderr, flush=True)


def bulk_load(
    fill: Callable[[Any], None],
    *,
    table: str,
    also_analyse: Sequence[str] = (),
    maintenance_work_mem: str = "512MB",
) -> tuple[str, int, float]:
    """Run `fill(cursor)` with settings for a bulk load, then analyse `table` and
    `also_analyse`. Returns the table's size with its indexes (as PostgreSQL prints it), its
    rows, and the seconds the whole load took."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
        cursor.execute("SET synchronous_commit = off")
        fill(cursor)
        for name in (table, *also_analyse):
            cursor.execute(f"ANALYZE {name}")
        cursor.execute(
            f"SELECT pg_size_pretty(pg_total_relation_size('{table}')), "
            f"(SELECT count(*) FROM {table})"
        )
        size, count = cursor.fetchone()
    seconds = time.monotonic() - started
    progress(f"loaded {count:,} rows of {table} ({size}) in {seconds:.0f}s")
    return size, count, seconds
