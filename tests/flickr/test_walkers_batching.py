"""Many single-photo URLs of one owner, resolved from the owner's photostream listing.

Every test runs `resolve_selection` against the sandbox over HTTP and counts the calls the
real `FlickrClient` made. "Per-photo resolution" is what the walkers did before batching:
one `flickr.photos.getInfo` per URL, which is still what a single URL alone costs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import pytest

from flickr.client import FlickrClient
from flickr.sandbox.data import SandboxWorld, User
from flickr.sandbox.server import SandboxServer
from flickr.walkers import (
    MIN_PHOTOS_TO_BATCH,
    PER_PAGE,
    ListedPhoto,
    SelectionTooLarge,
    estimated_owner_calls,
    resolve_selection,
)
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

# The archive owns 80 photos of this world, three of them deleted after being listed.
SMALL_WORLD = 200
# The archive's public photostream here is 1,581 photos: four pages of 500.
LARGE_WORLD = 4_000

LOOKUP = "flickr.urls.lookupUser"
STREAM = "flickr.people.getPublicPhotos"
GET_INFO = "flickr.photos.getInfo"


def client_for(server: SandboxServer) -> FlickrClient:
    return FlickrClient(api_key="test", api_url=server.api_url, max_attempts=1)


@pytest.fixture
def small(sandbox) -> Iterator[tuple[SandboxWorld, FlickrClient]]:
    server = sandbox(photos=SMALL_WORLD)
    with client_for(server) as client:
        yield server.world, client


@pytest.fixture
def large(sandbox) -> Iterator[tuple[SandboxWorld, FlickrClient]]:
    server = sandbox(photos=LARGE_WORLD)
    with client_for(server) as client:
        yield server.world, client


def photo_url(owner_name: str, photo_id: str) -> str:
    return f"https://www.flickr.com/photos/{owner_name}/{photo_id}/"


def available_ids(world: SandboxWorld, owner: User) -> list[str]:
    """The owner's photos that Flickr serves, oldest upload first."""
    return [
        world.photo_id(index)
        for index in world.indices_owned_by(owner.nsid)
        if world.photo_at(index).is_available
    ]


def streamed_ids(world: SandboxWorld, owner: User) -> list[str]:
    """The owner's photostream as people.getPublicPhotos lists it: newest first."""
    return [world.photo_id(index) for index in world.public_listing(owner.nsid)]


def ids(photos: Iterable[ListedPhoto]) -> list[str]:
    return [photo.id for photo in photos]


def described(photo: ListedPhoto) -> tuple[object, ...]:
    """What a listed photo and photos.getInfo both say about a photo."""
    return (
        photo.id,
        photo.title,
        photo.description,
        photo.licence_id,
        photo.owner_nsid,
        photo.owner_path_alias,
        photo.date_uploaded,
        photo.visibility,
        photo.media,
    )


def per_photo(world: SandboxWorld, urls: list[str]) -> list[ListedPhoto]:
    """Each URL resolved on its own, with photos.getInfo, on a client of its own."""
    with SandboxServer(world) as server, client_for(server) as client:
        photos = [photo for url in urls for photo in resolve_selection(client, [url]).photos]
        assert set(client.calls) <= {GET_INFO}
    return photos


# --- the saving -------------------------------------------------------------------------------


def test_sixty_photos_of_one_owner_cost_a_lookup_and_one_page(small):
    """60 URLs of the archive (by path alias), pasted in any order, cost one lookupUser and
    one page of its photostream instead of 60 getInfo calls, and resolve in the pasted
    order to the same photos per-photo resolution gives."""
    world, client = small
    chosen = available_ids(world, world.archive)[:60]
    random.Random(8).shuffle(chosen)
    urls = [photo_url(world.archive.url_name, photo_id) for photo_id in chosen]

    selection = resolve_selection(client, urls)

    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1}
    assert selection.listing_calls == 2
    assert ids(selection.photos) == chosen
    assert [described(p) for p in selection.photos] == [
        described(p) for p in per_photo(world, urls)
    ]
    assert [(r.kind, r.photos, r.duplicates, r.unavailable) for r in selection.per_url] == [
        ("single_photo", 1, 0, None)
    ] * 60
    assert selection.unavailable == ()


