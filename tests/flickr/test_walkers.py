"""Collection walkers: the listing parser over real recordings, and walks over a fake Flickr.

Multi-page and large collections come from `FakeFlickr`, a small in-test Flickr answering
through `httpx.MockTransport` with responses shaped like the recorded ones, so the real
`FlickrClient` (error mapping included) sits between the walkers and the data.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree
import httpx
import pytest
import yaml

from flickr.client import FlickrClient
from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.responses import respond
from flickr.walkers import (
    FLICKR_EPOCH,
    LIST_EXTRAS,
    PER_PAGE,
    SEARCH_RESULT_CAP,
    BadSelectionUrls,
    EmptySelection,
    ListedPhoto,
    SelectionTooLarge,
    parse_photo_list,
    resolve_selection,
    walk_collection,
    walk_tag,
)
from tests.flickr.cassettes import recorded_client, use_recording

# --- the recordings -----------------------------------------------------------------------


def recorded_rsp(recordings_dir: Path, name: str, method: str) -> Element:
    """The `<rsp>` of the first recorded `method` call in cassette `name`."""
    cassette = yaml.safe_load((recordings_dir / name).read_text())
    for interaction in cassette["interactions"]:
        if f"method={method}&" not in interaction["request"]["uri"] + "&":
            continue
        response = interaction["response"]
        body = response.get("content") or response["body"]["string"]
        if isinstance(body, str):
            body = body.encode()
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        return defusedxml.ElementTree.fromstring(body)
    raise LookupError(f"No {method} call recorded in {name!r}")


ALBUM = "flinumeratr/test_results_page_shows_info_box[album].yml"
ALBUM_WITH_EXTRAS = "flickypedia/test_gets_album_on_flickr.yml"
GALLERY = "flinumeratr/test_results_page_shows_info_box[gallery].yml"
GROUP_POOL = "flinumeratr/test_results_page_shows_info_box[group].yml"
PHOTOSTREAM = "flinumeratr/test_results_page_shows_info_box[user].yml"
EMPTY_PHOTOSTREAM = "flinumeratr/test_empty_result_if_no_public_photos.yml"
SEARCH = "flinumeratr/test_results_page_shows_info_box[tag].yml"
SINGLE_PHOTO = "flinumeratr/test_results_page_shows_info_box[single_photo].yml"
MISSING_PHOTO = "flinumeratr/test_cant_find_resource_is_error.yml"


def listed(recordings_dir: Path, name: str, method: str) -> dict[str, ListedPhoto]:
    photos, _, _, _ = parse_photo_list(recorded_rsp(recordings_dir, name, method))
    return {photo.id: photo for photo in photos}


def test_album_listing_reads_every_photo_and_the_paging(recordings_dir):
    """An album page gives all its photos with page, pages and total."""
    rsp = recorded_rsp(recordings_dir, ALBUM, "flickr.photosets.getPhotos")
    photos, page, pages, total = parse_photo_list(rsp)
    assert (len(photos), page, pages, total) == (22, 1, 1, 22)


def test_album_photos_take_their_owner_from_the_album(recordings_dir):
    """photosets.getPhotos names the owner on <photoset>, not on each photo."""
    photos = listed(recordings_dir, ALBUM, "flickr.photosets.getPhotos")
    assert {photo.owner_nsid for photo in photos.values()} == {"32834977@N03"}
    assert photos["5536044022"].owner_username == "Al Jazeera English"


def test_album_listing_maps_licence_and_original(recordings_dir):
    """Licence 5 is CC BY-SA 2.0 and the original comes from url_o with its size."""
    photo = listed(recordings_dir, ALBUM, "flickr.photosets.getPhotos")["5536044022"]
    assert photo.licence_id == "cc-by-sa-2.0"
    assert photo.original.url.endswith("5536044022_44d052df5a_o.jpg")
    assert (photo.original.width, photo.original.height) == (800, 600)
    assert photo.original_format == "jpg"
    assert photo.has_all_sizes


def test_album_listing_reads_dates(recordings_dir):
    """dateupload is a UTC timestamp; datetaken keeps its granularity."""
    photo = listed(recordings_dir, ALBUM, "flickr.photosets.getPhotos")["5536044022"]
    assert photo.date_uploaded == datetime.fromtimestamp(1300402940, tz=UTC)
    assert photo.date_taken.value == datetime(2011, 3, 4, 15, 44, 0)
    assert photo.date_taken.granularity == "second"


def test_listing_with_full_extras_reads_counts_safety_and_no_location(recordings_dir):
    """Comment and view counts and safety level are read; accuracy 0 means no location."""
    photo = listed(recordings_dir, ALBUM_WITH_EXTRAS, "flickr.photosets.getPhotos")["5536044022"]
    assert (photo.count_comments, photo.views) == (2, 2891)
    assert photo.safety_level == "safe"
    assert photo.location is None
    assert photo.description is None
    assert photo.tags == ()


def test_gallery_listing_reads_thirteen_photos_of_many_owners(recordings_dir):
    """A gallery page names the owner on each photo (12 owners; the LOC gave two)."""
    photos = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")
    assert len(photos) == 13
    assert photos["2456288552"].owner_nsid == "38851157@N00"
    assert len({photo.owner_nsid for photo in photos.values()}) == 12


def test_empty_title_and_realname_become_none(recordings_dir):
    """Photo 3234578780 has title="" and no realname."""
    photo = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")["3234578780"]
    assert photo.title is None
    assert photo.owner_realname is None


def test_unknown_date_taken_becomes_none(recordings_dir):
    """datetakenunknown="1" (photo 45403014811) means no taken date."""
    photo = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")["45403014811"]
    assert photo.date_taken is None


def test_circa_granularity_is_read(recordings_dir):
    """datetakengranularity 8 (photo 2179909780) is "circa"."""
    photo = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")["2179909780"]
    assert photo.date_taken.granularity == "circa"
    assert photo.licence_id == "nkcr"


def test_original_format_is_taken_from_url_o_when_not_listed(recordings_dir):
    """Without the original_format extra, url_o (photo 2178297354) still gives the format."""
    photo = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")["2178297354"]
    assert photo.original_format == "jpg"
    assert not photo.downloads_disabled


def test_photo_without_url_o_is_downloads_disabled_and_keeps_its_largest_size(recordings_dir):
    """No url_o and no originalformat (photo 2456288552): the largest listed size is kept."""
    photo = listed(recordings_dir, GALLERY, "flickr.galleries.getPhotos")["2456288552"]
    assert photo.downloads_disabled
    assert photo.original.url.endswith("2456288552_3794a1ba27.jpg")
    assert photo.has_all_sizes


def test_group_pool_listing_reads_the_paging_of_a_large_pool(recordings_dir):
    """The group pool recording is page 1 of 2214 (221,343 photos)."""
    rsp = recorded_rsp(recordings_dir, GROUP_POOL, "flickr.groups.pools.getPhotos")
    photos, page, pages, total = parse_photo_list(rsp)
    assert (len(photos), page, pages, total) == (100, 1, 2214, 221343)


def test_empty_path_alias_becomes_none(recordings_dir):
    """pathalias="" (photo 54481995079) is None, and the page URL uses the NSID."""
    photo = listed(recordings_dir, GROUP_POOL, "flickr.groups.pools.getPhotos")["54481995079"]
    assert photo.owner_path_alias is None
    assert photo.url == "https://www.flickr.com/photos/99927961@N06/54481995079/"


def test_photostream_listing_reads_a_full_page(recordings_dir):
    """people.getPublicPhotos page 1 of 4 holds 100 photos of one owner."""
    rsp = recorded_rsp(recordings_dir, PHOTOSTREAM, "flickr.people.getPublicPhotos")
    photos, page, pages, total = parse_photo_list(rsp)
    assert (len(photos), page, pages, total) == (100, 1, 4, 375)
    assert {photo.owner_path_alias for photo in photos} == {"blueminds"}


def test_empty_photostream_lists_nothing(recordings_dir):
    """A user with no public photos gives pages="0" total="0" and no photos."""
    rsp = recorded_rsp(recordings_dir, EMPTY_PHOTOSTREAM, "flickr.people.getPublicPhotos")
    assert parse_photo_list(rsp) == ([], 1, 0, 0)


def test_search_listing_reads_month_granularity_and_empty_realname(recordings_dir):
    """photos.search: granularity 4 is "month" (6591363227); realname="" is None (54323660100)."""
    photos = listed(recordings_dir, SEARCH, "flickr.photos.search")
    assert photos["6591363227"].date_taken.granularity == "month"
    assert photos["54323660100"].owner_realname is None


def test_search_listing_reads_the_uncapped_total(recordings_dir):
    """The recorded tag search reports its whole total, past the 4,000 cap."""
    rsp = recorded_rsp(recordings_dir, SEARCH, "flickr.photos.search")
    _, _, pages, total = parse_photo_list(rsp)
    assert (pages, total) == (340, 33984)


def parse_xml(text: str) -> Element:
    return defusedxml.ElementTree.fromstring(text)


def test_unknown_licence_number_becomes_unknown_id():
    """A licence number Flickr adds later is kept as unknown-<n>, not a crash."""
    rsp = parse_xml(
        '<rsp stat="ok"><photos page="1" pages="1" perpage="500" total="1">'
        '<photo id="1" owner="1@N01" title="t" license="99" ispublic="1" /></photos></rsp>'
    )
    photos, _, _, _ = parse_photo_list(rsp)
    assert photos[0].licence_id == "unknown-99"


def test_listing_reads_tags_machine_tags_faves_location_and_visibility():
    """Space-separated tags, count_faves, a real location and friends-only visibility."""
    rsp = parse_xml(
        '<rsp stat="ok"><photos page="1" pages="1" perpage="500" total="1">'
        '<photo id="7" owner="1@N01" title="t" license="4" ispublic="0" isfriend="1"'
        ' isfamily="0" tags="cat dog" machine_tags="geo:lat=1" count_faves="51"'
        ' latitude="51.5" longitude="-0.12" accuracy="16" context="0" safety_level="2"'
        ' media="video" lastupdate="1700000000" /></photos></rsp>'
    )
    photo = parse_photo_list(rsp)[0][0]
    assert photo.tags == ("cat", "dog")
    assert photo.machine_tags == ("geo:lat=1",)
    assert photo.count_faves == 51
    assert (photo.location.latitude, photo.location.accuracy) == (51.5, 16)
    assert photo.visibility == "friends"
    assert photo.safety_level == "restricted"
    assert photo.last_update == datetime.fromtimestamp(1700000000, tz=UTC)


def test_video_always_needs_get_sizes():
    """A video's url_o is a still frame, so the builder must ask photos.getSizes."""
    rsp = parse_xml(
        '<rsp stat="ok"><photos page="1" pages="1" perpage="500" total="1">'
        '<photo id="7" owner="1@N01" license="0" ispublic="1" media="video"'
        ' originalformat="jpg" url_t="https://x/7_t.jpg" url_o="https://x/7_o.jpg" />'
        "</photos></rsp>"
    )
    assert parse_photo_list(rsp)[0][0].has_all_sizes is False


