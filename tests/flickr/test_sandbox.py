"""The Flickr sandbox: a deterministic world, Flickr-shaped XML, and an HTTP server with faults."""

from __future__ import annotations

import gzip
import io
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from defusedxml import ElementTree
from PIL import Image

from flickr.licenses import LICENCES_BY_FLICKR_NUMBER
from flickr.sandbox.data import (
    FEATURED,
    LEGACY_LICENCE_NAMES,
    MANY_COMMENTS,
    MANY_FAVES,
    SandboxWorld,
)
from flickr.sandbox.responses import (
    METHODS,
    SEARCH_RESULT_CAP,
    UNAVAILABLE,
    RequestContext,
    respond,
)
from flickr.sandbox.server import SlidingWindowLimiter
from tests.flickr import sandbox_helpers
from tests.flickr.sandbox_helpers import sandbox_world

sandbox = sandbox_helpers.sandbox  # the fixture, under the name the tests ask for

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Methods the recordings never captured: their shape follows Flickr's API documentation.
UNRECORDED_METHODS = {"flickr.photos.getFavorites", "flickr.photosets.getInfo"}
# Methods compared with the recording of a sibling that answers in the same shape.
SHAPE_TWINS = {
    "flickr.people.getPhotos": "flickr.people.getPublicPhotos",
    "flickr.galleries.getInfo": "flickr.galleries.getPhotos",
}
# Extras the recordings asked for but never got an answer to: none of their photos was big
# enough for url_l, and the recorded photostream's owner (47265398@N04) disables downloads.
EXTRAS_NEVER_ANSWERED = {"url_l"}
EXTRAS_NEVER_ANSWERED_BY = {"flickr.people.getPublicPhotos": {"url_o"}}


def rsp(xml: str):
    return ElementTree.fromstring(xml.encode())


def call(world: SandboxWorld, method: str, context: RequestContext | None = None, **params):
    return rsp(respond(world, {"method": method, **params}, context))


def error_of(element) -> tuple[int, str] | None:
    err = element.find("err")
    return None if err is None else (int(err.get("code")), err.get("msg"))


def featured_id(world: SandboxWorld, role: str) -> str:
    return world.featured_photo(role).id


@pytest.fixture(scope="module")
def world() -> SandboxWorld:
    return sandbox_world(200, 1)


# --- the world ---------------------------------------------------------------------------------


def test_same_seed_gives_the_same_xml():
    """Two worlds generated from the same seed answer every call with identical XML."""
    first, second = SandboxWorld.generate(120, seed=7), SandboxWorld.generate(120, seed=7)
    for params in _one_call_per_method(first):
        assert respond(first, params) == respond(second, params), params["method"]


def test_another_seed_gives_another_world():
    """A different seed changes the generated photos."""
    first, second = SandboxWorld.generate(50, seed=1), SandboxWorld.generate(50, seed=2)
    params = {"method": "flickr.photos.getInfo", "photo_id": first.photo_id(3)}
    assert respond(first, params) != respond(second, params)


def test_every_licence_and_an_unknown_one_occur(world):
    """Photos carry every Flickr licence 0-16, plus unknown numbers callers must flag."""
    licences = {
        int(call(world, "flickr.photos.getInfo", photo_id=p.id).find("photo").get("license"))
        for p in world.photos()
        if p.is_available
    }
    assert set(LICENCES_BY_FLICKR_NUMBER) <= licences
    assert {99, 100} <= licences


def test_a_large_world_is_generated_lazily():
    """A 50,000-photo world is created without generating every photo, yet has them all."""
    big = SandboxWorld.generate(50_000, seed=3)
    last = big.photo_at(49_999)
    assert big.photo(last.id) == last
    assert len(big._photo_cache) == 1


def test_the_demo_archive_has_a_known_path_alias(world):
    """The demo owner answers at https://www.flickr.com/photos/sandbox-archive/."""
    answer = call(
        world, "flickr.urls.lookupUser", url="https://www.flickr.com/photos/sandbox-archive/"
    )
    assert answer.find("user").get("id") == world.archive.nsid


def test_a_tiny_world_still_answers():
    """A world smaller than the featured roles is valid; asking for a missing role says so."""
    tiny = SandboxWorld.generate(5)
    assert (
        call(tiny, "flickr.people.getPublicPhotos", user_id=tiny.archive.nsid).find("photos")
        is not None
    )
    with pytest.raises(KeyError, match="needs at least"):
        tiny.featured_photo("video")


def test_no_photos_is_refused():
    """Asking for a world with no photos names the bad value."""
    with pytest.raises(ValueError, match="photos=0"):
        SandboxWorld.generate(0)


# --- features, as a client sees them ------------------------------------------------------------


