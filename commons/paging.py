"""Keyset pagination for the catalogue's long lists (photos newest first, recent comments).

A page is asked for by a cursor, the (timestamp, pk) of the row it continues from, rather
than by a page number: reading page 2,000 of a member with a million photos costs the same
as reading page 1, because the query starts from the cursor in the index instead of
counting past every row before it (OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (`moment`, `pk`), written `<microseconds>_<pk>`."""

    moment: datetime
    pk: int

    def __str__(self) -> str:
        return f"{(self.moment - EPOCH) // ONE_MICROSECOND}_{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor `text` names, or None when it is missing or malformed."""
        micros, _, pk = (text or "").partition("_")
        try:
            return cls(EPOCH + int(micros) * ONE_MICROSECOND, int(pk))
        except (ValueError, OverflowError):
            return None


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page of rows, newest first, with the cursors of its neighbours (None at an end)."""

    items: list[M]
    newer: Cursor | None
    older: Cursor | None

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def keyset_page(
    rows: QuerySet[M], *, field: str, size: int, before: str | None, after: str | None
) -> KeysetPage[M]:
    """The `size` rows of `rows` (newest `field` first) just older than cursor `before`, or
    just newer than cursor `after`; the newest rows when neither is given."""
    newer_than = Cursor.parse(after)
    if newer_than is not None:
        page = _page_newer_than(rows, newer_than, field=field, size=size)
        if page is not None:
            return page
    older_than = Cursor.parse(before)
    ordered = rows.order_by(f"-{field}", "-pk")
    if older_than is not None:
        ordered = ordered.filter(_beyond(field, older_than, "lt"))
    found = list(ordered[: size + 1])
    items = found[:size]
    return KeysetPage(
        items=items,
        newer=_cursor(items[0], field) if older_than is not None and items else None,
        older=_cursor(items[-1], field) if len(found) > size else None,
    )


def _page_newer_than(
    rows: QuerySet[M], cursor: Cursor, *, field: str, size: int
) -> KeysetPage[M] | None:
    """The page just newer than `cursor`; None when it would reach the newest row, since the
    first page (always full) is then the better page to show."""
    found = list(rows.filter(_beyond(field, cursor, "gt")).order_by(field, "pk")[: size + 1])
    if len(found) <= size:
        return None
    items = list(reversed(found[:size]))
    return KeysetPage(items=items, newer=_cursor(items[0], field), older=_cursor(items[-1], field))


def _beyond(field: str, cursor: Cursor, direction: str) -> Q:
    """Rows strictly past `cursor` in `direction` ("lt" or "gt") of (`field`, pk).

    The redundant `field <= moment` (or `>=`) bound lets the database walk the
    (`field`, pk) index from the cursor instead of filtering the whole list."""
    inclusive = {"lt": "lte", "gt": "gte"}[direction]
    return Q(**{f"{field}__{inclusive}": cursor.moment}) & (
        Q(**{f"{field}__{direction}": cursor.moment})
        | Q(**{field: cursor.moment, f"pk__{direction}": cursor.pk})
    )


def _cursor(row: Model, field: str) -> Cursor:
    return Cursor(getattr(row, field), row.pk)