def test_zero_date_taken_becomes_none():
    """A taken date of 0000-00-00 00:00:00 means no date."""
    rsp = parse_xml(
        '<rsp stat="ok"><photos page="1" pages="1" perpage="500" total="1">'
        '<photo id="7" owner="1@N01" license="0" ispublic="1" datetaken="0000-00-00 00:00:00"'
        ' datetakengranularity="0" datetakenunknown="0" /></photos></rsp>'
    )
    assert parse_photo_list(rsp)[0][0].date_taken is None


def test_response_without_a_listing_is_refused_with_what_it_held():
    """A response holding neither <photos> nor <photoset> names what it had."""
    with pytest.raises(ValueError, match=r"\['user'\]"):
        parse_photo_list(parse_xml('<rsp stat="ok"><user id="1@N01" /></rsp>'))


# --- a fake Flickr behind httpx.MockTransport -----------------------------------------------


@dataclass
class FakePhoto:
    id: str
    owner: str
    uploaded: int
    tags: tuple[str, ...] = ()


@dataclass
class FakeFlickr:
    """Answers the listing methods from in-memory collections, the way Flickr shapes them."""

    aliases: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    albums: dict[str, list[FakePhoto]] = field(default_factory=dict)
    galleries: dict[str, list[FakePhoto]] = field(default_factory=dict)
    pools: dict[str, list[FakePhoto]] = field(default_factory=dict)
    streams: dict[str, list[FakePhoto]] = field(default_factory=dict)
    tagged: list[FakePhoto] = field(default_factory=list)
    single: dict[str, FakePhoto] = field(default_factory=dict)
    deleted_users: set[str] = field(default_factory=set)
    requests: list[dict[str, str]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        params = {
            key: values[0] for key, values in parse_qs(urlsplit(str(request.url)).query).items()
        }
        self.requests.append(params)
        answer: Callable[[dict[str, str]], str] = getattr(
            self, params["method"].removeprefix("flickr.").replace(".", "_")
        )
        return httpx.Response(
            200, text=f'<?xml version="1.0" encoding="utf-8" ?>\n{answer(params)}'
        )

    def client(self) -> FlickrClient:
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        return FlickrClient(api_key="test", api_url="http://flickr.test/rest/", http=http)

    def calls_to(self, method: str) -> list[dict[str, str]]:
        return [params for params in self.requests if params["method"] == method]

    # -- the methods ------------------------------------------------------------------

    def urls_lookupUser(self, params):
        alias = params["url"].rstrip("/").rsplit("/", 1)[-1]
        if alias not in self.aliases:
            return failure(1, "User not found")
        return (
            f'<rsp stat="ok"><user id="{self.aliases[alias]}"><username>x</username></user></rsp>'
        )

    def urls_lookupGroup(self, params):
        name = params["url"].rstrip("/").rsplit("/", 1)[-1]
        if name not in self.groups:
            return failure(1, "Group not found")
        return (
            f'<rsp stat="ok"><group id="{self.groups[name]}"><groupname>g</groupname></group></rsp>'
        )

    def photosets_getPhotos(self, params):
        photos = self.albums.get(params["photoset_id"])
        if photos is None:
            return failure(1, "Photoset not found")
        owner = params["user_id"]
        return listing_page(
            photos, params, "photoset", f' id="{params["photoset_id"]}" owner="{owner}"'
        )

    def galleries_getPhotos(self, params):
        return listing_page(self.galleries[params["gallery_id"]], params, "photos")

    def groups_pools_getPhotos(self, params):
        return listing_page(self.pools[params["group_id"]], params, "photos")

    def people_getPublicPhotos(self, params):
        if params["user_id"] in self.deleted_users:
            return failure(5, "User deleted")
        return listing_page(self.streams[params["user_id"]], params, "photos")

    def photos_search(self, params):
        first, last = int(params["min_upload_date"]), int(params["max_upload_date"])
        matches = sorted(
            (p for p in self.tagged if params["tags"] in p.tags and first <= p.uploaded <= last),
            key=lambda p: p.uploaded,
        )
        return listing_page(matches, params, "photos", cap=SEARCH_RESULT_CAP)

    def photos_getInfo(self, params):
        photo = self.single.get(params["photo_id"])
        if photo is None:
            return failure(1, "Photo not found")
        return (
            f'<rsp stat="ok"><photo id="{photo.id}" secret="s" server="1" dateuploaded='
            f'"{photo.uploaded}" license="4" safety_level="0" views="3" media="photo">'
            f'<owner nsid="{photo.owner}" username="u" realname="" path_alias="" />'
            "<title>A title</title><description />"
            '<visibility ispublic="1" isfriend="0" isfamily="0" />'
            f'<dates posted="{photo.uploaded}" taken="2020-01-02 03:04:05" takengranularity="0"'
            f' takenunknown="0" lastupdate="{photo.uploaded}" />'
            '<usage candownload="0" canblog="0" canprint="0" canshare="1" />'
            '<comments>2</comments><notes /><people haspeople="0" /><tags />'
            f'<urls><url type="photopage">https://www.flickr.com/photos/x/{photo.id}/</url></urls>'
            "</photo></rsp>"
        )


def failure(code: int, message: str) -> str:
    return f'<rsp stat="fail"><err code="{code}" msg={quoteattr(message)} /></rsp>'


def photo_xml(photo: FakePhoto, *, with_owner: bool) -> str:
    owner = f' owner="{photo.owner}"' if with_owner else ""
    return (
        f'<photo id="{photo.id}"{owner} secret="s" server="1" title="Photo {photo.id}"'
        f' ispublic="1" isfriend="0" isfamily="0" license="4" dateupload="{photo.uploaded}"'
        f' tags="{" ".join(photo.tags)}" count_comments="0" count_faves="0" media="photo"'
        f' originalformat="jpg" url_t="https://live.example/{photo.id}_t.jpg"'
        f' url_o="https://live.example/{photo.id}_o.jpg" width_o="10" height_o="10" />'
    )


def listing_page(
    photos: list[FakePhoto], params: dict[str, str], container: str, attrs: str = "", cap=None
) -> str:
    per_page, page = int(params["per_page"]), int(params["page"])
    total = len(photos)
    pages = math.ceil(total / per_page)
    reachable = photos if cap is None else photos[:cap]
    start = (page - 1) * per_page
    body = "".join(
        photo_xml(photo, with_owner=container == "photos")
        for photo in reachable[start : start + per_page]
    )
    return (
        f'<rsp stat="ok"><{container}{attrs} page="{page}" pages="{pages}" perpage="{per_page}"'
        f' total="{total}">{body}</{container}></rsp>'
    )


def make_photos(count: int, *, start: int = 1, owner: str = "11@N01", tags=()) -> list[FakePhoto]:
    return [
        FakePhoto(id=str(n), owner=owner, uploaded=FLICKR_EPOCH + 1000 + n, tags=tags)
        for n in range(start, start + count)
    ]


def ids(photos: Iterable[ListedPhoto]) -> list[str]:
    return [photo.id for photo in photos]


# --- walkers -------------------------------------------------------------------------------


def test_album_by_path_alias_looks_up_the_user_first():
    """An album URL with a path alias asks urls.lookupUser, then lists with that NSID."""
    flickr = FakeFlickr(aliases={"alice": "11@N01"}, albums={"721": make_photos(3)})
    parsed = {
        "type": "album",
        "user_url": "https://www.flickr.com/photos/alice/",
        "album_id": "721",
        "page": 1,
    }
    photos = list(walk_collection(flickr.client(), parsed))
    assert ids(photos) == ["1", "2", "3"]
    assert flickr.calls_to("flickr.photosets.getPhotos")[0]["user_id"] == "11@N01"
    assert [p.owner_nsid for p in photos] == ["11@N01"] * 3


def test_album_by_nsid_skips_the_user_lookup():
    """An album URL that already holds the NSID makes no urls.lookupUser call."""
    flickr = FakeFlickr(albums={"721": make_photos(2)})
    parsed = {
        "type": "album",
        "user_url": "https://www.flickr.com/photos/11@N01/",
        "album_id": "721",
        "page": 1,
    }
    list(walk_collection(flickr.client(), parsed))
    assert flickr.calls_to("flickr.urls.lookupUser") == []


def test_listing_asks_for_500_a_page_with_the_explicit_extras():
    """Every listing request carries per_page=500 and LIST_EXTRAS."""
    flickr = FakeFlickr(galleries={"99": make_photos(2)})
    list(walk_collection(flickr.client(), {"type": "gallery", "gallery_id": "99", "page": 1}))
    request = flickr.calls_to("flickr.galleries.getPhotos")[0]
    assert (request["per_page"], request["extras"]) == (str(PER_PAGE), LIST_EXTRAS)


def test_listing_extras_name_every_field_the_builder_needs():
    """LIST_EXTRAS asks for the fields DESIGN 6.2 lists."""
    wanted = {
        "description", "license", "date_upload", "date_taken", "owner_name", "original_format",
        "last_update", "geo", "tags", "machine_tags", "o_dims", "views", "media", "path_alias",
        "url_t", "url_o", "count_comments", "count_faves", "realname", "safety_level",
    }  # fmt: skip
    assert wanted <= set(LIST_EXTRAS.split(","))


def test_photostream_is_paginated_to_the_end():
    """1,203 photos come back from three pages of 500, each exactly once."""
    flickr = FakeFlickr(
        aliases={"bob": "22@N02"}, streams={"22@N02": make_photos(1203, owner="22@N02")}
    )
    parsed = {
        "type": "user",
        "user_url": "https://www.flickr.com/photos/bob/",
        "user_id": None,
        "page": 1,
    }
    photos = list(walk_collection(flickr.client(), parsed))
    assert ids(photos) == [str(n) for n in range(1, 1204)]
    assert [r["page"] for r in flickr.calls_to("flickr.people.getPublicPhotos")] == ["1", "2", "3"]


def test_page_in_a_pasted_url_is_ignored():
    """A URL's pageN does not change the selection: listing starts at page 1."""
    flickr = FakeFlickr(streams={"22@N02": make_photos(600, owner="22@N02")})
    parsed = {
        "type": "user",
        "user_url": "https://www.flickr.com/photos/22@N02/",
        "user_id": "22@N02",
        "page": 2,
    }
    photos = list(walk_collection(flickr.client(), parsed))
    assert len(photos) == 600
    assert flickr.calls_to("flickr.people.getPublicPhotos")[0]["page"] == "1"


def test_group_pool_is_looked_up_then_listed():
    """A group URL asks urls.lookupGroup, then groups.pools.getPhotos with the group id."""
    flickr = FakeFlickr(groups={"birdguide": "42@N00"}, pools={"42@N00": make_photos(4)})
    parsed = {"type": "group", "group_url": "https://www.flickr.com/groups/birdguide", "page": 1}
    assert ids(walk_collection(flickr.client(), parsed)) == ["1", "2", "3", "4"]
    assert flickr.calls_to("flickr.groups.pools.getPhotos")[0]["group_id"] == "42@N00"


def test_single_photo_is_read_with_get_info():
    """A single-photo URL becomes one ListedPhoto from photos.getInfo, sizes still to fetch."""
    flickr = FakeFlickr(single={"5": FakePhoto(id="5", owner="11@N01", uploaded=1600000000)})
    parsed = {"type": "single_photo", "photo_id": "5", "user_url": None, "user_id": None}
    [photo] = walk_collection(flickr.client(), parsed)
    assert (photo.id, photo.licence_id, photo.count_comments) == ("5", "cc-by-2.0", 2)
    assert photo.count_faves is None
    assert photo.has_all_sizes is False
    assert photo.downloads_disabled


def test_tag_search_under_the_cap_is_not_split():
    """A tag with 1,100 photos is read in three pages of one search."""
    flickr = FakeFlickr(tagged=make_photos(1100, tags=("cats",)))
    photos = list(walk_collection(flickr.client(), {"type": "tag", "tag": "cats", "page": 1}))
    assert len(set(ids(photos))) == 1100
    assert len(flickr.calls_to("flickr.photos.search")) == 3


def test_tag_search_over_the_cap_is_split_by_upload_date():
    """9,000 tagged photos are all found, by date ranges each under 4,000 results."""
    flickr = FakeFlickr(tagged=make_photos(9000, tags=("cats",)))
    photos = list(walk_collection(flickr.client(), {"type": "tag", "tag": "cats", "page": 1}))
    assert sorted(ids(photos), key=int) == [str(n) for n in range(1, 9001)]
    read_pages = [r for r in flickr.calls_to("flickr.photos.search") if r["page"] != "1"]
    assert all(int(r["page"]) <= SEARCH_RESULT_CAP // PER_PAGE for r in read_pages), (
        "no page past the cap is read"
    )


def test_tag_search_never_returns_a_photo_twice():
    """A photo Flickr lists twice in a search is yielded once."""
    photos = make_photos(700, tags=("cats",))
    flickr = FakeFlickr(tagged=[*photos, photos[0]])
    found = ids(walk_collection(flickr.client(), {"type": "tag", "tag": "cats", "page": 1}))
    assert len(found) == len(set(found)) == 700


def test_tag_search_in_one_crowded_second_stops_at_the_cap():
    """Over 4,000 photos uploaded in the same second: the 4,000 Flickr gives, then stop."""
    crowded = [
        FakePhoto(id=str(n), owner="1@N01", uploaded=FLICKR_EPOCH + 5, tags=("x",))
        for n in range(4100)
    ]
    flickr = FakeFlickr(tagged=crowded)
    found = list(
        walk_tag(
            flickr.client(), {"type": "tag", "tag": "x", "page": 1}, now=lambda: FLICKR_EPOCH + 10
        )
    )
    assert len(found) == SEARCH_RESULT_CAP


# --- resolve_selection ---------------------------------------------------------------------


def test_duplicates_across_urls_are_removed_keeping_first_order():
    """A photo in two URLs is kept once, where it was first met, and counted as a duplicate."""
    flickr = FakeFlickr(
        galleries={"72157621848008117": make_photos(3)},
        streams={"11@N01": make_photos(4, start=2)},
    )
    selection = resolve_selection(
        flickr.client(),
        [
            "https://www.flickr.com/photos/someone/galleries/72157621848008117/",
            "https://www.flickr.com/photos/11@N01/",
        ],
    )
    assert ids(selection.photos) == ["1", "2", "3", "4", "5"]
    assert [(r.photos, r.duplicates) for r in selection.per_url] == [(3, 0), (2, 2)]


def test_bad_urls_are_all_named_before_any_call():
    """Every unusable URL is named in one error and Flickr is not called at all."""
    flickr = FakeFlickr()
    client = flickr.client()
    with pytest.raises(BadSelectionUrls) as caught:
        resolve_selection(
            client,
            ["https://example.com/x", "https://www.flickr.com/photos/11@N01/", "not a url at all"],
        )
    assert [url for url, _ in caught.value.bad] == ["https://example.com/x", "not a url at all"]
    assert "'https://example.com/x'" in str(caught.value)
    assert flickr.requests == []


def test_homepage_url_is_refused_with_a_clear_reason():
    """Flickr's home page names no photos and is refused."""
    with pytest.raises(BadSelectionUrls, match="home page"):
        resolve_selection(FakeFlickr().client(), ["https://www.flickr.com/"])


def test_empty_url_list_is_refused():
    """A selection needs at least one URL."""
    with pytest.raises(EmptySelection):
        resolve_selection(FakeFlickr().client(), [])


def test_max_photos_stops_the_walk_as_soon_as_it_is_passed():
    """Passing max_photos raises SelectionTooLarge without reading the rest."""
    flickr = FakeFlickr(streams={"11@N01": make_photos(2000)})
    with pytest.raises(SelectionTooLarge, match="more than 600"):
        resolve_selection(
            flickr.client(), ["https://www.flickr.com/photos/11@N01/"], max_photos=600
        )
    assert len(flickr.calls_to("flickr.people.getPublicPhotos")) == 2


def test_max_photos_allows_exactly_that_many():
    """A selection of exactly max_photos photos is accepted."""
    flickr = FakeFlickr(streams={"11@N01": make_photos(600)})
    selection = resolve_selection(
        flickr.client(), ["https://www.flickr.com/photos/11@N01/"], max_photos=600
    )
    assert len(selection.photos) == 600


def test_missing_single_photo_is_recorded_as_unavailable():
    """A deleted or private photo URL is listed as unavailable, not a crash."""
    flickr = FakeFlickr(single={"5": FakePhoto(id="5", owner="11@N01", uploaded=1600000000)})
    selection = resolve_selection(
        flickr.client(),
        ["https://www.flickr.com/photos/11@N01/404404/", "https://www.flickr.com/photos/11@N01/5/"],
    )
    assert ids(selection.photos) == ["5"]
    assert [(u.photo_id, u.reason) for u in selection.unavailable] == [("404404", "not_found")]
    assert selection.per_url[0].unavailable == "not_found"


def test_deleted_user_photostream_is_recorded_as_unavailable():
    """A photostream whose owner was deleted is unavailable with reason user_deleted."""
    flickr = FakeFlickr(deleted_users={"33@N03"})
    selection = resolve_selection(flickr.client(), ["https://www.flickr.com/photos/33@N03/"])
    assert selection.photos == ()
    assert [u.reason for u in selection.unavailable] == ["user_deleted"]


def test_selection_counts_the_listing_calls_it_spent():
    """listing_calls counts every API call made while resolving (lookup and pages)."""
    flickr = FakeFlickr(
        aliases={"bob": "22@N02"}, streams={"22@N02": make_photos(501, owner="22@N02")}
    )
    selection = resolve_selection(flickr.client(), ["https://www.flickr.com/photos/bob/"])
    assert selection.listing_calls == len(flickr.requests) == 3


# --- end to end over the real recordings ----------------------------------------------------


def test_recorded_album_url_resolves_to_its_22_photos():
    """The Al Jazeera album URL costs a lookupUser and one getPhotos page for 22 photos."""
    with use_recording(ALBUM), recorded_client() as client:
        selection = resolve_selection(
            client, ["https://www.flickr.com/photos/aljazeeraenglish/albums/72157626164453131"]
        )
    assert len(selection.photos) == 22
    assert selection.listing_calls == 2
    assert selection.photos[0].id == "5536044022"


def test_recorded_gallery_url_resolves_to_its_13_photos():
    """A gallery URL is read with galleries.getPhotos, one page for 13 photos."""
    with use_recording(GALLERY), recorded_client() as client:
        selection = resolve_selection(
            client, ["https://www.flickr.com/photos/flickr/galleries/72157621848008117/"]
        )
    assert len(selection.photos) == 13
    assert client.calls == {"flickr.galleries.getPhotos": 1}


def test_recorded_single_photo_url_resolves_through_get_info():
    """Photo 50567413447 comes from photos.getInfo: No known copyright restrictions, no date."""
    with use_recording(SINGLE_PHOTO), recorded_client() as client:
        selection = resolve_selection(
            client, ["https://www.flickr.com/photos/sdasmarchives/50567413447/"]
        )
    [photo] = selection.photos
    assert (photo.id, photo.licence_id, photo.date_taken) == ("50567413447", "nkcr", None)
    assert photo.owner_path_alias == "sdasmarchives"


def test_recorded_missing_photo_is_unavailable():
    """Photo 12345678901234567890 answers error 1 and is recorded as not found."""
    with use_recording(MISSING_PHOTO), recorded_client() as client:
        selection = resolve_selection(
            client, ["https://www.flickr.com/photos/someone/12345678901234567890/"]
        )
    assert selection.photos == ()
    assert [(u.photo_id, u.reason) for u in selection.unavailable] == [
        ("12345678901234567890", "not_found")
    ]


# --- end to end over the sandbox ------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> SandboxWorld:
    return SandboxWorld.generate(photos=4500)


def sandbox_client(world: SandboxWorld) -> FlickrClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=respond(world, dict(request.url.params)))

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return FlickrClient(api_key="test", api_url="http://sandbox.test/rest/", http=http)


