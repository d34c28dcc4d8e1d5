"""The builder end to end against the Flickr sandbox: photos fetched, media stored, package
written and valid, progress counted, responses cached."""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest
from django.test import override_settings

from flickr.client import FlickrClient
from lifeboats import builder
from lifeboats.models import (
    FlickrResponseCache,
    Lifeboat,
    LifeboatPhoto,
    LifeboatStatus,
    PhotoState,
)
from lifeboats.services import lifeboat_approve, lifeboat_create
from lifeboats.states import move
from lifeboats.storage import lifeboat_storage
from tests.factories import make_foundation_admin, make_membership
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db

WORLD_PHOTOS = 60
# Albums of the sandbox world (60 photos, seed 1).
SMALL_ALBUM = "https://www.flickr.com/photos/sandbox-archive/albums/72157117168169338"  # 4 photos
# 24 photos, among them a deleted one, a video and one with 163 faves.
ARCHIVE_ALBUM = "https://www.flickr.com/photos/sandbox-archive/albums/72157483461787020"


# --- helpers shared by the builder, command and fault tests ------------------------------------


def sandbox_client(server, **options) -> FlickrClient:
    """A client on the sandbox with no budget and no waiting between retries."""
    return FlickrClient(
        api_key="test-key", api_url=server.api_url, sleep=lambda _seconds: None, **options
    )


def approved_lifeboat(server, *urls: str) -> Lifeboat:
    """A lifeboat of `urls`, resolved on the sandbox and approved (its build not yet run)."""
    membership = make_membership()
    with sandbox_client(server) as client:
        lifeboat = lifeboat_create(
            organisation=membership.organisation,
            by=membership.user,
            name="Harbour photographs",
            purpose="Keep the harbour's photographs with their stories.",
            readme_future="The captions were written by the photographers.",
            urls=list(urls),
            client=client,
        )
    move(lifeboat.pk, LifeboatStatus.SUBMITTED, actor=membership.user)
    move(lifeboat.pk, LifeboatStatus.APPROVED, actor=make_foundation_admin())
    server.reset_stats()
    return Lifeboat.objects.get(pk=lifeboat.pk)


def build(lifeboat: Lifeboat, server, **client_options) -> Lifeboat:
    with sandbox_client(server, **client_options) as client:
        return builder.build_in_process(lifeboat.pk, client=client)


@contextlib.contextmanager
def package_zip(lifeboat: Lifeboat) -> Iterator[zipfile.ZipFile]:
    with (
        lifeboat_storage().open(lifeboat.package_path, "rb") as stored,
        zipfile.ZipFile(stored) as archive,
    ):
        yield archive


def extracted_bag(lifeboat: Lifeboat, tmp_path: Path) -> bagit.Bag:
    with package_zip(lifeboat) as archive:
        archive.extractall(tmp_path)
    return bagit.Bag(str(tmp_path / lifeboat.slug))


def media_manifest(lifeboat: Lifeboat) -> list[str]:
    """The manifest lines of the package's media files: what went in, byte for byte."""
    with package_zip(lifeboat) as archive:
        manifest = archive.read(f"{lifeboat.slug}/manifest-sha512.txt").decode()
    return sorted(line for line in manifest.splitlines() if " data/media/" in line)


def add_featured_photo(lifeboat: Lifeboat, role: str) -> str:
    """Add the sandbox photo playing `role` as if the listing had named it; its photo id."""
    from lifeboats.selection import listed_photo_to_json
    from tests.factories import make_listed_photo

    photo_id = sandbox_helpers.sandbox_world(WORLD_PHOTOS).featured_photo(role).id
    listed = make_listed_photo(photo_id=photo_id, has_all_sizes=False)
    LifeboatPhoto.objects.create(
        lifeboat=lifeboat,
        photo_id=photo_id,
        position=lifeboat.photos.count(),
        listing=listed_photo_to_json(listed),
    )
    Lifeboat.objects.filter(pk=lifeboat.pk).update(photos_total=lifeboat.photos.count())
    return photo_id


@pytest.fixture
def world_server(sandbox):
    return sandbox(photos=WORLD_PHOTOS)


# --- tests --------------------------------------------------------------------------------------