def _info(world, role):
    return call(world, "flickr.photos.getInfo", photo_id=featured_id(world, role)).find("photo")


FEATURE_CHECKS = {
    "unknown_licence": lambda w: _info(w, "unknown_licence").get("license") == "99",
    "video": lambda w: (
        _info(w, "video").get("media") == "video" and _info(w, "video").find("video") is not None
    ),
    "downloads_disabled": lambda w: (
        "originalformat" not in _info(w, "downloads_disabled").attrib
        and _info(w, "downloads_disabled").find("usage").get("candownload") == "0"
    ),
    "date_unknown": lambda w: _info(w, "date_unknown").find("dates").get("takenunknown") == "1",
    "granularity_month": lambda w: (
        _info(w, "granularity_month").find("dates").get("takengranularity") == "4"
    ),
    "granularity_year": lambda w: (
        _info(w, "granularity_year").find("dates").get("takengranularity") == "6"
    ),
    "granularity_circa": lambda w: (
        _info(w, "granularity_circa").find("dates").get("takengranularity") == "8"
    ),
    "location": lambda w: _info(w, "location").find("location").get("accuracy") != "0",
    "location_accuracy_zero": lambda w: (
        _info(w, "location_accuracy_zero").find("location").get("accuracy") == "0"
    ),
    "empty_title": lambda w: (_info(w, "empty_title").find("title").text or "") == "",
    "empty_description": lambda w: (
        (_info(w, "empty_description").find("description").text or "") == ""
    ),
    "html_description": lambda w: (
        "<a href=" in _info(w, "html_description").find("description").text
    ),
    "notes": lambda w: len(_info(w, "notes").findall("notes/note")) == 3,
    "people": lambda w: (
        _info(w, "people").find("people").get("haspeople") == "1"
        and call(w, "flickr.photos.people.getList", photo_id=featured_id(w, "people"))
        .find("people")
        .get("total")
        == "2"
    ),
    "machine_tags": lambda w: any(
        t.get("machine_tag") == "1" for t in _info(w, "machine_tags").iter("tag")
    ),
    "safety_moderate": lambda w: _info(w, "safety_moderate").get("safety_level") == "1",
    "safety_restricted": lambda w: _info(w, "safety_restricted").get("safety_level") == "2",
    "png_original": lambda w: _info(w, "png_original").get("originalformat") == "png",
    "gif_original": lambda w: _info(w, "gif_original").get("originalformat") == "gif",
    "many_comments": lambda w: (
        len(
            call(
                w, "flickr.photos.comments.getList", photo_id=featured_id(w, "many_comments")
            ).findall("comments/comment")
        )
        == MANY_COMMENTS
    ),
    "quiet": lambda w: _info(w, "quiet").find("comments").text == "0",
}


@pytest.mark.parametrize("role", sorted(FEATURE_CHECKS))
def test_featured_photo_shows_its_feature(world, role):
    """Each featured photo shows, in its XML, the feature it stands for."""
    assert FEATURE_CHECKS[role](world)


def test_licence_history_uses_legacy_names(world):
    """A licence change names the old licence the way Flickr did then, with its URL."""
    history = call(
        world,
        "flickr.photos.licenses.getLicenseHistory",
        photo_id=featured_id(world, "licence_changed"),
    )
    entries = history.findall("license_history")
    assert len(entries) == 2
    assert {e.get("old_license") for e in entries} <= set(LEGACY_LICENCE_NAMES.values())
    current = LICENCES_BY_FLICKR_NUMBER[world.featured_photo("licence_changed").license]
    assert entries[-1].get("new_license_url") == current.url


def test_video_sizes_lack_numbers_like_the_real_ones(world):
    """A video's playable sizes come with empty width and height, as Flickr sends them."""
    sizes = call(world, "flickr.photos.getSizes", photo_id=featured_id(world, "video")).iter("size")
    video_sizes = [s for s in sizes if s.get("media") == "video" and s.get("label") == "700"]
    assert video_sizes
    assert video_sizes[0].get("width") == ""
    assert video_sizes[0].get("height") == ""


def test_hidden_exif_is_error_2(world):
    """An owner who hides EXIF gets Flickr's error 2 "Permission denied"."""
    answer = call(world, "flickr.photos.getExif", photo_id=featured_id(world, "exif_hidden"))
    assert error_of(answer) == (2, "Permission denied")


@pytest.mark.parametrize("role", ["deleted", "private"])
def test_unavailable_photo_is_error_1_from_get_info(world, role):
    """Deleted and private photos answer getInfo with Flickr's own error 1 message."""
    photo_id = featured_id(world, role)
    answer = call(world, "flickr.photos.getInfo", photo_id=photo_id)
    assert error_of(answer) == (1, f'Photo "{photo_id}" not found (invalid ID)')


