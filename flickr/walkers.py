"""Collection walkers: turn pasted Flickr URLs into the photos they name (DESIGN 6.2).

Every collection is read with Flickr's bulk listing methods at `per_page=500` with an
explicit `extras` list, page after page to the end, so that the builder later needs only
the per-photo calls the listing cannot replace.

Single-photo URLs are read with flickr.photos.getInfo, one call each, except where several
name photos of one owner: those are looked for in the owner's photostream listing first,
when that costs fewer calls (`PhotostreamBatches`).

A `pageN` in a pasted URL (`.../albums/72157626164453131/page3`) only says which page the
person was looking at: the whole collection is always taken, from its first page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from xml.etree.ElementTree import Element

from flickr.errors import FlickrError, PhotoNotFound, ResourceNotFound, UserDeleted
from flickr.licenses import licence_id_for_number
from flickr.records import DateTaken, Granularity, Location, PhotoInfo
from flickr.urls import ParsedUrl, parse_flickr_url

# A parsed URL (flickr.urls.parse_flickr_url): {"type": "album", "album_id": ..., ...}.
ParsedFields = Mapping[str, Any]

PER_PAGE = 500

# flickr.photos.search stops at 4,000 results, whatever `total` says.
SEARCH_RESULT_CAP = 4_000

# No photo was uploaded to Flickr before it opened in February 2004.
FLICKR_EPOCH = int(datetime(2004, 1, 1, tzinfo=UTC).timestamp())

LIST_EXTRAS = ",".join(
    [
        "description",
        "license",
        "date_upload",
        "date_taken",
        "owner_name",
        "original_format",
        "last_update",
        "geo",
        "tags",
        "machine_tags",
        "o_dims",
        "views",
        "media",
        "path_alias",
        "url_sq",
        "url_t",
        "url_s",
        "url_m",
        "url_z",
        "url_c",
        "url_l",
        "url_h",
        "url_k",
        "url_o",
        "count_comments",
        "count_faves",
        "realname",
        "safety_level",
    ]
)

# What Flickr's code 1 means at each call site (code 5, user deleted, holds everywhere);
# a private group pool answers code 2.
COLLECTION_ERRORS: Mapping[int, type[FlickrError]] = {1: ResourceNotFound, 5: UserDeleted}
POOL_ERRORS: Mapping[int, type[FlickrError]] = {**COLLECTION_ERRORS, 2: ResourceNotFound}

NSID_PATTERN = re.compile(r"^\d+@N\d+$")

TAKEN_GRANULARITY: dict[str, Granularity] = {"0": "second", "4": "month", "6": "year", "8": "circa"}
SAFETY_LEVELS = {"0": "safe", "1": "moderate", "2": "restricted"}

# The listing's `url_<suffix>` extras, largest last: used to find the largest listed size.
LISTED_SIZE_SUFFIXES = ("sq", "t", "s", "m", "z", "c", "l", "h", "k", "o")


class FlickrCaller(Protocol):
    """What the walkers need from `flickr.client.FlickrClient`."""

    def call(
        self,
        method: str,
        *,
        error_map: Mapping[int, type[FlickrError]] | None = None,
        **params: Any,
    ) -> Element: ...

    def get_photo_info(self, photo_id: str) -> PhotoInfo: ...


# --- what one listed photo looks like ------------------------------------------------------


@dataclass(frozen=True)
class ImageFile:
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ListedPhoto:
    """One photo as a bulk listing (or, for a single-photo URL, photos.getInfo) gives it."""

    id: str
    owner_nsid: str
    owner_username: str | None
    owner_realname: str | None
    owner_path_alias: str | None
    title: str | None
    description: str | None
    licence_id: str
    date_uploaded: datetime | None
    date_taken: DateTaken | None
    last_update: datetime | None
    visibility: str
    safety_level: str | None
    media: str
    original_format: str | None
    views: int | None
    count_comments: int | None
    count_faves: int | None
    tags: tuple[str, ...]
    machine_tags: tuple[str, ...]
    location: Location | None
    thumbnail: ImageFile | None
    original: ImageFile | None
    has_all_sizes: bool

    @property
    def downloads_disabled(self) -> bool:
        """Flickr leaves out `originalformat` when the owner has disabled downloads."""
        return self.original_format is None

    @property
    def url(self) -> str:
        owner = self.owner_path_alias or self.owner_nsid
        return f"https://www.flickr.com/photos/{owner}/{self.id}/"


# --- small attribute readers ----------------------------------------------------------------


def text_or_none(value: str | None) -> str | None:
    """Flickr sends empty strings for missing titles, descriptions, real names, aliases."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def int_or_none(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def timestamp_or_none(value: str | None) -> datetime | None:
    seconds = int_or_none(value)
    if seconds is None or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_date_taken(
    taken: str | None, granularity: str | None, unknown: str | None
) -> DateTaken | None:
    """Flickr's taken date, or None when Flickr says it does not know it.

    With `datetakenunknown="1"` Flickr fills `datetaken` with the upload time (photo
    45403014811 in the gallery recording); some old photos carry `0000-00-00 00:00:00`.
    """
    if not taken or unknown == "1" or taken.startswith("0000-"):
        return None
    try:
        value = datetime.strptime(taken, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return DateTaken(value=value, granularity=TAKEN_GRANULARITY.get(granularity or "0", "second"))


def visibility_from_flags(
    is_public: str | None, is_friend: str | None, is_family: str | None
) -> str:
    if is_public == "1":
        return "public"
    friend, family = is_friend == "1", is_family == "1"
    if friend and family:
        return "friends-and-family"
    if friend:
        return "friends"
    if family:
        return "family"
    return "private"


def location_or_none(photo: Element) -> Location | None:
    """`accuracy="0"` (with latitude and longitude 0) means the photo has no location
    (every photo of album 72157626164453131 in the flickypedia recording)."""
    accuracy = int_or_none(photo.get("accuracy"))
    latitude, longitude = photo.get("latitude"), photo.get("longitude")
    if not accuracy or latitude is None or longitude is None:
        return None
    try:
        return Location(
            latitude=float(latitude),
            longitude=float(longitude),
            accuracy=accuracy,
            context=int_or_none(photo.get("context")) or 0,
        )
    except ValueError:
        return None


def split_tags(value: str | None) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


def listed_size(photo: Element, suffix: str) -> ImageFile | None:
    url = photo.get(f"url_{suffix}")
    if not url:
        return None
    return ImageFile(
        url=url,
        width=int_or_none(photo.get(f"width_{suffix}")),
        height=int_or_none(photo.get(f"height_{suffix}")),
    )


def largest_listed_size(photo: Element) -> ImageFile | None:
    for suffix in reversed(LISTED_SIZE_SUFFIXES):
        size = listed_size(photo, suffix)
        if size is not None:
            return size
    return None


def original_format_of(photo: Element) -> str | None:
    """The original's format: `originalformat`, else the extension of `url_o`.

    Some listings were requested without `original_format`; a present `url_o` still proves
    downloads are allowed (photo 2178297354 in the gallery recording).
    """
    declared = text_or_none(photo.get("originalformat"))
    if declared:
        return declared
    url_o = photo.get("url_o")
    if url_o and "." in url_o.rsplit("/", 1)[-1]:
        return url_o.rsplit(".", 1)[-1].lower()
    return None


def original_file(photo: Element) -> ImageFile | None:
    """The original when downloads are allowed, otherwise the largest size the listing gave."""
    original = listed_size(photo, "o")
    if original is not None:
        if original.width is None:
            original = ImageFile(
                url=original.url,
                width=int_or_none(photo.get("o_width")),
                height=int_or_none(photo.get("o_height")),
            )
        return original
    if original_format_of(photo) is not None:
        return None
    return largest_listed_size(photo)


def photo_has_all_sizes(photo: Element, media: str) -> bool:
    """Whether the builder can skip photos.getSizes for this photo.

    It needs the thumbnail and the file to keep. A video's `url_o` is a still frame, so a
    video always needs photos.getSizes for the video file itself.
    """
    if media != "photo":
        return False
    return listed_size(photo, "t") is not None and original_file(photo) is not None


# --- the listing parser ---------------------------------------------------------------------

# A listing response, here flickr.photosets.getPhotos (trimmed from the recording
# flinumeratr/test_results_page_shows_info_box[album].yml). An album names its owner on
# the container, not on each photo; galleries, group pools, photostreams and search put
# `owner="..."` on every <photo> inside <photos page=".." pages=".." total="..">:
#
#   <rsp stat="ok">
#   <photoset id="72157626164453131" owner="32834977@N03" ownername="Al Jazeera English"
#             page="1" per_page="100" perpage="100" pages="1" title="..." total="22">
#     <photo id="5536044022" secret="7e6f0df667" server="5137" title="IMG_1348"
#            ispublic="1" isfriend="0" isfamily="0" license="5" safety_level="0"
#            dateupload="1300402940" datetaken="2011-03-04 15:44:00"
#            datetakengranularity="0" datetakenunknown="0" ownername="Al Jazeera English"
#            realname="Al Jazeera English" count_views="2891" count_comments="2" tags=""
#            originalformat="jpg" latitude="0" longitude="0" accuracy="0" media="photo"
#            url_t="https://live.staticflickr.com/5137/5536044022_7e6f0df667_t.jpg"
#            height_t="75" width_t="100"
#            url_o="https://live.staticflickr.com/5137/5536044022_44d052df5a_o.jpg"
#            height_o="600" width_o="800" pathalias="aljazeeraenglish">
#       <description />
#     </photo>
#   </photoset>
#   </rsp>


def find_listing(rsp: Element) -> Element:
    for tag in ("photos", "photoset"):
        container = rsp.find(tag)
        if container is not None:
            return container
    children = [child.tag for child in rsp]
    raise ValueError(
        f"Expected a <photos> or <photoset> listing in the Flickr response, got {children!r}"
    )


def parse_listed_photo(photo: Element, container: Element) -> ListedPhoto:
    media = photo.get("media") or "photo"
    return ListedPhoto(
        id=photo.get("id", ""),
        owner_nsid=photo.get("owner") or container.get("owner") or "",
        owner_username=text_or_none(photo.get("ownername") or container.get("ownername")),
        owner_realname=text_or_none(photo.get("realname")),
        owner_path_alias=text_or_none(photo.get("pathalias")),
        title=text_or_none(photo.get("title")),
        description=text_or_none(photo.findtext("description")),
        licence_id=licence_id_for_number(photo.get("license", "")),
        date_uploaded=timestamp_or_none(photo.get("dateupload")),
        date_taken=parse_date_taken(
            photo.get("datetaken"),
            photo.get("datetakengranularity"),
            photo.get("datetakenunknown"),
        ),
        last_update=timestamp_or_none(photo.get("lastupdate")),
        visibility=visibility_from_flags(
            photo.get("ispublic"), photo.get("isfriend"), photo.get("isfamily")
        ),
        safety_level=SAFETY_LEVELS.get(photo.get("safety_level", "")),
        media=media,
        original_format=original_format_of(photo),
        # `views` is the extra we ask for; older recordings asked for `count_views`.
        views=int_or_none(photo.get("views") or photo.get("count_views")),
        count_comments=int_or_none(photo.get("count_comments")),
        count_faves=int_or_none(photo.get("count_faves")),
        tags=split_tags(photo.get("tags")),
        machine_tags=split_tags(photo.get("machine_tags")),
        location=location_or_none(photo),
        thumbnail=listed_size(photo, "t"),
        original=original_file(photo),
        has_all_sizes=photo_has_all_sizes(photo, media),
    )


def parse_photo_list(rsp: Element) -> tuple[list[ListedPhoto], int, int, int]:
    """Read one page of a listing: (photos, page, pages, total)."""
    container = find_listing(rsp)
    photos = [parse_listed_photo(photo, container) for photo in container.findall("photo")]
    page = int_or_none(container.get("page")) or 1
    pages = int_or_none(container.get("pages")) or 0
    total = int_or_none(container.get("total")) or 0
    return photos, page, pages, total


def listed_photo_from_info(info: PhotoInfo) -> ListedPhoto:
    """A ListedPhoto from photos.getInfo, for a single-photo URL.

    getInfo gives no sizes (the builder asks photos.getSizes) and no fave count (the
    builder asks photos.getFavorites once to find out), so those stay unknown.
    """
    return ListedPhoto(
        id=info.id,
        owner_nsid=info.owner.nsid,
        owner_username=info.owner.username or None,
        owner_realname=info.owner.realname,
        owner_path_alias=info.owner.path_alias,
        title=info.title,
        description=info.description,
        licence_id=info.licence_id,
        date_uploaded=info.date_uploaded,
        date_taken=info.date_taken,
        last_update=info.last_update,
        visibility=info.visibility,
        safety_level=info.safety_level,
        media=info.media,
        original_format=info.original_format,
        views=info.views,
        count_comments=info.comment_count,
        count_faves=None,
        tags=tuple(tag.normalized for tag in info.tags if not tag.is_machine_tag),
        machine_tags=tuple(tag.normalized for tag in info.tags if tag.is_machine_tag),
        location=info.location,
        thumbnail=None,
        original=None,
        has_all_sizes=False,
    )


# --- walkers ----------------------------------------------------------------------------------


def list_page(
    client: FlickrCaller, method: str, page: int, **params: Any
) -> tuple[list[ListedPhoto], int, int, int]:
    error_map = POOL_ERRORS if method == "flickr.groups.pools.getPhotos" else COLLECTION_ERRORS
    rsp = client.call(
        method, error_map=error_map, extras=LIST_EXTRAS, per_page=PER_PAGE, page=page, **params
    )
    return parse_photo_list(rsp)


def walk_pages(client: FlickrCaller, method: str, **params: Any) -> Iterator[ListedPhoto]:
    """Every photo of a listing, from page 1 to the last page."""
    page = 1
    while True:
        photos, _, pages, _ = list_page(client, method, page, **params)
        yield from photos
        if not photos or page >= pages:
            return
        page += 1


def user_name_in(user_url: str) -> str:
    """`https://www.flickr.com/photos/<name>/` -> `<name>` (an NSID or a path alias)."""
    return user_url.rstrip("/").rsplit("/", 1)[-1]


def lookup_user_id(client: FlickrCaller, user_url: str) -> str:
    """The NSID behind a user URL, asking flickr.urls.lookupUser only for a path alias."""
    name = user_name_in(user_url)
    if NSID_PATTERN.match(name):
        return name
    rsp = client.call("flickr.urls.lookupUser", error_map=COLLECTION_ERRORS, url=user_url)
    user = rsp.find("user")
    if user is None or not user.get("id"):
        raise ValueError(f"flickr.urls.lookupUser gave no user id for {user_url!r}")
    return user.get("id", "")


def lookup_group_id(client: FlickrCaller, group_url: str) -> str:
    rsp = client.call("flickr.urls.lookupGroup", error_map=COLLECTION_ERRORS, url=group_url)
    group = rsp.find("group")
    if group is None or not group.get("id"):
        raise ValueError(f"flickr.urls.lookupGroup gave no group id for {group_url!r}")
    return group.get("id", "")


def walk_single_photo(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    yield listed_photo_from_info(client.get_photo_info(parsed["photo_id"]))


def walk_album(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    user_id = lookup_user_id(client, parsed["user_url"])
    yield from walk_pages(
        client, "flickr.photosets.getPhotos", photoset_id=parsed["album_id"], user_id=user_id
    )


def walk_gallery(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    yield from walk_pages(client, "flickr.galleries.getPhotos", gallery_id=parsed["gallery_id"])


def walk_group_pool(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    group_id = lookup_group_id(client, parsed["group_url"])
    yield from walk_pages(client, "flickr.groups.pools.getPhotos", group_id=group_id)


def walk_photostream(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    user_id = parsed.get("user_id") or lookup_user_id(client, parsed["user_url"])
    yield from walk_pages(client, "flickr.people.getPublicPhotos", user_id=user_id)


def search_upload_range(
    client: FlickrCaller, tag: str, first: int, last: int
) -> Iterator[ListedPhoto]:
    """Photos tagged `tag` uploaded in [first, last] (inclusive, Unix seconds).

    photos.search gives at most 4,000 results, so a range that holds more is cut in two
    halves, recursively, until each part fits under the cap.
    """
    params = {
        "tags": tag,
        "min_upload_date": first,
        "max_upload_date": last,
        "sort": "date-posted-asc",
    }
    photos, _, pages, total = list_page(client, "flickr.photos.search", 1, **params)
    if total > SEARCH_RESULT_CAP and last > first:
        middle = first + (last - first) // 2
        yield from search_upload_range(client, tag, first, middle)
        yield from search_upload_range(client, tag, middle + 1, last)
        return
    yield from photos
    readable_pages = min(pages, -(-SEARCH_RESULT_CAP // PER_PAGE))
    if photos and readable_pages > 1:
        yield from walk_pages_from(client, "flickr.photos.search", 2, readable_pages, **params)


def walk_pages_from(
    client: FlickrCaller, method: str, first_page: int, pages: int, **params: Any
) -> Iterator[ListedPhoto]:
    for page in range(first_page, pages + 1):
        photos, _, _, _ = list_page(client, method, page, **params)
        if not photos:
            return
        yield from photos


def walk_tag(
    client: FlickrCaller, parsed: ParsedFields, *, now: Callable[[], float] = time.time
) -> Iterator[ListedPhoto]:
    """Photos tagged with the URL's tag, each once even when date ranges overlap."""
    last = int(now()) + 86_400
    yield from unique_photos(search_upload_range(client, parsed["tag"], FLICKR_EPOCH, last))


def unique_photos(photos: Iterable[ListedPhoto]) -> Iterator[ListedPhoto]:
    seen: set[str] = set()
    for photo in photos:
        if photo.id not in seen:
            seen.add(photo.id)
            yield photo


WALKERS: dict[str, Callable[[FlickrCaller, ParsedFields], Iterator[ListedPhoto]]] = {
    "single_photo": walk_single_photo,
    "album": walk_album,
    "gallery": walk_gallery,
    "group": walk_group_pool,
    "user": walk_photostream,
    "tag": walk_tag,
}


def walk_collection(client: FlickrCaller, parsed: ParsedFields) -> Iterator[ListedPhoto]:
    """Every photo of a parsed URL (`flickr.urls.parse_flickr_url`), whatever its `page`."""
    try:
        walker = WALKERS[parsed["type"]]
    except KeyError:
        raise ValueError(
            f"Cannot list photos for a Flickr URL of type {parsed.get('type')!r}"
        ) from None
    return walker(client, parsed)


# --- many photos of one owner ----------------------------------------------------------------

# Reading an owner's photostream costs its first page, and one flickr.urls.lookupUser more
# when the URLs name the owner by path alias: two calls before anything is found. From
# three wanted photos on, the read costs less than a flickr.photos.getInfo for each.
MIN_PHOTOS_TO_BATCH = 3


@dataclass
class OwnerWanted:
    """The photos single-photo URLs ask for from one owner, named as the URLs name it."""

    user_url: str
    photo_ids: set[str]


def owner_named_in(parsed: ParsedFields) -> str | None:
    """The NSID or path alias a single-photo URL names (`None` for flic.kr short links and
    image files, which name no owner)."""
    user_url = parsed.get("user_url")
    return user_name_in(user_url) if user_url else None


def wanted_by_owner(parsed_urls: Iterable[tuple[str, ParsedFields]]) -> dict[str, OwnerWanted]:
    """The selection's single-photo URLs grouped by the owner name each URL holds."""
    owners: dict[str, OwnerWanted] = {}
    for _, parsed in parsed_urls:
        owner = owner_named_in(parsed) if parsed["type"] == "single_photo" else None
        if owner is None:
            continue
        wanted = owners.setdefault(owner, OwnerWanted(user_url=parsed["user_url"], photo_ids=set()))
        wanted.photo_ids.add(parsed["photo_id"])
    return owners


def worth_reading_on(pages_left: int, missing: int) -> bool:
    """Whether the pages still unread cost fewer calls than a getInfo per missing photo."""
    return 0 < pages_left < missing


def photos_in_photostream(
    client: FlickrCaller, user_id: str, wanted: set[str]
) -> dict[str, ListedPhoto]:
    """The wanted photos the owner's public photostream lists, by id.

    Reading stops once every wanted photo is found, or when the pages left would cost as
    many calls as looking the missing photos up one by one. An owner Flickr no longer knows
    gives nothing, and whatever is missing is looked up photo by photo.
    """
    found: dict[str, ListedPhoto] = {}
    page = 1
    try:
        while True:
            photos, _, pages, _ = list_page(
                client, "flickr.people.getPublicPhotos", page, user_id=user_id
            )
            found.update((photo.id, photo) for photo in photos if photo.id in wanted)
            if not photos or not worth_reading_on(pages - page, len(wanted) - len(found)):
                return found
            page += 1
    except (ResourceNotFound, UserDeleted):
        return found


def estimated_owner_calls(wanted: int, stream_photos: int, *, by_path_alias: bool) -> int:
    """About how many calls resolving `wanted` single-photo URLs of one owner costs, for an
    owner with `stream_photos` public photos, when every wanted photo is in the stream."""
    if wanted < MIN_PHOTOS_TO_BATCH:
        return wanted
    lookup = 1 if by_path_alias else 0
    pages = max(1, -(-stream_photos // PER_PAGE))
    if pages - 1 < wanted:
        return lookup + pages
    # The first page only, then a getInfo for each photo it did not hold: at most all of them.
    return lookup + 1 + wanted


class PhotostreamBatches:
    """Single-photo URLs resolved from their owner's photostream listing where that costs
    fewer calls than one flickr.photos.getInfo per photo.

    An owner's stream is read once, when the first of its URLs is walked, so a selection
    that turns out too large stops as early as it always did. Photos the stream does not
    give (private, deleted, someone else's, or reading stopped) are left to getInfo.
    """

    def __init__(self, client: FlickrCaller, parsed_urls: Iterable[tuple[str, ParsedFields]]):
        self.client = client
        self.owners = wanted_by_owner(parsed_urls)
        self.settled: set[str] = set()
        self.found: dict[str, ListedPhoto] = {}

    def listed_photo(self, parsed: ParsedFields, *, met: Container[str]) -> ListedPhoto | None:
        """The photo of a single-photo URL, when its owner's photostream lists it."""
        owner = owner_named_in(parsed)
        if owner is None:
            return None
        if owner not in self.settled:
            self.read_photostream(owner, met=met)
        return self.found.get(parsed["photo_id"])

    def read_photostream(self, owner: str, *, met: Container[str]) -> None:
        self.settled.add(owner)
        wanted = self.still_wanted(owner, met)
        if len(wanted) < MIN_PHOTOS_TO_BATCH:
            return
        try:
            user_id = lookup_user_id(self.client, self.owners[owner].user_url)
        except (ResourceNotFound, UserDeleted):
            return
        # URLs naming the same owner by NSID join the read, now that Flickr said who it is.
        if user_id != owner and user_id in self.owners and user_id not in self.settled:
            self.settled.add(user_id)
            wanted |= self.still_wanted(user_id, met)
        self.found.update(photos_in_photostream(self.client, user_id, wanted))

    def still_wanted(self, owner: str, met: Container[str]) -> set[str]:
        """The owner's photos to look for: those earlier URLs gave are left to getInfo."""
        return {photo_id for photo_id in self.owners[owner].photo_ids if photo_id not in met}


def walk_wanted_photo(
    client: FlickrCaller,
    parsed: ParsedFields,
    *,
    batches: PhotostreamBatches,
    met: Container[str],
) -> Iterator[ListedPhoto]:
    """A single-photo URL: the photo as its owner's photostream listed it, or else from
    flickr.photos.getInfo.

    A photo the selection already holds is asked of getInfo, as before batching: Flickr may
    have deleted it since it was listed, and it is then reported unavailable.
    """
    photo = None if parsed["photo_id"] in met else batches.listed_photo(parsed, met=met)
    if photo is None:
        yield from walk_single_photo(client, parsed)
    else:
        yield photo


def walk_selection_url(
    client: FlickrCaller,
    parsed: ParsedFields,
    *,
    batches: PhotostreamBatches,
    met: Container[str],
) -> Iterator[ListedPhoto]:
    if parsed["type"] == "single_photo":
        return walk_wanted_photo(client, parsed, batches=batches, met=met)
    return walk_collection(client, parsed)


# --- a whole selection ------------------------------------------------------------------------


class SelectionError(ValueError):
    """The URLs pasted for a lifeboat cannot be used as they are."""


class EmptySelection(SelectionError):
    pass


class BadSelectionUrls(SelectionError):
    """One or more pasted URLs cannot be read; `.bad` holds (url, reason) for each."""

    def __init__(self, bad: list[tuple[object, str]]):
        self.bad = bad
        lines = "; ".join(f"{url!r}: {reason}" for url, reason in bad)
        noun = "URL" if len(bad) == 1 else "URLs"
        super().__init__(f"Fix or remove {len(bad)} {noun} before trying again: {lines}")


class SelectionTooLarge(SelectionError):
    def __init__(self, max_photos: int, url: str):
        self.max_photos = max_photos
        self.url = url
        super().__init__(
            f"This selection has more than {max_photos:,} photos (the limit was passed while "
            f"reading {url!r}). Choose fewer or smaller collections, or split them across "
            f"several lifeboats."
        )


@dataclass(frozen=True)
class UrlResult:
    """What one pasted URL contributed to the selection."""

    url: str
    kind: str
    photos: int
    duplicates: int
    unavailable: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "type": self.kind,
            "photos": self.photos,
            "duplicates": self.duplicates,
            "unavailable": self.unavailable,
        }


@dataclass(frozen=True)
class Unavailable:
    """Something a URL named that Flickr would not give: deleted, private, or its owner gone."""

    url: str
    photo_id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "photo_id": self.photo_id, "reason": self.reason}


@dataclass(frozen=True)
class Selection:
    photos: tuple[ListedPhoto, ...]
    per_url: tuple[UrlResult, ...]
    unavailable: tuple[Unavailable, ...]
    listing_calls: int


HOMEPAGE_REASON = (
    "this is Flickr's home page, not a set of photos: paste the URL of a photo, album, "
    "gallery, group, person's photostream or tag"
)


def parse_selection_urls(urls: list[str]) -> list[tuple[str, ParsedUrl]]:
    """Parse every URL, collecting every bad one before raising once for all of them."""
    if isinstance(urls, str):
        raise TypeError(f"Expected a list of URLs, got one string: {urls!r}")
    if not urls:
        raise EmptySelection("Paste at least one Flickr URL to choose photos for the lifeboat.")
    parsed_urls: list[tuple[str, ParsedUrl]] = []
    bad: list[tuple[object, str]] = []
    for url in urls:
        try:
            parsed = parse_flickr_url(url)
        except (ValueError, TypeError) as error:
            bad.append((url, str(error)))
            continue
        if parsed["type"] == "homepage":
            bad.append((url, HOMEPAGE_REASON))
        else:
            parsed_urls.append((url, parsed))
    if bad:
        raise BadSelectionUrls(bad)
    return parsed_urls


def unavailable_reason(error: Exception) -> str:
    return "user_deleted" if isinstance(error, UserDeleted) else "not_found"


def total_calls(client: FlickrCaller) -> int:
    calls = getattr(client, "calls", None)
    return sum(calls.values()) if calls is not None else 0


def resolve_selection(
    client: FlickrCaller, urls: list[str], *, max_photos: int | None = None
) -> Selection:
    """Every photo the URLs name, each once, in the order first met.

    All URLs are parsed before any API call. Single-photo URLs of one owner are read from
    the owner's photostream when that costs fewer calls (`PhotostreamBatches`). Deleted or
    private photos (and users that no longer exist) are listed in `unavailable` rather than
    failing the selection. Raises `BadSelectionUrls`, `EmptySelection` or
    `SelectionTooLarge`.
    """
    parsed_urls = parse_selection_urls(urls)
    calls_before = total_calls(client)
    batches = PhotostreamBatches(client, parsed_urls)
    photos: dict[str, ListedPhoto] = {}
    per_url: list[UrlResult] = []
    unavailable: list[Unavailable] = []
    for url, parsed in parsed_urls:
        added = duplicates = 0
        reason = None
        try:
            for photo in walk_selection_url(client, parsed, batches=batches, met=photos):
                if photo.id in photos:
                    duplicates += 1
                    continue
                photos[photo.id] = photo
                added += 1
                if max_photos is not None and len(photos) > max_photos:
                    raise SelectionTooLarge(max_photos, url)
        except (ResourceNotFound, PhotoNotFound, UserDeleted) as error:
            reason = unavailable_reason(error)
            photo_id = parsed["photo_id"] if parsed["type"] == "single_photo" else None
            unavailable.append(Unavailable(url=url, photo_id=photo_id, reason=reason))
        per_url.append(
            UrlResult(
                url=url,
                kind=parsed["type"],
                photos=added,
                duplicates=duplicates,
                unavailable=reason,
            )
        )
    return Selection(
        photos=tuple(photos.values()),
        per_url=tuple(per_url),
        unavailable=tuple(unavailable),
        listing_calls=total_calls(client) - calls_before,
    )
