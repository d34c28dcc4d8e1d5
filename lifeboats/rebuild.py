"""Rebuilding a ready package in place, after photos were removed from it (DESIGN 8).

When a removal request is granted, the index rows of the photos become `excluded` with the
reason `removed`. A lifeboat that is `ready` and that nobody has downloaded yet then gets its
package written again, from the media and metadata the build stored (they stay in the
lifeboat's work folder until it expires), by the builder's own `assemble_package`. No photo
is fetched from Flickr again.

The lifeboat stays `ready` throughout: DESIGN 4 has no move out of `ready` except expiry, and a
rebuild changes the package, not the request. The new zip is written under a new name, then
`package_path`, `package_size` and `package_sha256` are swapped in one transaction, a
`LifeboatEvent` (ready → ready) records "Package rebuilt without N removed photos", and the old
zip is deleted after commit. A download that started before the swap finishes from the old
file on a filesystem; links made after it point at the new one. The download window
(`expires_at`) is not extended.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lifeboats.builder import assemble_package
from lifeboats.media import StorageFailure
from lifeboats.models import ExclusionReason, Lifeboat, LifeboatEvent, LifeboatStatus
from lifeboats.package.writer import PackageError
from lifeboats.storage import lifeboat_folder, lifeboat_storage

logger = logging.getLogger(__name__)

REBUILD_TASK = "lifeboats.rebuild.rebuild_package"


def enqueue_rebuild(lifeboat_id: Any) -> str:
    """Queue the rebuild of a ready lifeboat's package; call it only after commit."""
    from django_q.tasks import async_task

    return async_task(
        REBUILD_TASK,
        str(lifeboat_id),
        group=f"lifeboat-{lifeboat_id}",
        cluster=settings.Q_CLUSTER["name"],
    )


def rebuild_package(lifeboat_id: Any) -> bool:
    """The task: write the package of a ready lifeboat again from its included photos.

    Returns False (and changes nothing) when the lifeboat is not ready any more, or when the
    package could not be written (the old one stays, and an event says why).
    """
    lifeboat = (
        Lifeboat.objects.select_related(
            "organisation", "created_by", "agreement_signature__version"
        )
        .filter(pk=lifeboat_id, status=LifeboatStatus.READY)
        .first()
    )
    if lifeboat is None:
        logger.info("Lifeboat %s is not ready; its package is not rebuilt", lifeboat_id)
        return False
    storage = lifeboat_storage()
    name = rebuilt_package_name(lifeboat)
    try:
        result = assemble_package(lifeboat, storage, name)
    except (StorageFailure, PackageError) as exc:
        logger.exception("Lifeboat %s: the package could not be rebuilt", lifeboat.pk)
        _append_event(lifeboat, f"The package could not be rebuilt ({exc}); the old one stays.")
        return False
    return _swap_package(lifeboat, name=name, size=result.size, sha256=result.sha256)


def rebuilt_package_name(lifeboat: Lifeboat) -> str:
    """A new name beside the current package: the slug and the time, never free text."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    return f"{lifeboat_folder(lifeboat)}/{lifeboat.slug or 'lifeboat'}-{stamp}.zip"


def _swap_package(lifeboat: Lifeboat, *, name: str, size: int, sha256: str) -> bool:
    with transaction.atomic():
        locked = Lifeboat.objects.select_for_update().get(pk=lifeboat.pk)
        if locked.status != LifeboatStatus.READY:
            transaction.on_commit(partial(_delete_quietly, name))
            return False
        old_name = locked.package_path
        removed = locked.photos.excluded().filter(reason=ExclusionReason.REMOVED).count()
        Lifeboat.objects.filter(pk=locked.pk).update(
            package_path=name, package_size=size, package_sha256=sha256, updated_at=timezone.now()
        )
        _append_event(
            locked,
            f"Package rebuilt without {removed} removed photo{'' if removed == 1 else 's'}.",
        )
        if old_name and old_name != name:
            transaction.on_commit(partial(_delete_quietly, old_name))
    logger.info("Lifeboat %s: package rebuilt as %s", lifeboat.pk, name)
    return True


def _append_event(lifeboat: Lifeboat, note: str) -> None:
    LifeboatEvent.objects.create(
        lifeboat=lifeboat,
        from_status=LifeboatStatus.READY,
        status=LifeboatStatus.READY,
        actor=None,
        note=note,
        at=timezone.now(),
    )


def _delete_quietly(name: str) -> None:
    storage = lifeboat_storage()
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # a leftover file is removed with the folder at expiry anyway
        logger.warning("Could not delete the replaced package %s", name, exc_info=True)