@pytest.mark.parametrize("role", ["deleted", "private"])
def test_unavailable_photo_is_error_1_from_other_methods(world, role):
    """Per-photo methods other than getInfo answer "Photo not found" for them."""
    answer = call(world, "flickr.photos.getSizes", photo_id=featured_id(world, role))
    assert error_of(answer) == (1, "Photo not found")


def test_deleted_photo_is_still_listed_in_its_collections(world):
    """A deleted photo stays in a listing, as when it vanishes between listing and fetching."""
    deleted = world.featured_photo("deleted")
    album = next(a for a in world.albums if deleted.index in a.photo_indices)
    answer = call(world, "flickr.photosets.getPhotos", photoset_id=album.id, per_page="500")
    assert deleted.id in {p.get("id") for p in answer.iter("photo")}


def test_private_photo_is_left_out_of_the_public_photostream(world):
    """people.getPublicPhotos never lists a private photo."""
    private = world.featured_photo("private")
    ids = _all_listed(world, "flickr.people.getPublicPhotos", user_id=private.owner)
    assert private.id not in ids


def test_private_photo_is_listed_for_its_owner_through_oauth(world):
    """people.getPhotos includes private photos when the owner is logged in."""
    private = world.featured_photo("private")
    owner = world.user(private.owner)
    context = RequestContext(user=owner)
    answer = call(world, "flickr.people.getPhotos", context, user_id=owner.nsid, per_page="500")
    assert private.id in {p.get("id") for p in answer.iter("photo")}


def test_wrong_api_key_is_error_100(world):
    """A key other than the configured one gets Flickr's error 100."""
    context = RequestContext(expected_api_key="right")
    answer = call(world, "flickr.photos.licenses.getInfo", context, api_key="wrong")
    assert error_of(answer) == (100, "Invalid API Key (Key has invalid format)")


def test_unknown_method_is_error_112(world):
    """A method the sandbox does not serve gets Flickr's error 112."""
    assert error_of(call(world, "flickr.photos.addTags")) == (
        112,
        'Method "flickr.photos.addTags" not found',
    )


def test_deleted_member_is_error_5(world):
    """people.getInfo for a deleted member answers error 5 "User deleted"."""
    deleted = next(u for u in world.users if u.is_deleted)
    assert error_of(call(world, "flickr.people.getInfo", user_id=deleted.nsid)) == (
        5,
        "User deleted",
    )


def test_commons_lists_member_institutions_with_launch_dates(world):
    """commons.getInstitutions lists the Commons members, each with a launch date."""
    institutions = call(world, "flickr.commons.getInstitutions").iter("institution")
    launches = {i.get("nsid"): int(i.get("date_launch")) for i in institutions}
    assert world.archive.nsid in launches
    assert len(launches) == len(world.commons_members())


# --- every method, and the shape of the real recordings --------------------------------------


def _one_call_per_method(world: SandboxWorld) -> list[dict[str, str]]:
    photo_id = featured_id(world, "notes")
    common = {
        "photo_id": photo_id,
        "user_id": world.archive.nsid,
        "photoset_id": world.albums[0].id,
        "gallery_id": world.galleries[0].id,
        "group_id": world.groups[0].id,
        "tags": "lighthouse",
        "extras": "description,license,date_upload,date_taken,owner_name,url_o,geo,tags,media",
        "get_gallery_info": "1",
    }
    urls = {
        "flickr.urls.lookupUser": world.archive.photos_url,
        "flickr.urls.lookupGroup": world.groups[0].url,
    }
    return [{"method": m, **common, "url": urls.get(m, "")} for m in METHODS]


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_answers(world, method):
    """Each served method answers stat="ok" for a sensible request."""
    params = next(p for p in _one_call_per_method(world) if p["method"] == method)
    context = RequestContext(user=world.archive) if method == "flickr.test.login" else None
    assert (
        call(world, method, context, **{k: v for k, v in params.items() if k != "method"}).get(
            "stat"
        )
        == "ok"
    )


def _load_recorded_bodies(recordings_dir: Path) -> Iterator[tuple[str, dict[str, str], str]]:
    """(method, query params, XML body) of every recorded REST response that is XML."""
    for path in sorted(recordings_dir.rglob("*.yml")):
        for interaction in yaml.load(path.read_text(), Loader=YAML_LOADER)["interactions"]:
            query = {
                k: v[0] for k, v in parse_qs(urlsplit(interaction["request"]["uri"]).query).items()
            }
            if "method" not in query:
                continue  # static files and OAuth, not REST
            response = interaction["response"]
            body = response["body"]["string"] if "body" in response else response["content"]
            if isinstance(body, bytes):
                body = (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body).decode()
            if "<rsp" in body:
                yield query["method"], query, body


