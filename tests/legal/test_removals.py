"""Removal requests: who may ask for what, who decides, and what a granted one changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from legal import removals
from legal.models import Notification, RemovalRequest, RemovalStatus
from lifeboats.models import LifeboatDownload, LifeboatPhoto
from portal.errors import Forbidden, InvalidTransition, PortalError
from tests.factories import (
    make_api_token,
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
    make_user,
)

MINE = "11111111@N01"
THEIRS = "22222222@N02"


@pytest.fixture
def photographer(db):
    return make_user(username="paula", email="paula@example.org", flickr_nsid=MINE)


@pytest.fixture
def admin(db):
    return make_foundation_admin(username="fiona", email="fiona@foundation.example")


@pytest.fixture
def expired_lifeboat(db):
    """A built lifeboat, downloaded and expired, holding one photo of each photographer."""
    lifeboat = make_lifeboat(status="expired", photos=0)
    make_lifeboat_photo(lifeboat, photo_id="1001", owner_nsid=MINE, state="included")
    make_lifeboat_photo(lifeboat, photo_id="2002", owner_nsid=THEIRS, state="included")
    LifeboatDownload.objects.create(lifeboat=lifeboat, user=lifeboat.created_by)
    return lifeboat


@pytest.fixture
def approved_lifeboat(db):
    """An approved lifeboat whose build has not started: the photo is still pending."""
    lifeboat = make_lifeboat(status="approved", photos=0)
    make_lifeboat_photo(lifeboat, photo_id="1001", owner_nsid=MINE)
    return lifeboat


def committed(service, *args, **kwargs):
    """Call a service and run what it registered for after commit, as a real request would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(*args, **kwargs)


def ask(photographer, photo_ids=("1001",), reason="I no longer want this photo shared."):
    return committed(
        removals.removal_request_create,
        photographer=photographer,
        photo_ids=photo_ids,
        reason=reason,
    )


def removal_request_grant(request, **kwargs):
    return committed(removals.removal_request_grant, request, **kwargs)


def removal_request_refuse(request, **kwargs):
    return committed(removals.removal_request_refuse, request, **kwargs)


# --- Asking ------------------------------------------------------------------------------------


def test_a_photographer_can_ask_to_remove_their_own_photo(photographer, expired_lifeboat):
    """The request is saved, pending, with the photo and the photographer's NSID."""
    request = ask(photographer)

    assert request.status == RemovalStatus.PENDING
    assert request.owner_nsid == MINE
    assert [photo.photo_id for photo in request.photos.all()] == ["1001"]


def test_a_photographer_cannot_ask_to_remove_someone_elses_photo(photographer, expired_lifeboat):
    """Another member's photo is refused (403) and nothing is created, even next to one's own."""
    with pytest.raises(Forbidden, match="'2002' belongs to another Flickr member"):
        ask(photographer, photo_ids=["1001", "2002"])

    assert not RemovalRequest.objects.exists()


def test_a_user_without_a_flickr_account_cannot_ask(expired_lifeboat):
    """Only photographers (logged in with Flickr) may ask."""
    with pytest.raises(Forbidden, match="log in with your Flickr account"):
        ask(make_user())

    assert not RemovalRequest.objects.exists()


def test_a_photo_in_no_lifeboat_cannot_be_removed(photographer, expired_lifeboat):
    """Removal is for photos already in lifeboats; the message points to opting out."""
    with pytest.raises(PortalError, match=r"'3003' is in no lifeboat.*opt them out"):
        ask(photographer, photo_ids=["3003"])


def test_bad_photo_ids_are_named_and_nothing_is_saved(photographer, expired_lifeboat):
    """Every reference that is not a photo id or link is named at once."""
    with pytest.raises(PortalError, match="'not-a-photo'"):
        ask(photographer, photo_ids=["1001", "not-a-photo"])

    assert not RemovalRequest.objects.exists()


def test_a_reason_is_required(photographer, expired_lifeboat):
    with pytest.raises(PortalError, match="say why"):
        ask(photographer, reason="  ")


def test_admins_are_told_of_a_new_request(photographer, admin, expired_lifeboat):
    """Each foundation admin gets a notification pointing to the review page."""
    ask(photographer)

    notification = Notification.objects.get(recipient=admin, kind="removal_requested")
    assert notification.url == reverse("legal:removal_review")
    assert "1001" in notification.body


# --- Deciding ----------------------------------------------------------------------------------


def test_only_foundation_admins_decide(photographer, expired_lifeboat):
    """The photographer (or anyone else) cannot grant their own request."""
    request = ask(photographer)

    with pytest.raises(Forbidden):
        removal_request_grant(request, by=photographer, note="Granting myself.")

    request.refresh_from_db()
    assert request.status == RemovalStatus.PENDING


def test_a_decision_needs_a_note(photographer, admin, expired_lifeboat):
    request = ask(photographer)

    with pytest.raises(PortalError, match="write a note"):
        removal_request_refuse(request, by=admin, note="")


def test_a_request_is_decided_once(photographer, admin, expired_lifeboat):
    request = ask(photographer)
    removal_request_refuse(request, by=admin, note="This photo is a public record.")

    with pytest.raises(InvalidTransition, match="already refused"):
        removal_request_grant(request, by=admin, note="Changed my mind.")


