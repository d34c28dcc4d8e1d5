"""Flickr REST responses over a `SandboxWorld`: pure functions from (world, params) to XML.

Every element and attribute name copies the real responses recorded in
`../shared/flickr-recordings`, so a parser written against those reads these too
(`tests/flickr/test_sandbox.py` checks it, method by method). `respond()` is the one
entry point; it never raises, a bad request becomes `<rsp stat="fail">`.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from flickr.licenses import LICENCES_BY_FLICKR_NUMBER
from flickr.sandbox.data import (
    LEGACY_LICENCE_NAMES,
    Gallery,
    Note,
    Photo,
    SandboxWorld,
    Tag,
    User,
)
from flickr.sandbox.xml import Element, element, fail_response, ok_response

UNAVAILABLE = "Sorry, the Flickr API service is not currently available."
SEARCH_RESULT_CAP = 4000
MAX_PER_PAGE = 500
MAX_FAVES_PER_PAGE = 50
FARM = 66
# Flickr's order in flickr.photos.licenses.getInfo, as recorded.
LICENCE_LISTING_ORDER = [0, 4, 6, 3, 2, 1, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
# The `url_<x>` extras and the file suffix of the size each one names.
URL_EXTRAS = {
    "sq": "s",
    "q": "q",
    "t": "t",
    "s": "m",
    "n": "n",
    "w": "w",
    "m": "",
    "z": "z",
    "c": "c",
    "l": "b",
    "h": "h",
    "o": "o",
}


# The size's name in its page URL (/sizes/sq/) where it differs from the file suffix (_s.jpg).
SIZE_PAGE_NAMES = {"s": "sq", "m": "s", "": "m", "b": "l"}


class FlickrApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RequestContext:
    """What a response needs beyond the world: where static files live and who is asking."""

    static_base: str = "http://127.0.0.1:8100"
    user: User | None = None
    expected_api_key: str | None = None


Params = Mapping[str, str]
T = TypeVar("T")
Handler = Callable[[SandboxWorld, Params, RequestContext], list[Element]]


def respond(world: SandboxWorld, params: Params, context: RequestContext | None = None) -> str:
    """The XML body Flickr would send for this request (success or `stat="fail"`)."""
    context = context or RequestContext()
    method = params.get("method", "")
    if context.expected_api_key is not None and not _has_valid_key(params, context):
        return fail_response(100, "Invalid API Key (Key has invalid format)")
    handler = METHODS.get(method)
    if handler is None:
        return fail_response(112, f'Method "{method}" not found')
    try:
        return ok_response(*handler(world, params, context))
    except FlickrApiError as error:
        return fail_response(error.code, error.message)


def _has_valid_key(params: Params, context: RequestContext) -> bool:
    given = params.get("api_key") or params.get("oauth_consumer_key")
    return given == context.expected_api_key


# --- shared helpers ---------------------------------------------------------------------------


def _required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise FlickrApiError(1, "Required parameter missing")
    return value


def _photo(world: SandboxWorld, params: Params, *, get_info: bool = False) -> Photo:
    """The requested photo, or Flickr's error 1 for unknown, deleted and private photos."""
    photo_id = _required(params, "photo_id")
    photo = world.photo(photo_id)
    if photo is None or not photo.is_available:
        message = f'Photo "{photo_id}" not found (invalid ID)' if get_info else "Photo not found"
        raise FlickrApiError(1, message)
    return photo


def _user_param(world: SandboxWorld, params: Params, context: RequestContext) -> User:
    nsid = _required(params, "user_id")
    if nsid == "me" and context.user is not None:
        return context.user
    user = world.user(nsid) or world.user(nsid.upper())
    if user is None:
        raise FlickrApiError(1, "User not found")
    if user.is_deleted:
        raise FlickrApiError(5, "User deleted")
    return user


def _page(params: Params, *, default: int = 100, maximum: int = MAX_PER_PAGE) -> tuple[int, int]:
    try:
        per_page = int(params.get("per_page") or default)
        page = int(params.get("page") or 1)
    except ValueError:
        per_page, page = default, 1
    return max(1, page), min(max(1, per_page), maximum)


def _pages(total: int, per_page: int) -> int:
    return math.ceil(total / per_page)


def _extras(params: Params) -> set[str]:
    return {name.strip() for name in params.get("extras", "").split(",") if name.strip()}


