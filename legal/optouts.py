"""The opt-out registry (DESIGN 8): photographers keep all their photos, or listed ones, out.

Writes: `optout_add` and `optout_withdraw`, by the photographer only. Reads for the rest of the
portal: `photo_is_opted_out` for one photo and `opted_out_photo_ids` for many at once (one
query); the request preview flags what they return, and the builder excludes those photos with
the reason `opted_out` when it reaches them, so an opt-out added after a request was submitted
still keeps the photo out.

Ownership. A photographer is the Flickr member whose NSID is their account's `flickr_nsid` (it
comes from "Log in with Flickr", never from a form). They may opt out only photos they own:

* "all my photos" covers every photo whose owner is their NSID, so it cannot reach anyone
  else's photos;
* for listed photos, the owner is taken from the index when the photo is in any lifeboat
  (`lifeboats.index.owners_of`: the owner Flickr's listing gave), and otherwise asked of Flickr
  (`photos.getInfo`, one call per photo, on the shared budget). A photo owned by someone else,
  or unknown to Flickr, is refused and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from flickr.client import FlickrClient
from flickr.urls import parse_photo_reference
from legal.models import OptOut, OptOutPhoto, OptOutScope
from legal.ownership import photo_owners
from portal.errors import Forbidden, InvalidTransition, PortalError
from portal.models import User

MAX_LISTED_PHOTOS = 500


# --- Reads ---------------------------------------------------------------------------------------


def photo_is_opted_out(*, photo_id: str, owner_nsid: str) -> bool:
    """True when an active opt-out of the photo's owner covers it (all photos, or listing it)."""
    return OptOut.objects.covers(photo_id, owner_nsid).exists()


def opted_out_photo_ids(pairs: Iterable[tuple[str, str]]) -> set[str]:
    """The photo ids, among `(photo_id, owner_nsid)` pairs, that their owners opted out.

    One query whatever the number of pairs, for example
    `opted_out_photo_ids(lifeboat.photos.values_list("photo_id", "owner_nsid"))`.
    """
    pairs = [(str(photo_id), owner_nsid) for photo_id, owner_nsid in pairs if owner_nsid]
    if not pairs:
        return set()
    owners = {owner for _, owner in pairs}
    photo_ids = {photo_id for photo_id, _ in pairs}
    rows = (
        OptOut.objects.active()
        .filter(photographer_nsid__in=owners)
        .filter(Q(scope=OptOutScope.ALL) | Q(photos__photo_id__in=photo_ids))
        .values_list("photographer_nsid", "scope", "photos__photo_id")
    )
    everything_of: set[str] = set()
    listed: set[tuple[str, str]] = set()
    for nsid, scope, photo_id in rows:
        if scope == OptOutScope.ALL:
            everything_of.add(nsid)
        else:
            listed.add((photo_id, nsid))
    return {
        photo_id
        for photo_id, owner in pairs
        if owner in everything_of or (photo_id, owner) in listed
    }


