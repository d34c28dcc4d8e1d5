"""Work out what a pasted Flickr URL points at (DESIGN 5.4).

`parse_flickr_url()` turns the many shapes of Flickr link people copy from their browser
(photo pages, short links, image files, albums, galleries, group pools, tags, photostreams)
into one small dict that says what to collect. It is pure: no network, no Django.

    >>> parse_flickr_url("https://flic.kr/p/2p4QbKN")
    {'type': 'single_photo', 'photo_id': '53208249252', 'user_url': None, 'user_id': None}
"""

from __future__ import annotations

import re
from typing import Literal, TypedDict
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

__all__ = [
    "AlbumUrl",
    "GalleryUrl",
    "GroupUrl",
    "HomepageUrl",
    "NotAFlickrUrl",
    "ParsedUrl",
    "SinglePhotoUrl",
    "TagUrl",
    "UnrecognisedUrl",
    "UserUrl",
    "decode_base58",
    "encode_base58",
    "is_valid_photo_id",
    "parse_flickr_url",
    "parse_photo_reference",
]


class NotAFlickrUrl(ValueError):
    """The text is not a link to Flickr at all."""


class UnrecognisedUrl(ValueError):
    """The text is a Flickr link, but not one that names photos the portal can collect."""


class HomepageUrl(TypedDict):
    type: Literal["homepage"]


class SinglePhotoUrl(TypedDict):
    type: Literal["single_photo"]
    photo_id: str
    user_url: str | None
    user_id: str | None


class AlbumUrl(TypedDict):
    type: Literal["album"]
    user_url: str
    album_id: str
    page: int


class UserUrl(TypedDict):
    type: Literal["user"]
    user_url: str
    user_id: str | None
    page: int


class GroupUrl(TypedDict):
    type: Literal["group"]
    group_url: str
    page: int


class GalleryUrl(TypedDict):
    type: Literal["gallery"]
    gallery_id: str
    page: int


class TagUrl(TypedDict):
    type: Literal["tag"]
    tag: str
    page: int


ParsedUrl = HomepageUrl | SinglePhotoUrl | AlbumUrl | UserUrl | GroupUrl | GalleryUrl | TagUrl

ACCEPTED_FORMS = (
    "a link to a Flickr photo, album, gallery, group pool, tag or member's photostream, "
    "such as https://www.flickr.com/photos/<member>/<photo id>/, "
    "https://www.flickr.com/photos/<member>/albums/<album id>/ or https://flic.kr/p/<code>"
)

WHAT_EACH_TYPE_IS = {
    "homepage": "the Flickr home page",
    "album": "an album",
    "user": "a member's photostream",
    "group": "a group's pool",
    "gallery": "a gallery",
    "tag": "a tag",
}

# Flickr's own base58 alphabet (no 0, O, I or l), used by flic.kr short links.
BASE58_ALPHABET = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
BASE58_VALUES = {character: value for value, character in enumerate(BASE58_ALPHABET)}

# Digits are spelled [0-9], never \d: Python's \d and int() also accept Arabic-Indic and
# full-width digits, which would let a look-alike pass for a photo id.
PHOTO_ID = re.compile(r"[0-9]{1,20}", re.ASCII)
COLLECTION_ID = re.compile(r"[0-9]{1,30}", re.ASCII)
PAGE = re.compile(r"page([0-9]{1,9})", re.ASCII | re.IGNORECASE)
NSID = re.compile(r"[0-9]+@n[0-9]{2}", re.ASCII | re.IGNORECASE)
# A path alias, an NSID or a group alias: what may stand for a member or a group in a URL.
# Keeping to these characters also keeps "..", "?" and "/" out of the URLs built from it.
NAME = re.compile(r"[A-Za-z0-9_@\-]{1,100}", re.ASCII)
STATIC_IMAGE_FILE = re.compile(
    r"(?P<photo_id>[0-9]{1,20})_[0-9a-f]+(?:_[0-9a-z]+)*\.[0-9a-z]+",
    re.ASCII | re.IGNORECASE,
)
GNE_PHOTO_PAGE = re.compile(r"photo(?:_[a-z]+)?\.gne", re.ASCII)
VIDEO_SECRET = re.compile(r"[0-9a-f]+", re.ASCII | re.IGNORECASE)
HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*://", re.ASCII | re.IGNORECASE)

