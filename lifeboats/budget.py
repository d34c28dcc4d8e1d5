"""The shared Flickr API budget kept in the database, and the choice of store for it.

The row is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite transactions here are
IMMEDIATE, which serialises writers) only while one slot is reserved, never while sleeping.
Time comes from the database's own clock, so workers on machines whose clocks disagree
still share one timeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from flickr.ratelimit import RateBudget, RedisBudget, ReservingBudget, interval_for, reserve_slot
from lifeboats.models import FlickrBudget

# The Unix epoch as a Julian day number, for SQLite's julianday().
UNIX_EPOCH_JULIAN_DAY = 2440587.5

DATABASE_NOW_SQL = {
    # clock_timestamp(), not now(): now() is frozen at the start of the transaction, which
    # may be long before the row lock was granted.
    "postgresql": "SELECT EXTRACT(EPOCH FROM clock_timestamp())",
    "sqlite": f"SELECT (julianday('now') - {UNIX_EPOCH_JULIAN_DAY}) * 86400.0",
}


def database_now(using: str = DEFAULT_DB_ALIAS) -> float:
    """Seconds since the epoch on the database server's clock (this machine's for others)."""
    connection = connections[using]
    sql = DATABASE_NOW_SQL.get(connection.vendor)
    if sql is None:
        return time.time()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        (now,) = cursor.fetchone()
    return float(now)


class DatabaseBudget(ReservingBudget):
    """A budget shared by every process that uses the same database, kept in one row.

    Call `acquire()` outside any transaction: inside one, the row would stay locked until
    that transaction ends, and every other worker would wait for it.
    """

    def __init__(
        self,
        rate_per_hour: float,
        *,
        name: str = "flickr-api",
        using: str = DEFAULT_DB_ALIAS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(sleep=sleep)
        self.rate_per_hour = rate_per_hour
        self.interval = interval_for(rate_per_hour)
        self.name = name
        self.using = using

    def reserve(self) -> float:
        with transaction.atomic(using=self.using):
            row = self._locked_row()
            now = database_now(self.using)
            slot, row.next_free_at = reserve_slot(now, row.next_free_at, self.interval)
            row.save(using=self.using, update_fields=["next_free_at", "updated_at"])
        return slot - now

    def _locked_row(self) -> FlickrBudget:
        rows = FlickrBudget.objects.using(self.using).select_for_update()
        try:
            return rows.get(name=self.name)
        except FlickrBudget.DoesNotExist:
            # get_or_create catches the unique violation of a concurrent first use and
            # reads (and locks) the row the other process created.
            row, _created = rows.get_or_create(name=self.name)
            return row

    def __repr__(self) -> str:
        return f"DatabaseBudget({self.rate_per_hour!r}, name={self.name!r})"


def shared_budget() -> RateBudget:
    """The budget every worker shares: Redis when `REDIS_URL` is set, else the database."""
    rate = settings.FLICKR_RATE_LIMIT_PER_HOUR
    if settings.REDIS_URL:
        return RedisBudget(settings.REDIS_URL, rate)
    return DatabaseBudget(rate)