def test_sandbox_tag_over_the_cap_finds_every_photo_once(sandbox):
    """Every photo tagged "sandbox" (all public ones, well past 4,000) is found exactly once."""
    client = sandbox_client(sandbox)
    found = ids(walk_collection(client, {"type": "tag", "tag": "sandbox", "page": 1}))
    expected = {photo.id for photo in sandbox.photos() if photo.state != "private"}
    assert len(expected) > SEARCH_RESULT_CAP
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_sandbox_album_and_photostream_overlap_is_counted_as_duplicates(sandbox):
    """The archive's album photos met again in its photostream count as duplicates."""
    album = sandbox.albums[0]
    owner = sandbox.user(album.owner)
    album_ids = [sandbox.photo_id(i) for i in album.photo_indices]
    stream_ids = {
        sandbox.photo_id(i)
        for i in sandbox.indices_owned_by(owner.nsid)
        if sandbox.photo_at(i).state != "private"
    }
    selection = resolve_selection(
        sandbox_client(sandbox),
        [
            f"https://www.flickr.com/photos/{owner.url_name}/albums/{album.id}",
            f"https://www.flickr.com/photos/{owner.url_name}/",
        ],
    )
    assert ids(selection.photos)[: len(album_ids)] == album_ids
    assert set(ids(selection.photos)) == set(album_ids) | stream_ids
    assert selection.per_url[1].duplicates == len(set(album_ids) & stream_ids)


def test_sandbox_group_pool_is_walked_to_the_end(sandbox):
    """A group URL gives every photo of its pool, once."""
    group = sandbox.groups[0]
    selection = resolve_selection(sandbox_client(sandbox), [group.url])
    assert sorted(ids(selection.photos)) == sorted(sandbox.photo_id(i) for i in group.photo_indices)