def test_batched_photos_keep_what_the_listing_gives(small):
    """A photo found in the photostream keeps the listing's sizes and fave count, so the
    builder needs no photos.getSizes for it."""
    world, client = small
    chosen = available_ids(world, world.archive)[:5]
    selection = resolve_selection(client, [photo_url(world.archive.url_name, i) for i in chosen])
    assert all(photo.thumbnail is not None for photo in selection.photos)
    assert all(photo.count_faves is not None for photo in selection.photos)


def test_an_owner_named_by_nsid_needs_no_lookup(small):
    """URLs naming the owner by NSID go straight to its photostream."""
    world, client = small
    chosen = available_ids(world, world.archive)[:10]
    selection = resolve_selection(client, [photo_url(world.archive.nsid, i) for i in chosen])
    assert dict(client.calls) == {STREAM: 1}
    assert ids(selection.photos) == chosen


def test_one_owner_named_both_ways_is_read_once(small):
    """URLs naming the archive by NSID join the read its path alias started."""
    world, client = small
    chosen = available_ids(world, world.archive)[:6]
    urls = [
        *(photo_url(world.archive.url_name, i) for i in chosen[:3]),
        *(photo_url(world.archive.nsid, i) for i in chosen[3:]),
    ]
    selection = resolve_selection(client, urls)
    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1}
    assert ids(selection.photos) == chosen


@pytest.mark.parametrize(
    ("photos", "calls"),
    [
        (MIN_PHOTOS_TO_BATCH - 1, {GET_INFO: MIN_PHOTOS_TO_BATCH - 1}),
        (MIN_PHOTOS_TO_BATCH, {LOOKUP: 1, STREAM: 1}),
    ],
)
def test_photos_below_the_threshold_use_get_info(small, photos, calls):
    """Fewer than MIN_PHOTOS_TO_BATCH photos of an owner are looked up one by one; from
    that many on, the photostream is read."""
    world, client = small
    chosen = available_ids(world, world.archive)[:photos]
    selection = resolve_selection(client, [photo_url(world.archive.url_name, i) for i in chosen])
    assert dict(client.calls) == calls
    assert ids(selection.photos) == chosen


def test_each_owner_is_batched_on_its_own(small):
    """Three photos of one owner are read from its stream; two of another, interleaved,
    are looked up one by one."""
    world, client = small
    other = world.user(world.featured_photo("private").owner)
    mine, theirs = available_ids(world, world.archive)[:3], available_ids(world, other)[:2]
    urls = [
        photo_url(world.archive.url_name, mine[0]),
        photo_url(other.url_name, theirs[0]),
        photo_url(world.archive.url_name, mine[1]),
        photo_url(other.url_name, theirs[1]),
        photo_url(world.archive.url_name, mine[2]),
    ]
    selection = resolve_selection(client, urls)
    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1, GET_INFO: 2}
    assert ids(selection.photos) == [mine[0], theirs[0], mine[1], theirs[1], mine[2]]


# --- what the stream does not give -----------------------------------------------------------


def test_deleted_and_private_photos_among_batched_ones_are_unavailable(sandbox):
    """A private photo and a deleted one, among photos read from their owner's stream, are
    looked up with getInfo and reported unavailable exactly as per-photo resolution does."""
    world = SandboxWorld.generate(photos=SMALL_WORLD)  # changed below: a world of its own
    private = world.featured_photo("private")
    owner = world.user(private.owner)
    public = available_ids(world, owner)[:5]
    world.remove_photo(public[2])
    chosen = [public[0], private.id, public[1], public[2], public[3], public[4]]
    urls = [photo_url(owner.url_name, photo_id) for photo_id in chosen]

    with client_for(sandbox(world=world)) as client:
        selection = resolve_selection(client, urls)

    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1, GET_INFO: 2}
    assert ids(selection.photos) == [public[0], public[1], public[3], public[4]]
    assert [(u.url, u.photo_id, u.reason) for u in selection.unavailable] == [
        (urls[1], private.id, "not_found"),
        (urls[3], public[2], "not_found"),
    ]
    assert [r.unavailable for r in selection.per_url] == [
        None,
        "not_found",
        None,
        "not_found",
        None,
        None,
    ]
    assert [described(p) for p in selection.photos] == [
        described(p) for p in per_photo(world, urls)
    ]