def shape_of(element, path: str = "") -> set[str]:
    """Element paths and `path@attribute` names of an XML tree."""
    here = f"{path}/{element.tag}" if path else element.tag
    found = {here, *(f"{here}@{name}" for name in element.attrib)}
    for child in element:
        found |= shape_of(child, here)
    return found


@pytest.fixture(scope="module")
def recorded(recordings_dir):
    shapes: dict[str, set[str]] = {}
    extras: dict[str, set[str]] = {}
    for method, query, body in _load_recorded_bodies(recordings_dir):
        shapes.setdefault(method, set()).update(shape_of(rsp(body)))
        extras.setdefault(method, set()).update(e for e in query.get("extras", "").split(",") if e)
    errors = {item for shape in shapes.values() for item in shape if item.startswith("rsp/err")}
    return shapes, extras, errors | {"rsp", "rsp@stat"}


def _shape_calls(world: SandboxWorld, method: str, extras: str) -> list[dict[str, str]]:
    """Requests that reach every branch of a method: all photos, every collection, pages."""
    photos = [{"photo_id": p.id} for p in world.photos(range(len(FEATURED) + 17))]
    listing = {"extras": extras, "per_page": "500"}
    by_method = {
        "flickr.photosets.getPhotos": [{"photoset_id": a.id, **listing} for a in world.albums],
        "flickr.photosets.getInfo": [{"photoset_id": a.id} for a in world.albums],
        "flickr.galleries.getPhotos": [
            {"gallery_id": g.id, "get_gallery_info": "1", **listing} for g in world.galleries
        ],
        "flickr.galleries.getInfo": [{"gallery_id": g.id} for g in world.galleries],
        "flickr.groups.pools.getPhotos": [{"group_id": g.id, **listing} for g in world.groups],
        "flickr.people.getPublicPhotos": [{"user_id": u.nsid, **listing} for u in world.owners],
        "flickr.people.getPhotos": [{"user_id": u.nsid, **listing} for u in world.owners],
        "flickr.people.getInfo": [{"user_id": u.nsid} for u in world.users[:40]],
        "flickr.photos.search": [{"tags": "lighthouse,sandbox", **listing}],
        "flickr.urls.lookupUser": [{"url": u.photos_url} for u in world.users[:20]],
        "flickr.urls.lookupGroup": [{"url": g.url} for g in world.groups],
        "flickr.photos.licenses.getInfo": [{}],
        "flickr.commons.getInstitutions": [{}],
        "flickr.test.login": [{}],
        "flickr.photos.getFavorites": [{**p, "per_page": "50"} for p in photos],
    }
    return [{"method": method, **params} for params in by_method.get(method, photos)]


@pytest.mark.parametrize("method", sorted(set(METHODS) - UNRECORDED_METHODS))
def test_sandbox_xml_has_the_shape_of_the_real_recordings(world, recorded, method):
    """Every element path and attribute the sandbox sends also occurs in the real responses."""
    shapes, recorded_extras, errors = recorded
    reference = SHAPE_TWINS.get(method, method)
    unanswered = EXTRAS_NEVER_ANSWERED | EXTRAS_NEVER_ANSWERED_BY.get(reference, set())
    extras = ",".join(sorted(recorded_extras.get(reference, set()) - unanswered))
    produced: set[str] = set()
    for params in _shape_calls(world, method, extras):
        produced |= shape_of(rsp(respond(world, params, RequestContext(user=world.archive))))
    assert produced - shapes[reference] - errors == set()


def test_only_the_documented_methods_lack_recordings(recorded):
    """The methods exempt from the shape test are exactly those the recordings lack."""
    shapes, _, _ = recorded
    assert {m for m in METHODS if m not in shapes} == UNRECORDED_METHODS | {
        "flickr.people.getPhotos",
        "flickr.galleries.getInfo",
    }


# --- pagination ----------------------------------------------------------------------------------


def _all_listed(world, method, **params) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        answer = call(world, method, per_page="7", page=str(page), **params)
        container = answer[0]
        ids += [p.get("id") for p in container.iter("photo")]
        if page >= int(container.get("pages")):
            return ids
        page += 1


def test_album_pages_add_up_to_the_whole_album(world):
    """Walking an album page by page lists each of its photos exactly once."""
    album = world.albums[0]
    ids = _all_listed(world, "flickr.photosets.getPhotos", photoset_id=album.id)
    assert ids == [world.photo_id(i) for i in album.photo_indices]