MAIN_SITE_HOSTS = frozenset({"flickr.com", "www.flickr.com", "m.flickr.com", "secure.flickr.com"})
SHORT_LINK_HOSTS = frozenset({"flic.kr", "www.flic.kr"})
COMMONS_EXPLORER_HOST = "commons.flickr.org"
STATIC_HOST = re.compile(
    r"(?:[a-z0-9\-]+\.)?staticflickr\.com"
    r"|(?:farm[0-9]+\.)?static\.flickr\.com"
    r"|photos[0-9]+\.flickr\.com",
    re.ASCII,
)


def parse_flickr_url(url: str) -> ParsedUrl:
    """Say what a Flickr URL points at, as one of the dicts of DESIGN 5.4.

    Raises NotAFlickrUrl for text that is not a Flickr link, UnrecognisedUrl for a Flickr
    link that names nothing collectable, and TypeError for anything but a string.
    """
    if not isinstance(url, str):
        raise TypeError(
            f"parse_flickr_url() takes the URL as a string, not {type(url).__name__}: {url!r}"
        )
    parts = _split_url(url)
    host = _flickr_host(parts, url)
    if host in MAIN_SITE_HOSTS:
        return _parse_main_site(_main_site_parts(host, parts), url)
    if host in SHORT_LINK_HOSTS:
        return _parse_short_link(_path_segments(parts.path), url)
    if STATIC_HOST.fullmatch(host):
        return _parse_static_file(_path_segments(parts.path), url)
    if host == COMMONS_EXPLORER_HOST:
        return _parse_commons_explorer(_path_segments(parts.path), url)
    raise _unrecognised(url, "this part of Flickr does not list photos")


def is_valid_photo_id(value: str) -> bool:
    """True for a Flickr photo id: 1 to 20 ASCII digits, nothing else."""
    return isinstance(value, str) and PHOTO_ID.fullmatch(value) is not None


def parse_photo_reference(text: str) -> str:
    """The photo id in a bare photo id or in any URL of a single Flickr photo.

    Raises UnrecognisedUrl (a ValueError) for anything else, TypeError for a non-string.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse_photo_reference() takes a photo id or URL as a string, "
            f"not {type(text).__name__}: {text!r}"
        )
    candidate = text.strip()
    if is_valid_photo_id(candidate):
        return candidate
    hint = (
        "paste a Flickr photo id (digits only, such as 53208249252) or the link to one photo, "
        "such as https://www.flickr.com/photos/<member>/<photo id>/ or https://flic.kr/p/<code>"
    )
    try:
        parsed = parse_flickr_url(candidate)
    except (NotAFlickrUrl, UnrecognisedUrl) as error:
        raise UnrecognisedUrl(
            f"{text!r} is neither a Flickr photo id nor a link to a single Flickr photo: {hint}."
        ) from error
    if parsed["type"] != "single_photo":
        raise UnrecognisedUrl(
            f"{text!r} links to {WHAT_EACH_TYPE_IS[parsed['type']]}, not to a single photo: {hint}."
        )
    return parsed["photo_id"]


def decode_base58(code: str) -> int:
    """The number a flic.kr short code stands for, in Flickr's base58 alphabet."""
    if not code:
        raise ValueError("An empty string is not a base58 code.")
    number = 0
    for character in code:
        try:
            number = number * 58 + BASE58_VALUES[character]
        except KeyError:
            raise ValueError(
                f"{code!r} is not a Flickr base58 code: {character!r} is not one of "
                f"{BASE58_ALPHABET!r}."
            ) from None
    return number


