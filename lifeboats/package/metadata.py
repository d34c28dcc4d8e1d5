"""The metadata files of a Lifeboat package (DESIGN 5.5): `const <name> = <JSON>;`.

Pure functions and one accumulator, no Django. `js_file` writes a metadata file, `read_js_file`
reads one back (the way any tool can: strip the prefix and the final `;`, parse the rest as
JSON). `IndexBuilder` grows the package-wide indices (photoIndex, contributorIndex,
licenseIndex, tagIndex, albumIndex, galleryIndex, groupIndex) one photo at a time, so that
memory depends on the size of the indices, never on the photos' full records or media.

JSON is written with `ensure_ascii=True`: every file is plain ASCII, so no browser, editor or
tool can misread its character encoding, now or in fifty years. On top of that, `<`, `>` and
`&` are written as `\\u003c`, `\\u003e` and `\\u0026` (valid JSON escapes that only ever occur
inside strings), so that a title such as `</script><script>...` cannot end the script element
that loads the file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flickr.licenses import LICENCES_BY_ID, licence_label

if TYPE_CHECKING:
    from flickr.photo_record import PhotoRecord

__all__ = [
    "CONTRIBUTION_KINDS",
    "IndexBuilder",
    "PhotoContext",
    "js_file",
    "metadata_path",
    "original_path",
    "photo_context_from_record",
    "read_js_file",
    "thumbnail_path",
]

JS_NAME = re.compile(r"[a-zA-Z]+", re.ASCII)
JS_FILE = re.compile(rb"\Aconst ([a-zA-Z]+) = (.*);\n?\Z", re.DOTALL)
_HTML_SENSITIVE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_HTML_SENSITIVE_RE = re.compile("[<>&]")

CONTRIBUTION_KINDS: tuple[str, ...] = ("photo", "tag", "comment", "note", "favorite")
ALBUM_FIELDS: tuple[str, ...] = ("title", "ownerId", "countPhotos", "countViews")
GALLERY_FIELDS: tuple[str, ...] = ("title", "description", "ownerId", "countPhotos", "countViews")


# --- paths inside data/ (from numeric ids and fixed names only) -------------------------------


def metadata_path(photo_id: str) -> str:
    return f"metadata/photos/{photo_id}.js"


def original_path(photo_id: str, extension: str) -> str:
    return f"media/originals/{photo_id}.{extension}"


def thumbnail_path(photo_id: str) -> str:
    return f"media/thumbnails/{photo_id}.jpg"


# --- the file format --------------------------------------------------------------------------


def js_file(name: str, value: Any) -> bytes:
    """`const <name> = <JSON>;` as ASCII bytes, safe to load with a script tag."""
    if not isinstance(name, str) or not JS_NAME.fullmatch(name):
        raise ValueError(f"A metadata file's name must be ASCII letters only, got {name!r}")
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    text = _HTML_SENSITIVE_RE.sub(lambda match: _HTML_SENSITIVE[match.group()], text)
    return f"const {name} = {text};\n".encode("ascii")


def read_js_file(content: bytes) -> tuple[str, Any]:
    """(name, value) of a metadata file written by `js_file`."""
    match = JS_FILE.match(content)
    if match is None:
        raise ValueError(
            f"Not a Lifeboat metadata file (expected `const <name> = <JSON>;`): {content[:60]!r}"
        )
    return match.group(1).decode("ascii"), json.loads(match.group(2))


# --- what the photo dict cannot say: names and titles -----------------------------------------


@dataclass(frozen=True)
class PhotoContext:
    """The names and titles around one photo that its `photo` object refers to only by id.

    Every mapping is JSON-ready, in the package's own shapes, so the builder can keep it in a
    JSON field beside the photo dict (`to_json()` / `from_json()`):

    * `contributors`: NSID -> {username, realname, pathAlias} for everyone the photo names
      (uploader, tag and note authors, commenters, favers, people in the photo);
    * `albums`: album id -> {title, ownerId, countPhotos, countViews};
    * `galleries`: gallery id -> {title, description, ownerId, countPhotos, countViews};
    * `groups`: group id -> {name}.

    An id missing here still appears in the indices, with null names and titles.
    """

    contributors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    albums: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    galleries: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "contributors": {key: dict(value) for key, value in self.contributors.items()},
            "albums": {key: dict(value) for key, value in self.albums.items()},
            "galleries": {key: dict(value) for key, value in self.galleries.items()},
            "groups": {key: dict(value) for key, value in self.groups.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> PhotoContext:
        data = data or {}
        unexpected = set(data) - {"contributors", "albums", "galleries", "groups"}
        if unexpected:
            raise ValueError(f"Unexpected keys in a photo context: {sorted(unexpected)!r}")
        return cls(
            contributors=dict(data.get("contributors") or {}),
            albums=dict(data.get("albums") or {}),
            galleries=dict(data.get("galleries") or {}),
            groups=dict(data.get("groups") or {}),
        )


def _person(username: str | None, realname: str | None, path_alias: str | None) -> dict[str, Any]:
    return {"username": username, "realname": realname, "pathAlias": path_alias}


def photo_context_from_record(record: PhotoRecord) -> PhotoContext:
    """The names and titles a `flickr.photo_record.PhotoRecord` knows, for the package indices.

    Where a person is seen several times, the first sighting that gives a name wins. Albums
    hold only their owner's photos, so an album's owner is the photo's uploader.
    """
    info = record.info
    contributors: dict[str, dict[str, Any]] = {}

    def see(nsid: str, username: str | None, realname: str | None, alias: str | None) -> None:
        known = contributors.setdefault(nsid, _person(None, None, None))
        for key, value in (("username", username), ("realname", realname), ("pathAlias", alias)):
            if known[key] is None and value:
                known[key] = value

    see(info.owner.nsid, info.owner.username, info.owner.realname, info.owner.path_alias)
    for tag in info.tags:
        see(tag.author_nsid, tag.author_name, None, None)
    for note in info.notes:
        see(note.author_nsid, note.author_name, note.author_realname, None)
    for comment in record.comments:
        see(
            comment.author_nsid,
            comment.author_name,
            comment.author_realname,
            comment.author_path_alias,
        )
    for favorite in record.favorites:
        see(favorite.user_nsid, favorite.username, favorite.realname, None)
    for person in record.people:
        see(person.nsid, person.username, person.realname, person.path_alias)

    return PhotoContext(
        contributors=contributors,
        albums={
            album.id: {
                "title": album.title,
                "ownerId": info.owner.nsid,
                "countPhotos": album.count_photos + album.count_videos,
                "countViews": album.count_views,
            }
            for album in record.albums
        },
        galleries={
            gallery.id: {
                "title": gallery.title,
                "description": gallery.description,
                "ownerId": gallery.owner_nsid,
                "countPhotos": gallery.count_photos + gallery.count_videos,
                "countViews": gallery.count_views,
            }
            for gallery in record.galleries
        },
        groups={group.id: {"name": group.name} for group in record.groups},
    )


# --- the indices ------------------------------------------------------------------------------


def _zero_contributions() -> dict[str, int]:
    return dict.fromkeys(CONTRIBUTION_KINDS, 0)


def _normalised_tags(photo: Mapping[str, Any]) -> list[str]:
    """The photo's distinct normalised tags, in the order they were added."""
    seen: dict[str, None] = {}
    for tag in photo["tags"]:
        seen.setdefault(tag["normalizedValue"], None)
    return list(seen)