def test_per_page_is_capped_at_500():
    """Like Flickr, a listing never returns more than 500 photos a page."""
    big = sandbox_world(2000, 1)
    answer = call(big, "flickr.photosets.getPhotos", photoset_id=big.albums[0].id, per_page="900")
    assert answer.find("photoset").get("perpage") == "500"
    assert len(answer.findall("photoset/photo")) == 500


def test_faves_page_at_50_at_most(world):
    """getFavorites gives 50 people a page at most, so 163 faves take four pages."""
    photo_id = featured_id(world, "many_faves")
    answer = call(world, "flickr.photos.getFavorites", photo_id=photo_id, per_page="100")
    photo = answer.find("photo")
    assert (photo.get("perpage"), photo.get("pages"), photo.get("total")) == (
        "50",
        "4",
        str(MANY_FAVES),
    )


def test_fave_pages_list_each_faver_once(world):
    """Walking all fave pages gives every faver exactly once."""
    photo_id = featured_id(world, "many_faves")
    people = []
    for page in range(1, 5):
        answer = call(
            world, "flickr.photos.getFavorites", photo_id=photo_id, per_page="50", page=str(page)
        )
        people += [p.get("nsid") for p in answer.iter("person")]
    assert len(people) == len(set(people)) == MANY_FAVES


def test_search_stops_at_4000_results():
    """photos.search reports the full total but serves no result past the 4,000th."""
    big = sandbox_world(4100, 1)
    pages = []
    for page in (8, 9):
        answer = call(big, "flickr.photos.search", tags="sandbox", per_page="500", page=str(page))
        pages.append([p.get("id") for p in answer.iter("photo")])
    searchable = sum(1 for photo in big.photos() if photo.state != "private")
    assert int(answer.find("photos").get("total")) == searchable > SEARCH_RESULT_CAP
    assert pages[0] == pages[1]


def test_search_filters_by_upload_date(world):
    """min/max_upload_date keep only photos uploaded in that range."""
    low, high = world.photo_at(10).date_upload, world.photo_at(20).date_upload
    answer = call(
        world,
        "flickr.photos.search",
        tags="sandbox",
        per_page="500",
        min_upload_date=str(low),
        max_upload_date=str(high),
        extras="date_upload",
    )
    dates = [int(p.get("dateupload")) for p in answer.iter("photo")]
    assert dates
    assert all(low <= d <= high for d in dates)


# --- the HTTP server -----------------------------------------------------------------------------


def rest(server, **params) -> httpx.Response:
    return httpx.get(server.api_url, params=params, timeout=5)


def test_server_answers_rest_calls(sandbox):
    """The REST endpoint answers like Flickr, with a text/xml body."""
    server = sandbox()
    response = rest(server, method="flickr.photos.licenses.getInfo")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert len(rsp(response.text).findall("licenses/license")) == 17


def test_server_refuses_a_wrong_api_key(sandbox):
    """With an api_key configured, any other key gets error 100."""
    server = sandbox(api_key="right")
    assert error_of(rsp(rest(server, method="flickr.test.echo", api_key="wrong").text))[0] == 100


def test_server_answers_429_past_the_budget(sandbox):
    """Past its hourly budget the server answers 429 with a Retry-After in seconds."""
    server = sandbox(rate_limit_per_hour=3)
    statuses = [rest(server, method="flickr.photos.licenses.getInfo") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert 3500 <= int(statuses[-1].headers["retry-after"]) <= 3600


def test_rate_limit_window_slides():
    """A call fits again once the oldest call in the window is an hour old."""
    now = [1000.0]
    limiter = SlidingWindowLimiter(2, clock=lambda: now[0])
    assert limiter.acquire() is None
    now[0] += 1800
    assert limiter.acquire() is None
    assert limiter.acquire() == 1800
    now[0] += 1800
    assert limiter.acquire() is None


def test_error_rate_fails_the_configured_share(sandbox):
    """With error_rate=0.2, exactly 40 of 200 calls fail (HTTP 500 or "not available")."""
    server = sandbox(error_rate=0.2, failure_kinds=("http_500", "unavailable"))
    failures = 0
    with httpx.Client(timeout=5) as client:
        for _ in range(200):
            response = client.get(
                server.api_url, params={"method": "flickr.photos.licenses.getInfo"}
            )
            if response.status_code == 500 or UNAVAILABLE in response.text:
                failures += 1
    assert failures == 40
    assert sum(server.injected_failures.values()) == 40


def test_unavailable_failures_use_flickrs_codes(sandbox):
    """Injected unavailability answers with codes 0, 105 or 201 and Flickr's message."""
    server = sandbox(error_rate=1.0, failure_kinds=("unavailable",))
    codes = {error_of(rsp(rest(server, method="flickr.test.echo").text)) for _ in range(3)}
    assert codes == {(0, UNAVAILABLE), (105, UNAVAILABLE), (201, UNAVAILABLE)}


def test_failures_follow_the_seed(sandbox):
    """The same seed injects failures at the same calls."""
    patterns = []
    with httpx.Client(timeout=5) as client:
        for _ in range(2):
            server = sandbox(error_rate=0.3, seed=5, failure_kinds=("http_500",))
            echo = {"method": "flickr.test.echo"}
            patterns.append(
                [client.get(server.api_url, params=echo).status_code for _ in range(30)]
            )
    assert patterns[0] == patterns[1]
    assert 500 in patterns[0]


def test_slow_failure_outlasts_a_client_timeout(sandbox):
    """A "slow" failure holds the answer past a short client timeout."""
    server = sandbox(error_rate=1.0, failure_kinds=("slow",), slow_response_s=0.5)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.api_url, params={"method": "flickr.test.echo"}, timeout=0.1)