def encode_base58(number: int) -> str:
    """The flic.kr short code of a non-negative number (the inverse of decode_base58)."""
    if number < 0:
        raise ValueError(f"Only non-negative numbers have a base58 code, not {number!r}.")
    characters = []
    while True:
        number, remainder = divmod(number, 58)
        characters.append(BASE58_ALPHABET[remainder])
        if number == 0:
            return "".join(reversed(characters))


# --- Reading the URL ------------------------------------------------------------------------


def _split_url(url: str) -> SplitResult:
    text = url.strip()
    if not text:
        raise NotAFlickrUrl(f"{url!r} is empty, not a Flickr URL. Paste {ACCEPTED_FORMS}.")
    if text.startswith("//"):
        text = "https:" + text
    elif not HAS_SCHEME.match(text):
        text = "https://" + text
    try:
        return urlsplit(text)
    except ValueError as error:
        raise _not_flickr(url) from error


def _flickr_host(parts: SplitResult, url: str) -> str:
    """The lower-cased host, once it is known to be one of Flickr's."""
    # Flickr links never carry a user name or password; "flickr.com@evil.org" goes to evil.org.
    if parts.scheme.lower() not in {"http", "https"} or "@" in parts.netloc:
        raise _not_flickr(url)
    host = (parts.hostname or "").rstrip(".")
    is_flickr = (
        host in MAIN_SITE_HOSTS
        or host in SHORT_LINK_HOSTS
        or host == COMMONS_EXPLORER_HOST
        or host.endswith((".flickr.com", ".staticflickr.com"))
        or host == "staticflickr.com"
    )
    if not is_flickr:
        raise _not_flickr(url)
    return host


def _main_site_parts(host: str, parts: SplitResult) -> SplitResult:
    """The old mobile site put the real path in the fragment: m.flickr.com/#/photos/..."""
    if host == "m.flickr.com" and parts.path in {"", "/"} and parts.fragment.startswith("/"):
        path, _, query = parts.fragment.partition("?")
        return parts._replace(path=path, query=query, fragment="")
    return parts


def _path_segments(path: str) -> list[str]:
    """The non-empty path segments, percent-decoded (so 12345678%40N01 reads 12345678@N01)."""
    return [unquote(segment) for segment in path.split("/") if segment]


# --- www.flickr.com -------------------------------------------------------------------------


def _parse_main_site(parts: SplitResult, url: str) -> ParsedUrl:
    segments = _path_segments(parts.path)
    if not segments:
        return {"type": "homepage"}
    head, rest = segments[0].lower(), segments[1:]
    if head == "photos":
        return _parse_photos_path(rest, url)
    if head == "photo" and len(rest) >= 2:
        return _single_photo_of_member(rest[0], rest[1], url)
    if head == "people" and len(rest) == 1:
        return _user(rest[0], page=1, url=url)
    if head == "groups":
        return _parse_groups_path(rest, url)
    if head.endswith(".gne") and not rest:
        return _parse_gne_page(head, parts.query, url)
    if [segment.lower() for segment in segments] == ["apps", "video", "stewart.swf"]:
        return _photo_from_query(parts.query, "photo_id", url)
    raise _unrecognised(url, "this Flickr page does not list photos")


def _parse_photos_path(rest: list[str], url: str) -> ParsedUrl:
    """Everything under /photos/: photos, photostreams, albums, galleries and tags."""
    if not rest:
        raise _unrecognised(url, "/photos/ on its own is Flickr's feed of recent uploads")
    if rest[0].lower() == "tags":
        return _parse_tag_path(rest[1:], url)
    member, after = rest[0], rest[1:]
    if not after:
        return _user(member, page=1, url=url)
    section = after[0].lower()
    if PHOTO_ID.fullmatch(after[0]):
        return _single_photo_of_member(member, after[0], url)
    if section in {"albums", "sets"}:
        return _parse_album_path(member, after[1:], url)
    if section in {"galleries", "gallery"}:
        return _parse_gallery_path(member, after[1:], url)
    page = _page_of(after, url)
    return _user(member, page=page, url=url)


