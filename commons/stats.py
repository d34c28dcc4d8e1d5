"""The catalogue's totals, computed once at the end of each crawl (`CommonsCrawl.stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from commons.models import (
    CommonsComment,
    CommonsCrawl,
    CommonsMember,
    CommonsPhoto,
    CrawlStatus,
)


def catalogue_stats() -> dict[str, Any]:
    """Photos, views, members, comments and photos per licence, as JSON-ready values."""
    totals = CommonsPhoto.objects.aggregate(photos=Count("pk"), views=Sum("views"))
    by_licence = CommonsPhoto.objects.order_by().values("licence_id").annotate(photos=Count("pk"))
    return {
        "photos": totals["photos"],
        "views": totals["views"] or 0,
        "members": CommonsMember.objects.filter(is_current=True).count(),
        "comments": CommonsComment.objects.count(),
        "licences": {row["licence_id"]: row["photos"] for row in by_licence},
        "computed_at": timezone.now().isoformat(),
    }


@dataclass(frozen=True)
class CatalogueTotals:
    """The totals a finished crawl stored, read back for the pages."""

    photos: int
    views: int
    members: int
    comments: int
    licences: dict[str, int]
    computed_at: datetime | None

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> CatalogueTotals:
        """Read `CommonsCrawl.stats`; figures missing from an older crawl count as 0."""
        computed_at = stats.get("computed_at")
        return cls(
            photos=int(stats.get("photos") or 0),
            views=int(stats.get("views") or 0),
            members=int(stats.get("members") or 0),
            comments=int(stats.get("comments") or 0),
            licences={str(key): int(value) for key, value in (stats.get("licences") or {}).items()},
            computed_at=datetime.fromisoformat(computed_at) if computed_at else None,
        )


@dataclass(frozen=True)
class CatalogueState:
    """Where the catalogue stands: its last finished crawl and any crawl running now."""

    last_crawl: CommonsCrawl | None
    running_crawl: CommonsCrawl | None

    @property
    def totals(self) -> CatalogueTotals | None:
        if self.last_crawl is None or not self.last_crawl.stats:
            return None
        return CatalogueTotals.from_stats(self.last_crawl.stats)


def catalogue_state() -> CatalogueState:
    crawls = CommonsCrawl.objects.defer("calls", "error")
    finished = crawls.filter(status=CrawlStatus.FINISHED).order_by("-finished_at", "-pk")
    return CatalogueState(
        last_crawl=finished.first(),
        running_crawl=crawls.filter(status=CrawlStatus.RUNNING).first(),
    )