def test_latency_delays_every_call(sandbox):
    """latency_ms holds each REST answer back at least that long."""
    server = sandbox(latency_ms=150)
    started = time.perf_counter()
    rest(server, method="flickr.photos.licenses.getInfo")
    assert time.perf_counter() - started >= 0.15


def test_calls_are_counted_per_method(sandbox):
    """Each REST call is counted under its method, in Python and at /sandbox/stats."""
    server = sandbox()
    rest(server, method="flickr.photos.licenses.getInfo")
    rest(server, method="flickr.photos.licenses.getInfo")
    rest(server, method="flickr.commons.getInstitutions")
    expected = {"flickr.commons.getInstitutions": 1, "flickr.photos.licenses.getInfo": 2}
    assert dict(server.calls) == expected
    assert httpx.get(f"{server.url}/sandbox/stats").json()["calls"] == expected


def test_static_urls_serve_valid_images_of_the_listed_size(sandbox):
    """Every size getSizes lists is an image of that width and height at this server's URL."""
    server = sandbox()
    photo_id = featured_id(server.world, "png_original")
    sizes = rsp(rest(server, method="flickr.photos.getSizes", photo_id=photo_id).text).iter("size")
    with httpx.Client(timeout=5) as client:
        for size in sizes:
            assert size.get("source").startswith(server.url)
            response = client.get(size.get("source"))
            image = Image.open(io.BytesIO(response.content))
            assert image.size == (int(size.get("width")), int(size.get("height")))


def test_listing_url_o_serves_the_original(sandbox):
    """url_o from a listing downloads the original in its own format."""
    server = sandbox()
    answer = rest(
        server,
        method="flickr.people.getPublicPhotos",
        user_id=server.world.archive.nsid,
        extras="url_o,original_format",
    )
    photo = next(p for p in rsp(answer.text).iter("photo") if p.get("url_o"))
    response = httpx.get(photo.get("url_o"))
    assert Image.open(io.BytesIO(response.content)).format.lower().replace(
        "jpeg", "jpg"
    ) == photo.get("originalformat")


def test_static_images_are_deterministic(sandbox):
    """Downloading the same size twice gives the same bytes."""
    server = sandbox()
    photo = server.world.photo_at(0)
    url = f"{server.url}/static/{photo.server}/{photo.id}_{photo.secret}_t.jpg"
    assert httpx.get(url).content == httpx.get(url).content


def test_static_url_with_a_wrong_secret_is_404(sandbox):
    """A static URL whose secret does not match the photo is not found."""
    server = sandbox()
    photo = server.world.photo_at(0)
    assert (
        httpx.get(f"{server.url}/static/{photo.server}/{photo.id}_0000000000_t.jpg").status_code
        == 404
    )


def test_video_play_url_serves_a_video_file(sandbox):
    """A video's "700" size downloads a file that starts like an MP4."""
    server = sandbox()
    sizes = rsp(
        rest(
            server, method="flickr.photos.getSizes", photo_id=featured_id(server.world, "video")
        ).text
    )
    source = next(s.get("source") for s in sizes.iter("size") if s.get("label") == "700")
    response = httpx.get(source)
    assert response.headers["content-type"] == "video/mp4"
    assert response.content[4:8] == b"ftyp"


