"""The staff flow of a lifeboat request in headless Chromium, against the live portal and the
Flickr sandbox: log in, paste URLs, check the preview, remove a photo, write the README with
its live preview, submit, and land on the lifeboat's page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from lifeboats.models import Lifeboat, LifeboatStatus
from portal.models import Membership
from tests.browser.conftest import log_in
from tests.factories import make_membership, make_organisation, make_signature
from tests.flickr import sandbox_helpers

if TYPE_CHECKING:
    pass

sandbox = sandbox_helpers.sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORLD_PHOTOS = 60
WORLD = sandbox_helpers.sandbox_world(WORLD_PHOTOS, 1)
ALBUM = WORLD.albums[0]
ALBUM_URL = f"{WORLD.archive.photos_url}albums/{ALBUM.id}"
PHOTO_IN_ALBUM_URL = f"{WORLD.archive.photos_url}{WORLD.photo_at(ALBUM.photo_indices[0]).id}/"


@pytest.fixture
def flickr(sandbox, settings):
    """The sandbox, with the live portal's Flickr settings pointing at it."""
    server = sandbox(photos=WORLD_PHOTOS)
    settings.FLICKR_API_URL = server.api_url
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3_600_000
    return server


def test_staff_request_a_lifeboat_from_urls_to_submitted(page, live_server, flickr):
    """The wizard end to end, as a staff member of an approved, signed organisation."""
    from playwright.sync_api import expect

    organisation = make_organisation()
    make_signature(organisation, status="approved")
    staff = make_membership(organisation, role=Membership.Role.STAFF).user
    log_in(page, live_server.url, staff.username)

    # Step 1: paste an album and a photo it holds.
    page.goto(live_server.url + reverse("lifeboats:new", kwargs={"slug": organisation.slug}))
    page.fill("input[name=name]", "Harbour lighthouses")
    page.fill("textarea[name=urls]", f"{ALBUM_URL}\n{PHOTO_IN_ALBUM_URL}")
    page.click("#find-photos")
    page.wait_for_url(re.compile(r"/photos/$"))

    # Step 2: the preview grid and its counts; remove one photo.
    lifeboat = Lifeboat.objects.get()
    grid = page.locator("#photo-grid > li")
    expect(grid).to_have_count(lifeboat.photos_total)
    expect(page.locator("#stat-photos")).to_have_text(str(lifeboat.photos_total))
    expect(page.get_by_text("duplicate removed")).to_be_visible()
    grid.first.get_by_label(re.compile("Remove")).check()
    page.click("#remove-selected")
    expect(page.locator(".message-success")).to_contain_text("Removed 1 photo")
    expect(grid).to_have_count(lifeboat.photos_total - 1)

    # Step 3: the README, with its live, sanitised preview.
    page.click("#to-readme")
    page.wait_for_url(re.compile(r"/readme/$"))  # and htmx has loaded
    page.fill("textarea[name=purpose]", "Keep the **lighthouse** photos. <script>alert(1)</script>")
    preview = page.locator("#readme-preview")
    expect(preview.locator("strong")).to_have_text("lighthouse")
    expect(preview.locator("script")).to_have_count(0)
    page.fill("textarea[name=readme_future]", "The harbour was rebuilt in 1990.")
    page.click("#save-readme")

    # Step 4: review and submit; step 5: the lifeboat's page.
    page.wait_for_url(re.compile(r"/submit/$"))
    page.click("#submit-request")
    page.wait_for_url(re.compile(rf"/lifeboats/{lifeboat.pk}/$"))
    expect(page.locator("#lifeboat-status")).to_have_text("Submitted for review")
    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.SUBMITTED
