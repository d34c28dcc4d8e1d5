"""Per-photo records: the fewest calls of DESIGN 6.2, and the package's `photo` object.

Real recordings show the parts Flickr answers for one photo at a time; the sandbox serves
whole photos and whole selections, with a world whose ground truth the tests count from.
"""

from __future__ import annotations

import collections
import contextlib
import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from xml.etree.ElementTree import fromstring

import pytest

from flickr import parsers
from flickr.client import FlickrClient
from flickr.errors import PhotoNotFound
from flickr.photo_record import (
    PhotoRecord,
    PhotoRecordFetcher,
    fetch_exif,
    fetch_photo_record,
    files_from_sizes,
    photo_record_to_package_dict,
)
from flickr.records import PhotoInfo
from flickr.sandbox.data import Photo, SandboxWorld
from flickr.sandbox.server import SandboxServer
from flickr.walkers import ListedPhoto, listed_photo_from_info, resolve_selection
from tests.flickr import data
from tests.flickr.cassettes import recorded_client, use_recording
from tests.flickr.sandbox_helpers import sandbox, sandbox_world  # noqa: F401  (sandbox: a fixture)

WORLD_PHOTOS = 60  # every featured role of flickr.sandbox.data is below index 45
RETRIEVED_AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)

# The `photo` object of DESIGN 5.5, less `files` and `consent` (added by the builder).
DOCUMENTED_PHOTO_KEYS = {
    "id",
    "url",
    "title",
    "description",
    "uploaderId",
    "licenseId",
    "licenseHistory",
    "dateTaken",
    "dateUploaded",
    "location",
    "tags",
    "notes",
    "people",
    "comments",
    "favorites",
    "countFaves",
    "countViews",
    "countComments",
    "albumIds",
    "galleryIds",
    "groupIds",
    "safetyLevel",
    "visibility",
    "originalFormat",
    "mediaType",
    "exif",
    "retrievedAt",
}
ISO_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


# --- helpers ------------------------------------------------------------------------------------


def listed_photo(photo_id: str, **changes: object) -> ListedPhoto:
    """A ListedPhoto as a listing with every extra would give it; `changes` override."""
    fields: dict[str, object] = {
        "id": photo_id,
        "owner_nsid": "12345678@N01",
        "owner_username": None,
        "owner_realname": None,
        "owner_path_alias": None,
        "title": None,
        "description": None,
        "licence_id": "cc-by-2.0",
        "date_uploaded": None,
        "date_taken": None,
        "last_update": None,
        "visibility": "public",
        "safety_level": "safe",
        "media": "photo",
        "original_format": "jpg",
        "views": 0,
        "count_comments": 0,
        "count_faves": 0,
        "tags": (),
        "machine_tags": (),
        "location": None,
        "thumbnail": None,
        "original": None,
        "has_all_sizes": False,
    }
    fields.update(changes)
    return ListedPhoto(**fields)  # type: ignore[arg-type]


def record_for(info: PhotoInfo, **changes: object) -> PhotoRecord:
    """A record of `info` with nothing else known; `changes` fill in the rest."""
    fields: dict[str, object] = {
        "info": info,
        "albums": (),
        "galleries": (),
        "groups": (),
        "licence_history": (),
        "exif": (),
        "exif_hidden": False,
        "comments": (),
        "favorites": (),
        "count_faves": 0,
        "people": (),
        "original": None,
        "best_file": None,
        "thumbnail": None,
        "retrieved_at": RETRIEVED_AT,
    }
    fields.update(changes)
    return PhotoRecord(**fields)  # type: ignore[arg-type]


def recorded_photo_info(recording: str, photo_id: str) -> PhotoInfo:
    with use_recording(recording), recorded_client() as client:
        return client.get_photo_info(photo_id)


def sandbox_client(server: SandboxServer) -> FlickrClient:
    return FlickrClient(api_key="test-key", api_url=server.api_url, max_attempts=1)


def calls_during(client: FlickrClient, action: Callable[[], object]) -> collections.Counter[str]:
    """The API calls `action` makes, by method."""
    before = collections.Counter(client.calls)
    action()
    return client.calls - before