def _parse_album_path(member: str, after: list[str], url: str) -> ParsedUrl:
    if not after:
        # The member's list of albums: the nearest collectable thing is their photostream.
        return _user(member, page=1, url=url)
    album_id = _collection_id(after[0], "an album", url)
    page = _page_of(after[1:], url)
    return {
        "type": "album",
        "user_url": _user_url(member, url),
        "album_id": album_id,
        "page": page,
    }


def _parse_gallery_path(member: str, after: list[str], url: str) -> ParsedUrl:
    if not after:
        return _user(member, page=1, url=url)
    _check_name(member, "member", url)
    gallery_id = _collection_id(after[0], "a gallery", url)
    return {"type": "gallery", "gallery_id": gallery_id, "page": _page_of(after[1:], url)}


def _parse_tag_path(after: list[str], url: str) -> ParsedUrl:
    if not after or not after[0].strip():
        raise _unrecognised(url, "it names no tag: add one, as in /photos/tags/<tag>/")
    return {"type": "tag", "tag": after[0], "page": _page_of(after[1:], url)}


def _parse_groups_path(rest: list[str], url: str) -> ParsedUrl:
    if not rest:
        raise _unrecognised(url, "it names no group: add one, as in /groups/<group>/pool/")
    name = _normalised_nsid(_check_name(rest[0], "group", url))
    after = rest[1:]
    if after and after[0].lower() == "pool":
        after = after[1:]
    elif after:
        raise _unrecognised(
            url, "only a group's photo pool holds photos, not its discussions or member lists"
        )
    return {
        "type": "group",
        "group_url": f"https://www.flickr.com/groups/{name}",
        "page": _page_of(after, url),
    }


def _parse_gne_page(name: str, query: str, url: str) -> ParsedUrl:
    """Old-style photo pages: /photo.gne?id=<photo id>, /photo_zoom.gne?id=, /photo.gne?short=."""
    if not GNE_PHOTO_PAGE.fullmatch(name):
        raise _unrecognised(url, "this old-style .gne page is not a photo page")
    params = parse_qs(query)
    if "short" in params and "id" not in params:
        return _photo_from_short_code(params["short"][0], url)
    return _photo_from_query(query, "id", url)


def _photo_from_query(query: str, key: str, url: str) -> SinglePhotoUrl:
    values = parse_qs(query).get(key, [])
    if len(values) != 1 or not PHOTO_ID.fullmatch(values[0]):
        raise _unrecognised(url, f"it needs a numeric photo id in its {key}= parameter")
    return _single_photo(values[0])


# --- flic.kr, image files, Commons Explorer -------------------------------------------------


def _parse_short_link(segments: list[str], url: str) -> ParsedUrl:
    if not segments:
        return {"type": "homepage"}
    if len(segments) == 2 and segments[0] == "p":
        return _photo_from_short_code(segments[1], url)
    if segments[0] == "s":
        raise _unrecognised(
            url,
            "a flic.kr/s/ album short link does not say whose album it is: "
            "open it and paste the album's full URL instead",
        )
    raise _unrecognised(url, "only flic.kr/p/<code> short links name a photo")


def _photo_from_short_code(code: str, url: str) -> SinglePhotoUrl:
    try:
        photo_id = str(decode_base58(code))
    except ValueError:
        raise _unrecognised(url, f"{code!r} is not a valid flic.kr short code") from None
    if not is_valid_photo_id(photo_id):
        raise _unrecognised(url, f"{code!r} is too long to be a flic.kr short code")
    return _single_photo(photo_id)


