"""The photo index, "which lifeboats hold this photo, since when?": page, API and command."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from flickr.urls import encode_base58
from lifeboats.index import entry_as_dict, index_entries, lifeboats_holding
from lifeboats.models import LifeboatStatus
from tests.factories import make_lifeboat, make_lifeboat_photo, make_organisation

pytestmark = pytest.mark.django_db

PHOTO_ID = "53208249252"


def lifeboat_with_the_photo(status: str, *, name: str = "Harbour photos", **photo_fields):
    lifeboat = make_lifeboat(
        make_organisation(name="Example City Archive"), status=status, name=name, photos=0
    )
    make_lifeboat_photo(lifeboat, photo_id=PHOTO_ID, owner_nsid="12345678@N01", **photo_fields)
    return lifeboat


@pytest.fixture
def ready():
    """A ready lifeboat that includes the photo."""
    lifeboat = lifeboat_with_the_photo(
        LifeboatStatus.READY, state="included", decided_at=timezone.now()
    )
    lifeboat.ready_at = timezone.now()
    lifeboat.save(update_fields=["ready_at"])
    return lifeboat


# --- lifeboats_holding -----------------------------------------------------------------------


def test_a_ready_lifeboat_that_includes_the_photo_is_listed(ready):
    """The answer names the lifeboat, its organisation, the photo's state and the dates."""
    [entry] = lifeboats_holding(PHOTO_ID)
    assert entry["lifeboat_id"] == str(ready.pk)
    assert (entry["lifeboat_name"], entry["organisation"]) == (
        "Harbour photos",
        "Example City Archive",
    )
    assert (entry["lifeboat_status"], entry["state"], entry["reason"]) == (
        "ready",
        "included",
        None,
    )
    assert entry["added_at"] is not None
    assert entry["ready_at"] == ready.ready_at


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn", "failed"])
def test_lifeboats_the_foundation_has_not_approved_are_private(status):
    """Drafts, requests under review, rejected, withdrawn and failed lifeboats are not shown."""
    lifeboat_with_the_photo(status)
    assert lifeboats_holding(PHOTO_ID) == []


@pytest.mark.parametrize("status", ["approved", "building", "ready", "expired"])
def test_approved_lifeboats_are_public_whatever_happened_next(status):
    """From approval on, through building and ready, to expired, the lifeboat is listed."""
    lifeboat_with_the_photo(status)
    assert [entry["lifeboat_status"] for entry in lifeboats_holding(PHOTO_ID)] == [status]


def test_an_excluded_photo_is_listed_with_its_reason():
    """A photographer can see that their opt-out was honoured."""
    lifeboat_with_the_photo(LifeboatStatus.READY, state="excluded", reason="opted_out")
    [entry] = lifeboats_holding(PHOTO_ID)
    assert (entry["state"], entry["reason"]) == ("excluded", "opted_out")
    assert entry["reason_label"] == "The photographer opted out"


def test_other_photos_are_not_in_the_answer(ready):
    """Only rows of the photo asked for come back."""
    make_lifeboat_photo(ready, photo_id="11111111111", state="included")
    assert lifeboats_holding("11111111111")[0]["lifeboat_id"] == str(ready.pk)
    assert len(lifeboats_holding(PHOTO_ID)) == 1


def test_the_lookup_is_one_query(ready, django_assert_num_queries):
    """Lifeboat and organisation come with the index rows in a single query."""
    lifeboat_with_the_photo(LifeboatStatus.EXPIRED, name="Older harbour photos")
    with django_assert_num_queries(1):
        assert len(lifeboats_holding(PHOTO_ID)) == 2


# --- The public page -------------------------------------------------------------------------


def lookup(client, query: str):
    return client.get(reverse("lifeboats:photo_lookup"), {"q": query})


@pytest.mark.parametrize(
    "query",
    [
        PHOTO_ID,
        f"  {PHOTO_ID} ",
        f"https://www.flickr.com/photos/example/{PHOTO_ID}/",
        f"flickr.com/photos/12345678@N01/{PHOTO_ID}/in/album-72157600000000001",
        f"https://live.staticflickr.com/65535/{PHOTO_ID}_0123456789_o.jpg",
        f"https://flic.kr/p/{encode_base58(int(PHOTO_ID))}",
    ],
)
def test_the_page_finds_the_photo_from_any_form_of_its_address(client, ready, query):
    """Anyone, not logged in, can paste any Flickr form of the photo's address or its id."""
    response = lookup(client, query)
    assert response.status_code == 200
    assert b"Harbour photos" in response.content
    assert b"Example City Archive" in response.content
    assert f"Photo {PHOTO_ID} was added to this lifeboat on".encode() in response.content


