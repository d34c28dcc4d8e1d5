"""The staff web flow of a lifeboat request: URLs, preview, README, review and submit.

Flickr is the sandbox; the views use the portal's own client factory, pointed at it by
settings, with a budget large enough never to wait.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatStatus, PhotoState
from portal.models import Membership
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db

WORLD_PHOTOS = 60
WORLD = sandbox_helpers.sandbox_world(WORLD_PHOTOS, 1)
ALBUM = WORLD.albums[0]
ALBUM_URL = f"{WORLD.archive.photos_url}albums/{ALBUM.id}"
PHOTO_IN_ALBUM = WORLD.photo_at(ALBUM.photo_indices[0])
PHOTO_IN_ALBUM_URL = f"{WORLD.archive.photos_url}{PHOTO_IN_ALBUM.id}/"
DELETED_PHOTO_URL = dict(WORLD.example_urls())["photo (deleted)"]


@pytest.fixture
def flickr(sandbox, settings):
    """The sandbox, with the portal's Flickr settings pointing at it."""
    server = sandbox(photos=WORLD_PHOTOS)
    settings.FLICKR_API_URL = server.api_url
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3_600_000
    return server


def new_url(organisation) -> str:
    return reverse("lifeboats:new", kwargs={"slug": organisation.slug})


def paste(client, organisation, *urls, name="Harbour photos"):
    return client.post(new_url(organisation), {"name": name, "urls": "\n".join(urls)})


# --- Step 1 --------------------------------------------------------------------------------


def test_new_page_offers_a_box_for_urls(staff_client, organisation):
    """Staff of an approved organisation get the form with a textarea for the URLs."""
    response = staff_client.get(new_url(organisation))
    assert response.status_code == 200
    assert b'<textarea name="urls"' in response.content
    assert b"Looking up your photos" in response.content


def test_pasting_urls_creates_a_draft_and_goes_to_the_preview(
    staff_client, organisation, staff, flickr
):
    """The URLs are resolved into a draft with one pending row per photo, then the preview."""
    response = paste(staff_client, organisation, ALBUM_URL, PHOTO_IN_ALBUM_URL)
    lifeboat = Lifeboat.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lifeboats:preview", args=[lifeboat.pk])
    assert lifeboat.status == LifeboatStatus.DRAFT
    assert lifeboat.created_by == staff
    assert lifeboat.photos.filter(state=PhotoState.PENDING).count() == lifeboat.photos_total > 0


def test_preview_shows_duplicates_and_unavailable_photos(staff_client, organisation, flickr):
    """A photo named twice counts once, and a deleted photo is listed with its URL."""
    paste(staff_client, organisation, ALBUM_URL, PHOTO_IN_ALBUM_URL, DELETED_PHOTO_URL)
    lifeboat = Lifeboat.objects.get()
    response = staff_client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))
    content = response.content.decode()
    assert lifeboat.preflight["duplicates"] == 1
    assert '>1</span><span class="stat-label">duplicate removed' in content
    assert DELETED_PHOTO_URL in content
    assert "Deleted or private" in content


def test_preview_shows_thumbnails_titles_owners_and_licences(staff_client, organisation):
    """Each photo of the grid shows its thumbnail, title, owner and licence."""
    lifeboat = make_lifeboat(organisation, photos=0)
    photo = make_lifeboat_photo(lifeboat, license_id="cc-by-2.0")
    response = staff_client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))
    content = response.content.decode()
    assert f'src="{photo.listing["thumbnail"]["url"]}"' in content
    assert photo.listing["title"] in content
    assert "by Example Photographer" in content
    assert "CC BY 2.0" in content


def test_preview_flags_photos_already_in_another_lifeboat(staff_client, organisation):
    """A photo that another lifeboat already holds (included in the index) is flagged."""
    other = make_lifeboat(make_organisation(), status="ready", photos=0)
    make_lifeboat_photo(other, photo_id="51234567890", state=PhotoState.INCLUDED)
    lifeboat = make_lifeboat(organisation, photos=0)
    make_lifeboat_photo(lifeboat, photo_id="51234567890")
    make_lifeboat_photo(lifeboat, photo_id="51234567891")
    response = staff_client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))
    assert response.content.decode().count("In 1 other lifeboat") == 1