def listed_from_stream(client: FlickrClient, photo: Photo) -> ListedPhoto:
    """The photo as its owner's photostream listing gives it."""
    selection = resolve_selection(client, [f"https://www.flickr.com/photos/{photo.owner}/"])
    return next(listed for listed in selection.photos if listed.id == photo.id)


def first_photo(world: SandboxWorld, wanted: Callable[[Photo], bool]) -> Photo:
    """The first public photo of the world that is `wanted`."""
    return next(photo for photo in world.photos() if photo.is_available and wanted(photo))


@pytest.fixture(scope="module")
def shared_server() -> Iterator[SandboxServer]:
    """One sandbox for the tests that count calls with their own client."""
    with SandboxServer(sandbox_world(WORLD_PHOTOS)) as server:
        yield server


@pytest.fixture
def world_and_client(shared_server):
    with sandbox_client(shared_server) as client:
        yield shared_server.world, client


# --- recordings: real Flickr answers -------------------------------------------------------------


def test_private_photo_raises_photo_not_found_after_one_call(recordings_dir):
    """A photo Flickr will not show (code 1 on getInfo) raises PhotoNotFound, and no other
    call is made for it."""
    with use_recording(data.PRIVATE_PHOTO_RECORDING), recorded_client() as client:
        with pytest.raises(PhotoNotFound):
            fetch_photo_record(client, listed_photo(data.PRIVATE_PHOTO))
        assert dict(client.calls) == {"flickr.photos.getInfo": 1}


def test_licence_table_is_read_once_from_flickr(recordings_dir):
    """The fetcher asks flickr.photos.licenses.getInfo once and keeps the answer; the
    recording plays once, so a second request would fail the test."""
    with use_recording(data.LICENCES_RECORDING), recorded_client() as client:
        fetcher = PhotoRecordFetcher(client)
        first, second = fetcher.licences, fetcher.licences
    assert first is second
    assert first["pdm"].url == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert client.calls["flickr.photos.licenses.getInfo"] == 1


def test_an_unknown_licence_gets_a_label_saying_so(recordings_dir):
    """A licence id neither Flickr's table nor ours knows is labelled as unknown, with no
    URL, while a known one keeps Flickr's label."""
    with use_recording(data.LICENCES_RECORDING), recorded_client() as client:
        fetcher = PhotoRecordFetcher(client)
        unknown = fetcher.licence(f"unknown-{data.UNSEEN_LICENCE_NUMBER}")
        known = fetcher.licence("nkcr")
    assert unknown.label == f"Unknown licence (unknown-{data.UNSEEN_LICENCE_NUMBER})"
    assert unknown.url == ""
    assert known == fetcher.licences["nkcr"]


def test_hidden_exif_is_an_empty_list_with_a_flag(recordings_dir):
    """Flickr's code 2 on getExif (54208962452) gives no tags and exif_hidden, not an error."""
    with use_recording(data.PHOTO_WITH_HIDDEN_EXIF_RECORDING), recorded_client() as client:
        assert fetch_exif(client, data.PHOTO_WITH_HIDDEN_EXIF) == ([], True)


def test_shared_exif_is_kept_tag_by_tag(recordings_dir):
    """EXIF the owner shares (283148152) is written tag by tag, exif_hidden false."""
    with use_recording(data.PHOTO_WITH_EXIF_RECORDING), recorded_client() as client:
        tags, hidden = fetch_exif(client, data.PHOTO_WITH_EXIF)
    record = record_for(_minimal_info(), exif=tuple(tags), exif_hidden=hidden)
    assert hidden is False
    assert tags
    assert photo_record_to_package_dict(record)["exif"] == [
        {"tagspace": t.tagspace, "tag": t.tag, "label": t.label, "raw": t.raw, "clean": t.clean}
        for t in tags
    ]


def recorded_sizes(recording: str, photo_id: str):
    with use_recording(recording), recorded_client() as client:
        return client.get_sizes(photo_id)


