"""Ready lifeboats with a stored package, for the download, expiry and S3 tests."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from lifeboats.models import Lifeboat
from lifeboats.storage import lifeboat_storage, package_key
from tests.factories import make_lifeboat

PACKAGE_BYTES = b"PK\x03\x04 a small stand-in for a lifeboat zip " * 20


def make_ready_lifeboat(
    organisation=None,
    *,
    content: bytes = PACKAGE_BYTES,
    expires_in: timedelta | None = None,
    **fields,
) -> Lifeboat:
    """A ready lifeboat whose package (`content`) is in the lifeboats storage."""
    now = timezone.now()
    lifeboat = make_lifeboat(
        organisation,
        status="ready",
        ready_at=now,
        expires_at=now + (expires_in if expires_in is not None else timedelta(days=14)),
        **fields,
    )
    name = lifeboat_storage().save(package_key(lifeboat), ContentFile(content))
    lifeboat.package_path = name
    lifeboat.package_size = len(content)
    lifeboat.package_sha256 = hashlib.sha256(content).hexdigest()
    lifeboat.save(update_fields=["package_path", "package_size", "package_sha256"])
    return lifeboat