def test_build_makes_a_ready_lifeboat_with_a_fully_valid_bag(world_server, tmp_path):
    """Every photo of the album is fetched and the package passes full BagIt validation."""
    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)

    assert lifeboat.status == LifeboatStatus.READY
    bag = extracted_bag(lifeboat, tmp_path)
    bag.validate(fast=False)
    assert len([name for name in bag.payload_files() if "/originals/" in name]) == 4


def test_package_size_and_sha256_are_those_of_the_stored_zip(world_server):
    """The lifeboat records the size and SHA-256 of exactly the zip in storage."""
    import hashlib

    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)

    with lifeboat_storage().open(lifeboat.package_path, "rb") as stored:
        content = stored.read()
    assert lifeboat.package_size == len(content)
    assert lifeboat.package_sha256 == hashlib.sha256(content).hexdigest()
    assert lifeboat.package_path == f"lifeboats/{lifeboat.pk}/{lifeboat.slug}.zip"


def test_progress_counts_every_photo_and_the_calls_made(world_server):
    """photos_total and photos_done reach the album's size; api_calls counts Flickr's calls."""
    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)

    assert (lifeboat.photos_total, lifeboat.photos_done) == (4, 4)
    assert lifeboat.api_calls == sum(world_server.calls.values())
    assert lifeboat.heartbeat_at is not None


def test_each_photo_is_fetched_once_and_recorded_with_its_files(world_server):
    """getInfo is called once per photo; each included row holds its metadata and digests."""
    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)

    assert world_server.calls["flickr.photos.getInfo"] == 4
    for row in lifeboat.photos.all():
        assert row.state == PhotoState.INCLUDED
        assert row.decided_at is not None
        assert row.claimed_at is None
        assert row.metadata["id"] == row.photo_id
        assert len(row.files["original"]["sha512"]) == 128
        assert row.files["thumbnail"]["path"] == f"media/thumbnails/{row.photo_id}.jpg"


def test_deleted_photo_is_excluded_as_not_found_and_the_build_completes(world_server):
    """A photo listed in the selection but gone on Flickr is excluded with `not_found`."""
    lifeboat = approved_lifeboat(world_server, SMALL_ALBUM)
    deleted_id = add_featured_photo(lifeboat, "deleted")

    lifeboat = build(lifeboat, world_server)

    assert lifeboat.status == LifeboatStatus.READY
    assert list(lifeboat.photos.excluded().values_list("photo_id", "reason")) == [
        (deleted_id, "not_found")
    ]
    assert lifeboat.photos_done == lifeboat.photos_total == 5
    assert lifeboat.photos.included().count() == 4


def test_excluded_photos_are_listed_in_the_package_with_their_reason(world_server):
    """lifeboat.js names each excluded photo and why it was left out."""
    from lifeboats.package.metadata import read_js_file

    lifeboat = approved_lifeboat(world_server, SMALL_ALBUM)
    deleted_id = add_featured_photo(lifeboat, "deleted")

    lifeboat = build(lifeboat, world_server)

    with package_zip(lifeboat) as archive:
        _, data = read_js_file(archive.read(f"{lifeboat.slug}/data/metadata/lifeboat.js"))
    assert data["excluded"] == [{"photoId": deleted_id, "reason": "not_found"}]
    assert data["photoCount"] == 4


def test_private_photo_is_excluded_as_not_found(world_server):
    """A photo made private after it was listed is excluded with `not_found`."""
    lifeboat = approved_lifeboat(world_server, SMALL_ALBUM)
    private_id = add_featured_photo(lifeboat, "private")

    lifeboat = build(lifeboat, world_server)

    assert lifeboat.status == LifeboatStatus.READY
    assert lifeboat.photos.get(photo_id=private_id).reason == "not_found"


def test_removed_photo_is_excluded_at_build_time_without_calling_flickr(world_server):
    """A row marked removed is excluded with `removed` and never fetched."""
    from django.utils import timezone

    lifeboat = approved_lifeboat(world_server, SMALL_ALBUM)
    removed = lifeboat.photos.first()
    LifeboatPhoto.objects.filter(pk=removed.pk).update(removed_at=timezone.now())

    lifeboat = build(lifeboat, world_server)

    assert lifeboat.photos.get(pk=removed.pk).reason == "removed"
    assert world_server.calls["flickr.photos.getInfo"] == 3