def test_the_page_shows_the_photos_thumbnail_from_the_index(client, ready):
    """The thumbnail recorded when the photo was listed is shown, with a text alternative."""
    content = lookup(client, PHOTO_ID).content.decode()
    assert f'src="https://live.staticflickr.com/1/{PHOTO_ID}_secret_t.jpg"' in content
    assert f'alt="Photo {PHOTO_ID}"' in content


def test_the_page_names_bad_input_and_says_what_to_paste(client):
    """Garbage is named back with what to paste instead; nothing else is shown."""
    response = lookup(client, "not a photo")
    assert response.status_code == 200
    content = response.content.decode()
    assert "&#x27;not a photo&#x27; is neither a Flickr photo id nor a link" in content
    assert "paste a Flickr photo id" in content
    assert 'aria-invalid="true"' in content


def test_the_page_explains_an_album_url_is_not_a_photo(client):
    """A Flickr URL of something other than one photo says what it links to."""
    content = lookup(client, "https://www.flickr.com/photos/example/albums/72157600000000001")
    assert "not to a single photo" in content.content.decode()


def test_the_page_has_an_empty_state_for_a_photo_in_no_lifeboat(client):
    """A photo nobody rescued yet gets a clear empty state."""
    lifeboat_with_the_photo(LifeboatStatus.DRAFT)
    content = lookup(client, PHOTO_ID).content.decode()
    assert "No lifeboat holds this photo yet" in content
    assert "Harbour photos" not in content


def test_the_page_without_a_query_shows_only_the_form(client):
    """The bare page invites a URL and shows no result or error."""
    content = client.get(reverse("lifeboats:photo_lookup")).content.decode()
    assert 'name="q"' in content
    assert "No lifeboat holds" not in content
    assert 'role="alert"' not in content


def test_the_header_links_to_the_page(client):
    """Every page's header offers "Where did this photo go?"."""
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("lifeboats:photo_lookup")}">Where did this photo go?' in content


# --- The API ---------------------------------------------------------------------------------


def test_the_api_answers_anyone_with_the_lifeboats(client, ready):
    """GET /api/photos/{id}/lifeboats needs no token."""
    response = client.get(f"/api/photos/{PHOTO_ID}/lifeboats")
    assert response.status_code == 200
    body = response.json()
    assert body["photo_id"] == PHOTO_ID
    assert [(e["lifeboat_name"], e["state"]) for e in body["lifeboats"]] == [
        ("Harbour photos", "included")
    ]


def test_the_api_answers_an_empty_list_for_a_photo_in_no_lifeboat(client):
    """No lifeboat: 200 with an empty list, not 404."""
    response = client.get(f"/api/photos/{PHOTO_ID}/lifeboats")
    assert response.status_code == 200
    assert response.json() == {"photo_id": PHOTO_ID, "lifeboats": []}


def test_the_api_refuses_a_non_numeric_id_with_a_detail(client):
    """400 with a `detail` that names the input."""
    response = client.get("/api/photos/abc/lifeboats")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'abc' is not a Flickr photo id")


# --- The command -----------------------------------------------------------------------------


def test_the_command_prints_the_lifeboats_as_json(ready, capsys):
    """`lookup_photo URL` prints {"photo_id", "lifeboats"} as JSON."""
    call_command("lookup_photo", f"https://www.flickr.com/photos/example/{PHOTO_ID}/")
    answer = json.loads(capsys.readouterr().out)
    assert answer["photo_id"] == PHOTO_ID
    assert [entry["lifeboat_id"] for entry in answer["lifeboats"]] == [str(ready.pk)]


def test_the_command_exits_2_on_bad_input():
    """A URL that names no photo is bad input: exit code 2, with the input in the message."""
    expected = re.escape("'https://example.org/' is neither")
    with pytest.raises(CommandError, match=expected) as raised:
        call_command("lookup_photo", "https://example.org/")
    assert raised.value.returncode == 2


def test_the_fast_lookup_gives_the_same_answer_as_the_index_rows(ready):
    """`lifeboats_holding` (plain values) answers exactly as the rows themselves would."""
    photo_id = ready.photos.first().photo_id

    assert lifeboats_holding(photo_id) == [
        entry_as_dict(entry) for entry in index_entries(photo_id)
    ]