def test_photos_not_of_the_named_owner_are_looked_up(small):
    """A URL that names the archive for someone else's photo still finds the photo, with
    getInfo, after the archive's stream failed to list it."""
    world, client = small
    other = world.user(world.featured_photo("private").owner)
    chosen = [*available_ids(world, world.archive)[:3], available_ids(world, other)[0]]
    selection = resolve_selection(client, [photo_url(world.archive.url_name, i) for i in chosen])
    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1, GET_INFO: 1}
    assert ids(selection.photos) == chosen
    assert selection.photos[-1].owner_nsid == other.nsid


@pytest.mark.parametrize("owner_name", ["no-such-member", "74119804@N00"])
def test_an_unknown_or_deleted_owner_falls_back_to_get_info(small, owner_name):
    """An owner name Flickr does not know (lookupUser: code 1) or whose account is deleted
    (getPublicPhotos: code 5) does not fail the selection: each photo is looked up."""
    world, client = small
    assert world.user_by_url_name("no-such-member") is None
    assert world.user("74119804@N00").is_deleted
    chosen = available_ids(world, world.archive)[:4]
    selection = resolve_selection(client, [photo_url(owner_name, i) for i in chosen])
    first_call = LOOKUP if owner_name == "no-such-member" else STREAM
    assert dict(client.calls) == {first_call: 1, GET_INFO: 4}
    assert ids(selection.photos) == chosen
    assert selection.unavailable == ()


# --- how far the stream is read ---------------------------------------------------------------


def test_a_huge_owner_is_not_read_to_the_end(large):
    """Three wanted photos at the end of a four-page stream: after page 1, the three pages
    left would cost as much as three getInfo calls, so reading stops there."""
    world, client = large
    stream = streamed_ids(world, world.archive)
    assert len(stream) > 3 * PER_PAGE
    chosen = stream[-3:]
    urls = [photo_url(world.archive.url_name, photo_id) for photo_id in chosen]

    selection = resolve_selection(client, urls)

    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1, GET_INFO: 3}
    assert ids(selection.photos) == chosen
    assert sum(client.calls.values()) == estimated_owner_calls(3, len(stream), by_path_alias=True)


def test_a_stream_with_fewer_pages_left_than_photos_missing_is_read_on(large):
    """Ten wanted photos on the last page of a four-page stream: reading the three pages
    left costs less than ten getInfo calls, so the whole stream is read."""
    world, client = large
    stream = streamed_ids(world, world.archive)
    chosen = stream[-10:]
    selection = resolve_selection(
        client, [photo_url(world.archive.url_name, photo_id) for photo_id in chosen]
    )
    assert dict(client.calls) == {LOOKUP: 1, STREAM: 4}
    assert ids(selection.photos) == chosen
    assert sum(client.calls.values()) == estimated_owner_calls(10, len(stream), by_path_alias=True)


def test_reading_stops_as_soon_as_every_photo_is_found(large):
    """Five wanted photos on page 1 and five on page 2: pages 3 and 4 are never read."""
    world, client = large
    stream = streamed_ids(world, world.archive)
    chosen = [*stream[:5], *stream[PER_PAGE : PER_PAGE + 5]]
    selection = resolve_selection(
        client, [photo_url(world.archive.nsid, photo_id) for photo_id in chosen]
    )
    assert dict(client.calls) == {STREAM: 2}
    assert ids(selection.photos) == chosen


def test_the_estimate_matches_the_read_of_a_small_stream(small):
    """estimated_owner_calls says what sixty photos of an 80-photo stream really cost."""
    world, client = small
    chosen = available_ids(world, world.archive)[:60]
    resolve_selection(client, [photo_url(world.archive.url_name, i) for i in chosen])
    stream = len(world.public_listing(world.archive.nsid))
    assert sum(client.calls.values()) == estimated_owner_calls(60, stream, by_path_alias=True)
    assert estimated_owner_calls(MIN_PHOTOS_TO_BATCH - 1, stream, by_path_alias=True) == (
        MIN_PHOTOS_TO_BATCH - 1
    )


# --- the rest of the contract -----------------------------------------------------------------