def test_sizes_of_a_downloadable_photo_give_the_original(recordings_dir):
    """With downloads allowed the original is Flickr's "Original" size and is the file kept."""
    sizes = recorded_sizes(data.ORDINARY_PHOTO_RECORDING, data.ORDINARY_PHOTO)
    original, best, thumbnail = files_from_sizes(sizes, media="photo")
    recorded_original = next(size for size in sizes if size.label == "Original")
    assert original is not None
    assert original.url == recorded_original.source
    assert best == original
    assert thumbnail is not None
    assert thumbnail.url.endswith("_t.jpg")


def test_sizes_with_downloads_disabled_keep_the_largest_permitted_size(recordings_dir):
    """53248070597 lists no Original: the original is None and the kept file is the
    largest size listed (Large 2048)."""
    sizes = recorded_sizes(
        data.PHOTO_WITH_DOWNLOADS_DISABLED_RECORDING, data.PHOTO_WITH_DOWNLOADS_DISABLED
    )
    original, best, _ = files_from_sizes(sizes, media="photo")
    largest = max(sizes, key=lambda size: (size.width or 0) * (size.height or 0))
    assert original is None
    assert best is not None
    assert (best.url, best.width) == (largest.source, largest.width)


def test_sizes_of_a_video_keep_a_video_file_not_the_player(recordings_dir):
    """For the video 4960396261 the kept file is a video size, never the Flash player or
    the still-frame "Original"."""
    sizes = recorded_sizes(data.VIDEO_RECORDING, data.VIDEO)
    _, best, thumbnail = files_from_sizes(sizes, media="video")
    video_files = {s.source for s in sizes if s.media == "video" and s.label != "Video Player"}
    assert best is not None
    assert best.url in video_files
    assert thumbnail is not None
    assert thumbnail.url.endswith("_t.jpg")


def test_package_dict_carries_recorded_notes_tags_and_dates(recordings_dir):
    """2959326615's notes keep their author and box, its machine tag its flag, and its
    circa date its granularity, with the value written without a time zone."""
    info = recorded_photo_info(data.PHOTO_WITH_NOTES_RECORDING, data.PHOTO_WITH_NOTES)
    photo = photo_record_to_package_dict(record_for(info))
    first_note = info.notes[0]
    assert info.date_taken is not None
    assert len(photo["notes"]) == len(info.notes)
    assert photo["notes"][0] == {
        "id": first_note.id,
        "authorId": first_note.author_nsid,
        "text": first_note.text,
        "x": first_note.x,
        "y": first_note.y,
        "width": first_note.width,
        "height": first_note.height,
    }
    assert any(tag["isMachineTag"] for tag in photo["tags"])
    assert photo["dateTaken"] == {
        "value": info.date_taken.value.strftime("%Y-%m-%dT%H:%M:%S"),
        "granularity": "circa",
    }


def test_package_dict_maps_recorded_licence_history_to_licence_ids(recordings_dir):
    """54450311696 went All Rights Reserved -> Public Domain Mark -> No known copyright
    restrictions; each change is written with our licence ids and a UTC date."""
    with use_recording(data.PHOTO_WITH_CHANGED_LICENCE_RECORDING), recorded_client() as client:
        history = client.get_licence_history(data.PHOTO_WITH_CHANGED_LICENCE)
        info = client.get_photo_info(data.PHOTO_WITH_CHANGED_LICENCE)
    photo = photo_record_to_package_dict(record_for(info, licence_history=tuple(history)))
    assert [(c["oldLicenseId"], c["newLicenseId"]) for c in photo["licenseHistory"]] == [
        ("all-rights-reserved", "pdm"),
        ("pdm", "nkcr"),
    ]
    assert photo["licenseHistory"][0]["date"] == history[0].date.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_package_dict_has_no_location_when_accuracy_is_zero(recordings_dir):
    """52578982111 has coordinates with accuracy 0: `location` is null."""
    info = recorded_photo_info(
        data.PHOTO_WITH_ZERO_ACCURACY_RECORDING, data.PHOTO_WITH_ZERO_ACCURACY
    )
    assert photo_record_to_package_dict(record_for(info))["location"] is None


