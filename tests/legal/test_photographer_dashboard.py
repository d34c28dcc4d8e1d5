"""The photographer's page and dashboard panel: their photos, requests and opt-outs."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal.models import ConsentItem, ConsentRequest, OptOut
from legal.optouts import optout_add, photo_is_opted_out
from tests.factories import (
    make_lifeboat,
    make_lifeboat_photo,
    make_organisation,
    make_user,
)

MINE = "11111111@N01"
THEIRS = "22222222@N02"
PAGE = "legal:photographer"


@pytest.fixture
def photographer(db):
    return make_user(username="paula", flickr_nsid=MINE)


@pytest.fixture
def logged_in(client, photographer):
    client.force_login(photographer)
    return client


@pytest.fixture
def approved_lifeboat(db):
    organisation = make_organisation(name="Harbour Archive", slug="harbour-archive")
    return make_lifeboat(organisation, status="approved", photos=0, name="Harbour at dusk")


@pytest.fixture
def my_photo(approved_lifeboat):
    with time_machine.travel(datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC), tick=False):
        return make_lifeboat_photo(approved_lifeboat, photo_id="1001", owner_nsid=MINE)


def test_page_lists_my_photos_with_lifeboat_organisation_and_date(logged_in, my_photo):
    """Each of my photos in an approved lifeboat shows the lifeboat, institution and date."""
    response = logged_in.get(reverse(PAGE))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Photo 1001" in content
    assert "Harbour at dusk" in content
    assert "Harbour Archive" in content
    assert "4 Mar 2026" in content


def test_page_leaves_out_other_photographers_photos(logged_in, approved_lifeboat, my_photo):
    """Photos owned by someone else never appear on my page."""
    make_lifeboat_photo(approved_lifeboat, photo_id="2002", owner_nsid=THEIRS)

    response = logged_in.get(reverse(PAGE))

    assert b"2002" not in response.content
    assert response.context["page"].paginator.count == 1


def test_page_leaves_out_lifeboats_not_yet_approved(logged_in, db):
    """Drafts and requests under review are the institution's private work."""
    draft = make_lifeboat(status="draft", photos=0, name="Secret draft")
    make_lifeboat_photo(draft, photo_id="1003", owner_nsid=MINE)

    response = logged_in.get(reverse(PAGE))

    assert b"Secret draft" not in response.content
    assert b"None of your photos is in a lifeboat" in response.content


def test_page_flags_opted_out_photos(logged_in, photographer, my_photo):
    """A photo I opted out carries an "Opted out" badge."""
    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    response = logged_in.get(reverse(PAGE))

    assert response.context["rows"][0].opted_out
    assert b"Opted out" in response.content


def test_page_shows_my_consent_requests(logged_in, approved_lifeboat, my_photo):
    """A consent request about my photos is listed with its lifeboat and photos to answer."""
    now = timezone.now()
    request = ConsentRequest.objects.create(
        lifeboat=approved_lifeboat,
        owner_nsid=MINE,
        created_at=now,
        deadline=now + datetime.timedelta(days=14),
    )
    ConsentItem.objects.create(request=request, photo_id="1001")

    response = logged_in.get(reverse(PAGE))

    assert b"1 to answer" in response.content
    assert request.get_absolute_url().encode() in response.content


def test_page_asks_users_without_flickr_to_log_in_with_flickr(client, db):
    """Staff without a Flickr account are offered "Log in with Flickr", not an empty page."""
    client.force_login(make_user(username="stan"))

    response = client.get(reverse(PAGE))

    assert response.status_code == 200
    assert b"Log in with Flickr" in response.content
    assert reverse("flickr_login").encode() in response.content


def test_page_needs_a_login(client, db):
    """Anonymous visitors are sent to the log-in page."""
    response = client.get(reverse(PAGE))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_opting_out_all_from_the_page(logged_in):
    """Posting "all my photos" creates the opt-out and returns to the page."""
    response = logged_in.post(reverse("legal:optout_create"), {"scope": "all", "photos": ""})

    assert response.status_code == 302
    assert response["Location"] == reverse(PAGE) + "#opt-outs"
    assert photo_is_opted_out(photo_id="123", owner_nsid=MINE)


