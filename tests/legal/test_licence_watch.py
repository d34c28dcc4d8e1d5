"""The licence watch: a licence changed on Flickr is recorded and announced once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.test import TestCase, override_settings
from django.utils import timezone

from flickr.client import FlickrClient
from flickr.licenses import FLICKR_NUMBER_BY_ID, licence_id_for_number
from flickr.sandbox.data import Photo, SandboxWorld
from flickr.sandbox.server import SandboxServer
from legal.licence_watch import licence_watch_run
from legal.models import LicenceChangeRecord, Notification
from lifeboats.models import LifeboatDownload
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
)

WATCH_DAYS = 30
CHANGE_KIND_ADMINS = "licence_changes"
CHANGE_KIND_HOLDERS = "licence_changes_in_lifeboats"


@dataclasses.dataclass
class ChangingWorld(SandboxWorld):
    """A sandbox world whose photographers can change a photo's licence between two runs."""

    new_licences: dict[str, int] = dataclasses.field(default_factory=dict)

    def photo_at(self, index: int) -> Photo:
        photo = super().photo_at(index)
        number = self.new_licences.get(photo.id)
        if number is None:
            return photo
        return dataclasses.replace(
            photo, license=number, licence_change_count=photo.licence_change_count + 1
        )

    def change_licence(self, photo_id: str, licence_id: str) -> None:
        self.new_licences[photo_id] = FLICKR_NUMBER_BY_ID[licence_id]


@pytest.fixture
def world() -> ChangingWorld:
    return ChangingWorld.generate(photos=30, seed=1)


@pytest.fixture
def flickr(world):
    with (
        SandboxServer(world) as server,
        FlickrClient(
            api_key="test-key", api_url=server.api_url, sleep=lambda _seconds: None
        ) as client,
    ):
        client.server = server  # type: ignore[attr-defined]
        yield client


def public_photos(world: ChangingWorld, count: int) -> list[Photo]:
    photos = [photo for photo in world.photos() if photo.is_available and photo.license <= 16]
    return photos[:count]


def lifeboat_holding(photos: list[Photo], *, ready_days_ago: int = 1):
    """A ready lifeboat that included the photos under the licences they have now."""
    lifeboat = make_lifeboat(
        status="ready", photos=0, ready_at=timezone.now() - timedelta(days=ready_days_ago)
    )
    for photo in photos:
        make_lifeboat_photo(
            lifeboat,
            photo_id=photo.id,
            owner_nsid=photo.owner,
            license_id=licence_id_for_number(photo.license),
            state="included",
        )
    return lifeboat


def other_licence(photo: Photo) -> str:
    return "cc0-1.0" if licence_id_for_number(photo.license) != "cc0-1.0" else "cc-by-2.0"


def watch(flickr):
    with (
        override_settings(LICENCE_WATCH_DAYS=WATCH_DAYS),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        return licence_watch_run(flickr=flickr)


pytestmark = pytest.mark.django_db


def test_unchanged_licences_record_nothing(world, flickr):
    lifeboat_holding(public_photos(world, 3))

    assert watch(flickr) == []
    assert not LicenceChangeRecord.objects.exists()


def test_a_changed_licence_is_recorded_with_its_lifeboat(world, flickr):
    photo, *others = public_photos(world, 3)
    lifeboat = lifeboat_holding([photo, *others])
    world.change_licence(photo.id, other_licence(photo))

    [record] = watch(flickr)

    assert record.photo_id == photo.id
    assert record.old_licence_id == licence_id_for_number(photo.license)
    assert record.new_licence_id == other_licence(photo)
    assert list(record.lifeboats.all()) == [lifeboat]


def test_a_change_is_detected_once_not_on_every_run(world, flickr):
    """The second run finds the licence as recorded: no new record, no new notification."""
    make_foundation_admin()
    [photo] = public_photos(world, 1)
    lifeboat_holding([photo])
    world.change_licence(photo.id, other_licence(photo))
    watch(flickr)
    notifications = Notification.objects.count()

    assert watch(flickr) == []
    assert LicenceChangeRecord.objects.count() == 1
    assert Notification.objects.count() == notifications


def test_a_second_change_of_the_same_photo_is_recorded_from_the_first(world, flickr):
    [photo] = public_photos(world, 1)
    lifeboat_holding([photo])
    world.change_licence(photo.id, "cc0-1.0" if photo.license != 9 else "pdm")
    [first] = watch(flickr)
    world.change_licence(photo.id, "cc-by-nd-4.0")

    [second] = watch(flickr)

    assert (second.old_licence_id, second.new_licence_id) == (first.new_licence_id, "cc-by-nd-4.0")


def test_admins_and_the_holding_organisation_are_notified(world, flickr):
    admin = make_foundation_admin()
    [photo] = public_photos(world, 1)
    lifeboat = lifeboat_holding([photo])
    member = make_membership(lifeboat.organisation).user
    bystander = make_membership().user
    world.change_licence(photo.id, other_licence(photo))

    watch(flickr)

    assert Notification.objects.filter(recipient=admin, kind=CHANGE_KIND_ADMINS).count() == 1
    holders = Notification.objects.filter(kind=CHANGE_KIND_HOLDERS)
    assert {notification.recipient for notification in holders} == {lifeboat.created_by, member}
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert photo.id in holders.first().body
    assert lifeboat.name in holders.first().body


def test_lifeboats_older_than_the_window_are_not_watched(world, flickr):
    """Nobody asks Flickr about them."""
    [photo] = public_photos(world, 1)
    lifeboat_holding([photo], ready_days_ago=WATCH_DAYS + 1)
    world.change_licence(photo.id, other_licence(photo))

    assert watch(flickr) == []
    assert flickr.server.calls["flickr.photos.getInfo"] == 0


def test_an_old_lifeboat_downloaded_recently_is_watched(world, flickr):
    [photo] = public_photos(world, 1)
    lifeboat = lifeboat_holding([photo], ready_days_ago=WATCH_DAYS + 1)
    LifeboatDownload.objects.create(lifeboat=lifeboat, user=lifeboat.created_by)
    world.change_licence(photo.id, other_licence(photo))

    assert len(watch(flickr)) == 1