def test_package_dict_keeps_recorded_place_names(recordings_dir):
    """52994452213's location keeps its coordinates, accuracy and place names."""
    info = recorded_photo_info(data.PHOTO_WITH_LOCATION_RECORDING, data.PHOTO_WITH_LOCATION)
    location = photo_record_to_package_dict(record_for(info))["location"]
    assert info.location is not None
    assert location == {
        "latitude": info.location.latitude,
        "longitude": info.location.longitude,
        "accuracy": info.location.accuracy,
        "context": info.location.context,
        "locality": info.location.locality,
        "region": info.location.region,
        "country": info.location.country,
    }


def test_package_dict_lists_recorded_albums_groups_and_galleries(recordings_dir):
    """53563844904's galleries and groups become galleryIds and groupIds, in Flickr's order."""
    with (
        use_recording(data.PHOTO_IN_GROUPS_AND_GALLERIES_RECORDING),
        recorded_client() as client,
    ):
        contexts = client.get_contexts(data.PHOTO_IN_GROUPS_AND_GALLERIES)
        galleries = client.list_galleries_for_photo(data.PHOTO_IN_GROUPS_AND_GALLERIES)
    info = recorded_photo_info(data.ORDINARY_PHOTO_RECORDING, data.ORDINARY_PHOTO)
    record = record_for(
        info, albums=contexts.albums, groups=contexts.groups, galleries=tuple(galleries)
    )
    photo = photo_record_to_package_dict(record)
    assert photo["galleryIds"] == [gallery.id for gallery in galleries]
    assert photo["groupIds"] == [group.id for group in contexts.groups]
    assert len(photo["galleryIds"]) == 11
    assert photo["groupIds"]


def test_package_dict_refuses_a_naive_timestamp():
    """A retrieval time without a time zone cannot be written as UTC: ValueError naming it."""
    record = record_for(
        _minimal_info(),
        retrieved_at=datetime(2025, 1, 1, 12, 0, 0),
    )
    with pytest.raises(ValueError, match=r"datetime\.datetime\(2025, 1, 1, 12, 0\)"):
        photo_record_to_package_dict(record)


def _minimal_info() -> PhotoInfo:
    rsp = fromstring(
        '<rsp stat="ok"><photo id="1" secret="a" server="1" dateuploaded="1490376472" '
        'license="4" media="photo"><owner nsid="1@N01" username="u" />'
        '<dates posted="1490376472" taken="2017-02-17 00:00:00" takengranularity="0" '
        'takenunknown="0" lastupdate="1497407834" /></photo></rsp>'
    )
    return parsers.parse_photo_info(rsp)


# --- sandbox: only the calls each photo needs ----------------------------------------------------


def test_no_comments_call_when_the_photo_has_no_comments(world_and_client):
    """A photo whose getInfo counts no comments gets no photos.comments.getList call."""
    world, client = world_and_client
    photo = first_photo(world, lambda p: p.comment_count == 0)
    listed = listed_from_stream(client, photo)
    calls = calls_during(client, lambda: fetch_photo_record(client, listed))
    assert calls["flickr.photos.comments.getList"] == 0
    assert calls["flickr.photos.getInfo"] == 1


def test_comments_fetched_in_one_call_when_counted(world_and_client):
    """A photo with 137 comments gets every one of them from a single comments call."""
    world, client = world_and_client
    photo = world.featured_photo("many_comments")
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert calls["flickr.photos.comments.getList"] == 1
    assert [c.id for c in record[0].comments] == [c.comment_id for c in world.comments(photo)]


def test_no_faves_call_when_the_listing_counts_no_faves(world_and_client):
    """count_faves=0 in the listing means no photos.getFavorites call and no favorites."""
    world, client = world_and_client
    photo = first_photo(world, lambda p: p.fave_count == 0)
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert listed.count_faves == 0
    assert calls["flickr.photos.getFavorites"] == 0
    assert record[0].favorites == ()


