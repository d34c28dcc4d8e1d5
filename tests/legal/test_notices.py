"""Inclusion notices: one per photographer per ready lifeboat, sent in one daily digest."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_q.models import Schedule

from legal.licence_watch import SCHEDULE_NAME as LICENCE_WATCH_SCHEDULE
from legal.models import InclusionNotice, Notification
from legal.notices import (
    DIGEST_SCHEDULE_NAME,
    inclusion_notices_send_digest,
    record_inclusion_notices,
)
from lifeboats.services import lifeboat_mark_ready
from tests.factories import make_lifeboat, make_lifeboat_photo, make_user

PAULA = "11111111@N01"
OSCAR = "22222222@N02"
NOBODY = "33333333@N03"


def ready_lifeboat(**photos_by_owner: list[str]):
    """A ready lifeboat holding, included, the given photo ids of each owner NSID."""
    lifeboat = make_lifeboat(status="ready", photos=0)
    for owner, photo_ids in photos_by_owner.items():
        for photo_id in photo_ids:
            make_lifeboat_photo(lifeboat, photo_id=photo_id, owner_nsid=owner, state="included")
    return lifeboat


@pytest.fixture
def paula(db):
    return make_user(username="paula", email="paula@example.org", flickr_nsid=PAULA)


def owners(**photos):
    """Keyword names cannot hold an NSID; map short names to the NSIDs."""
    names = {"paula": PAULA, "oscar": OSCAR, "nobody": NOBODY}
    return {names[name]: ids for name, ids in photos.items()}


# --- Recording ---------------------------------------------------------------------------------


def test_each_photographer_gets_one_notice_listing_their_photos(db):
    lifeboat = ready_lifeboat(**owners(paula=["1", "2"], oscar=["3"]))

    assert record_inclusion_notices(lifeboat.pk) == 2

    notices = {n.photographer_nsid: n.photo_ids for n in InclusionNotice.objects.all()}
    assert notices == {PAULA: ["1", "2"], OSCAR: ["3"]}


def test_excluded_photos_are_not_announced(db):
    lifeboat = ready_lifeboat(**owners(paula=["1"]))
    make_lifeboat_photo(
        lifeboat, photo_id="9", owner_nsid=OSCAR, state="excluded", reason="consent_refused"
    )

    record_inclusion_notices(lifeboat.pk)

    assert list(InclusionNotice.objects.values_list("photographer_nsid", flat=True)) == [PAULA]


def test_recording_twice_makes_no_second_notice(db):
    lifeboat = ready_lifeboat(**owners(paula=["1"]))
    record_inclusion_notices(lifeboat.pk)

    assert record_inclusion_notices(lifeboat.pk) == 0
    assert InclusionNotice.objects.count() == 1


def test_a_lifeboat_becoming_ready_records_its_notices(db):
    """`lifeboat_mark_ready` records them after its commit."""
    lifeboat = make_lifeboat(status="building", photos=0)
    make_lifeboat_photo(lifeboat, photo_id="1", owner_nsid=PAULA, state="included")

    with TestCase.captureOnCommitCallbacks(execute=True):
        lifeboat_mark_ready(lifeboat, package_path="x.zip", package_size=1, package_sha256="0")

    assert InclusionNotice.objects.get().lifeboat == lifeboat


# --- The digest --------------------------------------------------------------------------------


def test_a_photographer_in_two_lifeboats_gets_one_digest(paula):
    """One notification and one email that name both lifeboats."""
    first = ready_lifeboat(**owners(paula=["1"]))
    second = ready_lifeboat(**owners(paula=["2"]))
    record_inclusion_notices(first.pk)
    record_inclusion_notices(second.pk)

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert inclusion_notices_send_digest() == 1

    digest = Notification.objects.get(recipient=paula, kind="inclusion_digest")
    assert first.name in digest.body
    assert second.name in digest.body
    assert first.organisation.name in digest.body
    assert first.purpose in digest.body
    assert "removal" in digest.body
    assert [message.to for message in mail.outbox] == [["paula@example.org"]]


def test_the_digest_sends_only_what_is_unsent(paula):
    lifeboat = ready_lifeboat(**owners(paula=["1"]))
    record_inclusion_notices(lifeboat.pk)
    inclusion_notices_send_digest()

    assert inclusion_notices_send_digest() == 0
    assert Notification.objects.filter(kind="inclusion_digest").count() == 1
    assert InclusionNotice.objects.unsent().count() == 0


def test_a_photographer_without_an_address_gets_the_digest_in_the_inbox_only(db):
    silent = make_user(username="silent", email="", flickr_nsid=PAULA)
    record_inclusion_notices(ready_lifeboat(**owners(paula=["1"])).pk)

    with TestCase.captureOnCommitCallbacks(execute=True):
        inclusion_notices_send_digest()

    assert Notification.objects.filter(recipient=silent, kind="inclusion_digest").exists()
    assert mail.outbox == []


def test_notices_of_a_photographer_without_an_account_wait_for_them(db):
    """Sent in the first digest after they log in with Flickr."""
    record_inclusion_notices(ready_lifeboat(**owners(nobody=["1"])).pk)
    assert inclusion_notices_send_digest() == 0

    newcomer = make_user(username="newcomer", flickr_nsid=NOBODY)

    assert inclusion_notices_send_digest() == 1
    assert Notification.objects.filter(recipient=newcomer, kind="inclusion_digest").exists()


# --- The photographer's page -------------------------------------------------------------------


def test_the_photographer_page_shows_notices_before_any_digest(client, paula):
    lifeboat = ready_lifeboat(**owners(paula=["1"]))
    record_inclusion_notices(lifeboat.pk)
    client.force_login(paula)

    page = client.get(reverse("legal:photographer")).content.decode()

    assert "Lifeboats ready with your photos" in page
    assert lifeboat.name in page
    assert lifeboat.purpose in page


def test_the_photographer_page_has_an_empty_state_without_notices(client, paula):
    client.force_login(paula)

    page = client.get(reverse("legal:photographer")).content.decode()

    assert "No lifeboat with your photos is ready yet" in page


# --- Schedules ---------------------------------------------------------------------------------


def test_the_digest_and_the_licence_watch_are_scheduled_daily(db):
    schedules = Schedule.objects.filter(name__in=[DIGEST_SCHEDULE_NAME, LICENCE_WATCH_SCHEDULE])

    assert sorted(schedules.values_list("func", "schedule_type")) == [
        ("legal.licence_watch.licence_watch_run", "D"),
        ("legal.notices.inclusion_notices_send_digest", "D"),
    ]
