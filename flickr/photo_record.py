"""One photo's complete social metadata, fetched with the fewest Flickr calls (DESIGN 6.2).

`fetch_photo_record(client, listed)` turns a photo from a bulk listing (`ListedPhoto`) into
a `PhotoRecord`: everything the package's `photo` object (DESIGN 5.5) needs. It always
makes five calls, and the others only when there is something to fetch:

    flickr.photos.getInfo                     always (tag authors, notes, people flag, places)
    flickr.photos.getAllContexts              always (albums, groups)
    flickr.galleries.getListForPhoto          always
    flickr.photos.licenses.getLicenseHistory  always
    flickr.photos.getExif                     always (hidden EXIF is not an error here)
    flickr.photos.comments.getList            when getInfo counts comments
    flickr.photos.getFavorites                when the listing counts faves: every page of 50
    flickr.photos.people.getList              when getInfo says people are tagged
    flickr.photos.getSizes                    when the listing lacks the url_* extras

The comment count is read from photos.getInfo rather than from the listing: it is fresher,
and a single-photo URL (read with getInfo, DESIGN 6.2) has it too. The fave count only
exists in listings; when it is unknown, the faves are asked for anyway (every page).

`PhotoRecordFetcher` is the per-job object: it fetches Flickr's licence table once, on the
first photo, and then fetches one record per photo.

Permanent errors (PhotoNotFound, UserDeleted, InvalidApiKey...) propagate as the client
raises them: the builder excludes the photo with a reason, or stops the job.

`photo_record_to_package_dict` gives the camelCase `photo` object of DESIGN 5.5 without
`files` and `consent`, which the builder adds once the media are stored and the consent
decisions are known. Times are ISO 8601 in UTC (`2017-03-24T21:27:52Z`), except
`dateTaken.value`: Flickr stores the camera's wall-clock time with no time zone, so it is
written without an offset (`2017-02-17T00:00:00`) rather than pretending to be UTC.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from flickr.errors import ExifHidden
from flickr.licenses import LICENCES_BY_ID, Licence, licence_label
from flickr.records import (
    AlbumRef,
    Comment,
    DateTaken,
    ExifTag,
    Favorite,
    GalleryRef,
    GroupRef,
    LicenceChange,
    Location,
    Note,
    PersonInPhoto,
    PhotoContexts,
    PhotoInfo,
    Size,
    Tag,
)
from flickr.walkers import ImageFile, ListedPhoto

__all__ = [
    "PACKAGE_PHOTO_KEYS",
    "ImageFile",
    "PhotoRecord",
    "PhotoRecordFetcher",
    "fetch_exif",
    "fetch_photo_record",
    "files_from_sizes",
    "iso_utc",
    "photo_record_to_package_dict",
]

Clock = Callable[[], datetime]

# The `photo` object of DESIGN 5.5 as this module writes it; the builder adds `files`
# and `consent`.
PACKAGE_PHOTO_KEYS: tuple[str, ...] = (
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
)

# getSizes lists a Flash player for every video (4960396261): a page, not a file to keep.
VIDEO_PLAYER_LABEL = "Video Player"
VIDEO_ORIGINAL_LABEL = "Video Original"
PHOTO_ORIGINAL_LABEL = "Original"
THUMBNAIL_LABEL = "Thumbnail"


class PhotoClient(Protocol):
    """What fetching a record needs from `flickr.client.FlickrClient`."""

    def get_photo_info(self, photo_id: str) -> PhotoInfo: ...
    def get_contexts(self, photo_id: str) -> PhotoContexts: ...
    def list_galleries_for_photo(self, photo_id: str) -> list[GalleryRef]: ...
    def get_licence_history(self, photo_id: str) -> list[LicenceChange]: ...
    def get_exif(self, photo_id: str) -> list[ExifTag]: ...
    def list_comments(self, photo_id: str) -> list[Comment]: ...
    def list_favorites(self, photo_id: str, *, per_page: int = 50) -> list[Favorite]: ...
    def list_people(self, photo_id: str) -> list[PersonInPhoto]: ...
    def get_sizes(self, photo_id: str) -> list[Size]: ...
    def get_licences(self) -> dict[str, Licence]: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- the record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoRecord:
    """Everything Flickr says about one photo, as retrieved at `retrieved_at`.

    `original` is the original file, or None when its owner has disabled downloads;
    `best_file` is what the package keeps under media/originals/: the original when
    allowed, otherwise the largest size Flickr shows to others (for a video, its largest
    video file). `exif` is empty and `exif_hidden` true when the owner hides EXIF.
    """

    info: PhotoInfo
    albums: tuple[AlbumRef, ...]
    galleries: tuple[GalleryRef, ...]
    groups: tuple[GroupRef, ...]
    licence_history: tuple[LicenceChange, ...]
    exif: tuple[ExifTag, ...]
    exif_hidden: bool
    comments: tuple[Comment, ...]
    favorites: tuple[Favorite, ...]
    count_faves: int
    people: tuple[PersonInPhoto, ...]
    original: ImageFile | None
    best_file: ImageFile | None
    thumbnail: ImageFile | None
    retrieved_at: datetime

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def downloads_disabled(self) -> bool:
        return self.info.downloads_disabled


# --- fetching ---------------------------------------------------------------------------------


def fetch_photo_record(
    client: PhotoClient, photo: ListedPhoto, *, clock: Clock = utc_now
) -> PhotoRecord:
    """Fetch one photo's full record with only the calls DESIGN 6.2 allows (module docstring).

    Raises the client's errors: `PhotoNotFound` when the photo is gone or private (from
    the first call, photos.getInfo), `UserDeleted`, `InvalidApiKey`, `FlickrUnavailable`.
    """
    retrieved_at = clock()
    info = client.get_photo_info(photo.id)
    contexts = client.get_contexts(photo.id)
    galleries = client.list_galleries_for_photo(photo.id)
    licence_history = client.get_licence_history(photo.id)
    exif, exif_hidden = fetch_exif(client, photo.id)
    comments = client.list_comments(photo.id) if info.comment_count > 0 else []
    favorites = fetch_favorites(client, photo)
    people = client.list_people(photo.id) if info.has_people else []
    original, best_file, thumbnail = fetch_files(client, photo, info)
    return PhotoRecord(
        info=info,
        albums=contexts.albums,
        galleries=tuple(galleries),
        groups=contexts.groups,
        licence_history=tuple(licence_history),
        exif=tuple(exif),
        exif_hidden=exif_hidden,
        comments=tuple(comments),
        favorites=tuple(favorites),
        count_faves=photo.count_faves if photo.count_faves is not None else len(favorites),
        people=tuple(people),
        original=original,
        best_file=best_file,
        thumbnail=thumbnail,
        retrieved_at=retrieved_at,
    )


def fetch_exif(client: PhotoClient, photo_id: str) -> tuple[list[ExifTag], bool]:
    """(tags, hidden): an owner hiding EXIF (code 2) gives no tags, not an error."""
    try:
        return client.get_exif(photo_id), False
    except ExifHidden:
        return [], True


def fetch_favorites(client: PhotoClient, photo: ListedPhoto) -> list[Favorite]:
    """Every fave, page by page; nothing to ask when the listing counts none."""
    if photo.count_faves == 0:
        return []
    return client.list_favorites(photo.id, per_page=50)


def fetch_files(
    client: PhotoClient, photo: ListedPhoto, info: PhotoInfo
) -> tuple[ImageFile | None, ImageFile | None, ImageFile | None]:
    """(original, best file, thumbnail), from the listing's url_* extras when it gave
    them all, otherwise from photos.getSizes."""
    if photo.has_all_sizes:
        return files_from_listing(photo)
    sizes = client.get_sizes(photo.id)
    return files_from_sizes(sizes, media=info.media)


def files_from_listing(
    photo: ListedPhoto,
) -> tuple[ImageFile | None, ImageFile | None, ImageFile | None]:
    # The walkers put the largest listed size in `original` when downloads are disabled.
    original = None if photo.downloads_disabled else photo.original
    return original, photo.original, photo.thumbnail


def files_from_sizes(
    sizes: Sequence[Size], *, media: str
) -> tuple[ImageFile | None, ImageFile | None, ImageFile | None]:
    """(original, best file, thumbnail) from photos.getSizes.

    Flickr lists no "Original" when downloads are disabled (53248070597): the best file is
    then the largest size it does list. For a video the files are the video sizes, whose
    width and height may be empty (4960396261); a size of known dimensions ranks above one
    of unknown dimensions, and among equals the first listed wins.
    """
    photo_sizes = [size for size in sizes if size.media != "video"]
    thumbnail = _labelled(photo_sizes, THUMBNAIL_LABEL) or _smallest(photo_sizes)
    if media == "video":
        files = [
            size for size in sizes if size.media == "video" and size.label != VIDEO_PLAYER_LABEL
        ]
        original = _labelled(files, VIDEO_ORIGINAL_LABEL)
    else:
        files = photo_sizes
        original = _labelled(files, PHOTO_ORIGINAL_LABEL)
    best = original or _largest(files)
    return _image_file(original), _image_file(best), _image_file(thumbnail)


def _labelled(sizes: Sequence[Size], label: str) -> Size | None:
    return next((size for size in sizes if size.label == label), None)


def _area(size: Size) -> int:
    return (size.width or 0) * (size.height or 0)


def _largest(sizes: Sequence[Size]) -> Size | None:
    best: Size | None = None
    for size in sizes:
        if best is None or _area(size) > _area(best):
            best = size
    return best


def _smallest(sizes: Sequence[Size]) -> Size | None:
    known = [size for size in sizes if _area(size) > 0]
    return min(known, key=_area) if known else None


def _image_file(size: Size | None) -> ImageFile | None:
    if size is None:
        return None
    return ImageFile(url=size.source, width=size.width, height=size.height)


class PhotoRecordFetcher:
    """Fetches the records of one job: Flickr's licence table once, then one record per photo.

    fetcher = PhotoRecordFetcher(client)
    for listed in selection.photos:
        record = fetcher.fetch(listed)
    fetcher.licences  # for the package's licenseIndex
    """

    def __init__(self, client: PhotoClient, *, clock: Clock = utc_now) -> None:
        self.client = client
        self.clock = clock
        self._licences: dict[str, Licence] | None = None
        self._licences_lock = threading.Lock()

    @property
    def licences(self) -> dict[str, Licence]:
        """Flickr's licence table by our licence id (flickr.photos.licenses.getInfo), fetched
        on first use and kept for the rest of the job (once, even with several threads)."""
        with self._licences_lock:
            if self._licences is None:
                self._licences = self.client.get_licences()
            return self._licences

    def licence(self, licence_id: str) -> Licence:
        """The label and URL of a licence: Flickr's table first, then the built-in one; an
        id neither knows (`unknown-<n>`) gets a label saying so and no URL."""
        known = self.licences.get(licence_id) or LICENCES_BY_ID.get(licence_id)
        if known is not None:
            return known
        return Licence(id=licence_id, label=licence_label(licence_id), url="")

    def fetch(self, photo: ListedPhoto) -> PhotoRecord:
        """The photo's full record; the job's first call also fetches the licence table."""
        _ = self.licences
        return fetch_photo_record(self.client, photo, clock=self.clock)


# --- the package's `photo` object -------------------------------------------------------------


def photo_record_to_package_dict(record: PhotoRecord) -> dict[str, Any]:
    """The `photo` object of DESIGN 5.5 (camelCase, JSON-serialisable), without `files`
    and `consent`, which the builder adds."""
    info = record.info
    return {
        "id": info.id,
        "url": info.url,
        "title": info.title,
        "description": info.description,
        "uploaderId": info.owner.nsid,
        "licenseId": info.licence_id,
        "licenseHistory": [_licence_change_dict(change) for change in record.licence_history],
        "dateTaken": _date_taken_dict(info.date_taken),
        "dateUploaded": iso_utc(info.date_uploaded),
        "location": _location_dict(info.location),
        "tags": [_tag_dict(tag) for tag in info.tags],
        "notes": [_note_dict(note) for note in info.notes],
        "people": [_person_dict(person) for person in record.people],
        "comments": [_comment_dict(comment) for comment in record.comments],
        "favorites": [_favorite_dict(favorite) for favorite in record.favorites],
        "countFaves": record.count_faves,
        "countViews": info.views,
        "countComments": info.comment_count,
        "albumIds": [album.id for album in record.albums],
        "galleryIds": [gallery.id for gallery in record.galleries],
        "groupIds": [group.id for group in record.groups],
        "safetyLevel": info.safety_level,
        "visibility": info.visibility,
        "originalFormat": info.original_format,
        "mediaType": info.media,
        "exif": [_exif_dict(tag) for tag in record.exif],
        "retrievedAt": iso_utc(record.retrieved_at),
    }


def iso_utc(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, to the second: `2017-03-24T21:27:52Z`."""
    if moment.tzinfo is None:
        raise ValueError(
            f"Expected a datetime with a time zone, got {moment!r}; Flickr timestamps are "
            "read as UTC by flickr.parsers"
        )
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_taken_dict(taken: DateTaken | None) -> dict[str, str] | None:
    if taken is None:
        return None
    return {"value": taken.value.strftime("%Y-%m-%dT%H:%M:%S"), "granularity": taken.granularity}