def test_faves_are_paginated_past_fifty(world_and_client):
    """163 faves take ceil(163/50) = 4 pages, and every faver is kept once."""
    world, client = world_and_client
    photo = world.featured_photo("many_faves")
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    faves = world.faves(photo)
    assert calls["flickr.photos.getFavorites"] == math.ceil(len(faves) / 50) == 4
    assert [f.user_nsid for f in record[0].favorites] == [fave.user for fave in faves]
    assert record[0].count_faves == photo.fave_count


def test_no_people_call_when_get_info_says_none(world_and_client):
    """A photo whose getInfo says haspeople="0" gets no photos.people.getList call."""
    world, client = world_and_client
    photo = first_photo(world, lambda p: p.people_count == 0)
    listed = listed_from_stream(client, photo)
    calls = calls_during(client, lambda: fetch_photo_record(client, listed))
    assert calls["flickr.photos.people.getList"] == 0


def test_people_fetched_when_get_info_says_there_are_some(world_and_client):
    """A photo with people tagged gets one people call, and keeps every person."""
    world, client = world_and_client
    photo = world.featured_photo("people")
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert calls["flickr.photos.people.getList"] == 1
    assert {p.nsid for p in record[0].people} == {p.nsid for p, _ in world.people(photo)}


def test_no_sizes_call_when_the_listing_gave_the_sizes(world_and_client):
    """A photo listed with its url_* extras needs no photos.getSizes: the listed original
    and thumbnail are used as they are."""
    world, client = world_and_client
    photo = first_photo(world, lambda p: p.media == "photo" and p.can_download)
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert listed.has_all_sizes
    assert calls["flickr.photos.getSizes"] == 0
    assert record[0].original == record[0].best_file == listed.original
    assert record[0].thumbnail == listed.thumbnail


def test_one_sizes_call_when_the_listing_lacks_the_sizes(world_and_client):
    """A video's file is not among the url_* extras: one photos.getSizes call finds it."""
    world, client = world_and_client
    photo = world.featured_photo("video")
    listed = listed_from_stream(client, photo)
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert not listed.has_all_sizes
    assert calls["flickr.photos.getSizes"] == 1
    assert record[0].best_file is not None
    assert f"/{photo.id}/play/" in record[0].best_file.url


def test_downloads_disabled_keeps_the_largest_listed_size(world_and_client):
    """With downloads disabled there is no original; the kept file is the largest size
    the listing gave, without a photos.getSizes call."""
    world, client = world_and_client
    listed = listed_from_stream(client, world.featured_photo("downloads_disabled"))
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert listed.downloads_disabled
    assert calls["flickr.photos.getSizes"] == 0
    assert record[0].original is None
    assert record[0].best_file == listed.original


def test_a_single_photo_url_asks_for_sizes_and_faves_it_cannot_know(world_and_client):
    """A photo read with getInfo (a single-photo URL) has no sizes and no fave count, so
    the record asks photos.getSizes once and photos.getFavorites at least once."""
    world, client = world_and_client
    photo = first_photo(world, lambda p: p.media == "photo" and p.fave_count == 0)
    listed = listed_photo_from_info(client.get_photo_info(photo.id))
    record: list[PhotoRecord] = []
    calls = calls_during(client, lambda: record.append(fetch_photo_record(client, listed)))
    assert calls["flickr.photos.getSizes"] == 1
    assert calls["flickr.photos.getFavorites"] == 1
    assert record[0].count_faves == 0
    assert record[0].original is not None


def test_hidden_exif_in_the_sandbox_gives_a_complete_record(world_and_client):
    """A photo whose owner hides EXIF still gets its record: no tags, exif_hidden set."""
    world, client = world_and_client
    listed = listed_from_stream(client, world.featured_photo("exif_hidden"))
    record = fetch_photo_record(client, listed)
    assert record.exif == ()
    assert record.exif_hidden is True
    assert photo_record_to_package_dict(record)["exif"] == []


def test_a_deleted_photo_raises_photo_not_found(world_and_client):
    """A photo listed but deleted since raises PhotoNotFound after its one getInfo call."""
    world, client = world_and_client
    deleted = world.featured_photo("deleted")
    listed = listed_from_stream(client, deleted)

    def fetch() -> None:
        with pytest.raises(PhotoNotFound):
            fetch_photo_record(client, listed)

    assert calls_during(client, fetch) == {"flickr.photos.getInfo": 1}


