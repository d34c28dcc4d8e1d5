"""Expiry (DESIGN 4, 7): ready packages are deleted when their download window ends.

`expire_due_lifeboats()` runs hourly as a django-q2 schedule (registered by the migration
`lifeboats/migrations/0005_expiry_schedule.py`). For each ready lifeboat whose `expires_at`
has passed it deletes the package and the build's work files from storage, then moves the
lifeboat to `expired` through `lifeboats.services.lifeboat_expire`. Every row (the lifeboat,
its photos, events and downloads) is kept: that is the provenance. Running it twice expires
nothing twice, and one lifeboat that fails does not stop the others.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from lifeboats import services
from lifeboats.models import Lifeboat
from lifeboats.storage import delete_lifeboat_files

logger = logging.getLogger(__name__)

EXPIRY_SCHEDULE_NAME = "Expire lifeboats past their download window"
EXPIRY_TASK = "lifeboats.expiry.expire_due_lifeboats"


def expire_due_lifeboats(now: datetime | None = None) -> int:
    """Expire every ready lifeboat whose download window ended by `now`; return how many."""
    now = now or timezone.now()
    due = list(Lifeboat.objects.due_for_expiry(now).order_by("expires_at", "pk"))
    expired = 0
    for lifeboat in due:
        try:
            expire_lifeboat(lifeboat)
        except Exception:
            logger.exception("Could not expire lifeboat %s (%r)", lifeboat.pk, lifeboat.name)
        else:
            expired += 1
    if due:
        logger.info("Expired %d of %d lifeboats due by %s", expired, len(due), now.isoformat())
    return expired


def expire_lifeboat(lifeboat: Lifeboat) -> None:
    """Delete the lifeboat's files, then move it to expired (the files go first: a lifeboat
    marked expired never still has a package lying around)."""
    deleted = delete_lifeboat_files(lifeboat)
    services.lifeboat_expire(lifeboat)
    logger.info("Lifeboat %s expired; %d stored files deleted", lifeboat.pk, deleted)
