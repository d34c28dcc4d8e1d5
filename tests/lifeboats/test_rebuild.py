"""Rebuilding a ready package without removed photos, from what the build stored."""

from __future__ import annotations

import json

import pytest
from django.test import TestCase

from legal import removals
from lifeboats.models import LifeboatDownload, LifeboatEvent, LifeboatStatus
from lifeboats.rebuild import rebuild_package
from lifeboats.services import lifeboat_expire
from lifeboats.storage import lifeboat_storage
from tests.factories import make_foundation_admin, make_user
from tests.flickr import sandbox_helpers
from tests.lifeboats.test_builder import (
    SMALL_ALBUM,
    WORLD_PHOTOS,
    approved_lifeboat,
    build,
    extracted_bag,
    media_manifest,
    package_zip,
)

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_server(sandbox):
    return sandbox(photos=WORLD_PHOTOS)


@pytest.fixture
def ready_lifeboat(world_server):
    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)
    assert lifeboat.status == LifeboatStatus.READY
    return lifeboat


def metadata_js(lifeboat, name: str) -> dict:
    with package_zip(lifeboat) as archive:
        text = archive.read(f"{lifeboat.slug}/data/metadata/{name}.js").decode()
    return json.loads(text.removeprefix(f"const {name} = ").rstrip().removesuffix(";"))


def grant_removal_of(lifeboat) -> str:
    """Grant the removal of the lifeboat's first included photo, asked by its owner."""
    row = lifeboat.photos.included().order_by("position").first()
    photographer = make_user(flickr_nsid=row.owner_nsid)
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = removals.removal_request_create(
            photographer=photographer, photo_ids=[row.photo_id], reason="Please remove it."
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        removals.removal_request_grant(request, by=make_foundation_admin(), note="Granted.")
    return row.photo_id


def test_a_granted_removal_rebuilds_an_undownloaded_package_without_the_photo(ready_lifeboat):
    """The new zip's manifest and photoIndex no longer hold the photo; the others stay."""
    before = media_manifest(ready_lifeboat)

    photo_id = grant_removal_of(ready_lifeboat)

    ready_lifeboat.refresh_from_db()
    after = media_manifest(ready_lifeboat)
    assert not [line for line in after if f"/{photo_id}." in line]
    assert len(after) == len(before) - 2  # its original and its thumbnail
    assert photo_id not in metadata_js(ready_lifeboat, "photoIndex")
    excluded = metadata_js(ready_lifeboat, "lifeboat")["excluded"]
    assert {"photoId": photo_id, "reason": "removed"} in excluded


def test_the_rebuilt_package_passes_full_bagit_validation(ready_lifeboat, tmp_path):
    grant_removal_of(ready_lifeboat)

    ready_lifeboat.refresh_from_db()
    extracted_bag(ready_lifeboat, tmp_path).validate(fast=False)


def test_the_rebuild_swaps_the_package_and_says_so_in_the_history(ready_lifeboat):
    """New path, size and SHA-256; the old zip is deleted; the lifeboat stays ready."""
    old_path = ready_lifeboat.package_path

    grant_removal_of(ready_lifeboat)

    ready_lifeboat.refresh_from_db()
    assert ready_lifeboat.status == LifeboatStatus.READY
    assert ready_lifeboat.package_path != old_path
    assert not lifeboat_storage().exists(old_path)
    assert lifeboat_storage().size(ready_lifeboat.package_path) == ready_lifeboat.package_size
    event = LifeboatEvent.objects.filter(lifeboat=ready_lifeboat).order_by("at", "pk").last()
    assert (event.from_status, event.status) == ("ready", "ready")
    assert event.note == "Package rebuilt without 1 removed photo."


def test_a_downloaded_package_is_not_rebuilt(ready_lifeboat):
    """The organisation has its copy (it is told instead); the stored package stays as it was."""
    LifeboatDownload.objects.create(lifeboat=ready_lifeboat, user=ready_lifeboat.created_by)
    old_path, old_sha = ready_lifeboat.package_path, ready_lifeboat.package_sha256

    grant_removal_of(ready_lifeboat)

    ready_lifeboat.refresh_from_db()
    assert (ready_lifeboat.package_path, ready_lifeboat.package_sha256) == (old_path, old_sha)


def test_a_lifeboat_no_longer_ready_is_not_rebuilt(ready_lifeboat):
    """An expired lifeboat has no package to rebuild; the task changes nothing."""
    lifeboat_expire(ready_lifeboat)
    events = LifeboatEvent.objects.filter(lifeboat=ready_lifeboat).count()

    assert rebuild_package(ready_lifeboat.pk) is False
    assert LifeboatEvent.objects.filter(lifeboat=ready_lifeboat).count() == events