def test_oauth_round_trip_logs_in_the_chosen_member(sandbox):
    """request_token, authorize as a member, access_token, then test.login names that member."""
    server = sandbox()
    member = server.world.archive
    with httpx.Client(timeout=5) as client:
        request = parse_qs(
            client.get(
                f"{server.oauth_url}request_token",
                params={"oauth_callback": "http://localhost/callback"},
            ).text
        )
        token = request["oauth_token"][0]
        page = client.get(
            f"{server.oauth_url}authorize", params={"oauth_token": token, "perms": "read"}
        )
        assert member.nsid in page.text
        redirect = client.get(
            f"{server.oauth_url}authorize", params={"oauth_token": token, "user": member.nsid}
        )
        callback = parse_qs(urlsplit(redirect.headers["location"]).query)
        access = parse_qs(
            client.post(
                f"{server.oauth_url}access_token",
                data={
                    "oauth_token": callback["oauth_token"][0],
                    "oauth_verifier": callback["oauth_verifier"][0],
                },
            ).text
        )
        login = rsp(
            client.get(
                server.api_url,
                params={"method": "flickr.test.login", "oauth_token": access["oauth_token"][0]},
            ).text
        )
    assert redirect.status_code == 302
    assert (access["user_nsid"][0], access["username"][0], access["fullname"][0]) == (
        member.nsid,
        member.username,
        member.realname,
    )
    assert login.find("user").get("id") == member.nsid


def test_oauth_refuses_a_wrong_verifier(sandbox):
    """access_token with a verifier that was never issued is refused."""
    server = sandbox()
    token = parse_qs(httpx.get(f"{server.oauth_url}request_token").text)["oauth_token"][0]
    response = httpx.get(
        f"{server.oauth_url}access_token", params={"oauth_token": token, "oauth_verifier": "x"}
    )
    assert response.status_code == 401
    assert "token_rejected" in response.text


def test_oauth_reads_the_authorization_header(sandbox):
    """OAuth parameters sent in an `Authorization: OAuth ...` header are understood."""
    server = sandbox()
    response = httpx.get(
        f"{server.oauth_url}request_token",
        headers={"Authorization": 'OAuth oauth_callback="http%3A%2F%2Flocalhost%2Fcb"'},
    )
    assert response.status_code == 200
    assert "oauth_callback_confirmed=true" in response.text


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_example_urls_and_stops_on_sigterm():
    """`manage.py flickr_sandbox --port 0` prints working URLs, then stops cleanly on SIGTERM."""
    with sandbox_helpers.sandbox_command("--photos", "60") as (process, banner, api_url):
        answer = httpx.get(api_url, params={"method": "flickr.photos.licenses.getInfo"})
        process.send_signal(signal.SIGTERM)
        remaining, errors = process.communicate(timeout=10)
    assert rsp(answer.text).get("stat") == "ok"
    assert process.returncode == 0, errors
    assert "Flickr sandbox stopped." in remaining
    for kind in ("photostream", "album", "gallery", "group", "tag", "photo ("):
        assert kind in banner
    assert "https://www.flickr.com/photos/sandbox-archive/" in banner


def test_example_urls_point_at_things_in_the_world(world):
    """The example URLs name an album, gallery, group and photos the world really has."""
    from flickr.urls import parse_flickr_url

    for label, url in world.example_urls():
        parsed = parse_flickr_url(url)
        if parsed["type"] == "album":
            assert world.album(parsed["album_id"]) is not None, label
        elif parsed["type"] == "gallery":
            assert world.gallery(parsed["gallery_id"]) is not None, label
        elif parsed["type"] == "group":
            name = parsed["group_url"].rstrip("/").rsplit("/", 1)[-1]
            assert world.group_by_url_name(name) is not None, label
        elif parsed["type"] == "single_photo":
            assert world.photo(parsed["photo_id"]) is not None, label


# --- the project's parsers read the sandbox (flickr/parsers.py, flickr/walkers.py) -------------

BUILD_EXTRAS = (
    "description,license,date_upload,date_taken,owner_name,original_format,last_update,geo,"
    "tags,machine_tags,o_dims,views,media,path_alias,url_t,url_o,count_comments,count_faves,"
    "realname,safety_level"
)


def test_parsers_read_every_featured_photo(world):
    """parse_photo_info reads each available featured photo, licence included."""
    from flickr.licenses import licence_id_for_number
    from flickr.parsers import parse_photo_info

    for photo in world.photos(range(len(FEATURED) + 17)):
        if photo.is_available:
            info = parse_photo_info(call(world, "flickr.photos.getInfo", photo_id=photo.id))
            assert (info.id, info.licence_id) == (photo.id, licence_id_for_number(photo.license))


def test_parsers_see_the_unknown_licence(world):
    """The unknown licence number reaches callers as `unknown-99`."""
    from flickr.parsers import parse_photo_info

    info = parse_photo_info(_info_rsp(world, "unknown_licence"))
    assert info.licence_id == "unknown-99"


def _info_rsp(world, role):
    return call(world, "flickr.photos.getInfo", photo_id=featured_id(world, role))


def test_parsers_drop_an_unknown_date_taken(world):
    """takenunknown="1" parses as no date taken."""
    from flickr.parsers import parse_photo_info

    assert parse_photo_info(_info_rsp(world, "date_unknown")).date_taken is None