def _parse_static_file(segments: list[str], url: str) -> ParsedUrl:
    """Image files, <server>/<photo id>_<secret>[_<size>].<ext>, and video/<id>/<secret>/..."""
    if len(segments) >= 3 and segments[0].lower() == "video":
        if PHOTO_ID.fullmatch(segments[1]) and VIDEO_SECRET.fullmatch(segments[2]):
            return _single_photo(segments[1])
        raise _unrecognised(
            url, "the path of a Flickr video file is video/<photo id>/<secret>/<file>"
        )
    *folders, filename = segments or [""]
    file_match = STATIC_IMAGE_FILE.fullmatch(filename)
    folders_are_servers = len(folders) <= 2 and all(COLLECTION_ID.fullmatch(f) for f in folders)
    if file_match is None or not folders_are_servers:
        raise _unrecognised(
            url,
            "Flickr names an image file <photo id>_<secret>[_<size>].<ext> and this one is "
            "not named so; a member's buddy icon is not a photo either",
        )
    return _single_photo(file_match["photo_id"])


def _parse_commons_explorer(segments: list[str], url: str) -> ParsedUrl:
    """Flickr Commons Explorer member pages: commons.flickr.org/members/<path alias>/."""
    if len(segments) == 2 and segments[0].lower() == "members":
        return _user(segments[1], page=1, url=url)
    raise _unrecognised(url, "only Commons Explorer member pages name photos to collect")


# --- Building the results -------------------------------------------------------------------


def _single_photo(photo_id: str) -> SinglePhotoUrl:
    return {"type": "single_photo", "photo_id": photo_id, "user_url": None, "user_id": None}


def _single_photo_of_member(member: str, photo_id: str, url: str) -> SinglePhotoUrl:
    if not PHOTO_ID.fullmatch(photo_id):
        raise _unrecognised(url, f"{photo_id!r} is not a photo id (photo ids are digits)")
    return {
        "type": "single_photo",
        "photo_id": photo_id,
        "user_url": _user_url(member, url),
        "user_id": _nsid_or_none(member),
    }


def _user(member: str, *, page: int, url: str) -> UserUrl:
    return {
        "type": "user",
        "user_url": _user_url(member, url),
        "user_id": _nsid_or_none(member),
        "page": page,
    }


def _user_url(member: str, url: str) -> str:
    name = _normalised_nsid(_check_name(member, "member", url))
    return f"https://www.flickr.com/photos/{name}/"


def _nsid_or_none(name: str) -> str | None:
    return name.upper() if NSID.fullmatch(name) else None


def _normalised_nsid(name: str) -> str:
    """NSIDs are written 12345678@N01; links in the wild sometimes say 12345678@n01."""
    return _nsid_or_none(name) or name


def _check_name(name: str, kind: str, url: str) -> str:
    if not NAME.fullmatch(name):
        raise _unrecognised(url, f"{name!r} is not a Flickr {kind} name")
    return name


def _collection_id(value: str, kind: str, url: str) -> str:
    if not COLLECTION_ID.fullmatch(value):
        raise _unrecognised(url, f"{value!r} is not {kind} id, which is made of digits")
    return value


def _page_of(tail: list[str], url: str) -> int:
    """The page a collection URL ends on: nothing, pageN, or with/<photo id> (page 1)."""
    if not tail:
        return 1
    if len(tail) == 1 and (match := PAGE.fullmatch(tail[0])) and int(match[1]) >= 1:
        return int(match[1])
    if len(tail) == 2 and tail[0].lower() == "with" and PHOTO_ID.fullmatch(tail[1]):
        return 1
    raise _unrecognised(url, f"the portal cannot tell what {'/'.join(tail)!r} at its end means")


def _not_flickr(url: str) -> NotAFlickrUrl:
    return NotAFlickrUrl(f"{url!r} is not a Flickr URL. Paste {ACCEPTED_FORMS}.")


def _unrecognised(url: str, reason: str) -> UnrecognisedUrl:
    return UnrecognisedUrl(
        f"{url!r} is a Flickr URL, but not one the portal can collect photos from: {reason}. "
        f"Paste {ACCEPTED_FORMS}."
    )
