"""The photo index (DESIGN 4): "photo X was added to lifeboat Y on date Z".

Which lifeboats the public index shows: those the foundation approved, from the moment of
approval on, whatever happened next: `approved`, `building`, `ready` and `expired` (an expired
package was made and handed over; the index keeps saying so). Drafts, requests under review,
rejected and withdrawn requests are an organisation's private work and never appear; a failed
build appears again once it is retried (it goes back to `approved`).

For each such lifeboat the index shows the photo's state there: `included`, `excluded` with
the reason (so a photographer can see an opt-out or a refusal was honoured), or `pending`
while the build has not reached it yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from lifeboats.models import ExclusionReason, LifeboatPhoto, LifeboatStatus

PUBLIC_STATUSES: tuple[str, ...] = (
    LifeboatStatus.APPROVED,
    LifeboatStatus.BUILDING,
    LifeboatStatus.READY,
    LifeboatStatus.EXPIRED,
)

# Only the columns the answer needs: `metadata` and `files` can be large.
INDEX_COLUMNS = (
    "photo_id",
    "owner_nsid",
    "license_id",
    "state",
    "reason",
    "listing",
    "added_at",
    "decided_at",
    "removed_at",
    "lifeboat__id",
    "lifeboat__name",
    "lifeboat__status",
    "lifeboat__ready_at",
    "lifeboat__expires_at",
    "lifeboat__organisation__name",
)


def index_entries(photo_id: str) -> QuerySet[LifeboatPhoto]:
    """The photo's rows in public lifeboats, oldest first: one query on the `photo_id` index."""
    return (
        LifeboatPhoto.objects.of_photo(photo_id)
        .filter(lifeboat__status__in=PUBLIC_STATUSES)
        .select_related("lifeboat__organisation")
        .only(*INDEX_COLUMNS)
        .order_by("added_at", "lifeboat__name", "pk")
    )


def entry_as_dict(entry: LifeboatPhoto) -> dict[str, Any]:
    """One index answer: which lifeboat, whose, and what happened to the photo there."""
    lifeboat = entry.lifeboat
    return _answer(
        {
            "lifeboat_id": lifeboat.pk,
            "lifeboat_name": lifeboat.name,
            "organisation": lifeboat.organisation.name,
            "lifeboat_status": lifeboat.status,
            "state": entry.state,
            "reason": entry.reason,
            "added_at": entry.added_at,
            "decided_at": entry.decided_at,
            "removed_at": entry.removed_at,
            "ready_at": lifeboat.ready_at,
            "expires_at": lifeboat.expires_at,
        }
    )


# The answer's fields, read as plain values (no model instances, no `listing` JSON): the
# lookup is the hot path of the public index (docs/benchmarks.md).
ANSWER_FIELDS = {
    "lifeboat_id": "lifeboat_id",
    "lifeboat_name": "lifeboat__name",
    "organisation": "lifeboat__organisation__name",
    "lifeboat_status": "lifeboat__status",
    "state": "state",
    "reason": "reason",
    "added_at": "added_at",
    "decided_at": "decided_at",
    "removed_at": "removed_at",
    "ready_at": "lifeboat__ready_at",
    "expires_at": "lifeboat__expires_at",
}
REASON_LABELS = dict(ExclusionReason.choices)


def lifeboats_holding(photo_id: str) -> list[dict[str, Any]]:
    """Every public lifeboat that has (or had, or excluded) the photo; see the module notes.

    The same answer as `entry_as_dict` gives for each of `index_entries(photo_id)`."""
    rows = (
        LifeboatPhoto.objects.of_photo(photo_id)
        .filter(lifeboat__status__in=PUBLIC_STATUSES)
        .order_by("added_at", "lifeboat__name", "pk")
        .values_list(*ANSWER_FIELDS.values())
    )
    return [_answer(dict(zip(ANSWER_FIELDS, row, strict=True))) for row in rows]


def _answer(values: dict[str, Any]) -> dict[str, Any]:
    """The answer's shape, in one place: ids as text, and the reason in words too."""
    reason = values["reason"] or None
    return {
        "lifeboat_id": str(values["lifeboat_id"]),
        "lifeboat_name": values["lifeboat_name"],
        "organisation": values["organisation"],
        "lifeboat_status": values["lifeboat_status"],
        "state": values["state"],
        "reason": reason,
        "reason_label": REASON_LABELS[reason] if reason else None,
        "added_at": values["added_at"],
        "decided_at": values["decided_at"],
        "removed_at": values["removed_at"],
        "ready_at": values["ready_at"],
        "expires_at": values["expires_at"],
    }


def thumbnail_of(entries: list[LifeboatPhoto]) -> dict[str, Any] | None:
    """A thumbnail (url, width, height) from the first listing that has one, else None."""
    for entry in entries:
        thumbnail = _listing_thumbnail(entry.listing or {})
        if thumbnail:
            return thumbnail
    return None


def title_of(entries: list[LifeboatPhoto]) -> str | None:
    for entry in entries:
        title = (entry.listing or {}).get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
    return None


def _listing_thumbnail(listing: dict[str, Any]) -> dict[str, Any] | None:
    thumbnail = listing.get("thumbnail")
    if isinstance(thumbnail, dict) and isinstance(thumbnail.get("url"), str):
        return {
            "url": thumbnail["url"],
            "width": thumbnail.get("width"),
            "height": thumbnail.get("height"),
        }
    if isinstance(listing.get("url_t"), str):  # the raw Flickr `extras` spelling
        return {"url": listing["url_t"], "width": None, "height": None}
    return None


def flickr_page(entry: LifeboatPhoto) -> str | None:
    """The photo's page on Flickr, when the index knows its owner."""
    if not entry.owner_nsid:
        return None
    return f"https://www.flickr.com/photos/{entry.owner_nsid}/{entry.photo_id}/"


def entries_of_owner(owner_nsid: str) -> QuerySet[LifeboatPhoto]:
    """A photographer's photos in public lifeboats, newest first (the photographer dashboard)."""
    return (
        LifeboatPhoto.objects.filter(owner_nsid=owner_nsid, lifeboat__status__in=PUBLIC_STATUSES)
        .select_related("lifeboat__organisation")
        .only(*INDEX_COLUMNS)
        .order_by("-added_at", "lifeboat__name", "photo_id")
    )


def owners_of(photo_ids: Iterable[str]) -> dict[str, set[str]]:
    """Photo id -> the owner NSIDs Flickr's listings gave for it, in any lifeboat (one query)."""
    owners: dict[str, set[str]] = {}
    rows = LifeboatPhoto.objects.filter(photo_id__in=list(photo_ids)).exclude(owner_nsid="")
    for photo_id, owner_nsid in rows.values_list("photo_id", "owner_nsid").distinct():
        owners.setdefault(photo_id, set()).add(owner_nsid)
    return owners
