"""What launching a lifeboat from the catalogue puts in the wizard: a name and Flickr URLs.

Three sources: the visitor's hand-picked selection (each photo's URL), a search (the URLs of
the photos it finds, at most LIFEBOAT_MAX_PHOTOS) and a member (the photostream's URL, which
the wizard walks whole). The wizard then looks the photos up on Flickr as for pasted URLs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from commons import search
from commons.models import CommonsMember, CommonsPhoto
from flickr.preflight import duration_text
from flickr.walkers import estimated_owner_calls

# How the wizard names where its prefill came from: "Pre-filled from the Commons Explorer".
ORIGIN = "the Commons Explorer"

SELECTION = "selection"
SEARCH = "search"
MEMBER = "member"
SOURCES = (SELECTION, SEARCH, MEMBER)

NAME_LENGTH = 200  # NewLifeboatForm.name
# What `CommonsPhoto.flickr_url` reads.
URL_FIELDS = ("photo_id", "member__nsid", "member__path_alias")


class LaunchRefused(Exception):
    """Nothing to launch; `message` says why and what to do, `back_url` where to do it."""

    def __init__(self, message: str, *, back_url: str) -> None:
        super().__init__(message)
        self.message = message
        self.back_url = back_url


@dataclass(frozen=True)
class Launch:
    """A suggested lifeboat: its name, its URLs, notes for the wizard, the way back."""

    name: str
    urls: tuple[str, ...]
    back_url: str
    notes: tuple[str, ...] = ()


def back_url_for(source: str, *, query: str = "", member: str = "") -> str:
    """The catalogue page a launch from `source` starts on."""
    if source == SEARCH:
        return f"{reverse('commons:search')}?{urlencode({'q': query})}"
    if source == MEMBER and member:
        return reverse("commons:member", args=[member])
    if source == MEMBER:
        return reverse("commons:members")
    if source == SELECTION:
        return reverse("commons:selection")
    return reverse("commons:home")


def photos_in_order(photo_ids: Sequence[str], *, only: Sequence[str] = ()) -> list[CommonsPhoto]:
    """The catalogued photos among `photo_ids`, in that order, with their members (and only
    the fields `only` names, when given)."""
    photos = CommonsPhoto.objects.filter(photo_id__in=photo_ids).select_related("member")
    photos = photos.only(*only) if only else photos.defer("search_text", "search_vector")
    by_id = {photo.photo_id: photo for photo in photos}
    return [by_id[photo_id] for photo_id in photo_ids if photo_id in by_id]


def launch_from_selection(photo_ids: Sequence[str]) -> Launch:
    """Every hand-picked photo that is still in the catalogue, in the order picked."""
    back_url = back_url_for(SELECTION)
    photos = photos_in_order(photo_ids, only=URL_FIELDS)
    if not photos:
        raise LaunchRefused(
            "Your selection is empty: pick photos with the “Pick” button on search results "
            "and member pages, then launch a lifeboat from here.",
            back_url=back_url,
        )
    notes = []
    if gone := len(photo_ids) - len(photos):
        notes.append(
            f"Left out: {_photos(gone)} you picked, no longer in the catalogue (removed "
            "from Flickr since the last crawl)."
        )
    notes.extend(_lookup_notes(photos))
    return Launch(
        name="Hand-picked from the Commons Explorer",
        urls=tuple(photo.flickr_url for photo in photos),
        back_url=back_url,
        notes=tuple(notes),
    )


def launch_from_search(query: str) -> Launch:
    """The photos the search finds, at most LIFEBOAT_MAX_PHOTOS of them."""
    query = " ".join(query.split())
    back_url = back_url_for(SEARCH, query=query)
    if not query:
        raise LaunchRefused(
            "Search for some words first, then launch a lifeboat from the results.",
            back_url=back_url,
        )
    limit = settings.LIFEBOAT_MAX_PHOTOS
    results = search.find_photos(query, cap=limit)
    found = results.photos.select_related("member").only(*URL_FIELDS)
    photos = list(found[: limit + 1])
    if not photos:
        raise LaunchRefused(
            f"No photos in the catalogue match “{query}”, so there is nothing to launch. "
            "Try other words.",
            back_url=back_url,
        )
    notes = []
    if len(photos) > limit:
        photos = photos[:limit]
        notes.append(
            f"The search finds more than {limit:,} photos, the most one lifeboat can hold: "
            f"only the first {limit:,} (newest uploads first) are listed. Narrow the search "
            "to launch the rest."
        )
    notes.extend(_lookup_notes(photos))
    return Launch(
        name=_name(f"Search: {query}"),
        urls=tuple(photo.flickr_url for photo in photos),
        back_url=back_url,
        notes=tuple(notes),
    )


def launch_from_member(nsid: str) -> Launch:
    """The member's whole photostream, as one URL."""
    member = CommonsMember.objects.filter(nsid=nsid).first()
    if member is None:
        raise LaunchRefused(
            f"There is no member {nsid!r} in the catalogue. Choose a member from the list.",
            back_url=back_url_for(MEMBER),
        )
    limit = settings.LIFEBOAT_MAX_PHOTOS
    if member.photo_count > limit:
        raise LaunchRefused(
            f"{member} has {member.photo_count:,} photos, more than the {limit:,} one lifeboat "
            "can hold. Search for the photos you need, or pick them by hand, and launch from "
            "there.",
            back_url=member.get_absolute_url(),
        )
    return Launch(
        name=_name(f"{member.name}: photostream"),
        urls=(member.photostream_url,),
        back_url=member.get_absolute_url(),
    )


def _lookup_notes(photos: Sequence[CommonsPhoto]) -> list[str]:
    """What looking the photos up on Flickr will cost, when it takes a minute or more.

    The wizard reads single-photo URLs one call each, except where reading their member's
    photostream costs less (`flickr.walkers.PhotostreamBatches`), under the budget every
    build shares. The estimate follows the same rule, member by member.
    """
    calls = _lookup_calls(photos)
    rate = settings.FLICKR_RATE_LIMIT_PER_HOUR
    hours = calls / rate
    if hours * 60 < 1:
        return []
    return [
        f"The wizard looks up these {_photos(len(photos))} on Flickr before it can show them: "
        f"about {calls:,} call{'' if calls == 1 else 's'} (one per photo, or fewer where "
        f"reading a member's photostream costs less), {duration_text(hours)} at the "
        f"portal's budget of {rate:,} calls an hour."
    ]


def _lookup_calls(photos: Sequence[CommonsPhoto]) -> int:
    """About how many calls the wizard spends finding `photos`, from the members' sizes."""
    wanted = Counter(photo.member_id for photo in photos)
    members = CommonsMember.objects.filter(pk__in=wanted).values_list(
        "pk", "photo_count", "path_alias"
    )
    return sum(
        estimated_owner_calls(wanted[pk], photo_count, by_path_alias=bool(path_alias))
        for pk, photo_count, path_alias in members
    )


def _name(text: str) -> str:
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"


def _photos(count: int) -> str:
    return f"{count:,} photo{'' if count == 1 else 's'}"
