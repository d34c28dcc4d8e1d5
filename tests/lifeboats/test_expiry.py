"""Expiry: when the download window closes the package goes, the records stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from lifeboats.expiry import EXPIRY_TASK, expire_due_lifeboats
from lifeboats.models import LifeboatEvent, LifeboatPhoto, LifeboatStatus
from lifeboats.storage import lifeboat_storage, package_exists, work_prefix
from tests.factories import make_membership
from tests.lifeboats.package_helpers import make_ready_lifeboat

pytestmark = pytest.mark.django_db


@pytest.fixture
def due():
    """A ready lifeboat whose window closes in one hour, downloaded once."""
    lifeboat = make_ready_lifeboat(expires_in=timedelta(hours=1))
    lifeboat.downloads.create(user=make_membership(lifeboat.organisation).user, size=10)
    return lifeboat


def later(hours: float = 2):
    return time_machine.travel(timezone.now() + timedelta(hours=hours), tick=False)


def test_a_due_lifeboat_moves_to_expired(due):
    """ready → expired once `expires_at` has passed, with a system event."""
    with later():
        assert expire_due_lifeboats() == 1
    due.refresh_from_db()
    assert due.status == LifeboatStatus.EXPIRED
    event = due.events.get(status=LifeboatStatus.EXPIRED)
    assert (event.from_status, event.actor) == (LifeboatStatus.READY, None)


def test_expiry_deletes_the_package_and_the_work_files(due):
    """The zip and the build's work files are removed from storage."""
    lifeboat_storage().save(f"{work_prefix(due)}/media/1.jpg", ContentFile(b"jpeg"))
    with later():
        expire_due_lifeboats()
    assert not package_exists(due)
    assert not lifeboat_storage().exists(f"{work_prefix(due)}/media/1.jpg")


def test_expiry_keeps_every_row(due):
    """The lifeboat, its photos, downloads and package facts stay: they are provenance."""
    photos = LifeboatPhoto.objects.filter(lifeboat=due).count()
    with later():
        expire_due_lifeboats()
    due.refresh_from_db()
    assert photos == 3
    assert LifeboatPhoto.objects.filter(lifeboat=due).count() == photos
    assert due.downloads.count() == 1
    assert due.package_sha256
    assert due.package_size


def test_a_lifeboat_not_yet_due_is_left_alone(due):
    """Before `expires_at` nothing happens to it."""
    with later(hours=0.5):
        assert expire_due_lifeboats() == 0
    due.refresh_from_db()
    assert due.status == LifeboatStatus.READY
    assert package_exists(due)


def test_expiring_twice_changes_nothing_the_second_time(due):
    """Idempotent: the second run finds nothing due and appends no event."""
    with later():
        expire_due_lifeboats()
        events = LifeboatEvent.objects.count()
        assert expire_due_lifeboats() == 0
    assert LifeboatEvent.objects.count() == events


def test_one_lifeboat_that_cannot_be_expired_does_not_stop_the_others(due, caplog):
    """A broken row is logged and skipped; the others still expire."""
    broken = make_ready_lifeboat(expires_in=timedelta(minutes=30))
    broken.package_path = "../outside-the-storage.zip"  # refused by the storage
    broken.save(update_fields=["package_path"])
    with later():
        assert expire_due_lifeboats() == 1
    broken.refresh_from_db()
    due.refresh_from_db()
    assert (broken.status, due.status) == (LifeboatStatus.READY, LifeboatStatus.EXPIRED)
    assert f"Could not expire lifeboat {broken.pk}" in caplog.text


def test_the_migrations_register_one_hourly_schedule():
    """Migrating the database registers exactly one hourly django-q2 expiry schedule."""
    schedule = Schedule.objects.get(func=EXPIRY_TASK)
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.HOURLY, -1)


def test_the_command_expires_due_lifeboats_and_says_how_many(due, capsys):
    """`manage.py expire_lifeboats` runs the same expiry on demand."""
    with later():
        call_command("expire_lifeboats")
    assert "Expired 1 lifeboat." in capsys.readouterr().out
    due.refresh_from_db()
    assert due.status == LifeboatStatus.EXPIRED