def test_licences_are_fetched_once_for_many_photos(world_and_client):
    """Fetching many records costs one flickr.photos.licenses.getInfo for the whole job."""
    world, client = world_and_client
    selection = resolve_selection(client, [world.archive.photos_url])
    fetcher = PhotoRecordFetcher(client)
    available = [p for p in selection.photos if world.photo(p.id).is_available][:8]
    for listed in available:
        fetcher.fetch(listed)
    assert len(available) == 8
    assert client.calls["flickr.photos.licenses.getInfo"] == 1
    assert client.calls["flickr.photos.getInfo"] == 8


def test_retrieved_at_comes_from_the_fetcher_clock(world_and_client):
    """retrievedAt is the fetcher's clock at the start of the fetch, written in UTC."""
    world, client = world_and_client
    listed = listed_from_stream(client, first_photo(world, lambda p: True))
    fetcher = PhotoRecordFetcher(client, clock=lambda: RETRIEVED_AT)
    photo = photo_record_to_package_dict(fetcher.fetch(listed))
    assert photo["retrievedAt"] == "2025-03-04T05:06:07Z"


@pytest.mark.parametrize(
    "role", ["notes", "people", "licence_changed", "many_comments", "some_faves", "location"]
)
def test_package_dict_has_exactly_the_documented_keys_and_types(world_and_client, role):
    """The `photo` object has DESIGN 5.5's keys (less files and consent), the documented
    types, and survives a JSON round trip unchanged."""
    world, client = world_and_client
    listed = listed_from_stream(client, world.featured_photo(role))
    photo = photo_record_to_package_dict(fetch_photo_record(client, listed))
    assert set(photo) == DOCUMENTED_PHOTO_KEYS
    assert json.loads(json.dumps(photo)) == photo
    assert_documented_types(photo)


def assert_documented_types(photo: dict) -> None:
    for key in ("id", "url", "uploaderId", "licenseId", "safetyLevel", "visibility"):
        assert isinstance(photo[key], str), key
    for key in ("title", "description", "originalFormat"):
        assert photo[key] is None or isinstance(photo[key], str), key
    for key in ("countFaves", "countViews", "countComments"):
        assert isinstance(photo[key], int), key
    assert photo["mediaType"] in {"photo", "video"}
    assert photo["dateUploaded"] is not None
    assert photo["retrievedAt"] is not None
    for key in ("dateUploaded", "retrievedAt"):
        assert_iso_utc(photo[key])
    if photo["dateTaken"] is not None:
        assert set(photo["dateTaken"]) == {"value", "granularity"}
    if photo["location"] is not None:
        assert set(photo["location"]) == {
            "latitude",
            "longitude",
            "accuracy",
            "context",
            "locality",
            "region",
            "country",
        }
    item_keys = {
        "licenseHistory": {"date", "oldLicenseId", "newLicenseId"},
        "tags": {"authorId", "rawValue", "normalizedValue", "isMachineTag"},
        "notes": {"id", "authorId", "text", "x", "y", "width", "height"},
        "people": {"userId", "x", "y", "width", "height"},
        "comments": {"id", "authorId", "text", "date", "permalink"},
        "favorites": {"userId", "date"},
        "exif": {"tagspace", "tag", "label", "raw", "clean"},
    }
    for key, keys in item_keys.items():
        assert isinstance(photo[key], list), key
        assert all(set(item) == keys for item in photo[key]), key
    for key in ("albumIds", "galleryIds", "groupIds"):
        assert all(isinstance(item, str) for item in photo[key]), key
    for item in photo["comments"] + photo["favorites"] + photo["licenseHistory"]:
        assert_iso_utc(item["date"])


def assert_iso_utc(value: str) -> None:
    assert re.match(ISO_UTC_PATTERN, value), value


