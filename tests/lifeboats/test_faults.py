"""Builds that survive faults (DESIGN 6.4, 9): a flaky Flickr, a killed worker, a failing
storage."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.utils import timezone

from flickr.client import FlickrClient
from lifeboats import builder
from lifeboats.models import LifeboatPhoto, LifeboatStatus
from lifeboats.services import lifeboat_retry
from tests.factories import make_foundation_admin
from tests.flickr import sandbox_helpers
from tests.lifeboats.test_builder import (
    ARCHIVE_ALBUM,
    SMALL_ALBUM,
    WORLD_PHOTOS,
    approved_lifeboat,
    build,
    media_manifest,
    sandbox_client,
)

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the builder catches it."""


class DyingClient(FlickrClient):
    """A sandbox client whose process 'dies' when it starts its `fatal_download`th download."""

    def __init__(self, *, fatal_download: int, **options):
        super().__init__(**options)
        self.fatal_download = fatal_download

    def download(self, url, dest_file):
        if self.downloads + 1 == self.fatal_download:
            raise WorkerKilled(url)
        return super().download(url, dest_file)


class FailingStorage(FileSystemStorage):
    """A filesystem storage whose disk is full."""

    def _save(self, name, content):
        raise OSError(28, "No space left on device")


class FailingZipStorage(FileSystemStorage):
    """Media are written; the package is not."""

    def _save(self, name, content):
        if name.endswith(".zip"):
            raise OSError(28, "No space left on device")
        return super()._save(name, content)


FAILING_STORAGE = {"BACKEND": f"{__name__}.FailingStorage"}
FAILING_ZIP_STORAGE = {"BACKEND": f"{__name__}.FailingZipStorage"}


def storages_with(lifeboats_storage: dict) -> dict:
    """The test STORAGES with another backend for "lifeboats", in the same folder."""
    from django.conf import settings

    options = settings.STORAGES["lifeboats"]["OPTIONS"]
    return {**settings.STORAGES, "lifeboats": {**lifeboats_storage, "OPTIONS": options}}


def test_with_flickr_failing_one_call_in_ten_every_photo_arrives(sandbox):
    """10 % of API calls fail (HTTP 500, "not currently available"); the client's retries
    and the builder bring in every photo of the album all the same."""
    server = sandbox(photos=WORLD_PHOTOS, error_rate=0.1, failure_kinds=("http_500", "unavailable"))
    lifeboat = approved_lifeboat(server, ARCHIVE_ALBUM)
    server.reset_stats()

    lifeboat = build(lifeboat, server, max_attempts=8)

    assert lifeboat.status == LifeboatStatus.READY
    assert sum(server.stats()["injected_failures"].values()) > 0
    assert lifeboat.photos.pending().count() == 0
    assert lifeboat.photos.included().count() == 23  # the album's deleted photo is excluded
    assert lifeboat.photos_done == lifeboat.photos_total == 24


def kill_mid_build(server, lifeboat, *, fatal_download: int) -> None:
    client = DyingClient(
        fatal_download=fatal_download,
        api_key="test-key",
        api_url=server.api_url,
        sleep=lambda _seconds: None,
    )
    with client, pytest.raises(WorkerKilled):
        builder.build_in_process(lifeboat.pk, client=client)


def resume_after_the_claims_are_stale(server, lifeboat):
    """What the sweeper and the next chunk do once the dead worker's claim has gone stale."""
    later = timezone.now() + builder.stale_after() + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert builder.sweep_stalled_builds() == [lifeboat.pk]
        with sandbox_client(server) as client:
            return builder.build_in_process(lifeboat.pk, client=client)


def test_a_build_killed_mid_photo_completes_after_restart_without_duplicates(sandbox):
    """A worker killed while storing the third photo's thumbnail leaves a stale claim; after
    the sweeper, the build completes with every photo once."""
    server = sandbox(photos=WORLD_PHOTOS)
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)
    kill_mid_build(server, lifeboat, fatal_download=6)  # originals and thumbnails: photo 3
    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.BUILDING
    assert lifeboat.photos_done == 2
    assert lifeboat.photos.exclude(claimed_by="").count() == 1

    lifeboat = resume_after_the_claims_are_stale(server, lifeboat)

    assert lifeboat.status == LifeboatStatus.READY
    assert lifeboat.photos_done == lifeboat.photos_total == 4
    assert LifeboatPhoto.objects.filter(lifeboat=lifeboat).count() == 4
    assert lifeboat.photos.included().count() == 4


def test_a_resumed_build_refetches_only_what_was_in_flight(sandbox):
    """The killed photo's API answers come from the cache and its stored original (size and
    digest match) is kept: the resumed build downloads only the missing thumbnail and
    fetches the remaining photo."""
    server = sandbox(photos=WORLD_PHOTOS)
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)
    kill_mid_build(server, lifeboat, fatal_download=6)
    server.reset_stats()

    resume_after_the_claims_are_stale(server, lifeboat)

    assert server.calls["flickr.photos.getInfo"] == 1  # the fourth photo only
    assert server.stats()["media_requests"] == 3  # photo 3's thumbnail, photo 4's two files


def test_a_resumed_build_has_the_same_package_contents_as_an_uninterrupted_one(sandbox):
    """Crash and resume put exactly the same media, byte for byte, in the package."""
    server = sandbox(photos=WORLD_PHOTOS)
    uninterrupted = build(approved_lifeboat(server, SMALL_ALBUM), server)
    interrupted = approved_lifeboat(server, SMALL_ALBUM)
    kill_mid_build(server, interrupted, fatal_download=4)

    resumed = resume_after_the_claims_are_stale(server, interrupted)

    assert media_manifest(resumed) == media_manifest(uninterrupted)


def test_storage_write_failure_fails_the_build_with_a_message(sandbox):
    """A storage that cannot be written stops the build with a message saying what to fix."""
    server = sandbox(photos=WORLD_PHOTOS)
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)

    with override_settings(STORAGES=storages_with(FAILING_STORAGE)):
        lifeboat = build(lifeboat, server)

    assert lifeboat.status == LifeboatStatus.FAILED
    assert "could not write to the lifeboats storage" in lifeboat.failure_message
    assert "No space left on device" in lifeboat.failure_message
    assert lifeboat.photos.pending().count() == 4


def test_retrying_after_a_storage_failure_builds_the_lifeboat(sandbox):
    """Once the storage works again, retrying the failed build completes it."""
    server = sandbox(photos=WORLD_PHOTOS)
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)
    with override_settings(STORAGES=storages_with(FAILING_STORAGE)):
        build(lifeboat, server)

    lifeboat_retry(lifeboat, by=make_foundation_admin())
    lifeboat = build(lifeboat, server)

    assert lifeboat.status == LifeboatStatus.READY
    assert lifeboat.photos_done == lifeboat.photos_total == 4
    assert lifeboat.failure_message == ""


def test_a_package_write_failure_fails_the_build_and_a_retry_writes_it(sandbox):
    """Photos stored, but the zip cannot be written: failed with a message; the retry writes
    the package without fetching any photo again."""
    server = sandbox(photos=WORLD_PHOTOS)
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)
    with override_settings(STORAGES=storages_with(FAILING_ZIP_STORAGE)):
        failed = build(lifeboat, server)
    assert failed.status == LifeboatStatus.FAILED
    assert failed.failure_message.startswith("The package could not be written")
    server.reset_stats()

    lifeboat_retry(lifeboat, by=make_foundation_admin())
    lifeboat = build(lifeboat, server)

    assert lifeboat.status == LifeboatStatus.READY
    assert sum(server.calls.values()) == 0
