"""A deterministic fake Flickr: users, photos and collections generated from a seed.

The world is cheap to create whatever its size: users and collections are built eagerly
from photo *indices* (who owns photo 1234 is a formula), while each photo, and the heavy
lists hanging off it (comments, faves, EXIF, notes), is generated on demand from its own
seeded random stream. The same `(photos, seed)` always gives the same world.

A few photo indices carry a fixed role (`FEATURED`) so tests and demos can name them:
`world.featured_photo("video")`. Worlds smaller than `len(FEATURED) + 17` photos simply
lack the later roles.

`generate(..., commons_members=N)` gives the world a Flickr Commons of N institutions (the
archive first) that own every photo between them; without it the world is exactly what it
always was. `add_comment`, `remove_photo` and `retitle_photo` change a world after the fact,
so a crawler can be run twice against it: only worlds a test generated itself may be changed.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import threading
import time
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from flickr.licenses import LICENCES_BY_FLICKR_NUMBER

PHOTO_ID_BASE = 50_000_000_000
PHOTO_ID_STEP = 1_000
ARCHIVE_NSID = "12345678@N01"
ARCHIVE_PATH_ALIAS = "sandbox-archive"
FIRST_UPLOAD = 1_262_304_000  # 2010-01-01
LAST_UPLOAD = 1_704_067_200  # 2024-01-01
NOW = 1_735_689_600  # 2025-01-01: the sandbox's "today", so nothing depends on the clock
UNKNOWN_LICENCE_NUMBERS = (99, 100)
# Changes made after generation are dated from NOW onwards, one tick apart.
CHANGE_TICK = 60
ADDED_COMMENT_SERIAL = 900_000_000_000

# --- Flickr Commons worlds (generate(commons_members=N)) ---
COMMONS_OPENED = 1_200_470_400  # 2008-01-16: the Library of Congress opened Flickr Commons
EARLY_COMMONS_END = 1_262_304_000  # 2010-01-01: many members joined in the first two years
LAST_COMMONS_LAUNCH = 1_733_011_200  # 2024-12-01
EARLY_MEMBER_SHARE = 0.35
COMMONS_USAGE_URL = "https://www.flickr.com/commons/usage/"
# Member sizes fall off as rank ** -SIZE_EXPONENT, scattered by a log-normal factor.
SIZE_EXPONENT = 1.5
SIZE_SCATTER = 0.9
# Members upload in batches of up to this many photos, interleaved with other members'.
LARGEST_UPLOAD_BATCH = 120
TOWNS = [
    "Harbour Town",
    "Galoch",
    "Hackney",
    "Bersham",
    "Valparaíso",
    "Sapporo",
    "Porthleven",
    "Ardmore",
    "Kestrel Bay",
    "Millbrook",
    "Eastholme",
    "Northwick",
    "Lindenfeld",
    "Saltmarsh",
    "Oakhaven",
    "Île-aux-Moines",
    "Tromsø",
    "São Lourenço",
]
INSTITUTION_KINDS = [
    "Public Library",
    "City Archives",
    "Historical Society",
    "Museum",
    "University Library",
    "Maritime Museum",
    "Photographic Archive",
    "Regional Archives",
    "Botanical Garden",
    "Heritage Centre",
    "Museum of Transport",
    "Record Office",
]
TOP_LEVEL_DOMAINS = [".org", ".org.uk", ".gov", ".edu", ".museum", ".fi", ".cl", ".jp"]
# Letters no Unicode decomposition turns into ASCII, for path aliases and domains.
UNDECOMPOSABLE = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss"})

# index -> role; indices 0-16 carry licence 0-16 in order, so every licence is present.
FEATURED: dict[str, int] = {
    name: 17 + offset
    for offset, name in enumerate(
        [
            "unknown_licence",
            "unknown_licence_2",
            "many_comments",
            "many_faves",
            "some_faves",
            "video",
            "downloads_disabled",
            "exif_hidden",
            "deleted",
            "private",
            "date_unknown",
            "granularity_month",
            "granularity_year",
            "granularity_circa",
            "location",
            "location_accuracy_zero",
            "empty_title",
            "empty_description",
            "html_description",
            "notes",
            "people",
            "machine_tags",
            "licence_changed",
            "safety_moderate",
            "safety_restricted",
            "png_original",
            "gif_original",
            "quiet",
        ]
    )
}
ROLE_BY_INDEX = {index: role for role, index in FEATURED.items()}
MANY_COMMENTS = 137
MANY_FAVES = 163
SOME_FAVES = 57

WORDS = [
    "lighthouse",
    "harbour",
    "boat",
    "bridge",
    "street",
    "portrait",
    "archive",
    "map",
    "postcard",
    "train",
    "market",
    "garden",
    "river",
    "snow",
    "night",
    "festival",
    "cat",
    "dog",
    "church",
    "factory",
    "mill",
    "tram",
    "beach",
    "cliff",
    "orchard",
    "school",
    "parade",
    "kitchen",
    "library",
    "tower",
]
FIRST_NAMES = [
    "Ada",
    "Bram",
    "Cleo",
    "Dev",
    "Edith",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kemal",
    "Lena",
    "Milo",
    "Nia",
    "Otto",
    "Priya",
]
LAST_NAMES = [
    "Achebe",
    "Berg",
    "Costa",
    "Dlamini",
    "Eriksen",
    "Fujita",
    "Garcia",
    "Horvat",
    "Ito",
    "Jansen",
    "Kowalski",
]
PLACES = [
    ("Galoch", "Āfar", "Ethiopia"),
    ("Hackney", "England", "UK"),
    ("Paris", "Île-de-France", "France"),
    ("New Delhi", "Delhi", "India"),
    ("Bersham", "Wales", "United Kingdom"),
    ("Valparaíso", "Valparaíso", "Chile"),
    ("Sapporo", "Hokkaido", "Japan"),
]
LEGACY_LICENCE_NAMES = {
    0: "All Rights Reserved",
    1: "Attribution-NonCommercial-ShareAlike License",
    2: "Attribution-NonCommercial License",
    3: "Attribution-NonCommercial-NoDerivs License",
    4: "Attribution License",
    5: "Attribution-ShareAlike License",
    6: "Attribution-NoDerivs License",
    7: "No known copyright restrictions",
    8: "United States Government Work",
    9: "Public Domain Dedication (CC0)",
    10: "Public Domain Mark",
}
# Sizes Flickr offers below the original: (label, suffix, longest side); square crops apart.
SIZE_LADDER = [
    ("Thumbnail", "t", 100),
    ("Small", "m", 240),
    ("Small 320", "n", 320),
    ("Small 400", "w", 400),
    ("Medium", "", 500),
    ("Medium 640", "z", 640),
    ("Medium 800", "c", 800),
    ("Large", "b", 1024),
    ("Large 1600", "h", 1600),
]


@dataclass(frozen=True)
class User:
    nsid: str
    username: str
    realname: str  # "" when the member has not set one, as Flickr sends it
    path_alias: str | None
    location: str = ""
    description: str = ""
    iconserver: int = 0
    is_deleted: bool = False
    commons_launch: int | None = None  # when the account joined Flickr Commons
    # commons.getInstitutions' <url type="site"> and <url type="license">, as Flickr sends them
    commons_site_url: str = ""
    commons_licence_url: str = ""

    @property
    def url_name(self) -> str:
        return self.path_alias or self.nsid

    @property
    def photos_url(self) -> str:
        return f"https://www.flickr.com/photos/{self.url_name}/"


@dataclass(frozen=True)
class Tag:
    tag_id: str
    author: str
    raw: str
    is_machine: bool

    @functools.cached_property
    def normalized(self) -> str:
        return "".join([ch for ch in self.raw.lower() if ch.isalnum() or ch in ":="])


@dataclass(frozen=True)
class Note:
    note_id: str
    author: str
    x: int
    y: int
    w: int
    h: int
    text: str


@dataclass(frozen=True)
class Comment:
    comment_id: str
    author: str
    date: int
    text: str


@dataclass(frozen=True)
class Fave:
    user: str
    date: int


@dataclass(frozen=True)
class LicenceChange:
    date: int
    old: int
    new: int | None  # None: the photo's first licence, which Flickr sends with empty names


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    accuracy: int
    locality: str
    region: str
    country: str


@dataclass(frozen=True)
class ExifEntry:
    tagspace: str
    tag: str
    label: str
    raw: str
    clean: str | None = None


@dataclass(frozen=True)
class Size:
    label: str
    suffix: str  # "" for Medium; "o" for the original
    width: int
    height: int


@dataclass(frozen=True)
class Photo:
    index: int
    id: str
    owner: str
    secret: str
    original_secret: str
    server: str
    title: str
    description: str
    license: int
    safety_level: int
    date_upload: int
    date_taken: str
    taken_granularity: int
    taken_unknown: bool
    last_update: int
    views: int
    media: str  # "photo" or "video"
    original_format: str
    can_download: bool
    width: int
    height: int
    location: Location | None
    tags: tuple[Tag, ...]
    comment_count: int
    fave_count: int
    note_count: int
    people_count: int
    licence_change_count: int
    exif_hidden: bool
    state: str = "public"  # "public", "private" or "deleted"
    video_duration: int = 0

    @property
    def is_available(self) -> bool:
        return self.state == "public"

    @property
    def machine_tags(self) -> tuple[Tag, ...]:
        return tuple(tag for tag in self.tags if tag.is_machine)

    def sizes(self) -> list[Size]:
        """Flickr's size ladder up to the original; no Original when downloads are disabled."""
        return list(_size_ladder(self.width, self.height, self.can_download))

    def size(self, suffix: str) -> Size | None:
        return next((size for size in self.sizes() if size.suffix == suffix), None)


