"""Provenance for the Django admin: who asked, who approved, what went in, who downloaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lifeboats.expiry import expire_due_lifeboats
from lifeboats.models import LifeboatEvent
from lifeboats.provenance import lifeboat_provenance, render_provenance
from tests.factories import (
    make_foundation_admin,
    make_lifeboat_photo,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)
from tests.lifeboats.package_helpers import PACKAGE_BYTES, make_ready_lifeboat

pytestmark = pytest.mark.django_db


@pytest.fixture
def lifeboat():
    """A ready lifeboat with an approval, a signed agreement, mixed photos and two downloads."""
    organisation = make_organisation(name="Example <City> Archive")
    signature = make_signature(organisation, status="approved")
    lifeboat = make_ready_lifeboat(organisation, agreement_signature=signature, api_calls=1234)
    lifeboat.photos.update(state="included")
    make_lifeboat_photo(lifeboat, state="excluded", reason="opted_out")
    make_lifeboat_photo(lifeboat, state="excluded", reason="not_found")
    make_lifeboat_photo(lifeboat, state="excluded", reason="opted_out")
    admin = make_foundation_admin(username="reviewer")
    LifeboatEvent.objects.create(
        lifeboat=lifeboat, from_status="submitted", status="approved", actor=admin, note="Fine."
    )
    member = make_membership(organisation).user
    lifeboat.downloads.create(user=member, size=10, at=timezone.now() - timedelta(days=1))
    lifeboat.downloads.create(user=member, size=len(PACKAGE_BYTES), ip="192.0.2.7")
    return lifeboat


def test_provenance_names_the_requester(lifeboat):
    """The person who asked, and for which organisation."""
    requester = lifeboat_provenance(lifeboat)["requester"]
    assert requester["username"] == lifeboat.created_by.username
    assert requester["organisation"] == "Example <City> Archive"


def test_provenance_lists_the_approvals_from_the_events(lifeboat):
    """Each move to approved, with who made it and their note."""
    [approval] = lifeboat_provenance(lifeboat)["approvals"]
    assert (approval["by"], approval["note"]) == ("reviewer", "Fine.")


def test_provenance_gives_the_agreement_version_signed(lifeboat):
    """The agreement version in force when the lifeboat was asked for."""
    agreement = lifeboat_provenance(lifeboat)["agreement"]
    assert agreement["version"] == lifeboat.agreement_signature.version.label
    assert agreement["approved_at"] == lifeboat.agreement_signature.decided_at


def test_provenance_counts_photos_by_state_and_exclusions_by_reason(lifeboat):
    """3 included, 3 excluded (2 opted out, 1 not found), none pending."""
    photos = lifeboat_provenance(lifeboat)["photos"]
    assert (photos["included"], photos["excluded"], photos["pending"], photos["total"]) == (
        3,
        3,
        0,
        6,
    )
    assert photos["excluded_by_reason"] == {"not_found": 1, "opted_out": 2}


def test_provenance_gives_api_calls_and_the_package_checksum(lifeboat):
    """The Flickr calls spent and the package's size and SHA-256."""
    data = lifeboat_provenance(lifeboat)
    assert data["api_calls"] == 1234
    assert data["package"] == {
        "path": lifeboat.package_path,
        "size": len(PACKAGE_BYTES),
        "sha256": lifeboat.package_sha256,
    }


def test_provenance_counts_downloads_and_names_the_last(lifeboat):
    """How many downloads, and the most recent one."""
    downloads = lifeboat_provenance(lifeboat)["downloads"]
    assert downloads["count"] == 2
    assert (downloads["last"]["ip"], downloads["last"]["size"]) == ("192.0.2.7", len(PACKAGE_BYTES))


def test_provenance_records_when_the_lifeboat_expired(lifeboat):
    """After expiry the moment it expired is kept beside the window."""
    with time_machine.travel(lifeboat.expires_at + timedelta(hours=1), tick=False):
        expire_due_lifeboats()
        expired_at = timezone.now()
    lifeboat.refresh_from_db()
    expiry = lifeboat_provenance(lifeboat)["expiry"]
    assert (expiry["status"], expiry["expires_at"]) == ("expired", lifeboat.expires_at)
    assert expiry["expired_at"] == expired_at


def test_the_admin_fragment_shows_every_fact_escaped(lifeboat):
    """The HTML for the admin lists each fact; user text is escaped."""
    html = str(render_provenance(lifeboat))
    for label in (
        "Requested by",
        "Approvals",
        "Agreement",
        "Photos",
        "Flickr API calls",
        "Package",
        "Downloads",
        "Expiry",
    ):
        assert f"<dt>{label}</dt>" in html
    assert lifeboat.package_sha256 in html
    assert "1,234" in html
    assert "the photographer opted out: 2" in html
    assert "Example &lt;City&gt; Archive" in html
    assert "<City>" not in html


def test_the_admin_fragment_of_a_lifeboat_never_built_says_so(lifeboat):
    """No package yet: "not built", and no downloads: "none"."""
    lifeboat.package_path = ""
    lifeboat.save(update_fields=["package_path"])
    lifeboat.downloads.all().delete()
    html = str(render_provenance(lifeboat))
    assert "<dt>Package</dt><dd>not built</dd>" in html
    assert "<dt>Downloads</dt><dd>none</dd>" in html


def test_the_lifeboat_admin_page_shows_the_provenance(client, lifeboat):
    """The Django admin's lifeboat page carries the provenance summary."""
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:lifeboats_lifeboat_change", args=[lifeboat.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<dl class="provenance">' in content
    assert f"SHA-256 {lifeboat.package_sha256}" in content