def static_url(context: RequestContext, photo: Photo, suffix: str) -> str:
    """The sandbox's own URL for one size of a photo, shaped like live.staticflickr.com."""
    if suffix == "o":
        name = f"{photo.id}_{photo.original_secret}_o.{photo.original_format}"
    else:
        name = f"{photo.id}_{photo.secret}{'_' + suffix if suffix else ''}.jpg"
    return f"{context.static_base}/static/{photo.server}/{name}"


def _page_url(world: SandboxWorld, photo: Photo) -> str:
    owner = world.user(photo.owner)
    return f"https://www.flickr.com/photos/{owner.url_name if owner else photo.owner}/{photo.id}/"


def _owner(world: SandboxWorld, photo: Photo) -> User:
    return world.user(photo.owner) or world.archive


def _author(world: SandboxWorld, nsid: str) -> User:
    return world.user(nsid) or world.archive


# --- list photos with extras (people.getPublicPhotos, photosets.getPhotos, ...) ------------------


def list_photo(
    world: SandboxWorld,
    photo: Photo,
    extras: set[str],
    context: RequestContext,
    *,
    with_owner: bool = True,
    leading: list[tuple[str, object]] | None = None,
    trailing: list[tuple[str, object]] | None = None,
) -> Element:
    """One `<photo>` of a listing, carrying the requested extras under Flickr's names."""
    owner = _owner(world, photo)
    attrs: list[tuple[str, object]] = [("id", photo.id)]
    if with_owner:
        attrs.append(("owner", photo.owner))
    attrs += [("secret", photo.secret), ("server", photo.server), ("farm", FARM)]
    attrs += [("title", photo.title), *(leading or [])]
    attrs += [("ispublic", int(photo.state != "private")), ("isfriend", 0), ("isfamily", 0)]
    attrs += _extra_attributes(photo, owner, extras, context)
    attrs += trailing or []
    children = []
    if "description" in extras:
        children.append(element("description", text=photo.description))
    return element("photo", attrs, children)


def _extra_attributes(
    photo: Photo, owner: User, extras: set[str], context: RequestContext
) -> list[tuple[str, object]]:
    attrs: list[tuple[str, object]] = []
    if "license" in extras:
        attrs.append(("license", photo.license))
    if "safety_level" in extras:
        attrs.append(("safety_level", photo.safety_level))
    if "date_upload" in extras:
        attrs.append(("dateupload", photo.date_upload))
    if "last_update" in extras:
        attrs.append(("lastupdate", photo.last_update))
    if "date_taken" in extras:
        attrs += [
            ("datetaken", photo.date_taken),
            ("datetakengranularity", photo.taken_granularity),
            ("datetakenunknown", int(photo.taken_unknown)),
        ]
    if "owner_name" in extras:
        attrs.append(("ownername", owner.username))
    if "realname" in extras:
        attrs.append(("realname", owner.realname))
    if "views" in extras:
        attrs.append(("views", photo.views))
    if "count_views" in extras:
        attrs.append(("count_views", photo.views))
    if "count_comments" in extras:
        attrs.append(("count_comments", photo.comment_count))
    if "count_faves" in extras:
        attrs.append(("count_faves", photo.fave_count))
    if "tags" in extras:
        attrs.append(("tags", " ".join(tag.normalized for tag in photo.tags)))
    if "machine_tags" in extras:
        attrs.append(("machine_tags", " ".join(tag.normalized for tag in photo.machine_tags)))
    if "original_format" in extras and photo.can_download:
        attrs += [
            ("originalsecret", photo.original_secret),
            ("originalformat", photo.original_format),
        ]
    if "geo" in extras:
        attrs += _geo_attributes(photo)
    if "media" in extras:
        attrs += [("media", photo.media), ("media_status", "ready")]
    attrs += _url_attributes(photo, extras, context)
    if "o_dims" in extras and photo.can_download:
        attrs += [("o_width", photo.width), ("o_height", photo.height)]
    if "path_alias" in extras:
        attrs.append(("pathalias", owner.path_alias or ""))
    return attrs


def _geo_attributes(photo: Photo) -> list[tuple[str, object]]:
    location = photo.location
    if location is None:
        return [("latitude", 0), ("longitude", 0), ("accuracy", 0), ("context", 0)]
    return [
        ("latitude", f"{location.latitude:.6f}"),
        ("longitude", f"{location.longitude:.6f}"),
        ("accuracy", location.accuracy),
        ("context", 0),
    ]