def test_opting_out_listed_photos_from_the_page(logged_in, my_photo):
    """Posting a list of ids opts out those photos."""
    logged_in.post(reverse("legal:optout_create"), {"scope": "listed", "photos": "1001\n"})

    assert photo_is_opted_out(photo_id="1001", owner_nsid=MINE)


def test_opting_out_another_photographers_photo_from_the_page_is_refused(
    logged_in, approved_lifeboat
):
    """The page refuses someone else's photo with 403 and says why; nothing is saved."""
    make_lifeboat_photo(approved_lifeboat, photo_id="2002", owner_nsid=THEIRS)

    response = logged_in.post(reverse("legal:optout_create"), {"scope": "listed", "photos": "2002"})

    assert response.status_code == 403
    assert b"belongs to another Flickr member" in response.content
    assert not OptOut.objects.exists()


def test_opt_out_form_without_a_scope_is_shown_again(logged_in):
    """A form missing its scope comes back with the error, status 400."""
    response = logged_in.post(reverse("legal:optout_create"), {"photos": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["scope"]


def test_withdrawing_from_the_page(logged_in, photographer):
    """The withdraw button ends my opt-out."""
    optout = optout_add(photographer=photographer, scope="all")

    logged_in.post(reverse("legal:optout_withdraw", args=[optout.pk]))

    assert not photo_is_opted_out(photo_id="123", owner_nsid=MINE)


def test_withdrawing_someone_elses_opt_out_from_the_page_is_not_found(logged_in, db):
    """Another photographer's opt-out is 404 and stays in force."""
    other = make_user(username="oscar", flickr_nsid=THEIRS)
    optout = optout_add(photographer=other, scope="all")

    response = logged_in.post(reverse("legal:optout_withdraw", args=[optout.pk]))

    assert response.status_code == 404
    assert photo_is_opted_out(photo_id="2002", owner_nsid=THEIRS)


def test_opt_out_changes_are_post_only(logged_in, photographer):
    """GET on the opt-out actions changes nothing (405)."""
    optout = optout_add(photographer=photographer, scope="all")

    assert logged_in.get(reverse("legal:optout_create")).status_code == 405
    assert logged_in.get(reverse("legal:optout_withdraw", args=[optout.pk])).status_code == 405


def test_page_shows_all_opted_out_instead_of_the_form(logged_in, photographer):
    """With everything opted out, the page says since when and offers to withdraw."""
    optout_add(photographer=photographer, scope="all")

    response = logged_in.get(reverse(PAGE))

    assert b"All your photos are opted out" in response.content
    assert b"Withdraw" in response.content
    assert f'action="{reverse("legal:optout_create")}"'.encode() not in response.content


# --- The dashboard panel ------------------------------------------------------------------------


def test_dashboard_panel_shows_my_photo_count_and_links_to_the_page(logged_in, my_photo):
    """The "Your photos" panel counts my photos in lifeboats and links to the full page."""
    response = logged_in.get(reverse("dashboard"))

    panel = next(p for p, _ in response.context["panels"] if p.title == "Your photos")
    assert panel.context["photo_count"] == 1
    assert reverse(PAGE).encode() in response.content


def test_dashboard_panel_is_not_shown_to_staff_without_flickr(client, db):
    """Institution staff without a Flickr account do not get the photographer panel."""
    staff = make_user(username="stan")
    client.force_login(staff)

    response = client.get(reverse("dashboard"))

    assert all(panel.title != "Your photos" for panel, _ in response.context["panels"])


def test_dashboard_panel_counts_photos_awaiting_my_consent(logged_in, approved_lifeboat, my_photo):
    """The panel counts photos of open consent requests that still wait for my answer."""
    now = timezone.now()
    request = ConsentRequest.objects.create(
        lifeboat=approved_lifeboat,
        owner_nsid=MINE,
        created_at=now,
        deadline=now + datetime.timedelta(days=14),
    )
    ConsentItem.objects.create(request=request, photo_id="1001")
    ConsentItem.objects.create(request=request, photo_id="1002", status="granted", decided_at=now)

    response = logged_in.get(reverse("dashboard"))

    panel = next(p for p, _ in response.context["panels"] if p.title == "Your photos")
    assert panel.context["waiting"] == 1