def test_repeated_urls_count_as_duplicates_as_before(small):
    """A photo pasted twice is kept once and counted as a duplicate; the repeat is asked of
    getInfo, as per-photo resolution did."""
    world, client = small
    a, b, c = available_ids(world, world.archive)[:3]
    urls = [photo_url(world.archive.url_name, i) for i in (a, b, c, a, b)]
    selection = resolve_selection(client, urls)
    assert ids(selection.photos) == [a, b, c]
    assert [(r.photos, r.duplicates) for r in selection.per_url] == [
        (1, 0),
        (1, 0),
        (1, 0),
        (0, 1),
        (0, 1),
    ]
    assert dict(client.calls) == {LOOKUP: 1, STREAM: 1, GET_INFO: 2}


def test_a_photo_an_album_gave_is_still_asked_of_get_info(small):
    """A single-photo URL for a photo an earlier album listed is asked of getInfo, as
    before batching: the sandbox's deleted photo, still listed, is reported unavailable
    there, and stays in the selection from the album."""
    world, client = small
    archive = world.archive
    deleted = world.featured_photo("deleted")
    everything = next(a for a in world.albums if deleted.index in a.photo_indices)
    singles = available_ids(world, archive)[:3]
    urls = [
        *(photo_url(archive.url_name, i) for i in singles),
        f"https://www.flickr.com/photos/{archive.url_name}/albums/{everything.id}",
        photo_url(archive.url_name, deleted.id),
    ]

    selection = resolve_selection(client, urls)

    album_ids = [world.photo_id(i) for i in everything.photo_indices]
    assert ids(selection.photos) == [*singles, *(i for i in album_ids if i not in singles)]
    assert [(u.url, u.photo_id, u.reason) for u in selection.unavailable] == [
        (urls[4], deleted.id, "not_found")
    ]
    assert dict(client.calls) == {
        LOOKUP: 2,
        STREAM: 1,
        "flickr.photosets.getPhotos": 1,
        GET_INFO: 1,
    }


def test_collections_and_single_photos_mix(small):
    """Singles before an album are read from the stream; singles the album already gave are
    duplicates, asked of getInfo as before; a lone photo of another owner uses getInfo."""
    world, client = small
    archive = world.archive
    album = next(a for a in world.albums if a.owner == archive.nsid and len(a.photo_indices) < 20)
    in_album = [world.photo_id(i) for i in album.photo_indices if world.photo_at(i).is_available]
    singles = [i for i in available_ids(world, archive) if i not in in_album][:3]
    other = world.user(world.featured_photo("private").owner)
    lone = available_ids(world, other)[0]
    urls = [
        *(photo_url(archive.url_name, i) for i in singles),
        f"https://www.flickr.com/photos/{archive.url_name}/albums/{album.id}",
        photo_url(archive.url_name, in_album[0]),
        photo_url(archive.url_name, in_album[1]),
        photo_url(other.url_name, lone),
    ]

    selection = resolve_selection(client, urls)

    album_ids = [world.photo_id(i) for i in album.photo_indices]
    assert ids(selection.photos) == [*singles, *album_ids, lone]
    assert [(r.kind, r.photos, r.duplicates) for r in selection.per_url] == [
        ("single_photo", 1, 0),
        ("single_photo", 1, 0),
        ("single_photo", 1, 0),
        ("album", len(album_ids), 0),
        ("single_photo", 0, 1),
        ("single_photo", 0, 1),
        ("single_photo", 1, 0),
    ]
    assert dict(client.calls) == {
        LOOKUP: 2,  # the singles' stream, then the album
        STREAM: 1,
        "flickr.photosets.getPhotos": 1,
        GET_INFO: 3,
    }
    assert selection.listing_calls == 7


def test_too_many_photos_stop_at_the_same_url_as_before(small):
    """Passing max_photos with batched photos raises SelectionTooLarge naming the URL that
    passed it, as per-photo resolution did."""
    world, client = small
    chosen = available_ids(world, world.archive)[:5]
    urls = [photo_url(world.archive.url_name, i) for i in chosen]
    with pytest.raises(SelectionTooLarge) as caught:
        resolve_selection(client, urls, max_photos=3)
    assert caught.value.url == urls[3]
