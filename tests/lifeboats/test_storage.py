"""The lifeboats storage: where packages go and how a lifeboat's files are deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from lifeboats.storage import (
    delete_lifeboat_files,
    delete_package,
    lifeboat_storage,
    package_exists,
    package_key,
    work_prefix,
)
from tests.factories import make_lifeboat
from tests.lifeboats.package_helpers import make_ready_lifeboat

pytestmark = pytest.mark.django_db


def test_the_lifeboats_storage_is_the_filesystem_under_media_root_by_default():
    """Without LIFEBOAT_STORAGE=s3 packages live in MEDIA_ROOT/lifeboats."""
    storage = lifeboat_storage()
    assert isinstance(storage, FileSystemStorage)
    assert Path(storage.location) == Path(settings.MEDIA_ROOT) / "lifeboats"


def test_package_key_is_made_of_the_id_and_the_slug_only():
    """The zip's name comes from the lifeboat's id and slug, never from its free-text name."""
    lifeboat = make_lifeboat(name="../../etc/passwd & friends", slug="harbour-photos", photos=0)
    assert package_key(lifeboat) == f"lifeboats/{lifeboat.pk}/harbour-photos.zip"


def test_deleting_a_lifeboats_files_removes_the_package_and_the_work_files():
    """The package and everything the build left under the lifeboat's folder are deleted."""
    lifeboat = make_ready_lifeboat()
    storage = lifeboat_storage()
    storage.save(f"{work_prefix(lifeboat)}/media/1.jpg", ContentFile(b"jpeg"))
    storage.save(f"{work_prefix(lifeboat)}/responses/1.xml", ContentFile(b"<rsp/>"))

    assert delete_lifeboat_files(lifeboat) == 3
    assert not package_exists(lifeboat)
    assert not storage.exists(f"lifeboats/{lifeboat.pk}")


def test_deleting_a_lifeboats_files_twice_deletes_nothing_the_second_time():
    """Deleting is idempotent: a second run finds nothing and does not fail."""
    lifeboat = make_ready_lifeboat()
    delete_lifeboat_files(lifeboat)
    assert delete_lifeboat_files(lifeboat) == 0
    assert delete_package(lifeboat) is False


def test_deleting_one_lifeboats_files_leaves_another_lifeboats_package():
    """Only the lifeboat's own folder is touched."""
    doomed, kept = make_ready_lifeboat(), make_ready_lifeboat()
    delete_lifeboat_files(doomed)
    assert package_exists(kept)