def _url_attributes(
    photo: Photo, extras: set[str], context: RequestContext
) -> list[tuple[str, object]]:
    attrs: list[tuple[str, object]] = []
    wanted = [(key, suffix) for key, suffix in URL_EXTRAS.items() if f"url_{key}" in extras]
    if not wanted:
        return attrs
    sizes = {size.suffix: size for size in photo.sizes()}
    for key, suffix in wanted:
        size = sizes.get(suffix)
        if size is None:
            continue  # Flickr leaves out a size the photo does not have
        attrs += [
            (f"url_{key}", static_url(context, photo, suffix)),
            (f"height_{key}", size.height),
            (f"width_{key}", size.width),
        ]
    return attrs


def _present(world: SandboxWorld, indices: Iterable[int]) -> list[int]:
    """The photos of a collection still on Flickr: `remove_photo` takes them out."""
    return [i for i in indices if not world.is_removed(i)]


def _paged(items: Sequence[T], page: int, per_page: int) -> Sequence[T]:
    start = (page - 1) * per_page
    return items[start : start + per_page]


def _photos_listing(
    world: SandboxWorld, indices: Sequence[int], params: Params, context: RequestContext
) -> Element:
    page, per_page = _page(params)
    chosen = _paged(indices, page, per_page)
    return _photos_element(world, chosen, params, context, page=page, total=len(indices))


def _photos_element(
    world: SandboxWorld,
    chosen: Sequence[int],
    params: Params,
    context: RequestContext,
    *,
    page: int,
    total: int,
) -> Element:
    _, per_page = _page(params)
    extras = _extras(params)
    photos = [list_photo(world, world.photo_at(i), extras, context) for i in chosen]
    attrs = [
        ("page", page),
        ("pages", _pages(total, per_page)),
        ("perpage", per_page),
        ("total", total),
    ]
    return element("photos", attrs, photos)


# --- photos.* ---------------------------------------------------------------------------------


def get_info(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params, get_info=True)
    owner = _owner(world, photo)
    attrs: list[tuple[str, object]] = [
        ("id", photo.id),
        ("secret", photo.secret),
        ("server", photo.server),
        ("farm", FARM),
        ("dateuploaded", photo.date_upload),
        ("isfavorite", 0),
        ("license", photo.license),
        ("safety_level", photo.safety_level),
        ("rotation", 0),
    ]
    if photo.can_download:
        attrs += [
            ("originalsecret", photo.original_secret),
            ("originalformat", photo.original_format),
        ]
    attrs += [("views", photo.views), ("media", photo.media)]
    children = [
        element(
            "owner",
            [
                ("nsid", owner.nsid),
                ("username", owner.username),
                ("realname", owner.realname),
                ("location", owner.location),
                ("iconserver", owner.iconserver),
                ("iconfarm", FARM if owner.iconserver else 0),
                ("path_alias", owner.path_alias or ""),
            ],
        ),
        element("title", text=photo.title),
        element("description", text=photo.description),
        element("visibility", [("ispublic", 1), ("isfriend", 0), ("isfamily", 0)]),
        element(
            "dates",
            [
                ("posted", photo.date_upload),
                ("taken", photo.date_taken),
                ("takengranularity", photo.taken_granularity),
                ("takenunknown", int(photo.taken_unknown)),
                ("lastupdate", photo.last_update),
            ],
        ),
        element("editability", [("cancomment", 0), ("canaddmeta", 0)]),
        element("publiceditability", [("cancomment", 1), ("canaddmeta", 0)]),
        element(
            "usage",
            [
                ("candownload", int(photo.can_download)),
                ("canblog", 0),
                ("canprint", 0),
                ("canshare", 1),
            ],
        ),
        element("comments", text=str(photo.comment_count)),
        element("notes", children=[_note(world, photo, note) for note in world.notes(photo)]),
        element("people", [("haspeople", int(photo.people_count > 0))]),
        element("tags", children=[_tag(world, tag) for tag in photo.tags]),
    ]
    if photo.location is not None:
        children += _location_elements(photo)
    children.append(
        element(
            "urls", children=[element("url", [("type", "photopage")], text=_page_url(world, photo))]
        )
    )
    if photo.media == "video":
        children.append(
            element(
                "video",
                [
                    ("ready", 1),
                    ("failed", 0),
                    ("pending", 0),
                    ("duration", photo.video_duration),
                    ("width", photo.width),
                    ("height", photo.height),
                ],
            )
        )
    return [element("photo", attrs, children)]