class IndexBuilder:
    """The package-wide indices, grown one photo at a time with `add(photo, context)`.

    `photo` is the finished `photo` object of DESIGN 5.5 (with `files` and `consent`).
    """

    def __init__(self) -> None:
        self.photo_index: dict[str, dict[str, Any]] = {}
        self.contributors: dict[str, dict[str, Any]] = {}
        self.tag_counts: Counter[str] = Counter()
        self.licence_counts: Counter[str] = Counter()
        self.consent_counts: Counter[str] = Counter()
        self.licence_ids: set[str] = set()
        self.albums: dict[str, dict[str, Any]] = {}
        self.galleries: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}

    def add(self, photo: Mapping[str, Any], context: PhotoContext) -> None:
        photo_id = photo["id"]
        tags = _normalised_tags(photo)
        self.photo_index[photo_id] = index_entry(photo, tags)
        self.tag_counts.update(tags)
        self.licence_counts[photo["licenseId"]] += 1
        self.consent_counts[photo["consent"]["status"]] += 1
        self._add_licences(photo)
        self._add_contributors(photo, context)
        self._add_collections(photo, context)

    def _add_licences(self, photo: Mapping[str, Any]) -> None:
        self.licence_ids.add(photo["licenseId"])
        for change in photo["licenseHistory"]:
            for licence_id in (change["oldLicenseId"], change["newLicenseId"]):
                if licence_id:
                    self.licence_ids.add(licence_id)

    def _contributor(self, nsid: str, context: PhotoContext) -> dict[str, Any]:
        entry = self.contributors.get(nsid)
        if entry is None:
            entry = {**_person(None, None, None), "contributions": _zero_contributions()}
            self.contributors[nsid] = entry
        names = context.contributors.get(nsid) or {}
        for key in ("username", "realname", "pathAlias"):
            if entry[key] is None and names.get(key):
                entry[key] = names[key]
        return entry

    def _add_contributors(self, photo: Mapping[str, Any], context: PhotoContext) -> None:
        counted: list[tuple[str, str]] = [(photo["uploaderId"], "photo")]
        counted += [(tag["authorId"], "tag") for tag in photo["tags"]]
        counted += [(comment["authorId"], "comment") for comment in photo["comments"]]
        counted += [(note["authorId"], "note") for note in photo["notes"]]
        counted += [(fave["userId"], "favorite") for fave in photo["favorites"]]
        for nsid, kind in counted:
            self._contributor(nsid, context)["contributions"][kind] += 1
        # People shown in the photo are named too, whether or not they contributed.
        for person in photo["people"]:
            self._contributor(person["userId"], context)

    def _add_collections(self, photo: Mapping[str, Any], context: PhotoContext) -> None:
        photo_id = photo["id"]
        for album_id in photo["albumIds"]:
            album = self.albums.setdefault(
                album_id,
                dict.fromkeys(ALBUM_FIELDS),
            )
            _fill(
                album,
                context.albums.get(album_id),
                ("title", "ownerId", "countPhotos", "countViews"),
            )
            album.setdefault("photoIds", []).append(photo_id)
        for gallery_id in photo["galleryIds"]:
            gallery = self.galleries.setdefault(
                gallery_id,
                dict.fromkeys(GALLERY_FIELDS),
            )
            _fill(gallery, context.galleries.get(gallery_id), GALLERY_FIELDS)
            gallery.setdefault("photoIds", []).append(photo_id)
        for group_id in photo["groupIds"]:
            group = self.groups.setdefault(group_id, {"name": None})
            _fill(group, context.groups.get(group_id), ("name",))
            group.setdefault("photoIds", []).append(photo_id)

    # The finished indices, as written to the package.

    def contributor_index(self) -> dict[str, dict[str, Any]]:
        return self.contributors

    def licence_index(self) -> dict[str, dict[str, Any]]:
        """Every known licence, plus any unknown one a photo or its history mentions."""
        index: dict[str, dict[str, Any]] = {
            licence.id: {"label": licence.label, "url": licence.url}
            for licence in LICENCES_BY_ID.values()
        }
        for licence_id in sorted(self.licence_ids - set(index)):
            index[licence_id] = {"label": licence_label(licence_id), "url": None}
        return index

    def tag_index(self) -> dict[str, int]:
        """Normalised tag -> number of photos carrying it, most used first."""
        ordered = sorted(self.tag_counts.items(), key=lambda item: (-item[1], item[0]))
        return dict(ordered)

    def album_index(self) -> dict[str, dict[str, Any]]:
        return self.albums

    def gallery_index(self) -> dict[str, dict[str, Any]]:
        return self.galleries

    def group_index(self) -> dict[str, dict[str, Any]]:
        return self.groups


def _fill(entry: dict[str, Any], known: Mapping[str, Any] | None, keys: Sequence[str]) -> None:
    if not known:
        return
    for key in keys:
        if entry.get(key) is None and known.get(key) is not None:
            entry[key] = known[key]


def index_entry(photo: Mapping[str, Any], tags: Iterable[str]) -> dict[str, Any]:
    """The photo's entry in photoIndex: what a grid of thumbnails needs, and where the rest is."""
    thumbnail = photo["files"]["thumbnail"]
    return {
        "title": photo["title"],
        # Beyond DESIGN 5.5's list, so the offline viewer can search descriptions too.
        "description": photo["description"],
        "uploaderId": photo["uploaderId"],
        "licenseId": photo["licenseId"],
        "dateTaken": photo["dateTaken"],
        "dateUploaded": photo["dateUploaded"],
        "tags": list(tags),
        "countComments": photo["countComments"],
        "countFaves": photo["countFaves"],
        "countViews": photo["countViews"],
        "visibility": photo["visibility"],
        "thumbnail": (
            None
            if thumbnail is None
            else {
                "path": thumbnail["path"],
                "width": thumbnail["width"],
                "height": thumbnail["height"],
            }
        ),
        "metadataPath": metadata_path(photo["id"]),
    }