def test_parsers_read_circa_granularity(world):
    """takengranularity 8 parses as "circa"."""
    from flickr.parsers import parse_photo_info

    assert parse_photo_info(_info_rsp(world, "granularity_circa")).date_taken.granularity == "circa"


def test_parsers_drop_a_location_with_accuracy_zero(world):
    """accuracy="0" parses as no location."""
    from flickr.parsers import parse_photo_info

    assert parse_photo_info(_info_rsp(world, "location_accuracy_zero")).location is None


def test_parsers_read_notes_and_machine_tags(world):
    """Notes and machine tags come through with their authors."""
    from flickr.parsers import parse_photo_info

    notes = parse_photo_info(_info_rsp(world, "notes")).notes
    tags = parse_photo_info(_info_rsp(world, "machine_tags")).tags
    assert len(notes) == 3
    assert any(tag.is_machine_tag for tag in tags)


def test_parsers_read_video_sizes_without_numbers(world):
    """parse_sizes keeps a video size whose width and height are empty."""
    from flickr.parsers import parse_sizes

    sizes = parse_sizes(call(world, "flickr.photos.getSizes", photo_id=featured_id(world, "video")))
    assert any(size.media == "video" and size.width is None for size in sizes)


def test_parsers_read_all_comments(world):
    """parse_comments gets every comment of the much-commented photo."""
    from flickr.parsers import parse_comments

    answer = call(
        world, "flickr.photos.comments.getList", photo_id=featured_id(world, "many_comments")
    )
    assert len(parse_comments(answer)) == MANY_COMMENTS


def test_parsers_read_a_page_of_faves(world):
    """parse_favorites reads a full page of 50 faves."""
    from flickr.parsers import parse_favorites

    photo_id = featured_id(world, "many_faves")
    answer = call(world, "flickr.photos.getFavorites", photo_id=photo_id, per_page="50")
    assert len(parse_favorites(answer)) == 50


def test_parsers_read_contexts(world):
    """parse_contexts finds the photo's albums and groups."""
    from flickr.parsers import parse_contexts

    photo = world.photo_at(0)
    contexts = parse_contexts(call(world, "flickr.photos.getAllContexts", photo_id=photo.id))
    assert [album.id for album in contexts.albums] == world.contexts(0)["albums"]
    assert [group.id for group in contexts.groups] == world.contexts(0)["groups"]


def test_parsers_read_galleries_for_a_photo(world):
    """parse_galleries_for_photo finds the galleries holding the photo."""
    from flickr.parsers import parse_galleries_for_photo

    photo = world.photo_at(0)
    answer = call(world, "flickr.galleries.getListForPhoto", photo_id=photo.id)
    assert len(parse_galleries_for_photo(answer)) == len(world.contexts(0)["galleries"])


def test_parsers_map_legacy_licence_names(world):
    """parse_licence_history maps every legacy name, ending at the current licence."""
    from flickr.licenses import licence_id_for_number
    from flickr.parsers import parse_licence_history

    photo = world.featured_photo("licence_changed")
    answer = call(world, "flickr.photos.licenses.getLicenseHistory", photo_id=photo.id)
    changes = parse_licence_history(answer)
    assert all(change.old_licence_id for change in changes)
    assert changes[-1].new_licence_id == licence_id_for_number(photo.license)


def test_parsers_read_exif_people_user_and_licences(world):
    """parse_exif, parse_people, parse_user and parse_licences read the sandbox's answers."""
    from flickr.parsers import parse_exif, parse_licences, parse_people, parse_user

    photo_id = featured_id(world, "people")
    assert parse_exif(call(world, "flickr.photos.getExif", photo_id=photo_id))
    assert len(parse_people(call(world, "flickr.photos.people.getList", photo_id=photo_id))) == 2
    user = parse_user(call(world, "flickr.people.getInfo", user_id=world.archive.nsid))
    assert user.path_alias == "sandbox-archive"
    assert len(parse_licences(call(world, "flickr.photos.licenses.getInfo"))) == 17


def test_walkers_read_a_listing_with_every_extra(world):
    """parse_photo_list reads an album page requested with the build's full extras."""
    from flickr.walkers import parse_photo_list

    album = world.albums[0]
    answer = call(
        world,
        "flickr.photosets.getPhotos",
        photoset_id=album.id,
        extras=BUILD_EXTRAS,
        per_page="500",
    )
    photos, page, pages, total = parse_photo_list(answer)
    assert (page, pages, total) == (1, 1, len(album.photo_indices))
    assert [p.id for p in photos] == [world.photo_id(i) for i in album.photo_indices]