def _note(world: SandboxWorld, photo: Photo, note: Note) -> Element:
    author = _author(world, note.author)
    return element(
        "note",
        [
            ("id", note.note_id),
            ("photo_id", photo.id),
            ("author", author.nsid),
            ("authorname", author.username),
            ("authorrealname", author.realname),
            ("authorispro", 0),
            ("authorisdeleted", int(author.is_deleted)),
            ("x", note.x),
            ("y", note.y),
            ("w", note.w),
            ("h", note.h),
        ],
        text=note.text,
    )


def _tag(world: SandboxWorld, tag: Tag) -> Element:
    return element(
        "tag",
        [
            ("id", tag.tag_id),
            ("author", tag.author),
            ("authorname", _author(world, tag.author).username),
            ("raw", tag.raw),
            ("machine_tag", int(tag.is_machine)),
        ],
        text=tag.normalized,
    )


def _location_elements(photo: Photo) -> list[Element]:
    location = photo.location
    assert location is not None
    return [
        element(
            "location",
            [
                ("latitude", f"{location.latitude:.6f}"),
                ("longitude", f"{location.longitude:.6f}"),
                ("accuracy", location.accuracy),
                ("context", 0),
            ],
            [
                element("locality", text=location.locality),
                element("region", text=location.region),
                element("country", text=location.country),
            ],
        ),
        element("geoperms", [("ispublic", 1), ("iscontact", 0), ("isfriend", 0), ("isfamily", 0)]),
    ]


def get_sizes(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params)
    page = _page_url(world, photo)
    sizes = [
        element(
            "size",
            [
                ("label", size.label),
                ("width", size.width),
                ("height", size.height),
                ("source", static_url(context, photo, size.suffix)),
                ("url", f"{page}sizes/{SIZE_PAGE_NAMES.get(size.suffix, size.suffix)}/"),
                ("media", "photo"),
            ],
        )
        for size in photo.sizes()
    ]
    if photo.media == "video":
        sizes += _video_sizes(world, photo, context)
    attrs = [("canblog", 0), ("canprint", 0), ("candownload", int(photo.can_download))]
    return [element("sizes", attrs, sizes)]


def _video_sizes(world: SandboxWorld, photo: Photo, context: RequestContext) -> list[Element]:
    page = _page_url(world, photo)
    owner = _owner(world, photo)
    player = (
        f"{context.static_base}/apps/video/stewart.swf?v=1&photo_id={photo.id}"
        f"&photo_secret={photo.secret}"
    )
    sizes = [
        element(
            "size",
            [
                ("label", "Video Player"),
                ("width", photo.width),
                ("height", photo.height),
                ("source", player),
                ("url", page),
                ("media", "video"),
            ],
        )
    ]
    # Real video sizes may carry empty width and height (photo 4960396261, recorded 2024).
    for label in ("700", "iphone_wifi"):
        source = (
            f"{context.static_base}/photos/{owner.url_name}/{photo.id}/play/{label}/{photo.secret}/"
        )
        sizes.append(
            element(
                "size",
                [
                    ("label", label),
                    ("width", ""),
                    ("height", ""),
                    ("source", source),
                    ("url", page),
                    ("media", "video"),
                ],
            )
        )
    return sizes


def get_exif(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params)
    if photo.exif_hidden:
        raise FlickrApiError(2, "Permission denied")
    entries = world.exif(photo)
    camera = f"{entries[2].raw} {entries[3].raw}".title()
    children = []
    for entry in entries:
        values = [element("raw", text=entry.raw)]
        if entry.clean:
            values.append(element("clean", text=entry.clean))
        attrs = [
            ("tagspace", entry.tagspace),
            ("tagspaceid", 0),
            ("tag", entry.tag),
            ("label", entry.label),
        ]
        children.append(element("exif", attrs, values))
    attrs = [("id", photo.id), ("secret", photo.secret), ("server", photo.server), ("farm", FARM)]
    return [element("photo", [*attrs, ("camera", camera)], children)]


