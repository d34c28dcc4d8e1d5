"""The preflight summary: what a selection holds and what building it will cost.

Pure: it reads `ListedPhoto`s from the collection walkers and counts. The API-call
estimate is the floor of DESIGN 9, the fewest calls that fetch every photo with its full
social metadata:

    listing pages already spent
  + 1 licence table (flickr.photos.licenses.getInfo, once per build)
  + per photo 5: photos.getInfo, photos.getAllContexts, galleries.getListForPhoto,
                 photos.licenses.getLicenseHistory, photos.getExif
  + 1 photos.comments.getList       when the photo has comments
  + ceil(faves / 50) photos.getFavorites pages
  + 1 photos.people.getList         when photos.getInfo says the photo has people
  + 1 photos.getSizes               when the listing did not give the `url_*` sizes

A count the listing did not give (a single-photo URL is read with photos.getInfo, which has
no fave count) costs one call: the builder has to ask once to find out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flickr.licenses import is_unknown
from flickr.walkers import ListedPhoto

LICENCE_TABLE_CALLS = 1
CALLS_PER_PHOTO = 5
FAVES_PER_PAGE = 50

PEOPLE_NOTE = (
    "Whether a photo has people tagged is only known from photos.getInfo, during the build: "
    "the estimate assumes none, and each photo with people costs one more call."
)


@dataclass(frozen=True)
class CallEstimate:
    listing: int
    licences: int
    per_photo: int
    comments: int
    favourites: int
    people: int
    sizes: int

    @property
    def total(self) -> int:
        return (
            self.listing
            + self.licences
            + self.per_photo
            + self.comments
            + self.favourites
            + self.people
            + self.sizes
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "listing": self.listing,
            "licences": self.licences,
            "per_photo": self.per_photo,
            "comments": self.comments,
            "favourites": self.favourites,
            "people": self.people,
            "sizes": self.sizes,
            "total": self.total,
        }


@dataclass(frozen=True)
class PreflightSummary:
    photos: int
    owners: int
    by_licence: dict[str, int]
    by_visibility: dict[str, int]
    by_safety_level: dict[str, int]
    by_media: dict[str, int]
    downloads_disabled: int
    unknown_licences: dict[str, int]
    calls: CallEstimate
    rate_per_hour: int
    notes: tuple[str, ...]

    @property
    def hours(self) -> float:
        """Hours the API calls take at the key's budget, if the build has it to itself."""
        return self.calls.total / self.rate_per_hour

    def to_dict(self) -> dict[str, Any]:
        return {
            "photos": self.photos,
            "owners": self.owners,
            "by_licence": dict(self.by_licence),
            "by_visibility": dict(self.by_visibility),
            "by_safety_level": dict(self.by_safety_level),
            "by_media": dict(self.by_media),
            "downloads_disabled": self.downloads_disabled,
            "unknown_licences": dict(self.unknown_licences),
            "api_calls": self.calls.to_dict(),
            "rate_per_hour": self.rate_per_hour,
            "hours": round(self.hours, 2),
            "notes": list(self.notes),
        }


def comment_calls(photo: ListedPhoto) -> int:
    return 0 if photo.count_comments == 0 else 1


def favourite_calls(photo: ListedPhoto) -> int:
    if photo.count_faves is None:
        return 1
    return math.ceil(photo.count_faves / FAVES_PER_PAGE)


def size_calls(photo: ListedPhoto) -> int:
    return 0 if photo.has_all_sizes else 1


def sorted_counts(counter: Counter[str]) -> dict[str, int]:
    """Largest first, then by name, so the summary reads the same every time."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def summarise(
    photos: Iterable[ListedPhoto], *, rate_per_hour: int, listing_calls: int = 0
) -> PreflightSummary:
    """Count a selection and estimate the API calls and hours needed to build it.

    `listing_calls` is what resolving the selection already spent (`Selection.listing_calls`).
    """
    if not isinstance(rate_per_hour, int) or rate_per_hour <= 0:
        raise ValueError(
            f"rate_per_hour must be a positive whole number of calls, got {rate_per_hour!r}; "
            "check the FLICKR_RATE_LIMIT_PER_HOUR setting"
        )
    if listing_calls < 0:
        raise ValueError(f"listing_calls cannot be negative, got {listing_calls!r}")
    by_licence: Counter[str] = Counter()
    by_visibility: Counter[str] = Counter()
    by_safety_level: Counter[str] = Counter()
    by_media: Counter[str] = Counter()
    owners: set[str] = set()
    count = downloads_disabled = comments = favourites = sizes = 0
    for photo in photos:
        count += 1
        owners.add(photo.owner_nsid)
        by_licence[photo.licence_id] += 1
        by_visibility[photo.visibility] += 1
        by_safety_level[photo.safety_level or "unknown"] += 1
        by_media[photo.media] += 1
        downloads_disabled += photo.downloads_disabled
        comments += comment_calls(photo)
        favourites += favourite_calls(photo)
        sizes += size_calls(photo)
    calls = CallEstimate(
        listing=listing_calls,
        licences=LICENCE_TABLE_CALLS if count else 0,
        per_photo=CALLS_PER_PHOTO * count,
        comments=comments,
        favourites=favourites,
        people=0,
        sizes=sizes,
    )
    return PreflightSummary(
        photos=count,
        owners=len(owners),
        by_licence=sorted_counts(by_licence),
        by_visibility=sorted_counts(by_visibility),
        by_safety_level=sorted_counts(by_safety_level),
        by_media=sorted_counts(by_media),
        downloads_disabled=downloads_disabled,
        unknown_licences={
            lic: n for lic, n in sorted_counts(by_licence).items() if is_unknown(lic)
        },
        calls=calls,
        rate_per_hour=rate_per_hour,
        notes=(PEOPLE_NOTE,),
    )


def duration_text(hours: float) -> str:
    """`0.2` → "about 12 minutes"; `3.46` → "about 3.5 hours"."""
    minutes = round(hours * 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        return f"about {hours:.1f} hours"
    return f"about {hours / 24:.1f} days"