def test_granting_marks_the_photo_removed_in_every_lifeboat(
    photographer, admin, expired_lifeboat, approved_lifeboat
):
    """Each index row of the photo becomes excluded, reason removed, with removed_at."""
    request = ask(photographer)

    removal_request_grant(request, by=admin, note="Granted: the photographer's wish.")

    rows = LifeboatPhoto.objects.filter(photo_id="1001")
    assert rows.count() == 2
    for row in rows:
        assert (row.state, row.reason) == ("excluded", "removed")
        assert row.removed_at is not None
    assert LifeboatPhoto.objects.get(photo_id="2002").state == "included"


def test_refusing_changes_no_lifeboat(photographer, admin, expired_lifeboat):
    request = ask(photographer)

    removal_request_refuse(request, by=admin, note="This photo is a public record.")

    assert LifeboatPhoto.objects.get(photo_id="1001").state == "included"


def test_the_photographer_hears_the_decision_with_the_note(photographer, admin, expired_lifeboat):
    """Inbox and email, with the admin's note."""
    request = ask(photographer)
    mail.outbox.clear()

    removal_request_refuse(request, by=admin, note="This photo is a public record.")

    notification = Notification.objects.get(recipient=photographer, kind="removal_decided")
    assert "public record" in notification.body
    assert [message.to for message in mail.outbox] == [["paula@example.org"]]


def test_an_organisation_that_downloaded_is_told_which_photos_to_remove(
    photographer, admin, expired_lifeboat
):
    """Every member of the organisation gets the list of photos; their package is theirs."""
    other_member = make_membership(expired_lifeboat.organisation).user
    request = ask(photographer)

    removal_request_grant(request, by=admin, note="Granted.")

    told = Notification.objects.filter(kind="removal_from_downloaded_copy")
    assert {notification.recipient for notification in told} == {
        expired_lifeboat.created_by,
        other_member,
    }
    assert "photo 1001" in told.first().body
    assert "2002" not in told.first().body


def test_an_organisation_that_did_not_download_is_not_told(photographer, admin, approved_lifeboat):
    request = ask(photographer)

    removal_request_grant(request, by=admin, note="Granted.")

    assert not Notification.objects.filter(kind="removal_from_downloaded_copy").exists()


def test_a_granted_photo_is_never_built_into_a_pending_lifeboat(
    photographer, admin, approved_lifeboat
):
    """The builder only takes pending rows; a removed one is decided already."""
    request = ask(photographer)

    removal_request_grant(request, by=admin, note="Granted.")

    assert not approved_lifeboat.photos.pending().exists()


# --- Pages -------------------------------------------------------------------------------------


def test_the_photographer_page_sends_a_removal_request(client, photographer, expired_lifeboat):
    client.force_login(photographer)

    response = client.post(
        reverse("legal:removal_create"),
        {"removal-photos": "1001\n", "removal-reason": "Please take it out."},
    )

    assert response.status_code == 302
    assert RemovalRequest.objects.get().reason == "Please take it out."


def test_the_photographer_page_shows_an_ownership_refusal(client, photographer, expired_lifeboat):
    client.force_login(photographer)

    response = client.post(
        reverse("legal:removal_create"),
        {"removal-photos": "2002", "removal-reason": "Please take it out."},
    )

    assert response.status_code == 403
    assert "belongs to another Flickr member" in response.content.decode()
    assert not RemovalRequest.objects.exists()


def test_the_photographer_page_shows_form_errors_with_400(client, photographer, expired_lifeboat):
    """A missing reason is named next to the field; nothing is sent."""
    client.force_login(photographer)

    response = client.post(reverse("legal:removal_create"), {"removal-photos": "1001"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not RemovalRequest.objects.exists()


def test_the_review_page_is_for_foundation_admins_only(client, photographer, expired_lifeboat):
    ask(photographer)
    client.force_login(photographer)

    assert client.get(reverse("legal:removal_review")).status_code == 403


def test_an_admin_grants_from_the_review_page(client, admin, photographer, expired_lifeboat):
    request = ask(photographer)
    client.force_login(admin)
    page = client.get(reverse("legal:removal_review"))
    assert "I no longer want this photo shared." in page.content.decode()

    client.post(
        reverse("legal:removal_decide", args=[request.pk]),
        {"decision": "grant", "note": "Granted."},
    )

    request.refresh_from_db()
    assert request.status == RemovalStatus.GRANTED
    assert request.decided_by == admin


# --- API -----------------------------------------------------------------------------------------


def post_api(client, payload, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/api/removal-requests", payload, content_type="application/json", **headers)


def test_the_api_creates_a_request_for_own_photos(client, photographer, expired_lifeboat):
    _, token = make_api_token(photographer)

    response = post_api(client, {"photo_ids": ["1001"], "reason": "Please."}, token)

    assert response.status_code == 201
    assert response.json()["photo_ids"] == ["1001"]
    assert response.json()["status"] == "pending"


def test_the_api_refuses_someone_elses_photo(client, photographer, expired_lifeboat):
    _, token = make_api_token(photographer)

    response = post_api(client, {"photo_ids": ["2002"], "reason": "Please."}, token)

    assert response.status_code == 403
    assert "another Flickr member" in response.json()["detail"]
    assert not RemovalRequest.objects.exists()


def test_the_api_answers_400_for_bad_ids(client, photographer, expired_lifeboat):
    _, token = make_api_token(photographer)

    response = post_api(client, {"photo_ids": ["not-a-photo"], "reason": "Please."}, token)

    assert response.status_code == 400
    assert "'not-a-photo'" in response.json()["detail"]


def test_the_api_answers_401_to_anonymous_callers(client, expired_lifeboat):
    response = post_api(client, {"photo_ids": ["1001"], "reason": "Please."})

    assert response.status_code == 401
    assert not RemovalRequest.objects.exists()