def get_all_contexts(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params)
    contexts = world.contexts(photo.index)
    elements = []
    for album_id in contexts["albums"]:
        album = world.album(album_id)
        assert album is not None
        primary = world.photo_at(album.photo_indices[0])
        elements.append(
            element(
                "set",
                [
                    ("title", album.title),
                    ("id", album.id),
                    ("primary", primary.id),
                    ("secret", primary.secret),
                    ("server", primary.server),
                    ("farm", FARM),
                    ("view_count", album.views),
                    ("comment_count", 0),
                    ("count_photo", len(album.photo_indices)),
                    ("count_video", 0),
                ],
            )
        )
    for group_id in contexts["groups"]:
        group = world.group(group_id)
        assert group is not None
        elements.append(
            element(
                "pool",
                [
                    ("title", group.name),
                    ("url", f"/groups/{group.path_alias or group.id}/pool/"),
                    ("id", group.id),
                    ("iconserver", 65535),
                    ("iconfarm", FARM),
                    ("members", group.members),
                    ("pool_count", len(group.photo_indices)),
                ],
            )
        )
    return elements


def get_favorites(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params)
    page, per_page = _page(params, default=10, maximum=MAX_FAVES_PER_PAGE)
    faves = world.faves(photo)
    people = []
    for fave in _paged(faves, page, per_page):
        user = _author(world, fave.user)
        people.append(
            element(
                "person",
                [
                    ("nsid", user.nsid),
                    ("username", user.username),
                    ("realname", user.realname),
                    ("favedate", fave.date),
                    ("iconserver", user.iconserver),
                    ("iconfarm", FARM if user.iconserver else 0),
                    ("contact", 0),
                    ("friend", 0),
                    ("family", 0),
                    ("path_alias", user.path_alias or ""),
                ],
            )
        )
    attrs = [
        ("id", photo.id),
        ("secret", photo.secret),
        ("server", photo.server),
        ("farm", FARM),
        ("page", page),
        ("pages", _pages(len(faves), per_page)),
        ("perpage", per_page),
        ("total", len(faves)),
    ]
    return [element("photo", attrs, people)]