def test_package_dict_counts_match_the_lists_fetched(world_and_client):
    """countComments and countFaves agree with the comments and favorites fetched."""
    world, client = world_and_client
    photo = world.featured_photo("some_faves")
    listed = listed_from_stream(client, photo)
    package = photo_record_to_package_dict(fetch_photo_record(client, listed))
    assert package["countFaves"] == len(package["favorites"]) == photo.fave_count
    assert package["countComments"] == len(package["comments"]) == photo.comment_count


def test_record_contexts_are_the_worlds_own(world_and_client):
    """The albums, galleries and groups of a record are those the world puts the photo in."""
    world, client = world_and_client
    photo = world.featured_photo("notes")
    record = fetch_photo_record(client, listed_from_stream(client, photo))
    contexts = world.contexts(photo.index)
    assert [album.id for album in record.albums] == contexts["albums"]
    assert [gallery.id for gallery in record.galleries] == contexts["galleries"]
    assert [group.id for group in record.groups] == contexts["groups"]
    assert len(record.info.notes) == photo.note_count


# --- the floor of DESIGN 9 -----------------------------------------------------------------------


def floor_from_world(world: SandboxWorld, indices: set[int], listing_pages: int) -> int:
    """DESIGN 9's floor, from the world's ground truth rather than from any listing:
    listing pages + 1 licence table + per photo 5, +1 with comments, +ceil(faves/50),
    +1 with people, +1 when the listing cannot name its file (a video). A photo that is
    gone costs the one getInfo that finds out."""
    total = listing_pages + 1
    for photo in world.photos(sorted(indices)):
        if not photo.is_available:
            total += 1
            continue
        total += 5
        total += photo.comment_count > 0
        total += math.ceil(len(world.faves(photo)) / 50)
        total += photo.people_count > 0
        total += photo.media == "video"
    return total


def floor_test_selection(world: SandboxWorld) -> tuple[list[str], set[int], int]:
    """(URLs, photo indices, listing pages): the archive's photostream, named by its path
    alias, and another member's album that holds a private photo."""
    album = next(
        album
        for album in world.albums
        if album.owner != world.archive.nsid
        and any(not world.photo_at(i).is_available for i in album.photo_indices)
    )
    urls = [
        world.archive.photos_url,
        f"https://www.flickr.com/photos/{album.owner}/albums/{album.id}",
    ]
    stream = {
        i
        for i in world.indices_owned_by(world.archive.nsid)
        if world.photo_at(i).state != "private"
    }
    # flickr.urls.lookupUser for the path alias; the album's URL names its owner's NSID.
    listing_pages = 1 + math.ceil(len(stream) / 500) + math.ceil(len(album.photo_indices) / 500)
    return urls, stream | set(album.photo_indices), listing_pages


def test_calls_for_a_selection_equal_the_floor_exactly(sandbox):  # noqa: F811
    """Resolving a photostream and an album, then fetching every record, makes exactly the
    floor of DESIGN 9, computed from the world's ground truth."""
    server = sandbox(photos=WORLD_PHOTOS)
    urls, indices, listing_pages = floor_test_selection(server.world)

    with sandbox_client(server) as client:
        selection = resolve_selection(client, urls)
        fetcher = PhotoRecordFetcher(client)
        for listed in selection.photos:
            with contextlib.suppress(PhotoNotFound):
                fetcher.fetch(listed)

    assert {p.id for p in selection.photos} == {server.world.photo_id(i) for i in indices}
    expected = floor_from_world(server.world, indices, listing_pages)
    assert sum(server.calls.values()) == expected
    assert sum(client.calls.values()) == expected


def test_floor_selection_covers_every_optional_call():
    """The floor test's selection needs every optional call (comments, several pages of
    faves, people, sizes) and holds a deleted and a private photo, so its equality means
    something."""
    world = sandbox_world(WORLD_PHOTOS)
    _, indices, _ = floor_test_selection(world)
    photos = list(world.photos(sorted(indices)))
    available = [p for p in photos if p.is_available]
    assert any(p.comment_count > 0 for p in available)
    assert any(p.fave_count > 50 for p in available)
    assert any(p.people_count > 0 for p in available)
    assert any(p.media == "video" for p in available)
    assert {p.state for p in photos} == {"public", "private", "deleted"}
