"""The preflight summary: counts over a selection and the API-call estimate of DESIGN 9."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime

import httpx
import pytest

from flickr.client import FlickrClient
from flickr.preflight import summarise
from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.responses import respond
from flickr.walkers import ImageFile, ListedPhoto, resolve_selection

THUMB = ImageFile(url="https://live.example/1_t.jpg", width=100, height=75)
ORIGINAL = ImageFile(url="https://live.example/1_o.jpg", width=800, height=600)

BASE = ListedPhoto(
    id="1",
    owner_nsid="11@N01",
    owner_username="owner",
    owner_realname=None,
    owner_path_alias=None,
    title="A photo",
    description=None,
    licence_id="cc-by-2.0",
    date_uploaded=datetime(2020, 1, 1, tzinfo=UTC),
    date_taken=None,
    last_update=None,
    visibility="public",
    safety_level="safe",
    media="photo",
    original_format="jpg",
    views=10,
    count_comments=0,
    count_faves=0,
    tags=(),
    machine_tags=(),
    location=None,
    thumbnail=THUMB,
    original=ORIGINAL,
    has_all_sizes=True,
)


def photo(photo_id: str, **changes) -> ListedPhoto:
    return dataclasses.replace(BASE, id=photo_id, **changes)


# Four photos whose floor is easy to work out by hand.
MIX = [
    photo("1"),  # 5
    photo("2", count_comments=3, count_faves=120),  # 5 + 1 comments + 3 fave pages = 9
    photo("3", count_comments=None, count_faves=None, has_all_sizes=False),  # 5 + 1 + 1 + 1 = 8
    photo("4", count_faves=50, has_all_sizes=False),  # 5 + 1 fave page + 1 getSizes = 7
]


def test_estimate_adds_listing_licences_and_five_calls_a_photo():
    """Plain photos cost the listing calls, one licence table, and five calls each."""
    summary = summarise([photo("1"), photo("2")], rate_per_hour=3600, listing_calls=2)
    assert summary.calls.total == 2 + 1 + 5 * 2


def test_comments_cost_one_call_only_when_there_are_some():
    """A photo with comments adds one photos.comments.getList; one without adds none."""
    summary = summarise([photo("1", count_comments=7), photo("2")], rate_per_hour=3600)
    assert summary.calls.comments == 1


@pytest.mark.parametrize(("faves", "pages"), [(0, 0), (1, 1), (50, 1), (51, 2), (120, 3)])
def test_faves_cost_one_call_per_fifty(faves, pages):
    """photos.getFavorites pages hold 50 faves: ceil(faves / 50) calls."""
    summary = summarise([photo("1", count_faves=faves)], rate_per_hour=3600)
    assert summary.calls.favourites == pages


def test_unknown_counts_cost_one_call_each_to_find_out():
    """A photo read by getInfo (no fave count) still needs one comments and one faves call."""
    summary = summarise([photo("1", count_comments=None, count_faves=None)], rate_per_hour=3600)
    assert (summary.calls.comments, summary.calls.favourites) == (1, 1)


def test_missing_sizes_cost_one_get_sizes_call():
    """A photo without the url_* sizes adds one photos.getSizes."""
    summary = summarise([photo("1", has_all_sizes=False), photo("2")], rate_per_hour=3600)
    assert summary.calls.sizes == 1


def test_estimate_on_a_hand_built_mix():
    """Two listing pages + 1 licence table + 5 + 9 + 8 + 7 = 32 calls."""
    summary = summarise(MIX, rate_per_hour=3600, listing_calls=2)
    assert summary.calls.total == 32
    assert summary.calls.to_dict() == {
        "listing": 2,
        "licences": 1,
        "per_photo": 20,
        "comments": 2,
        "favourites": 5,
        "people": 0,
        "sizes": 2,
        "total": 32,
    }


def test_hours_are_calls_over_the_budget():
    """Hours are the estimated calls divided by the hourly budget."""
    summary = summarise(MIX, rate_per_hour=16, listing_calls=2)
    assert summary.hours == 2.0


def test_people_are_estimated_as_none_and_the_summary_says_so():
    """People are unknown before getInfo: no calls estimated, and a note explains it."""
    summary = summarise(MIX, rate_per_hour=3600)
    assert summary.calls.people == 0
    assert any("people" in note for note in summary.notes)


def test_counts_by_licence_visibility_safety_and_media():
    """The summary counts photos by licence, visibility, safety level and media type."""
    photos = [
        photo("1"),
        photo("2", licence_id="nkcr", visibility="friends", safety_level=None, media="video"),
        photo("3", licence_id="nkcr", safety_level="moderate"),
    ]
    summary = summarise(photos, rate_per_hour=3600)
    assert summary.by_licence == {"nkcr": 2, "cc-by-2.0": 1}
    assert summary.by_visibility == {"public": 2, "friends": 1}
    assert summary.by_safety_level == {"moderate": 1, "safe": 1, "unknown": 1}
    assert summary.by_media == {"photo": 2, "video": 1}


def test_counts_downloads_disabled_unknown_licences_and_owners():
    """Downloads-disabled photos, unknown licences and distinct owners are counted."""
    photos = [
        photo("1", original_format=None),
        photo("2", licence_id="unknown-17", owner_nsid="22@N02"),
        photo("3", licence_id="unknown-17", original_format=None),
    ]
    summary = summarise(photos, rate_per_hour=3600)
    assert summary.downloads_disabled == 2
    assert summary.unknown_licences == {"unknown-17": 2}
    assert (summary.photos, summary.owners) == (3, 2)


def test_empty_selection_costs_only_its_listing():
    """No photos: no licence table and no per-photo calls."""
    summary = summarise([], rate_per_hour=3600, listing_calls=1)
    assert (summary.photos, summary.calls.total) == (0, 1)


def test_to_dict_is_json_ready():
    """to_dict() holds plain JSON data with the counts, the estimate and hours."""
    data = summarise(MIX, rate_per_hour=3600, listing_calls=2).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert (data["photos"], data["api_calls"]["total"], data["hours"]) == (4, 32, 0.01)


@pytest.mark.parametrize("rate", [0, -5, 2.5])
def test_budget_must_be_a_positive_whole_number(rate):
    """A zero, negative or fractional budget is refused, naming the bad value."""
    with pytest.raises(ValueError, match=repr(rate).replace(".", r"\.").replace("-", r"\-")):
        summarise(MIX, rate_per_hour=rate)


def test_estimate_of_a_sandbox_album_matches_its_known_floor():
    """Over a sandbox album, the estimate is the floor worked out from the world's own data."""
    world = SandboxWorld.generate(photos=600)
    album = world.albums[0]
    owner = world.user(album.owner)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=respond(world, dict(request.url.params)))

    client = FlickrClient(
        api_key="test",
        api_url="http://sandbox.test/rest/",
        http=httpx.Client(transport=httpx.MockTransport(answer)),
    )
    selection = resolve_selection(
        client, [f"https://www.flickr.com/photos/{owner.url_name}/albums/{album.id}"]
    )
    summary = summarise(selection.photos, rate_per_hour=3600, listing_calls=selection.listing_calls)
    photos = list(world.photos(album.photo_indices))
    floor = sum(
        5
        + (photo.comment_count > 0)
        + math.ceil(photo.fave_count / 50)
        + (photo.media == "video")  # a video's file needs photos.getSizes
        for photo in photos
    )
    assert summary.calls.total == selection.listing_calls + 1 + floor
    assert summary.by_media.get("video", 0) == sum(photo.media == "video" for photo in photos)
