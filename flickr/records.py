"""Typed records for what the Flickr API returns, as the parsers in `flickr.parsers` build them.

Plain frozen dataclasses: no Django, no behaviour beyond a few derived properties. Strings
that Flickr sends empty (titles, descriptions, real names...) are None here, so "not set"
has exactly one spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from flickr.licenses import Licence

__all__ = [
    "AlbumRef",
    "Comment",
    "CommonsInstitution",
    "DateTaken",
    "ExifTag",
    "Favorite",
    "GalleryRef",
    "GroupRef",
    "Licence",
    "LicenceChange",
    "Location",
    "Note",
    "Owner",
    "PersonInPhoto",
    "PhotoContexts",
    "PhotoInfo",
    "Size",
    "Tag",
    "Usage",
    "UserInfo",
]

Granularity = Literal["second", "month", "year", "circa"]
Visibility = Literal["public", "friends", "family", "friends-and-family", "private"]
SafetyLevel = Literal["safe", "moderate", "restricted"]


@dataclass(frozen=True)
class DateTaken:
    """When a photo was taken, as precisely as its owner knows it."""

    value: datetime
    granularity: Granularity


@dataclass(frozen=True)
class Owner:
    nsid: str
    username: str
    realname: str | None
    path_alias: str | None


@dataclass(frozen=True)
class Tag:
    author_nsid: str
    author_name: str | None
    raw: str
    normalized: str
    is_machine_tag: bool


@dataclass(frozen=True)
class Note:
    """A note drawn on the photo: a box in the coordinates of the 500px "Medium" size."""

    id: str
    author_nsid: str
    author_name: str | None
    author_realname: str | None
    text: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    accuracy: int
    context: int
    neighbourhood: str | None = None
    locality: str | None = None
    county: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Usage:
    can_download: bool
    can_blog: bool
    can_print: bool
    can_share: bool


@dataclass(frozen=True)
class PhotoInfo:
    """Everything flickr.photos.getInfo tells about one photo (or video)."""

    id: str
    secret: str
    server: str
    original_secret: str | None
    original_format: str | None
    title: str | None
    description: str | None
    owner: Owner
    date_uploaded: datetime
    date_taken: DateTaken | None
    last_update: datetime
    licence_id: str
    safety_level: SafetyLevel
    visibility: Visibility
    media: Literal["photo", "video"]
    views: int
    comment_count: int
    tags: tuple[Tag, ...]
    notes: tuple[Note, ...]
    has_people: bool
    location: Location | None
    usage: Usage
    url: str
    rotation: int = 0
    video_duration: int | None = None

    @property
    def downloads_disabled(self) -> bool:
        return self.original_format is None


@dataclass(frozen=True)
class Size:
    label: str
    width: int | None
    height: int | None
    source: str
    media: str


@dataclass(frozen=True)
class Comment:
    id: str
    author_nsid: str
    author_name: str | None
    author_realname: str | None
    author_path_alias: str | None
    author_is_deleted: bool
    text: str
    date: datetime
    permalink: str


@dataclass(frozen=True)
class Favorite:
    user_nsid: str
    username: str | None
    realname: str | None
    date_faved: datetime


@dataclass(frozen=True)
class AlbumRef:
    id: str
    title: str | None
    count_photos: int
    count_videos: int
    count_views: int


@dataclass(frozen=True)
class GroupRef:
    id: str
    name: str | None
    path: str | None
    members: int | None
    pool_count: int | None


@dataclass(frozen=True)
class PhotoContexts:
    albums: tuple[AlbumRef, ...] = field(default_factory=tuple)
    groups: tuple[GroupRef, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GalleryRef:
    id: str
    url: str
    title: str | None
    description: str | None
    owner_nsid: str
    owner_username: str | None
    date_created: datetime
    date_updated: datetime
    count_photos: int
    count_videos: int
    count_views: int
    count_comments: int


@dataclass(frozen=True)
class LicenceChange:
    """One entry of a photo's licence history. `None` means "no licence named"."""

    date: datetime
    old_licence_id: str | None
    new_licence_id: str | None


@dataclass(frozen=True)
class ExifTag:
    tagspace: str
    tag: str
    label: str
    raw: str | None
    clean: str | None


@dataclass(frozen=True)
class PersonInPhoto:
    """Someone tagged as being in a photo; the box is None when nobody drew one."""

    nsid: str
    username: str | None
    realname: str | None
    path_alias: str | None
    added_by: str | None
    is_deleted: bool
    x: int | None = None
    y: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class UserInfo:
    nsid: str
    username: str
    realname: str | None
    path_alias: str | None
    description: str | None
    location: str | None
    photos_url: str
    profile_url: str
    is_pro: bool
    is_deleted: bool
    photo_count: int | None
    # The buddy icon: None for Flickr's default icon (iconserver="0").
    icon_server: str | None = None
    icon_farm: int = 0


@dataclass(frozen=True)
class CommonsInstitution:
    """One member of Flickr Commons, as flickr.commons.getInstitutions lists it.

    The URLs are None when the institution has not given one.
    """

    nsid: str
    name: str
    date_launch: datetime
    site_url: str | None
    licence_url: str | None
    flickr_url: str | None