def get_comments(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    # Not paginated: Flickr sends every comment in one response (photo 2960116125: 1,329).
    photo = _photo(world, params)
    page = _page_url(world, photo)
    comments = []
    for comment in world.comments(photo):
        author = _author(world, comment.author)
        short_id = comment.comment_id.rsplit("-", 1)[-1]
        comments.append(
            element(
                "comment",
                [
                    ("id", comment.comment_id),
                    ("author", author.nsid),
                    ("author_is_deleted", int(author.is_deleted)),
                    ("authorname", author.username),
                    ("iconserver", author.iconserver),
                    ("iconfarm", FARM if author.iconserver else 0),
                    ("datecreate", comment.date),
                    ("permalink", f"{page}#comment{short_id}"),
                    ("path_alias", author.path_alias or ""),
                    ("realname", author.realname),
                ],
                text=comment.text,
            )
        )
    return [element("comments", [("photo_id", photo.id)], comments)]


def get_people(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    photo = _photo(world, params)
    people = []
    for person, added_by in world.people(photo):
        attrs: list[tuple[str, object]] = [
            ("nsid", person.nsid),
            ("username", person.username),
            ("iconserver", person.iconserver),
            ("iconfarm", FARM if person.iconserver else 0),
            ("path_alias", person.path_alias or ""),
            ("added_by", added_by.nsid),
            ("is_deleted", int(person.is_deleted)),
        ]
        if person.realname:  # Flickr leaves realname out when hidden (photo 3417584159)
            attrs.append(("realname", person.realname))
        people.append(element("person", attrs))
    medium = photo.size("") or photo.sizes()[-1]
    attrs = [("total", len(people)), ("photo_width", medium.width), ("photo_height", medium.height)]
    return [element("people", attrs, people)]


def get_licences(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    licences = []
    for number in LICENCE_LISTING_ORDER:
        licence = LICENCES_BY_FLICKR_NUMBER[number]
        licences.append(
            element("license", [("id", number), ("name", licence.label), ("url", licence.url)])
        )
    return [element("licenses", children=licences)]


def get_licence_history(
    world: SandboxWorld, params: Params, context: RequestContext
) -> list[Element]:
    photo = _photo(world, params)
    entries = []
    for change in world.licence_history(photo):
        old = LICENCES_BY_FLICKR_NUMBER[change.old]
        new = LICENCES_BY_FLICKR_NUMBER.get(change.new) if change.new is not None else None
        # The first licence comes with empty "new" names (photo 3948976954); changes use the
        # names Flickr had at the time, so map them by URL, not by name.
        old_name = old.label if new is None else LEGACY_LICENCE_NAMES.get(change.old, old.label)
        entries.append(
            element(
                "license_history",
                [
                    ("date_change", change.date),
                    ("old_license", old_name),
                    ("old_license_url", old.url),
                    ("new_license", new.label if new else ""),
                    ("new_license_url", new.url if new else ""),
                ],
            )
        )
    return entries


def search(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    """photos.search by tags, owner and upload dates; never more than the first 4,000 results."""
    tags = [tag.strip().lower() for tag in params.get("tags", "").split(",") if tag.strip()]
    user_id = params.get("user_id", "")
    low = _timestamp(params.get("min_upload_date"))
    high = _timestamp(params.get("max_upload_date"))
    if not (tags or user_id or low is not None or high is not None):
        raise FlickrApiError(
            3,
            "Parameterless searches have been disabled. "
            "Please use flickr.photos.getRecent instead.",
        )
    indices: Sequence[int] = range(world.photo_count)
    if tags:
        indices = _tagged(world, tags, params.get("tag_mode", "any"))
    elif user_id:
        indices = world.indices_owned_by(user_id.upper())
    matches = [
        i
        for i in indices
        if _upload_between(world, i, low, high)
        and (not user_id or world.owner_of(i).nsid == user_id.upper())
        and not world.is_removed(i)
        and world.photo_at(i).state != "private"
    ]
    if params.get("sort", "date-posted-desc") != "date-posted-asc":
        matches.reverse()
    page, per_page = _page(params)
    capped = matches[:SEARCH_RESULT_CAP]
    # Past the cap Flickr keeps answering with the last page it can give, not an empty one.
    served_page = min(page, max(1, _pages(len(capped), per_page)))
    chosen = _paged(capped, served_page, per_page)
    return [_photos_element(world, chosen, params, context, page=page, total=len(matches))]


def _tagged(world: SandboxWorld, tags: list[str], mode: str) -> list[int]:
    sets = [set(world.indices_with_tag(tag)) for tag in tags]
    chosen = set.intersection(*sets) if mode == "all" else set.union(*sets)
    return sorted(chosen)


def _timestamp(value: str | None) -> int | None:
    if not value:
        return None
    if value.isdigit():
        return int(value)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return calendar.timegm(time.strptime(value, pattern))
        except ValueError:
            continue
    raise FlickrApiError(3, f"Invalid date {value!r}: use a Unix timestamp or YYYY-MM-DD HH:MM:SS.")


def _upload_between(world: SandboxWorld, index: int, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    uploaded = world.photo_at(index).date_upload
    return (low is None or uploaded >= low) and (high is None or uploaded <= high)


# --- people.*, urls.*, test.login, commons ------------------------------------------------------


def get_public_photos(
    world: SandboxWorld, params: Params, context: RequestContext
) -> list[Element]:
    user = _user_param(world, params, context)
    return [_photos_listing(world, world.public_listing(user.nsid), params, context)]


def get_photos(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    """people.getPhotos: the public photostream, plus private photos for their owner via OAuth."""
    user = _user_param(world, params, context)
    if context.user is not None and context.user.nsid == user.nsid:
        indices = tuple(reversed(world.indices_owned_by(user.nsid)))
    else:
        indices = world.public_listing(user.nsid)
    return [_photos_listing(world, indices, params, context)]


def get_person(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    user = _user_param(world, params, context)
    owned = world.indices_owned_by(user.nsid)
    attrs = [
        ("id", user.nsid),
        ("nsid", user.nsid),
        ("ispro", int(user.commons_launch is not None)),
        ("is_deleted", 0),
        ("iconserver", user.iconserver),
        ("iconfarm", FARM if user.iconserver else 0),
        ("path_alias", user.path_alias or ""),
        ("has_stats", 0),
    ]
    photos = [element("count", text=str(len(owned)))]
    if owned:
        first = world.photo_at(owned[0])
        photos = [
            element("firstdatetaken", text=first.date_taken),
            element("firstdate", text=str(first.date_upload)),
            *photos,
        ]
    children = [
        element("username", text=user.username),
        element("realname", text=user.realname),
        element("location", text=user.location),
        element("description", text=user.description),
        element("photosurl", text=user.photos_url),
        element("profileurl", text=f"https://www.flickr.com/people/{user.url_name}/"),
        element("mobileurl", text=user.photos_url),
        element("photos", children=photos),
    ]
    return [element("person", attrs, children)]


def lookup_user(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    name = _url_segment(_required(params, "url"), {"photos", "people"})
    user = world.user_by_url_name(name) if name else None
    if user is None:
        raise FlickrApiError(1, "User not found")
    return [element("user", [("id", user.nsid)], [element("username", text=user.username)])]


def lookup_group(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    name = _url_segment(_required(params, "url"), {"groups", "g"})
    group = world.group_by_url_name(name) if name else None
    if group is None:
        raise FlickrApiError(1, "Group not found")
    return [element("group", [("id", group.id)], [element("groupname", text=group.name)])]


def _url_segment(url: str, prefixes: set[str]) -> str | None:
    """`flickrfoundation` from https://www.flickr.com/photos/flickrfoundation/..."""
    parts = [part for part in urlsplit(url if "//" in url else f"//{url}").path.split("/") if part]
    if len(parts) >= 2 and parts[0] in prefixes:
        return parts[1]
    return None


def login_check(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    if context.user is None:
        raise FlickrApiError(
            99, "Insufficient permissions. Method requires read privileges; none granted."
        )
    user = context.user
    attrs = [("id", user.nsid), ("path_alias", user.path_alias or "")]
    return [element("user", attrs, [element("username", text=user.username)])]


def get_institutions(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    institutions = []
    for user in sorted(world.commons_members(), key=lambda u: -(u.commons_launch or 0)):
        # An empty site URL comes out as <url type="site" />, as Flickr sends it.
        urls = [
            element("url", [("type", "site")], text=user.commons_site_url),
            element("url", [("type", "license")], text=user.commons_licence_url),
            element("url", [("type", "flickr")], text=f"http://flickr.com/photos/{user.url_name}/"),
        ]
        institutions.append(
            element(
                "institution",
                [("nsid", user.nsid), ("date_launch", user.commons_launch)],
                [
                    element("name", text=user.realname or user.username),
                    element("urls", children=urls),
                ],
            )
        )
    return [element("institutions", children=institutions)]


# --- albums, galleries, groups ------------------------------------------------------------------


def album_photos(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    album = world.album(_required(params, "photoset_id"))
    user_id = params.get("user_id", "").upper()
    if album is None or (user_id and user_id != album.owner):
        raise FlickrApiError(1, "Photoset not found")
    owner = _author(world, album.owner)
    page, per_page = _page(params)
    extras = _extras(params)
    primary = album.photo_indices[0]
    present = _present(world, album.photo_indices)
    photos = [
        list_photo(
            world,
            world.photo_at(i),
            extras,
            context,
            with_owner=False,
            leading=[("isprimary", int(i == primary))],
        )
        for i in _paged(present, page, per_page)
    ]
    total = len(present)
    attrs = [
        ("id", album.id),
        ("primary", world.photo_id(primary)),
        ("owner", album.owner),
        ("ownername", owner.username),
        ("page", page),
        ("per_page", per_page),
        ("perpage", per_page),
        ("pages", _pages(total, per_page)),
        ("title", album.title),
        ("total", total),
    ]
    return [element("photoset", attrs, photos)]


def album_info(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    album = world.album(_required(params, "photoset_id"))
    if album is None:
        raise FlickrApiError(1, "Photoset not found")
    owner = _author(world, album.owner)
    primary = world.photo_at(album.photo_indices[0])
    attrs = [
        ("id", album.id),
        ("owner", album.owner),
        ("username", owner.username),
        ("primary", primary.id),
        ("secret", primary.secret),
        ("server", primary.server),
        ("farm", FARM),
        ("count_views", album.views),
        ("count_comments", 0),
        ("count_photos", len(album.photo_indices)),
        ("count_videos", 0),
        ("date_create", album.date_create),
        ("date_update", album.date_create),
    ]
    children = [element("title", text=album.title), element("description", text=album.description)]
    return [element("photoset", attrs, children)]


def _gallery_element(world: SandboxWorld, gallery: Gallery) -> Element:
    owner = _author(world, gallery.owner)
    primary = world.photo_at(gallery.photo_indices[0])
    attrs = [
        ("id", f"{owner.nsid.split('@')[0]}-{gallery.id}"),
        ("gallery_id", gallery.id),
        ("url", f"https://www.flickr.com/photos/{owner.url_name}/galleries/{gallery.id}"),
        ("owner", owner.nsid),
        ("username", owner.username),
        ("iconserver", owner.iconserver),
        ("iconfarm", FARM if owner.iconserver else 0),
        ("primary_photo_id", primary.id),
        ("date_create", gallery.date_create),
        ("date_update", gallery.date_create),
        ("count_photos", len(gallery.photo_indices)),
        ("count_videos", 0),
        ("count_total", len(gallery.photo_indices)),
        ("count_views", gallery.views),
        ("count_comments", gallery.comments),
        ("sort_group", ""),
        ("primary_photo_server", primary.server),
        ("primary_photo_farm", FARM),
        ("primary_photo_secret", primary.secret),
    ]
    children = [
        element("title", text=gallery.title),
        element("description", text=gallery.description),
    ]
    return element("gallery", attrs, children)


def _gallery_param(world: SandboxWorld, params: Params) -> Gallery:
    gallery = world.gallery(_required(params, "gallery_id"))
    if gallery is None:
        raise FlickrApiError(1, "Invalid gallery ID")
    return gallery


def gallery_photos(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    gallery = _gallery_param(world, params)
    page, per_page = _page(params)
    extras = _extras(params)
    primary = gallery.photo_indices[0]
    present = _present(world, gallery.photo_indices)
    photos = [
        list_photo(
            world,
            world.photo_at(i),
            extras,
            context,
            trailing=[("is_primary", int(i == primary)), ("has_comment", 0)],
        )
        for i in _paged(present, page, per_page)
    ]
    total = len(present)
    attrs = [
        ("page", page),
        ("pages", _pages(total, per_page)),
        ("perpage", per_page),
        ("total", total),
    ]
    elements = [element("photos", attrs, photos)]
    if params.get("get_gallery_info") == "1":
        elements.append(_gallery_element(world, gallery))
    return elements


def gallery_info(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    return [_gallery_element(world, _gallery_param(world, params))]


def galleries_for_photo(
    world: SandboxWorld, params: Params, context: RequestContext
) -> list[Element]:
    photo = _photo(world, params)
    page, per_page = _page(params)
    galleries = [world.gallery(g) for g in world.contexts(photo.index)["galleries"]]
    chosen = [_gallery_element(world, g) for g in _paged(galleries, page, per_page) if g]
    attrs = [
        ("total", len(galleries)),
        ("page", page),
        ("pages", _pages(len(galleries), per_page)),
        ("per_page", per_page),
        ("photo_id", photo.id),
    ]
    return [element("galleries", attrs, chosen)]


def pool_photos(world: SandboxWorld, params: Params, context: RequestContext) -> list[Element]:
    group = world.group(_required(params, "group_id"))
    if group is None:
        raise FlickrApiError(1, "Group not found")
    page, per_page = _page(params)
    extras = _extras(params)
    newest_first = _present(world, reversed(group.photo_indices))
    photos = []
    for i in _paged(newest_first, page, per_page):
        photo = world.photo_at(i)
        added = [
            ("ownername", _owner(world, photo).username),
            ("dateadded", photo.date_upload + 3600),
        ]
        photos.append(list_photo(world, photo, extras - {"owner_name"}, context, trailing=added))
    total = len(newest_first)
    attrs = [
        ("page", page),
        ("pages", _pages(total, per_page)),
        ("perpage", per_page),
        ("total", total),
    ]
    return [element("photos", attrs, photos)]


METHODS: dict[str, Handler] = {
    "flickr.photos.getInfo": get_info,
    "flickr.photos.getSizes": get_sizes,
    "flickr.photos.getExif": get_exif,
    "flickr.photos.getAllContexts": get_all_contexts,
    "flickr.photos.getFavorites": get_favorites,
    "flickr.photos.comments.getList": get_comments,
    "flickr.photos.people.getList": get_people,
    "flickr.photos.licenses.getInfo": get_licences,
    "flickr.photos.licenses.getLicenseHistory": get_licence_history,
    "flickr.photos.search": search,
    "flickr.galleries.getListForPhoto": galleries_for_photo,
    "flickr.galleries.getPhotos": gallery_photos,
    "flickr.galleries.getInfo": gallery_info,
    "flickr.photosets.getPhotos": album_photos,
    "flickr.photosets.getInfo": album_info,
    "flickr.people.getPublicPhotos": get_public_photos,
    "flickr.people.getPhotos": get_photos,
    "flickr.people.getInfo": get_person,
    "flickr.urls.lookupUser": lookup_user,
    "flickr.urls.lookupGroup": lookup_group,
    "flickr.groups.pools.getPhotos": pool_photos,
    "flickr.test.login": login_check,
    "flickr.commons.getInstitutions": get_institutions,
}
