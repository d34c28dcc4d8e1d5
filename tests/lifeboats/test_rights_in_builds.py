"""Photographers' rights reach the lifeboat: licence review on submit, builds that wait for
consent, consent written into the package, opt-outs flagged in the preview and honoured at build."""

from __future__ import annotations

import pytest
from django.urls import reverse

from legal.consent import consent_grant
from legal.models import ConsentItem, ConsentStatus
from legal.optouts import optout_add
from lifeboats import builder
from lifeboats.models import ExclusionReason, Lifeboat, LifeboatStatus, PhotoState
from lifeboats.package import read_js_file
from lifeboats.services import lifeboat_approve, lifeboat_create, lifeboat_submit
from lifeboats.summaries import photo_counts
from portal.models import User
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_membership,
    make_signature,
    make_user,
)
from tests.flickr import sandbox_helpers
from tests.lifeboats.test_builder import (
    ARCHIVE_ALBUM,
    SMALL_ALBUM,
    WORLD_PHOTOS,
    approved_lifeboat,
    build,
    package_zip,
    sandbox_client,
)

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(sandbox):
    return sandbox(photos=WORLD_PHOTOS)


def submitted_lifeboat(server, url: str) -> Lifeboat:
    """A lifeboat of `url` submitted by staff of an organisation with an approved agreement
    and no Flickr accounts of its own, so other people's photos may need consent."""
    membership = make_membership()
    make_signature(membership.organisation, status="approved")
    with sandbox_client(server) as client:
        lifeboat = lifeboat_create(
            organisation=membership.organisation,
            by=membership.user,
            name="Harbour photographs",
            purpose="Keep the harbour's photographs with their stories.",
            readme_future="The captions were written by the photographers.",
            urls=[url],
            client=client,
        )
    return lifeboat_submit(lifeboat, by=membership.user)


def photographer_of(item: ConsentItem) -> User:
    """The portal account of the photo's owner (made on first use, as a Flickr login would)."""
    nsid = item.request.owner_nsid
    return User.objects.filter(flickr_nsid=nsid).first() or make_user(flickr_nsid=nsid)


def test_submit_asks_photographers_for_consent_and_counts_the_photos_waiting(server):
    """Submitting runs the licence review: photos whose licence needs consent wait for it."""
    lifeboat = submitted_lifeboat(server, ARCHIVE_ALBUM)

    waiting = ConsentItem.objects.filter(request__lifeboat=lifeboat)
    assert waiting.count() > 0
    counts = photo_counts(lifeboat)
    assert counts["pending_consent"] == waiting.count()
    assert counts["pending"] + counts["pending_consent"] + sum(counts["excluded"].values()) == (
        lifeboat.photos.count()
    )


def test_an_approved_build_waits_until_no_consent_is_pending(server):
    """The build does not begin while consent is pending, and begins once it is answered."""
    lifeboat = submitted_lifeboat(server, ARCHIVE_ALBUM)
    lifeboat_approve(lifeboat, by=make_foundation_admin())

    assert builder.build_begin(lifeboat.pk) is None
    assert Lifeboat.objects.get(pk=lifeboat.pk).status == LifeboatStatus.APPROVED

    for item in ConsentItem.objects.filter(request__lifeboat=lifeboat):
        consent_grant(item, by=photographer_of(item))
    assert builder.build_begin(lifeboat.pk).status == LifeboatStatus.BUILDING


def test_granted_consent_is_written_into_the_package(server):
    """A photo included with its owner's consent says so in its package metadata."""
    lifeboat = submitted_lifeboat(server, ARCHIVE_ALBUM)
    lifeboat_approve(lifeboat, by=make_foundation_admin())
    granted = []
    for item in ConsentItem.objects.filter(request__lifeboat=lifeboat):
        consent_grant(item, by=photographer_of(item))
        granted.append(item.photo_id)

    built = build(lifeboat, server)

    assert built.status == LifeboatStatus.READY
    included = set(
        built.photos.filter(state=PhotoState.INCLUDED).values_list("photo_id", flat=True)
    )
    photo_id = next(photo_id for photo_id in granted if photo_id in included)
    with package_zip(built) as archive:
        _, photo = read_js_file(archive.read(f"{built.slug}/data/metadata/photos/{photo_id}.js"))
    assert photo["consent"]["required"] is True
    assert photo["consent"]["status"] == ConsentStatus.GRANTED


def test_an_opt_out_made_after_approval_still_excludes_at_build(server):
    """A photographer who opts out while the lifeboat waits to be built is left out of it."""
    lifeboat = approved_lifeboat(server, SMALL_ALBUM)
    owner = lifeboat.photos.values_list("owner_nsid", flat=True).first()
    optout_add(photographer=make_user(flickr_nsid=owner), scope="all")

    built = build(lifeboat, server)

    theirs = built.photos.filter(owner_nsid=owner)
    assert theirs.exists()
    assert set(theirs.values_list("state", "reason")) == {
        (PhotoState.EXCLUDED, ExclusionReason.OPTED_OUT)
    }
    assert built.status == LifeboatStatus.READY


def test_the_preview_flags_photos_whose_owner_opted_out(client):
    """Staff see, before submitting, which photos will be left out because of an opt-out."""
    lifeboat = make_lifeboat(photos=2)
    first, second = lifeboat.photos.order_by("position")
    lifeboat.photos.filter(pk=second.pk).update(owner_nsid="87654321@N02")
    optout_add(photographer=make_user(flickr_nsid=first.owner_nsid), scope="all")
    client.force_login(lifeboat.created_by)

    page = client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))

    assert page.content.decode().count("photo-flag-opted-out") == 1


def test_the_review_page_shows_the_consent_summary(server, client):
    """Foundation admins see how many photos need consent and how the answers stand."""
    lifeboat = submitted_lifeboat(server, ARCHIVE_ALBUM)
    needed = ConsentItem.objects.filter(request__lifeboat=lifeboat).count()
    client.force_login(make_foundation_admin())

    page = client.get(reverse("lifeboats:review", args=[lifeboat.pk])).content.decode()

    assert f'<span class="stat-value">{needed}</span> <span class="stat-label">need their' in page


def test_the_lifeboat_page_counts_photos_waiting_for_consent(server, client):
    """Staff see how many of their photos wait for an answer from their owners."""
    lifeboat = submitted_lifeboat(server, ARCHIVE_ALBUM)
    waiting = ConsentItem.objects.filter(request__lifeboat=lifeboat).count()
    client.force_login(lifeboat.created_by)

    page = client.get(reverse("lifeboats:detail", args=[lifeboat.pk])).content.decode()

    assert f'id="count-pending-consent">{waiting}<' in page