def test_preview_pages_large_selections(staff_client, organisation):
    """The grid shows 200 photos a page, so very large selections stay usable."""
    lifeboat = make_lifeboat(organisation, photos=203)
    url = reverse("lifeboats:preview", args=[lifeboat.pk])
    first = staff_client.get(url).content.decode()
    second = staff_client.get(url, {"page": 2}).content.decode()
    assert first.count('name="photo"') == 200
    assert second.count('name="photo"') == 3
    assert "Page 2 of 2" in second


def test_removing_ticked_photos_takes_them_out_of_the_draft(staff_client, organisation):
    """The ticked photos leave the selection, and the counts follow."""
    lifeboat = make_lifeboat(organisation, photos=4)
    doomed = list(lifeboat.photos.values_list("photo_id", flat=True)[:2])
    response = staff_client.post(
        reverse("lifeboats:remove_photos", args=[lifeboat.pk]), {"photo": doomed}, follow=True
    )
    lifeboat.refresh_from_db()
    assert lifeboat.photos_total == 2
    assert not lifeboat.photos.filter(photo_id__in=doomed).exists()
    assert "Removed 2 photos; 2 left in the lifeboat." in response.content.decode()


def test_removing_with_nothing_ticked_removes_nothing(staff_client, organisation):
    """Submitting the remove form with no photo ticked says so and keeps every photo."""
    lifeboat = make_lifeboat(organisation, photos=3)
    response = staff_client.post(
        reverse("lifeboats:remove_photos", args=[lifeboat.pk]), {}, follow=True
    )
    assert lifeboat.photos.count() == 3
    assert "Tick the photos you want to remove first" in response.content.decode()


# --- Step 3 --------------------------------------------------------------------------------