def test_a_second_build_of_the_same_photos_answers_from_the_response_cache(world_server):
    """Raw responses are cached per photo and last_update, so a repeat calls Flickr for nothing
    it already has."""
    build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)
    first_calls = sum(world_server.calls.values())
    assert FlickrResponseCache.objects.filter(method="flickr.photos.getInfo").count() == 4

    world_server.reset_stats()
    second = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)

    assert first_calls > 0
    assert second.status == LifeboatStatus.READY
    assert sum(world_server.calls.values()) == 0
    assert second.api_calls == 0


def test_the_cached_response_of_an_updated_photo_is_not_reused(world_server):
    """A photo whose last_update changed is fetched again."""
    lifeboat = approved_lifeboat(world_server, SMALL_ALBUM)
    FlickrResponseCache.objects.create(
        photo_id=lifeboat.photos.first().photo_id,
        last_update="1",
        method="flickr.photos.getInfo",
        params_key="stale",
        body="<rsp stat='ok'/>",
    )

    build(lifeboat, world_server)

    assert world_server.calls["flickr.photos.getInfo"] == 4


def test_invalid_api_key_fails_the_build_with_a_visible_message_after_one_call(sandbox):
    """Flickr's error 100 stops the build at once with a message saying what to check."""
    server = sandbox(photos=WORLD_PHOTOS, api_key="the-right-key")
    lifeboat = approved_lifeboat_with_key(server)

    lifeboat = build(lifeboat, server)

    assert lifeboat.status == LifeboatStatus.FAILED
    assert lifeboat.failure_message == "Flickr rejected the API key: check FLICKR_API_KEY"
    assert sum(server.calls.values()) == 1
    assert lifeboat.photos.pending().count() == 4
    assert not lifeboat.photos.exclude(claimed_by="").exists()


def approved_lifeboat_with_key(server) -> Lifeboat:
    """Resolve with the right key; the build then uses the client `build` makes (wrong key)."""
    membership = make_membership()
    with FlickrClient(api_key="the-right-key", api_url=server.api_url) as client:
        lifeboat = lifeboat_create(
            organisation=membership.organisation,
            by=membership.user,
            name="Keys",
            urls=[SMALL_ALBUM],
            client=client,
        )
    move(lifeboat.pk, LifeboatStatus.SUBMITTED, actor=membership.user)
    move(lifeboat.pk, LifeboatStatus.APPROVED, actor=make_foundation_admin())
    server.reset_stats()
    return lifeboat


def test_a_duplicated_build_task_of_a_ready_lifeboat_does_nothing(world_server):
    """Delivering the build task again after the build changes nothing and calls nobody."""
    lifeboat = build(approved_lifeboat(world_server, SMALL_ALBUM), world_server)
    world_server.reset_stats()

    again = build(lifeboat, world_server)

    assert again.status == LifeboatStatus.READY
    assert again.package_sha256 == lifeboat.package_sha256
    assert sum(world_server.calls.values()) == 0


def test_approving_builds_through_the_task_queue(world_server, django_capture_on_commit_callbacks):
    """Approval queues the build task; the (synchronous) cluster runs it to a ready package."""
    membership = make_membership()
    with sandbox_client(world_server) as client:
        lifeboat = lifeboat_create(
            organisation=membership.organisation,
            by=membership.user,
            name="Queued",
            purpose="Through the queue.",
            readme_future="Nothing.",
            urls=[SMALL_ALBUM],
            client=client,
        )
    move(lifeboat.pk, LifeboatStatus.SUBMITTED, actor=membership.user)

    with (
        override_settings(
            FLICKR_API_URL=world_server.api_url, FLICKR_RATE_LIMIT_PER_HOUR=100_000_000
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifeboat_approve(lifeboat, by=make_foundation_admin())

    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.READY
    assert lifeboat.photos_done == 4


def test_sweeper_resumes_only_builds_with_a_stale_heartbeat(world_server):
    """A build whose heartbeat is older than a chunk can live is handed out again; a fresh one
    is left alone."""
    from datetime import timedelta

    from django.utils import timezone

    stale = approved_lifeboat(world_server, SMALL_ALBUM)
    fresh = approved_lifeboat(world_server, SMALL_ALBUM)
    for lifeboat in (stale, fresh):
        builder.build_begin(lifeboat.pk)
    now = timezone.now()
    Lifeboat.objects.filter(pk=stale.pk).update(
        heartbeat_at=now - builder.stale_after() - timedelta(seconds=1)
    )

    assert builder.sweep_stalled_builds(now=now) == [stale.pk]
    assert builder.sweep_stalled_builds(now=now) == []