def opt_outs_of(user: Any) -> list[OptOut]:
    """The user's opt-outs, active first then newest first, with their photos."""
    nsid = getattr(user, "flickr_nsid", None)
    if not nsid:
        return []
    return list(
        OptOut.objects.of_photographer(nsid)
        .prefetch_related("photos")
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def get_optout_for(user: Any, pk: int) -> OptOut:
    """One of the user's own opt-outs, or 404 (for everyone else, admins included)."""
    nsid = getattr(user, "flickr_nsid", None)
    if not nsid or not user.is_active:
        return get_object_or_404(OptOut.objects.none(), pk=pk)
    return get_object_or_404(OptOut.objects.of_photographer(nsid), pk=pk)


# --- Writes --------------------------------------------------------------------------------------


def optout_add(
    *,
    photographer: User,
    scope: str,
    photo_ids: Iterable[str] = (),
    flickr: FlickrClient | None = None,
) -> OptOut:
    """Opt out all the photographer's photos, or the listed ones (ids or Flickr photo links).

    `flickr` answers who owns listed photos that no lifeboat holds yet; by default the
    portal's client on the shared budget. It is called before the transaction opens.
    """
    nsid = _photographer_nsid(photographer)
    if scope == OptOutScope.ALL:
        if list(photo_ids):
            raise PortalError(
                "An opt-out of all your photos lists no photos; choose “listed photos” to name "
                "some. Nothing was changed."
            )
        return _add_all(nsid, photographer)
    if scope == OptOutScope.LISTED:
        ids = _parse_photo_ids(photo_ids)
        _check_ownership(nsid, ids, flickr)
        return _add_listed(nsid, photographer, ids)
    raise PortalError(
        f"Opt out either {OptOutScope.ALL.value!r} (all your photos) or "
        f"{OptOutScope.LISTED.value!r} (the photos you list), not {scope!r}."
    )


def optout_withdraw(optout: OptOut, *, by: User) -> OptOut:
    """The photographer takes an opt-out back: later builds may include those photos again."""
    nsid = _photographer_nsid(by)
    with transaction.atomic():
        locked = OptOut.objects.select_for_update().get(pk=optout.pk)
        if locked.photographer_nsid != nsid:
            raise Forbidden(
                "This opt-out belongs to another Flickr member; you can only withdraw your own. "
                "Nothing was changed."
            )
        if locked.withdrawn_at is not None:
            raise InvalidTransition(
                f"This opt-out was already withdrawn on {locked.withdrawn_at:%d %B %Y}. "
                "Nothing was changed."
            )
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = by
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    optout.withdrawn_at, optout.withdrawn_by = locked.withdrawn_at, locked.withdrawn_by
    return optout


def _photographer_nsid(user: Any) -> str:
    nsid = getattr(user, "flickr_nsid", None)
    if not nsid or not user.is_active:
        raise Forbidden(
            "Only photographers can opt out photos: log in with your Flickr account first."
        )
    return nsid


def _add_all(nsid: str, by: User) -> OptOut:
    try:
        with transaction.atomic():
            return OptOut.objects.create(
                photographer_nsid=nsid, scope=OptOutScope.ALL, created_by=by
            )
    except IntegrityError:
        raise InvalidTransition(
            "You have already opted out all your photos; nothing was changed."
        ) from None


def _add_listed(nsid: str, by: User, photo_ids: list[str]) -> OptOut:
    with transaction.atomic():
        active = OptOut.objects.of_photographer(nsid).active()
        if active.filter(scope=OptOutScope.ALL).exists():
            raise InvalidTransition(
                "All your photos are already opted out, these included; nothing was changed."
            )
        already = set(
            OptOutPhoto.objects.filter(opt_out__in=active, photo_id__in=photo_ids).values_list(
                "photo_id", flat=True
            )
        )
        new_ids = [photo_id for photo_id in photo_ids if photo_id not in already]
        if not new_ids:
            raise InvalidTransition(
                f"{_listing(photo_ids)} {'is' if len(photo_ids) == 1 else 'are'} already opted "
                "out; nothing was changed."
            )
        optout = OptOut.objects.create(
            photographer_nsid=nsid, scope=OptOutScope.LISTED, created_by=by
        )
        OptOutPhoto.objects.bulk_create(
            OptOutPhoto(opt_out=optout, photo_id=photo_id) for photo_id in new_ids
        )
    return optout


def _parse_photo_ids(references: Iterable[str]) -> list[str]:
    """Photo ids from ids or links, in order, without repeats; every bad one named at once."""
    ids: list[str] = []
    problems: list[str] = []
    for reference in references:
        if not str(reference).strip():
            continue
        try:
            photo_id = parse_photo_reference(str(reference))
        except ValueError as error:
            problems.append(str(error))
            continue
        if photo_id not in ids:
            ids.append(photo_id)
    if problems:
        raise PortalError(" ".join(problems) + " Nothing was changed.")
    if not ids:
        raise PortalError(
            "List at least one photo to opt out: its Flickr photo id or its link, one a line."
        )
    if len(ids) > MAX_LISTED_PHOTOS:
        raise PortalError(
            f"You listed {len(ids)} photos; one opt-out takes at most {MAX_LISTED_PHOTOS}. "
            "Split the list, or opt out all your photos instead."
        )
    return ids


def _check_ownership(nsid: str, photo_ids: list[str], flickr: FlickrClient | None) -> None:
    """Refuse, naming them, photos owned by someone else or unknown to Flickr."""
    owners = photo_owners(photo_ids, flickr=flickr)
    not_found = [photo_id for photo_id in photo_ids if not owners.get(photo_id)]
    not_yours = [photo_id for photo_id in photo_ids if owners.get(photo_id, {nsid}) - {nsid}]
    if not_yours:
        raise Forbidden(
            f"{_listing(not_yours)} {'belongs' if len(not_yours) == 1 else 'belong'} to "
            f"another Flickr member, not to you ({nsid}); you can only opt out your own photos. "
            "Nothing was changed."
        )
    if not_found:
        raise PortalError(
            f"Flickr has no public photo {_listing(not_found, with_word=False)}: check the "
            "ids (private photos never go into lifeboats). Nothing was changed."
        )


def _listing(photo_ids: list[str], *, with_word: bool = True) -> str:
    shown = ", ".join(repr(photo_id) for photo_id in photo_ids[:10])
    more = f" and {len(photo_ids) - 10} more" if len(photo_ids) > 10 else ""
    word = ("Photo " if len(photo_ids) == 1 else "Photos ") if with_word else ""
    return f"{word}{shown}{more}"