@functools.lru_cache(maxsize=256)  # photos come in a few dozen shapes only
def _size_ladder(width: int, height: int, can_download: bool) -> tuple[Size, ...]:
    sizes = [Size("Square", "s", 75, 75), Size("Large Square", "q", 150, 150)]
    longest = max(width, height)
    for label, suffix, side in SIZE_LADDER:
        if side > longest:
            break
        scale = side / longest
        sizes.append(Size(label, suffix, round(width * scale), round(height * scale)))
    if can_download:
        sizes.append(Size("Original", "o", width, height))
    return tuple(sizes)


@dataclass(frozen=True)
class Album:
    id: str
    owner: str
    title: str
    description: str
    photo_indices: tuple[int, ...]
    date_create: int
    views: int


@dataclass(frozen=True)
class Gallery:
    id: str
    owner: str
    title: str
    description: str
    photo_indices: tuple[int, ...]
    date_create: int
    views: int
    comments: int


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    path_alias: str | None
    photo_indices: tuple[int, ...]
    members: int

    @property
    def url(self) -> str:
        return f"https://www.flickr.com/groups/{self.path_alias or self.id}"


@dataclass
class SandboxWorld:
    """Everything the sandbox serves. Build one with `SandboxWorld.generate()`."""

    seed: int
    photo_count: int
    users: list[User]
    owners: list[User]
    albums: list[Album]
    galleries: list[Gallery]
    groups: list[Group]
    _users_by_nsid: dict[str, User] = field(repr=False, default_factory=dict)
    _contexts: dict[int, dict[str, list[str]]] = field(repr=False, default_factory=dict)
    _tag_index: dict[str, list[int]] | None = field(repr=False, default=None)
    _photo_cache: dict[int, Photo] = field(repr=False, default_factory=dict)
    # Commons worlds: the owner of each photo, as a position in `owners`.
    _owner_slots: array[int] | None = field(repr=False, default=None)
    # Built on first use. Values are tuples, replaced whole, so readers never lock.
    _owned: dict[str, tuple[int, ...]] | None = field(repr=False, default=None)
    _public_listings: dict[str, tuple[int, ...]] = field(repr=False, default_factory=dict)
    # Changes made after generation (add_comment, remove_photo, retitle_photo).
    _changes: dict[int, dict[str, Any]] = field(repr=False, default_factory=dict)
    _added_comments: dict[int, tuple[Comment, ...]] = field(repr=False, default_factory=dict)
    _removed: frozenset[int] = field(repr=False, default=frozenset())
    _clock: int = field(repr=False, default=NOW)
    _lock: threading.RLock = field(repr=False, compare=False, default_factory=threading.RLock)

    @classmethod
    def generate(
        cls, photos: int = 200, seed: int = 1, commons_members: int | None = None
    ) -> SandboxWorld:
        """The world for `(photos, seed)`; with `commons_members=N`, a Flickr Commons of N
        institutions (the archive first) owns every photo, a few of them most photos."""
        if not isinstance(photos, int) or photos < 1:
            raise ValueError(f"A sandbox world needs at least one photo; got photos={photos!r}.")
        if commons_members is not None:
            _check_commons_size(photos, commons_members)
        rng = random.Random(f"{seed}/world")
        users = _generate_users(rng, photos)
        if commons_members is None:
            owners = users[: max(8, min(400, photos // 25))]
            world = cls(seed, photos, users, owners, [], [], [])
        else:
            commons_rng = random.Random(f"{seed}/commons")
            users = _commons_world_users(commons_rng, users, commons_members)
            owners = users[:commons_members]
            world = cls(seed, photos, users, owners, [], [], [])
            counts = _member_photo_counts(commons_rng, photos, commons_members)
            world._owner_slots = _owner_slots(commons_rng, counts)
        world._users_by_nsid = {user.nsid: user for user in users}
        world.albums = world._generate_albums(rng)
        world.galleries = world._generate_galleries(rng)
        world.groups = world._generate_groups(rng)
        world._index_contexts()
        return world

    # --- users -----------------------------------------------------------------------------

    @property
    def archive(self) -> User:
        """The demo owner account, at https://www.flickr.com/photos/sandbox-archive/."""
        return self.users[0]

    def user(self, nsid: str) -> User | None:
        return self._users_by_nsid.get(nsid)

    def user_by_url_name(self, name: str) -> User | None:
        """Find a member by path alias or NSID, as they appear in Flickr URLs."""
        for user in self.users:
            if name in {user.path_alias, user.nsid} or name.upper() == user.nsid:
                return user
        return None

    def commons_members(self) -> list[User]:
        return [user for user in self.users if user.commons_launch is not None]

    # --- photos ----------------------------------------------------------------------------

    def photo_id(self, index: int) -> str:
        jitter = random.Random(f"{self.seed}/id/{index}").randrange(PHOTO_ID_STEP)
        return str(PHOTO_ID_BASE + index * PHOTO_ID_STEP + jitter)

    def index_of(self, photo_id: str) -> int | None:
        if not (isinstance(photo_id, str) and photo_id.isdigit()):
            return None
        index = (int(photo_id) - PHOTO_ID_BASE) // PHOTO_ID_STEP
        if 0 <= index < self.photo_count and self.photo_id(index) == photo_id:
            return index
        return None

    def photo(self, photo_id: str) -> Photo | None:
        """The photo with this id, whatever its state (deleted and private ones included)."""
        index = self.index_of(photo_id)
        return None if index is None else self.photo_at(index)

    def photo_at(self, index: int) -> Photo:
        photo = _generate_photo(self, index)
        if index not in self._changes and index not in self._added_comments:
            return photo
        changes = dict(self._changes.get(index, {}))
        added = self._added_comments.get(index, ())
        if added:
            changes["comment_count"] = photo.comment_count + len(added)
        return replace(photo, **changes)

    def photos(self, indices: range | tuple[int, ...] | list[int] | None = None) -> Iterator[Photo]:
        for index in range(self.photo_count) if indices is None else indices:
            yield self.photo_at(index)

    def featured_photo(self, role: str) -> Photo:
        """The photo that plays a named role (see FEATURED), e.g. "video" or "deleted"."""
        if role not in FEATURED:
            raise KeyError(f"No featured role {role!r}; the roles are {sorted(FEATURED)}.")
        index = FEATURED[role]
        if index >= self.photo_count:
            raise KeyError(
                f"The role {role!r} needs at least {index + 1} photos; this world has "
                f"{self.photo_count}."
            )
        return self.photo_at(index)

    def owner_of(self, index: int) -> User:
        if self._owner_slots is not None:
            return self.owners[self._owner_slots[index]]
        if index % 5 in (0, 2):
            return self.archive
        return self.owners[1 + (index * 7919) % (len(self.owners) - 1)]

    def indices_owned_by(self, nsid: str) -> tuple[int, ...]:
        """The member's photos, oldest upload first, removed ones left out (private and
        deleted ones kept). Worked out for every member at once, on first use."""
        owned = self._owned
        if owned is None:
            with self._lock:
                if self._owned is None:
                    self._owned = self._group_by_owner()
                owned = self._owned
        return owned.get(nsid, ())

    def public_listing(self, nsid: str) -> tuple[int, ...]:
        """What people.getPublicPhotos lists for the member: newest first, private and
        removed photos left out. Built once per member, on first use."""
        listing = self._public_listings.get(nsid)
        if listing is None:
            with self._lock:
                listing = self._public_listings.get(nsid)
                if listing is None:
                    newest_first = reversed(self.indices_owned_by(nsid))
                    listing = tuple(i for i in newest_first if self._state_at(i) != "private")
                    self._public_listings[nsid] = listing
        return listing

    def is_removed(self, index: int) -> bool:
        """True once `remove_photo` took the photo off Flickr: no listing shows it any more."""
        return index in self._removed

    def _group_by_owner(self) -> dict[str, tuple[int, ...]]:
        by_owner: dict[str, list[int]] = {}
        for index in range(self.photo_count):
            if index not in self._removed:
                by_owner.setdefault(self.owner_of(index).nsid, []).append(index)
        return {nsid: tuple(indices) for nsid, indices in by_owner.items()}

    def _state_at(self, index: int) -> str:
        changed = self._changes.get(index, {}).get("state")
        return changed or _photo_state(self, index)

    def indices_with_tag(self, tag: str) -> list[int]:
        """Indices of photos carrying this normalised tag; built once, on first use."""
        if self._tag_index is None:
            index: dict[str, list[int]] = {}
            for i in range(self.photo_count):
                for name in {t.normalized for t in _generate_tags(self, i, self.owner_of(i))}:
                    index.setdefault(name, []).append(i)
            self._tag_index = index
        return self._tag_index.get(tag.lower(), [])

    # --- changes after generation (safe to call while a SandboxServer serves the world) ------

    def add_comment(self, photo_id: str, *, author_nsid: str, text: str) -> str:
        """Post a comment on a public photo, dated at the sandbox's clock (NOW or later);
        the photo's comment count goes up with it. Returns the new comment's id."""
        if self.user(author_nsid) is None:
            raise ValueError(f"No sandbox member {author_nsid!r} to write the comment.")
        if not text.strip():
            raise ValueError(f"A comment needs some text; got {text!r}.")
        with self._lock:
            photo = self._photo_to_change(photo_id)
            if not photo.is_available:
                raise ValueError(f"Photo {photo_id!r} is {photo.state}: nobody can comment on it.")
            added = self._added_comments.get(photo.index, ())
            serial = ADDED_COMMENT_SERIAL + sum(map(len, self._added_comments.values()))
            comment_id = f"{photo.index + 1000}-{photo.id}-72157{serial:012d}"
            comment = Comment(comment_id, author_nsid, self._tick(), text)
            self._added_comments[photo.index] = (*added, comment)
        return comment_id

    def remove_photo(self, photo_id: str) -> None:
        """Delete the photo from Flickr: it leaves every listing, and every per-photo method
        answers error 1, as for deleted photos."""
        with self._lock:
            photo = self._photo_to_change(photo_id)
            self._change(photo.index, state="deleted")
            self._removed = self._removed | {photo.index}
            if self._owned is not None and photo.owner in self._owned:
                kept = tuple(i for i in self._owned[photo.owner] if i != photo.index)
                self._owned[photo.owner] = kept
            if photo.owner in self._public_listings:
                kept = tuple(i for i in self._public_listings[photo.owner] if i != photo.index)
                self._public_listings[photo.owner] = kept

    def retitle_photo(self, photo_id: str, title: str) -> None:
        """Give the photo a new title, everywhere it shows; its `lastupdate` moves forward."""
        with self._lock:
            photo = self._photo_to_change(photo_id)
            self._change(photo.index, title=title, last_update=self._tick())

    def _photo_to_change(self, photo_id: str) -> Photo:
        index = self.index_of(photo_id)
        if index is None or self.is_removed(index):
            raise ValueError(f"This sandbox world has no photo {photo_id!r} (any more).")
        return self.photo_at(index)

    def _change(self, index: int, **fields: Any) -> None:
        # A new dict each time: a reader holding the old one still sees a consistent photo.
        self._changes[index] = {**self._changes.get(index, {}), **fields}

    def _tick(self) -> int:
        self._clock += CHANGE_TICK
        return self._clock

    # --- per-photo lists, generated on demand ------------------------------------------------

    def comments(self, photo: Photo) -> list[Comment]:
        """The generated comments, oldest first, then those `add_comment` posted."""
        rng = random.Random(f"{self.seed}/comments/{photo.index}")
        date = photo.date_upload
        comments = []
        # Generated from the unchanged photo's count: the added ones follow as they were posted.
        for _ in range(_generate_photo(self, photo.index).comment_count):
            date = min(NOW, date + rng.randint(60, 86_400 * 20))
            author = rng.choice(self.users)
            text = rng.choice(COMMENT_TEXTS).format(word=rng.choice(WORDS))
            comment_id = f"{photo.index + 1000}-{photo.id}-72157{rng.randrange(10**12):012d}"
            comments.append(Comment(comment_id, author.nsid, date, text))
        return [*comments, *self._added_comments.get(photo.index, ())]

    def faves(self, photo: Photo) -> list[Fave]:
        """Distinct members who faved the photo, most recent first (as Flickr lists them)."""
        rng = random.Random(f"{self.seed}/faves/{photo.index}")
        candidates = [user for user in self.users if user.nsid != photo.owner]
        people = rng.sample(candidates, min(photo.fave_count, len(candidates)))
        date = photo.date_upload
        faves = []
        for user in people:
            date = min(NOW, date + rng.randint(60, 86_400 * 5))
            faves.append(Fave(user.nsid, date))
        return list(reversed(faves))

    def notes(self, photo: Photo) -> list[Note]:
        rng = random.Random(f"{self.seed}/notes/{photo.index}")
        notes = []
        for _ in range(photo.note_count):
            w, h = rng.randint(20, 120), rng.randint(20, 120)
            notes.append(
                Note(
                    note_id=f"72157{rng.randrange(10**12):012d}",
                    author=rng.choice(self.users).nsid,
                    x=rng.randint(0, 380),
                    y=rng.randint(0, 260),
                    w=w,
                    h=h,
                    text=f"Look at the {rng.choice(WORDS)} here",
                )
            )
        return notes

    def people(self, photo: Photo) -> list[tuple[User, User]]:
        """(person, added_by) pairs for the people tagged in the photo."""
        rng = random.Random(f"{self.seed}/people/{photo.index}")
        owner = self.user(photo.owner) or self.archive
        return [(person, owner) for person in rng.sample(self.users[1:], photo.people_count)]

    def licence_history(self, photo: Photo) -> list[LicenceChange]:
        """Changes ending at the current licence, or Flickr's one "initial licence" entry."""
        if photo.license not in LICENCES_BY_FLICKR_NUMBER:
            return []
        if photo.licence_change_count == 0:
            return [LicenceChange(photo.date_upload, photo.license, None)]
        rng = random.Random(f"{self.seed}/licences/{photo.index}")
        numbers = [photo.license]
        for _ in range(photo.licence_change_count):
            earlier = [number for number in LEGACY_LICENCE_NAMES if number != numbers[0]]
            numbers.insert(0, rng.choice(earlier))
        date = photo.date_upload
        changes = []
        for old, new in itertools.pairwise(numbers):
            date = min(NOW, date + rng.randint(86_400, 86_400 * 400))
            changes.append(LicenceChange(date, old, new))
        return changes

    def exif(self, photo: Photo) -> list[ExifEntry]:
        rng = random.Random(f"{self.seed}/exif/{photo.index}")
        camera = rng.choice(CAMERAS)
        entries = [
            ExifEntry("JFIF", "JFIFVersion", "JFIFVersion", "1.02"),
            ExifEntry("JFIF", "XResolution", "X-Resolution", "300", "300 dpi"),
            ExifEntry("IFD0", "Make", "Make", camera[0]),
            ExifEntry("IFD0", "Model", "Model", camera[1]),
        ]
        if rng.random() < 0.7:
            exposure = rng.choice(["1/60", "1/125", "1/250", "1/500"])
            seconds = 1 / int(exposure.split("/")[1])
            entries.append(
                ExifEntry(
                    "ExifIFD",
                    "ExposureTime",
                    "Exposure",
                    exposure,
                    f"{seconds:.3f} sec ({exposure})",
                )
            )
            aperture = rng.choice(["2.8", "4.0", "5.6", "8.0"])
            entries.append(ExifEntry("ExifIFD", "FNumber", "Aperture", aperture, f"f/{aperture}"))
        return entries

    def example_urls(self) -> list[tuple[str, str]]:
        """(what, URL) pairs of real-looking Flickr URLs whose ids exist in this world."""
        album = self.albums[0]
        gallery = self.galleries[0]
        curator = self.user(gallery.owner) or self.archive
        group = next((g for g in self.groups if g.path_alias), self.groups[0])
        examples = [
            ("photostream", self.archive.photos_url),
            ("album", f"{self.archive.photos_url}albums/{album.id}"),
            ("gallery", f"{curator.photos_url}galleries/{gallery.id}/"),
            ("group", f"{group.url}/pool/"),
            ("tag", "https://www.flickr.com/photos/tags/lighthouse/"),
        ]
        for role in ("many_faves", "video", "licence_changed", "notes", "deleted"):
            if FEATURED[role] < self.photo_count:
                photo = self.photo_at(FEATURED[role])
                owner = self.user(photo.owner) or self.archive
                label = role.replace("_", " ")
                examples.append((f"photo ({label})", f"{owner.photos_url}{photo.id}/"))
        return examples

    # --- collections ---------------------------------------------------------------------------

    def album(self, album_id: str) -> Album | None:
        return next((album for album in self.albums if album.id == album_id), None)

    def gallery(self, gallery_id: str) -> Gallery | None:
        short_id = gallery_id.rsplit("-", 1)[-1]
        return next((gallery for gallery in self.galleries if gallery.id == short_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((group for group in self.groups if group.id == group_id.upper()), None)

    def group_by_url_name(self, name: str) -> Group | None:
        for group in self.groups:
            if name in {group.path_alias, group.id} or name.upper() == group.id:
                return group
        return None

    def contexts(self, index: int) -> dict[str, list[str]]:
        """Album, gallery and group ids holding the photo at this index."""
        return self._contexts.get(index, {"albums": [], "galleries": [], "groups": []})

    def _generate_albums(self, rng: random.Random) -> list[Album]:
        everything = self.indices_owned_by(self.archive.nsid)
        albums = [
            Album(
                id=_long_id(rng),
                owner=self.archive.nsid,
                title="Everything in the sandbox archive",
                description="Every photo the archive has uploaded, oldest first.",
                photo_indices=everything,
                date_create=FIRST_UPLOAD,
                views=rng.randint(100, 90_000),
            ),
            Album(
                id=_long_id(rng),
                owner=self.archive.nsid,
                title="Highlights",
                description="",
                photo_indices=everything[::7][:120],
                date_create=FIRST_UPLOAD + 86_400,
                views=rng.randint(100, 90_000),
            ),
        ]
        for owner in self.owners[1:30]:
            indices = self.indices_owned_by(owner.nsid)
            if len(indices) < 2:
                continue
            start = rng.randrange(len(indices))
            albums.append(
                Album(
                    id=_long_id(rng),
                    owner=owner.nsid,
                    title=f"{rng.choice(WORDS).title()}s and {rng.choice(WORDS)}s",
                    description=rng.choice(["", "Scanned from family albums."]),
                    photo_indices=tuple(indices[start : start + rng.randint(2, 60)]),
                    date_create=FIRST_UPLOAD + rng.randrange(LAST_UPLOAD - FIRST_UPLOAD),
                    views=rng.randint(0, 5_000),
                )
            )
        return albums

    def _generate_galleries(self, rng: random.Random) -> list[Gallery]:
        galleries = []
        for number in range(max(2, min(40, self.photo_count // 100))):
            curator = rng.choice(self.users[1:])
            if number == 0:
                indices = tuple(range(min(self.photo_count, len(FEATURED) + 17)))[::2]
            else:
                count = min(self.photo_count, rng.randint(10, 60))
                indices = tuple(sorted(rng.sample(range(self.photo_count), count)))
            galleries.append(
                Gallery(
                    id=_long_id(rng),
                    owner=curator.nsid,
                    title=f"Favourite {rng.choice(WORDS)}s" if number else "Sandbox showcase",
                    description=rng.choice(["", "Photos I keep coming back to."]),
                    photo_indices=indices[:500],
                    date_create=FIRST_UPLOAD + rng.randrange(LAST_UPLOAD - FIRST_UPLOAD),
                    views=rng.randint(0, 20_000),
                    comments=rng.randint(0, 40),
                )
            )
        return galleries

    def _generate_groups(self, rng: random.Random) -> list[Group]:
        groups = []
        for number in range(max(3, min(30, self.photo_count // 200))):
            share = 0.3 if number == 0 else rng.uniform(0.05, 0.15)
            indices = tuple(i for i in range(self.photo_count) if rng.random() < share)
            word = "lighthouse" if number == 0 else rng.choice(WORDS)
            groups.append(
                Group(
                    id=f"{rng.randint(1_000_000, 9_999_999)}@N2{rng.randint(0, 5)}",
                    name=f"Sandbox {word.title()}s" + (f" {number}" if number else ""),
                    path_alias=None if number % 3 == 2 else f"sandbox-{word}s-{number}",
                    photo_indices=indices or (0,),
                    members=rng.randint(10, 40_000),
                )
            )
        return groups

    def _index_contexts(self) -> None:
        collections: list[tuple[str, list[Album] | list[Gallery] | list[Group]]] = [
            ("albums", self.albums),
            ("galleries", self.galleries),
            ("groups", self.groups),
        ]
        for kind, items in collections:
            for item in items:
                for index in item.photo_indices:
                    entry = self._contexts.setdefault(
                        index, {"albums": [], "galleries": [], "groups": []}
                    )
                    entry[kind].append(item.id)


COMMENT_TEXTS = [
    "What a lovely {word}!",
    "I grew up near this {word}. Thank you for sharing.",
    "Is this the same {word} as in your other photo?",
    "<b>Wonderful</b> detail on the {word}.",
    'Seen in the group <a href="https://www.flickr.com/groups/">Sandbox</a>.',
    "Great shot\n\nThe light on the {word} is perfect.",
]
CAMERAS = [("NIKON CORPORATION", "NIKON D90"), ("Canon", "Canon EOS 5D"), ("FUJIFILM", "X-T3")]


def _long_id(rng: random.Random) -> str:
    return f"72157{rng.randrange(10**12):012d}"


def _generate_users(rng: random.Random, photos: int) -> list[User]:
    archive = User(
        nsid=ARCHIVE_NSID,
        username="Sandbox Archive",
        realname="The Sandbox Archive",
        path_alias=ARCHIVE_PATH_ALIAS,
        location="Harbour Town",
        description="A <b>fake</b> archive that lives in the Flickr sandbox.",
        iconserver=65535,
        commons_launch=1_262_304_000,
    )
    users = [_with_example_commons_urls(archive)]
    seen = {archive.nsid}
    count = min(1500, 180 + photos // 40)
    for number in range(1, count):
        nsid = f"{rng.randint(10_000_000, 209_999_999)}@N0{rng.randint(0, 8)}"
        while nsid in seen:
            nsid = f"{rng.randint(10_000_000, 209_999_999)}@N0{rng.randint(0, 8)}"
        seen.add(nsid)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first.lower()}_{rng.choice(WORDS)}{number}"
        user = User(
            nsid=nsid,
            username=username,
            realname="" if rng.random() < 0.3 else f"{first} {last}",
            path_alias=None if rng.random() < 0.4 else username.replace("_", ""),
            location=rng.choice(["", "", f"{rng.choice(PLACES)[0]}"]),
            description=rng.choice(["", f"I photograph {rng.choice(WORDS)}s."]),
            iconserver=rng.choice([0, 65535, 7384]),
            is_deleted=number == count - 1,
            commons_launch=(FIRST_UPLOAD + number * 86_400 * 30) if number in (1, 2) else None,
        )
        users.append(_with_example_commons_urls(user) if user.commons_launch else user)
    return users


def _with_example_commons_urls(user: User) -> User:
    return replace(
        user,
        commons_site_url=f"https://example.org/{user.url_name}/",
        commons_licence_url=COMMONS_USAGE_URL,
    )


# --- a Commons of its own -------------------------------------------------------------------------


def _check_commons_size(photos: int, members: object) -> None:
    if not isinstance(members, int) or isinstance(members, bool) or members < 1:
        raise ValueError(
            f"A sandbox Commons needs at least one member; got commons_members={members!r}."
        )
    if members > photos:
        raise ValueError(
            f"Every Commons member owns at least one photo, so {members!r} members need at "
            f"least as many photos; got photos={photos!r}."
        )


def _commons_world_users(rng: random.Random, people: list[User], members: int) -> list[User]:
    """The archive and `members - 1` institutions in launch order, then everyone else (who
    comments, faves and curates, but is no Commons member here)."""
    launches = _launch_dates(rng, members)
    names = _institution_names(rng, members - 1)
    # Port Morien Digital Archive (98726691@N05) sends an empty <url type="site" />
    # (recorded 2024-10-31): about one member in ten does here, and always at least one.
    without_site = set(rng.sample(range(1, members), (members - 1 + 9) // 10))
    taken_nsids = {user.nsid for user in people}
    taken_aliases = {user.path_alias for user in people if user.path_alias}
    institutions = [
        _institution(
            rng, name, launch, taken_nsids, taken_aliases, has_site=number not in without_site
        )
        for number, (name, launch) in enumerate(zip(names, launches[1:], strict=True), start=1)
    ]
    archive = replace(people[0], commons_launch=launches[0])
    others = [
        replace(user, commons_launch=None, commons_site_url="", commons_licence_url="")
        if user.commons_launch is not None
        else user
        for user in people[1:]
    ]
    return [archive, *institutions, *others]


def _launch_dates(rng: random.Random, members: int) -> list[int]:
    """The archive opens the Commons; the others join over the years, a third in the first
    two, and no two on the same second."""
    dates = sorted(
        rng.randrange(COMMONS_OPENED + 86_400, EARLY_COMMONS_END)
        if rng.random() < EARLY_MEMBER_SHARE
        else rng.randrange(EARLY_COMMONS_END, LAST_COMMONS_LAUNCH)
        for _ in range(members - 1)
    )
    launches = [COMMONS_OPENED]
    for date in dates:
        launches.append(max(date, launches[-1] + 1))
    return launches


def _institution_names(rng: random.Random, count: int) -> list[str]:
    pairs = list(itertools.product(TOWNS, INSTITUTION_KINDS))
    rng.shuffle(pairs)
    names = []
    for number in range(count):
        town, kind = pairs[number % len(pairs)]
        style = rng.random()
        if style < 0.15:
            name = f"The {town} {kind}"
        elif style < 0.25:
            name = f"{town} & District {kind}"
        else:
            name = f"{town} {kind}"
        repeat = number // len(pairs)  # only past every town-and-kind pair
        names.append(f"{name} {repeat + 1}" if repeat else name)
    return names


def _institution(
    rng: random.Random,
    name: str,
    launch: int,
    taken_nsids: set[str],
    taken_aliases: set[str],
    *,
    has_site: bool,
) -> User:
    nsid = f"{rng.randint(10_000_000, 209_999_999)}@N0{rng.randint(0, 8)}"
    while nsid in taken_nsids:
        nsid = f"{rng.randint(10_000_000, 209_999_999)}@N0{rng.randint(0, 8)}"
    taken_nsids.add(nsid)
    slug = _slug(name)
    path_alias = None
    if rng.random() >= 0.2:  # some members have none, so their URLs carry the NSID
        path_alias = slug
        while path_alias in taken_aliases:
            path_alias = f"{slug}{rng.randint(2, 99)}"
        taken_aliases.add(path_alias)
    domain = _slug(name.removeprefix("The ")) + rng.choice(TOP_LEVEL_DOMAINS)
    user = User(
        nsid=nsid,
        username=rng.choice([name, re.sub(r"[^A-Za-z0-9]", "", _ascii(name))]),
        realname=name,
        path_alias=path_alias,
        location=next((town for town in TOWNS if town in name), ""),
        description=f"Photographs from the collections of {name}, free to use and share.",
        iconserver=rng.choice([65535, 7384, 4118]),
        commons_launch=launch,
    )
    return replace(
        user,
        commons_site_url=_site_url(rng, domain) if has_site else "",
        commons_licence_url=_licence_page(rng, domain, user, has_site=has_site),
    )


def _site_url(rng: random.Random, domain: str) -> str:
    forms = [
        f"https://www.{domain}/",
        f"https://{domain}",
        f"http://www.{domain}/",
        # No scheme at all: Camden Public Library (133323184@N07), recorded 2024-10-31.
        f"www.{domain}",
        # Prose around two addresses: Yle's archives (124495553@N05), recorded 2024-10-31.
        f"www.{domain} (in the local language) or https://www.{domain}/en/ (in English)",
    ]
    return rng.choices(forms, weights=[50, 15, 15, 15, 5])[0]


def _licence_page(rng: random.Random, domain: str, user: User, *, has_site: bool) -> str:
    people_page = f"https://www.flickr.com/people/{user.url_name}/"
    if not has_site:
        return people_page
    forms = [
        f"https://www.{domain}/rights-and-reuse/",
        people_page,
        COMMONS_USAGE_URL,
        # A trailing space: Yle's archives (124495553@N05), recorded 2024-10-31.
        f"http://{domain}/flickr-commons ",
    ]
    return rng.choices(forms, weights=[55, 25, 15, 5])[0]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSABLE))
    return folded.encode("ascii", "ignore").decode()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _ascii(name).lower())


def _member_photo_counts(rng: random.Random, photos: int, members: int) -> list[int]:
    """How many photos each member owns: the archive most, a few others many, a long tail
    few; everyone at least one."""
    others = [
        (rank + 2) ** -SIZE_EXPONENT * rng.lognormvariate(0, SIZE_SCATTER)
        for rank in range(members - 1)
    ]
    rng.shuffle(others)  # size has nothing to do with when a member joined
    weights = [max([1.0, *others]) * 1.2, *others]
    spare = photos - members
    shares = [spare * weight / sum(weights) for weight in weights]
    counts = [1 + int(share) for share in shares]
    # Largest remainders take the photos that rounding down left over.
    leftover = photos - sum(counts)
    by_remainder = sorted(range(members), key=lambda m: shares[m] - int(shares[m]), reverse=True)
    for member in by_remainder[:leftover]:
        counts[member] += 1
    return counts


def _owner_slots(rng: random.Random, counts: list[int]) -> array[int]:
    """For each photo index, the member who uploaded it: members upload in batches, and
    batches of different members interleave over the years."""
    batches = []
    for member, count in enumerate(counts):
        while count:
            size = min(count, rng.randint(1, LARGEST_UPLOAD_BATCH))
            batches.append((member, size))
            count -= size
    rng.shuffle(batches)
    slots = array("I")
    for member, size in batches:
        slots.extend(itertools.repeat(member, size))
    return slots


def _generate_tags(world: SandboxWorld, index: int, owner: User) -> list[Tag]:
    rng = random.Random(f"{world.seed}/tags/{index}")
    role = ROLE_BY_INDEX.get(index)
    words = rng.sample(WORDS, rng.choice([0, 0, 1, 2, 3, 4, 6]))
    tags = []
    for number, word in enumerate(["sandbox", *words]):
        author = owner if rng.random() < 0.8 else rng.choice(world.users)
        raw = word.title() if rng.random() < 0.2 else word
        tags.append(Tag(f"{index}-{number}", author.nsid, raw, is_machine=False))
    machine = role == "machine_tags" or (role is None and rng.random() < 0.08)
    if machine:
        tags.append(Tag(f"{index}-m1", owner.nsid, f"sandbox:photo={index}", is_machine=True))
        tags.append(Tag(f"{index}-m2", owner.nsid, "dc:subject=Harbour Life", is_machine=True))
    return tags


PHOTO_CACHE_SIZE = 10_000


def _generate_photo(world: SandboxWorld, index: int) -> Photo:
    if not 0 <= index < world.photo_count:
        raise IndexError(f"No photo at index {index!r}; this world has {world.photo_count}.")
    cache = world._photo_cache
    photo = cache.get(index)
    if photo is None:
        if len(cache) >= PHOTO_CACHE_SIZE:
            cache.clear()  # crude but bounded: regenerating a photo is cheap and identical
        photo = cache[index] = _build_photo(world, index)
    return photo


@dataclass(frozen=True)
class _FirstDraws:
    """What the start of a photo's random stream decides, its state included, so that
    `_photo_state` can stop there instead of building the whole photo."""

    date_upload: int
    license: int
    granularity: int
    taken_unknown: bool
    taken_timestamp: int
    location: Location | None
    is_video: bool
    can_download: bool
    width: int
    height: int
    state: str


def _photo_state(world: SandboxWorld, index: int) -> str:
    """The generated photo's state ("public", "private" or "deleted"), cheaply."""
    cached = world._photo_cache.get(index)
    if cached is not None:
        return cached.state
    role = ROLE_BY_INDEX.get(index)
    if role is not None or index < len(FEATURED) + 17:
        return role if role in {"deleted", "private"} else "public"
    rng = random.Random(f"{world.seed}/photo/{index}")
    return _first_draws(world, rng, index, role).state


def _build_photo(world: SandboxWorld, index: int) -> Photo:
    rng = random.Random(f"{world.seed}/photo/{index}")
    role = ROLE_BY_INDEX.get(index)
    owner = world.owner_of(index)
    first = _first_draws(world, rng, index, role)
    original_format = {"png_original": "png", "gif_original": "gif"}.get(role or "", "jpg")
    return Photo(
        index=index,
        id=world.photo_id(index),
        owner=owner.nsid,
        secret=f"{rng.getrandbits(40):010x}",
        original_secret=f"{rng.getrandbits(40):010x}",
        server=str(rng.choice([65535, 4118, 5137, 7692])),
        title=_title_for(rng, index, role),
        description=_description_for(rng, role),
        license=first.license,
        safety_level={"safety_moderate": 1, "safety_restricted": 2}.get(
            role or "", 0 if role else rng.choices([0, 1, 2], weights=[92, 5, 3])[0]
        ),
        date_upload=first.date_upload,
        date_taken=_format_taken(first.taken_timestamp, first.granularity),
        taken_granularity=first.granularity,
        taken_unknown=first.taken_unknown,
        last_update=min(NOW, first.date_upload + rng.randrange(86_400 * 900)),
        views=rng.randint(0, 250_000),
        media="video" if first.is_video else "photo",
        original_format=original_format,
        can_download=first.can_download,
        width=first.width,
        height=first.height,
        location=first.location,
        tags=tuple(_generate_tags(world, index, owner)),
        comment_count=_comment_count(rng, role),
        fave_count=_fave_count(rng, role),
        note_count=3 if role == "notes" else (rng.randint(1, 3) if rng.random() < 0.04 else 0),
        people_count=2 if role == "people" else (rng.randint(1, 2) if rng.random() < 0.03 else 0),
        licence_change_count=2 if role == "licence_changed" else int(rng.random() < 0.05),
        exif_hidden=role == "exif_hidden" or (role is None and rng.random() < 0.1),
        state=first.state,
        video_duration=rng.randint(5, 120) if first.is_video else 0,
    )


def _first_draws(
    world: SandboxWorld, rng: random.Random, index: int, role: str | None
) -> _FirstDraws:
    step = max(60, (LAST_UPLOAD - FIRST_UPLOAD) // max(1, world.photo_count))
    date_upload = FIRST_UPLOAD + index * step + rng.randrange(max(1, step // 2))

    license_number = _licence_for(rng, index, role)
    random_granularity = rng.choices([0, 4, 6, 8], weights=[80, 8, 8, 4])[0]
    forced_granularity = {"granularity_month": 4, "granularity_year": 6, "granularity_circa": 8}
    granularity = forced_granularity.get(role or "", 0) if role else random_granularity
    taken_unknown = role == "date_unknown" or (role is None and rng.random() < 0.05)
    taken_ts = date_upload if taken_unknown else date_upload - rng.randrange(86_400 * 365 * 80)

    has_location = role in {"location", "location_accuracy_zero"} or (
        role is None and rng.random() < 0.35
    )
    location = None
    if has_location:
        place = rng.choice(PLACES)
        accuracy = 0 if role == "location_accuracy_zero" else rng.choice([11, 14, 16])
        if role is None and rng.random() < 0.15:
            accuracy = 0
        location = Location(
            round(rng.uniform(-60, 70), 6), round(rng.uniform(-170, 170), 6), accuracy, *place
        )

    is_video = role == "video" or (role is None and rng.random() < 0.03)
    can_download = role != "downloads_disabled" and (role is not None or rng.random() > 0.15)
    longest = rng.choice([500, 640, 800, 1024, 1024, 1200, 1600])
    ratio = rng.choice([(4, 3), (3, 2), (3, 4), (1, 1)])
    if ratio[0] >= ratio[1]:
        width, height = longest, longest * ratio[1] // ratio[0]
    else:
        width, height = longest * ratio[0] // ratio[1], longest

    state = "public"
    if role in {"deleted", "private"}:
        state = role
    elif role is None and index >= len(FEATURED) + 17:
        draw = rng.random()
        state = "deleted" if draw < 0.01 else "private" if draw < 0.02 else "public"
    return _FirstDraws(
        date_upload=date_upload,
        license=license_number,
        granularity=granularity,
        taken_unknown=taken_unknown,
        taken_timestamp=taken_ts,
        location=location,
        is_video=is_video,
        can_download=can_download,
        width=width,
        height=height,
        state=state,
    )


def _licence_for(rng: random.Random, index: int, role: str | None) -> int:
    if index < len(LICENCES_BY_FLICKR_NUMBER):
        return index
    if role == "unknown_licence":
        return UNKNOWN_LICENCE_NUMBERS[0]
    if role == "unknown_licence_2":
        return UNKNOWN_LICENCE_NUMBERS[1]
    weights = [20, 3, 3, 3, 8, 8, 3, 20, 4, 5, 8, 6, 4, 2, 2, 2, 2]
    return rng.choices(range(len(weights)), weights=weights)[0]


def _format_taken(timestamp: int, granularity: int) -> str:
    moment = time.gmtime(max(timestamp, -2_208_988_800))  # no earlier than 1900
    if granularity == 4:
        return time.strftime("%Y-%m-01 00:00:00", moment)
    if granularity in (6, 8):
        return time.strftime("%Y-01-01 00:00:00", moment)
    return time.strftime("%Y-%m-%d %H:%M:%S", moment)


def _title_for(rng: random.Random, index: int, role: str | None) -> str:
    if role == "empty_title" or (role is None and rng.random() < 0.08):
        return ""
    if rng.random() < 0.2:
        return f"IMG_{1000 + index}"
    return f"The {rng.choice(WORDS)} by the {rng.choice(WORDS)}"


def _description_for(rng: random.Random, role: str | None) -> str:
    if role == "empty_description" or (role is None and rng.random() < 0.3):
        return ""
    if role == "html_description" or (role is None and rng.random() < 0.2):
        return (
            f"From the <b>{rng.choice(WORDS)}</b> collection. "
            '<a href="https://example.org/catalogue" rel="noreferrer nofollow">Catalogue entry</a>'
            "\n\nNo known restrictions & free to share."
        )
    return f"A {rng.choice(WORDS)} seen from the {rng.choice(WORDS)}.\nScanned in 2019."


def _comment_count(rng: random.Random, role: str | None) -> int:
    if role == "many_comments":
        return MANY_COMMENTS
    if role == "quiet" or rng.random() < 0.55:
        return 0
    return rng.randint(1, 12)


def _fave_count(rng: random.Random, role: str | None) -> int:
    if role == "many_faves":
        return MANY_FAVES
    if role == "some_faves":
        return SOME_FAVES
    draw = rng.random()
    if role == "quiet" or draw < 0.5:
        return 0
    if draw < 0.97:
        return rng.randint(1, 30)
    return rng.randint(51, 90)