def _location_dict(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "latitude": location.latitude,
        "longitude": location.longitude,
        "accuracy": location.accuracy,
        "context": location.context,
        "locality": location.locality,
        "region": location.region,
        "country": location.country,
    }


def _licence_change_dict(change: LicenceChange) -> dict[str, Any]:
    return {
        "date": iso_utc(change.date),
        "oldLicenseId": change.old_licence_id,
        "newLicenseId": change.new_licence_id,
    }


def _tag_dict(tag: Tag) -> dict[str, Any]:
    return {
        "authorId": tag.author_nsid,
        "rawValue": tag.raw,
        "normalizedValue": tag.normalized,
        "isMachineTag": tag.is_machine_tag,
    }


def _note_dict(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "authorId": note.author_nsid,
        "text": note.text,
        "x": note.x,
        "y": note.y,
        "width": note.width,
        "height": note.height,
    }


def _person_dict(person: PersonInPhoto) -> dict[str, Any]:
    return {
        "userId": person.nsid,
        "x": person.x,
        "y": person.y,
        "width": person.width,
        "height": person.height,
    }


def _comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "authorId": comment.author_nsid,
        "text": comment.text,
        "date": iso_utc(comment.date),
        "permalink": comment.permalink,
    }


def _favorite_dict(favorite: Favorite) -> dict[str, Any]:
    return {"userId": favorite.user_nsid, "date": iso_utc(favorite.date_faved)}


def _exif_dict(tag: ExifTag) -> dict[str, Any]:
    return {
        "tagspace": tag.tagspace,
        "tag": tag.tag,
        "label": tag.label,
        "raw": tag.raw,
        "clean": tag.clean,
    }