def test_readme_preview_renders_sanitised_markdown(staff_client, organisation):
    """The live preview renders Markdown and strips anything unsafe."""
    lifeboat = make_lifeboat(organisation)
    response = staff_client.post(
        reverse("lifeboats:readme_preview", args=[lifeboat.pk]),
        {"purpose": "Keep **these** safe <script>alert('x')</script>", "readme_future": ""},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "<strong>these</strong>" in content
    assert "<script" not in content
    assert "What should future readers know?" not in content  # empty answers are left out


def test_saving_the_readme_goes_to_the_review(staff_client, organisation):
    """A complete README is saved and the review page comes next."""
    lifeboat = make_lifeboat(organisation, purpose="", readme_future="")
    response = staff_client.post(
        reverse("lifeboats:readme", args=[lifeboat.pk]),
        {
            "name": "Lighthouses",
            "purpose": "Rescue the lighthouse photos.",
            "readme_selection": "",
            "readme_future": "Dates are approximate.",
            "readme_usage": "",
        },
    )
    lifeboat.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("lifeboats:submit", args=[lifeboat.pk])
    assert (lifeboat.name, lifeboat.purpose) == ("Lighthouses", "Rescue the lighthouse photos.")


def test_readme_with_an_empty_purpose_changes_nothing(staff_client, organisation):
    """Without a purpose the form is shown again with the reason, and nothing is saved."""
    lifeboat = make_lifeboat(organisation, name="Before", purpose="Old purpose.")
    response = staff_client.post(
        reverse("lifeboats:readme", args=[lifeboat.pk]),
        {"name": "After", "purpose": "  ", "readme_future": "Something."},
    )
    lifeboat.refresh_from_db()
    assert response.status_code == 400
    assert "Say in a sentence or two why this lifeboat exists." in response.content.decode()
    assert (lifeboat.name, lifeboat.purpose) == ("Before", "Old purpose.")


# --- Step 4 --------------------------------------------------------------------------------


def test_submitting_a_complete_draft_moves_it_to_submitted(staff_client, organisation, staff):
    """POST on the review page submits the draft and lands on the lifeboat's page."""
    lifeboat = make_lifeboat(organisation)
    response = staff_client.post(reverse("lifeboats:submit", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == lifeboat.get_absolute_url()
    assert lifeboat.status == LifeboatStatus.SUBMITTED
    assert LifeboatEvent.objects.filter(lifeboat=lifeboat, status="submitted", actor=staff).exists()


def test_review_page_blocks_submit_until_the_agreement_is_signed(client):
    """Without an approved agreement the button is disabled and the page says who can sign."""
    organisation = make_organisation()
    manager = make_membership(organisation, role=Membership.Role.MANAGER).user
    staff = make_membership(organisation).user
    lifeboat = make_lifeboat(organisation, created_by=staff)
    client.force_login(staff)
    content = client.get(reverse("lifeboats:submit", args=[lifeboat.pk])).content.decode()
    assert 'id="submit-request" disabled' in content
    assert f"Only a manager of {organisation} can sign it." in content
    assert manager.get_full_name() in content


def test_submitting_without_an_approved_agreement_changes_nothing(client):
    """A forced POST is refused by the service with its explanation; the draft stays a draft."""
    organisation = make_organisation()
    make_signature(organisation)  # awaiting the foundation's approval
    staff = make_membership(organisation).user
    lifeboat = make_lifeboat(organisation, created_by=staff)
    client.force_login(staff)
    response = client.post(reverse("lifeboats:submit", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert response.status_code == 400
    assert "the foundation will review it shortly" in response.content.decode()
    assert lifeboat.status == LifeboatStatus.DRAFT


def test_submitting_without_a_purpose_changes_nothing(staff_client, organisation):
    """An empty purpose blocks submitting; the page points to the README step."""
    lifeboat = make_lifeboat(organisation, purpose="")
    response = staff_client.post(reverse("lifeboats:submit", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert response.status_code == 400
    assert "the purpose (why this lifeboat exists)" in response.content.decode()
    assert lifeboat.status == LifeboatStatus.DRAFT


def test_withdrawing_a_draft(staff_client, organisation):
    """The withdraw button ends the request; nothing will be built."""
    lifeboat = make_lifeboat(organisation)
    staff_client.post(reverse("lifeboats:withdraw", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.WITHDRAWN


# --- The whole flow ------------------------------------------------------------------------


def test_the_whole_flow_from_urls_to_a_submitted_request(staff_client, organisation, flickr):
    """Paste URLs, remove a photo, write the README, submit, and see it submitted."""
    response = paste(staff_client, organisation, ALBUM_URL, PHOTO_IN_ALBUM_URL, name="Harbour")
    preview = staff_client.get(response["Location"])
    lifeboat = Lifeboat.objects.get()
    selected = lifeboat.photos_total
    assert preview.content.decode().count('name="photo"') == selected

    staff_client.post(
        reverse("lifeboats:remove_photos", args=[lifeboat.pk]), {"photo": [PHOTO_IN_ALBUM.id]}
    )
    readme = staff_client.post(
        reverse("lifeboats:readme", args=[lifeboat.pk]),
        {
            "name": "Harbour",
            "purpose": "Keep the *harbour* photos.",
            "readme_selection": "Every photo of the album.",
            "readme_future": "The harbour was rebuilt in 1990.",
            "readme_usage": "As their licences allow.",
        },
    )
    review = staff_client.get(readme["Location"])
    assert "<em>harbour</em>" in review.content.decode()
    submitted = staff_client.post(readme["Location"], follow=True)

    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.SUBMITTED
    assert lifeboat.photos_total == selected - 1
    assert 'id="lifeboat-status">Submitted for review' in submitted.content.decode()


# --- Bad input creates nothing -------------------------------------------------------------


def test_no_urls_creates_nothing(staff_client, organisation):
    """An empty URL box is refused with a message saying what to paste."""
    response = paste(staff_client, organisation, "   ")
    assert response.status_code == 400
    assert "Paste at least one Flickr URL" in response.content.decode()
    assert not Lifeboat.objects.exists()


def test_a_non_flickr_url_is_named_and_creates_nothing(staff_client, organisation, flickr):
    """A URL that is not Flickr's is named in the error, before any call to Flickr."""
    response = paste(staff_client, organisation, ALBUM_URL, "https://example.com/holiday.jpg")
    assert response.status_code == 400
    assert "https://example.com/holiday.jpg" in response.content.decode()
    assert not Lifeboat.objects.exists()
    assert sum(flickr.calls.values()) == 0


def test_too_many_photos_creates_nothing(staff_client, organisation, flickr, settings):
    """A selection over LIFEBOAT_MAX_PHOTOS is refused with the limit in the message."""
    settings.LIFEBOAT_MAX_PHOTOS = 5
    response = paste(staff_client, organisation, ALBUM_URL)
    assert response.status_code == 400
    assert "more than 5 photos" in response.content.decode()
    assert not Lifeboat.objects.exists()


def test_a_missing_name_creates_nothing(staff_client, organisation, flickr):
    """Without a name the form comes back, and Flickr is not asked."""
    response = paste(staff_client, organisation, ALBUM_URL, name="")
    assert response.status_code == 400
    assert "Give the lifeboat a name" in response.content.decode()
    assert not Lifeboat.objects.exists()
    assert sum(flickr.calls.values()) == 0


def test_staff_of_an_unapproved_organisation_are_told_why(client):
    """The new-lifeboat page of a pending organisation is a 403 page that says why."""
    organisation = make_organisation(status="pending")
    client.force_login(make_membership(organisation).user)
    response = client.get(new_url(organisation))
    assert response.status_code == 403
    assert "once the foundation has approved the organisation" in response.content.decode()


def test_a_draft_can_be_started_before_the_agreement_is_approved(client):
    """Without an approved agreement the form is offered, with the explanation above it."""
    organisation = make_organisation()
    client.force_login(make_membership(organisation).user)
    response = client.get(new_url(organisation))
    assert response.status_code == 200
    assert "You can prepare a draft, but not submit it yet" in response.content.decode()


# --- Who may open which page ---------------------------------------------------------------

LIFEBOAT_PAGES = ["preview", "readme", "submit", "detail", "progress"]
ORGANISATION_PAGES = ["list", "new"]


def make_visitor(role, organisation):
    """A user in `role` towards `organisation`, or None for anonymous."""
    if role == "anonymous":
        return None
    if role == "other organisation":
        return make_membership(make_organisation()).user
    if role == "photographer":
        return make_user(flickr_nsid="87654321@N05")
    if role == "admin":
        return make_foundation_admin()
    return make_membership(organisation, role=role).user


def open_page(client, page, lifeboat, visitor):
    if visitor is not None:
        client.force_login(visitor)
    if page in ORGANISATION_PAGES:
        return client.get(reverse(f"lifeboats:{page}", kwargs={"slug": lifeboat.organisation.slug}))
    return client.get(reverse(f"lifeboats:{page}", args=[lifeboat.pk]))


EXPECTED = {
    "anonymous": 302,
    "other organisation": 404,
    "photographer": 404,
    Membership.Role.STAFF: 200,
    Membership.Role.MANAGER: 200,
    "admin": 200,
}


@pytest.mark.parametrize("page", LIFEBOAT_PAGES + ORGANISATION_PAGES)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix(client, organisation, page, role):
    """Anonymous: login; other organisations and photographers: 404; members and admins: 200
    (admins excepted on the new-lifeboat page, which only members may use: 403)."""
    lifeboat = make_lifeboat(organisation)
    response = open_page(client, page, lifeboat, make_visitor(role, organisation))
    expected = 403 if (role, page) == ("admin", "new") else EXPECTED[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_admins_see_a_draft_without_the_remove_boxes(client, organisation):
    """Foundation admins may look at a draft but not change it."""
    lifeboat = make_lifeboat(organisation)
    client.force_login(make_foundation_admin())
    response = client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))
    assert 'name="photo"' not in response.content.decode()


def test_draft_pages_of_a_submitted_lifeboat_lead_to_its_page(staff_client, organisation):
    """Once submitted, the preview redirects to the lifeboat's page: photos cannot change."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    response = staff_client.get(reverse("lifeboats:preview", args=[lifeboat.pk]))
    assert response.status_code == 302
    assert response["Location"] == lifeboat.get_absolute_url()
