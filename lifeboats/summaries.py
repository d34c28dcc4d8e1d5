"""Read-only summaries of a lifeboat for pages and the API: photo counts, progress, licences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from flickr.licenses import is_unknown, licence_label
from legal.consent import pending_consent_count
from lifeboats.models import ExclusionReason, Lifeboat, PhotoState


def photo_counts(lifeboat: Lifeboat) -> dict[str, Any]:
    """How many of the lifeboat's photos are included, excluded (by reason) or still pending.

    `pending_consent` counts photos waiting for their owner's answer; `pending`, the photos
    waiting to be fetched, does not count them again.
    """
    by_state: dict[str, int] = {}
    excluded: dict[str, int] = {}
    rows = lifeboat.photos.values("state", "reason").annotate(count=Count("pk")).order_by()
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["count"]
        if row["state"] == PhotoState.EXCLUDED:
            excluded[row["reason"]] = excluded.get(row["reason"], 0) + row["count"]
    ordered_excluded = {
        reason: excluded[reason] for reason in ExclusionReason.values if reason in excluded
    }
    waiting_for_consent = pending_consent_count(lifeboat)
    return {
        "included": by_state.get(PhotoState.INCLUDED, 0),
        "pending_consent": waiting_for_consent,
        "excluded": ordered_excluded,
        "pending": by_state.get(PhotoState.PENDING, 0) - waiting_for_consent,
    }


def progress(lifeboat: Lifeboat) -> dict[str, int]:
    """The build's progress as the worker last wrote it."""
    return {
        "photos_total": lifeboat.photos_total,
        "photos_done": lifeboat.photos_done,
        "api_calls": lifeboat.api_calls,
    }


@dataclass(frozen=True)
class LicenceCount:
    licence_id: str
    label: str
    count: int

    @property
    def is_unknown(self) -> bool:
        return is_unknown(self.licence_id)


def licence_mix(lifeboat: Lifeboat) -> list[LicenceCount]:
    """The photos of the selection by licence, most common first; unknown licences flagged."""
    rows = (
        lifeboat.photos.values("license_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "license_id")
    )
    return [
        LicenceCount(row["license_id"], licence_label(row["license_id"]), row["count"])
        for row in rows
    ]


def unknown_licence_count(mix: list[LicenceCount]) -> int:
    return sum(item.count for item in mix if item.is_unknown)
