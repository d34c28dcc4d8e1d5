"""Removal requests (DESIGN 8): a photographer asks that photos of theirs leave the lifeboats.

`removal_request_create` is for the photographer only, and only for photos that are theirs and
already in a lifeboat the foundation approved: the owner is the one Flickr's listing gave the
index (`legal.ownership.photo_owners`), and it must be the NSID of the photographer's account,
which comes from "Log in with Flickr", never from a form. A photo of someone else is refused
(403) and nothing is saved.

A foundation admin decides with a note (`removal_request_grant`, `removal_request_refuse`).
Granting, in one transaction:

* marks the photos' index rows in every lifeboat that holds them `excluded`, reason `removed`,
  with `removed_at` (a build still running or not started leaves them out: the builder only
  fetches pending rows, and `exclusion_reason_for` honours `removed_at`);
* after commit, rebuilds the package of each `ready` lifeboat that nobody has downloaded yet
  (`lifeboats.rebuild`), without the photos;
* after commit, tells the members of each organisation that already downloaded an affected
  lifeboat which photos to take out of their copy (their package is not rebuilt: they have it);
* tells the photographer the decision (inbox, and email when they gave an address).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from flickr.urls import parse_photo_reference
from legal.inbox import notification_send
from legal.models import RemovalRequest, RemovalRequestPhoto, RemovalStatus
from legal.ownership import photo_owners
from portal.errors import Forbidden, InvalidTransition, PortalError
from portal.models import User

MAX_PHOTOS = 500
REASON_MAX_LENGTH = 5000

# The index's values (lifeboats.models PhotoState / ExclusionReason / LifeboatStatus).
PHOTO_EXCLUDED = "excluded"
PHOTO_PENDING = "pending"
REASON_REMOVED = "removed"
LIFEBOAT_READY = "ready"
LIFEBOAT_BUILDING = "building"
# Lifeboats the foundation approved (lifeboats.index.PUBLIC_STATUSES): removal is asked of these.
APPROVED_LIFEBOAT_STATUSES = ("approved", "building", "ready", "expired")

KIND_REQUESTED = "removal_requested"
KIND_DECIDED = "removal_decided"
KIND_DOWNLOADED_COPY = "removal_from_downloaded_copy"


def _lifeboat_photo_model() -> Any:
    return apps.get_model("lifeboats", "LifeboatPhoto")


def _lifeboat_model() -> Any:
    return apps.get_model("lifeboats", "Lifeboat")


# --- Reads ---------------------------------------------------------------------------------------


def removal_requests_of(user: Any) -> list[RemovalRequest]:
    """The photographer's removal requests, newest first, with their photos."""
    return list(RemovalRequest.objects.for_photographer(user).prefetch_related("photos"))


def get_removal_request_for(user: Any, pk: int) -> RemovalRequest:
    """A removal request for a foundation admin to decide, or 404 for everyone else."""
    if not getattr(user, "is_foundation_admin", False):
        return get_object_or_404(RemovalRequest.objects.none(), pk=pk)
    return get_object_or_404(RemovalRequest.objects.select_related("photographer"), pk=pk)


def photo_ids_of(request: RemovalRequest) -> list[str]:
    return [photo.photo_id for photo in request.photos.all()]


# --- Asking --------------------------------------------------------------------------------------


def removal_request_create(
    *, photographer: User, photo_ids: Iterable[str], reason: str
) -> RemovalRequest:
    """The photographer asks to remove photos of theirs (ids or links) from the lifeboats.

    Raises `Forbidden` for anyone but a photographer, or for photos owned by someone else, and
    `PortalError` for bad ids, photos in no lifeboat, or a missing reason; nothing is saved then.
    """
    nsid = _photographer_nsid(photographer)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise PortalError(
            "Please say why you want these photos removed; the foundation reads it before "
            "deciding. Nothing was sent."
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise PortalError(
            f"Your reason is {len(reason)} characters long; please keep it under "
            f"{REASON_MAX_LENGTH}. Nothing was sent."
        )
    ids = parse_photo_ids(photo_ids)
    _check_in_lifeboats(ids)
    _check_owned_by(nsid, ids)
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            photographer=photographer, owner_nsid=nsid, reason=reason
        )
        RemovalRequestPhoto.objects.bulk_create(
            RemovalRequestPhoto(request=request, photo_id=photo_id) for photo_id in ids
        )
        transaction.on_commit(partial(notify_admins_of_request, request.pk))
    return request


def parse_photo_ids(references: Iterable[str]) -> list[str]:
    """Photo ids from ids or links, in order, without repeats; every bad one named at once."""
    if isinstance(references, str):
        raise PortalError(
            f"List the photos as a list of ids or links, not one string: got {references!r}."
        )
    ids: list[str] = []
    problems: list[str] = []
    for reference in references:
        if not isinstance(reference, str | int) or not str(reference).strip():
            if reference not in ("", None):
                problems.append(f"{reference!r} is not a Flickr photo id or link.")
            continue
        try:
            photo_id = parse_photo_reference(str(reference))
        except ValueError as error:
            problems.append(str(error))
            continue
        if photo_id not in ids:
            ids.append(photo_id)
    if problems:
        raise PortalError(" ".join(problems) + " Nothing was sent.")
    if not ids:
        raise PortalError(
            "List at least one photo to remove: its Flickr photo id or its link, one a line."
        )
    if len(ids) > MAX_PHOTOS:
        raise PortalError(
            f"You listed {len(ids)} photos; one removal request takes at most {MAX_PHOTOS}. "
            "Split the list into several requests."
        )
    return ids


def _photographer_nsid(user: Any) -> str:
    nsid = getattr(user, "flickr_nsid", None)
    if not nsid or not getattr(user, "is_active", False):
        raise Forbidden(
            "Only photographers can ask for their photos to be removed: log in with your "
            "Flickr account first."
        )
    return nsid


def _check_in_lifeboats(photo_ids: list[str]) -> None:
    held = set(
        _lifeboat_photo_model()
        .objects.filter(photo_id__in=photo_ids, lifeboat__status__in=APPROVED_LIFEBOAT_STATUSES)
        .values_list("photo_id", flat=True)
    )
    missing = [photo_id for photo_id in photo_ids if photo_id not in held]
    if missing:
        raise PortalError(
            f"{_listing(missing)} {'is' if len(missing) == 1 else 'are'} in no lifeboat, so "
            "there is nothing to remove. To keep photos out of future lifeboats, opt them out "
            "instead. Nothing was sent."
        )


def _check_owned_by(nsid: str, photo_ids: list[str]) -> None:
    owners = photo_owners(photo_ids)
    not_yours = [photo_id for photo_id in photo_ids if owners.get(photo_id, set()) != {nsid}]
    if not_yours:
        raise Forbidden(
            f"{_listing(not_yours)} {'belongs' if len(not_yours) == 1 else 'belong'} to "
            f"another Flickr member, not to you ({nsid}); you can only ask to remove your own "
            "photos. Nothing was sent."
        )


# --- Deciding ------------------------------------------------------------------------------------


def removal_request_grant(request: RemovalRequest, *, by: User, note: str) -> RemovalRequest:
    """A foundation admin grants the request: the photos leave every lifeboat (module notes)."""
    return _decide(request, status=RemovalStatus.GRANTED, by=by, note=note)


def removal_request_refuse(request: RemovalRequest, *, by: User, note: str) -> RemovalRequest:
    """A foundation admin refuses the request, saying why; the lifeboats do not change."""
    return _decide(request, status=RemovalStatus.REFUSED, by=by, note=note)


def _decide(request: RemovalRequest, *, status: str, by: User, note: str) -> RemovalRequest:
    if not getattr(by, "is_foundation_admin", False):
        raise Forbidden("Only foundation admins can decide removal requests.")
    note = (note or "").strip() if isinstance(note, str) else ""
    if not note:
        raise PortalError(
            "Please write a note for the photographer saying why you decide so; it is sent to "
            "them. Nothing was changed."
        )
    now = timezone.now()
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RemovalStatus.PENDING:
            raise InvalidTransition(
                f"This removal request was already {locked.get_status_display().lower()} on "
                f"{locked.decided_at:%d %B %Y}; nothing was changed."
            )
        locked.status, locked.decided_at, locked.decided_by = status, now, by
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        if status == RemovalStatus.GRANTED:
            affected = remove_photos_from_lifeboats(photo_ids_of(locked), at=now)
            _after_commit_for_lifeboats(locked.pk, affected)
        transaction.on_commit(partial(notify_photographer_of_decision, locked.pk))
    request.status, request.decided_at, request.decided_by = status, now, by
    request.decision_note = note
    return request


def remove_photos_from_lifeboats(photo_ids: list[str], *, at: Any) -> list[Any]:
    """Mark the photos' index rows `excluded`/`removed` in every lifeboat; return the ids of
    the lifeboats that held them. Call inside a transaction."""
    rows = _lifeboat_photo_model().objects.filter(photo_id__in=photo_ids)
    lifeboat_ids = sorted(set(rows.values_list("lifeboat_id", flat=True)), key=str)
    pending_by_lifeboat: dict[Any, int] = defaultdict(int)
    for lifeboat_id in rows.filter(state=PHOTO_PENDING).values_list("lifeboat_id", flat=True):
        pending_by_lifeboat[lifeboat_id] += 1
    rows.filter(removed_at__isnull=True).update(removed_at=at)
    rows.update(state=PHOTO_EXCLUDED, reason=REASON_REMOVED, decided_at=at, claimed_at=None)
    # A running build counts every decided photo as done; these were decided here.
    lifeboat_model = _lifeboat_model()
    for lifeboat_id, count in pending_by_lifeboat.items():
        lifeboat_model.objects.filter(pk=lifeboat_id, status=LIFEBOAT_BUILDING).update(
            photos_done=F("photos_done") + count
        )
    return lifeboat_ids


def _after_commit_for_lifeboats(request_id: int, lifeboat_ids: list[Any]) -> None:
    """Rebuild ready packages nobody downloaded; tell organisations that downloaded theirs."""
    from lifeboats.rebuild import enqueue_rebuild

    downloaded = set(
        _lifeboat_model()
        .objects.filter(pk__in=lifeboat_ids, downloads__isnull=False)
        .values_list("pk", flat=True)
    )
    to_rebuild = _lifeboat_model().objects.filter(pk__in=lifeboat_ids, status=LIFEBOAT_READY)
    for lifeboat_id in to_rebuild.exclude(pk__in=downloaded).values_list("pk", flat=True):
        transaction.on_commit(partial(enqueue_rebuild, lifeboat_id))
    for lifeboat_id in sorted(downloaded, key=str):
        transaction.on_commit(partial(notify_holders_of_removal, request_id, lifeboat_id))


# --- Notifications -------------------------------------------------------------------------------


def notify_admins_of_request(request_id: int) -> int:
    """Ask every foundation admin to decide a new removal request. Returns how many were told."""
    request = RemovalRequest.objects.select_related("photographer").get(pk=request_id)
    context = _context(request)
    sent = 0
    for admin in User.objects.foundation_admins().order_by("pk"):
        notification_send(
            recipient=admin,
            kind=KIND_REQUESTED,
            subject=render_to_string("legal/email/removal_requested_subject.txt", context),
            body=render_to_string("legal/email/removal_requested.txt", context).strip(),
            url=reverse("legal:removal_review"),
        )
        sent += 1
    return sent


def notify_photographer_of_decision(request_id: int) -> None:
    request = RemovalRequest.objects.select_related("photographer").get(pk=request_id)
    context = _context(request)
    notification_send(
        recipient=request.photographer,
        kind=KIND_DECIDED,
        subject=render_to_string("legal/email/removal_decided_subject.txt", context),
        body=render_to_string("legal/email/removal_decided.txt", context).strip(),
        url=reverse("legal:photographer") + "#removal-requests",
    )


def notify_holders_of_removal(request_id: int, lifeboat_id: Any) -> int:
    """Tell the members of the organisation that downloaded the lifeboat which photos to take
    out of their copy. Returns how many people were told."""
    request = RemovalRequest.objects.get(pk=request_id)
    lifeboat = _lifeboat_model().objects.select_related("organisation").get(pk=lifeboat_id)
    requested = photo_ids_of(request)
    in_lifeboat = list(
        lifeboat.photos.filter(photo_id__in=requested)
        .order_by("position", "pk")
        .values_list("photo_id", flat=True)
    )
    context = {
        **_context(request),
        "lifeboat": lifeboat,
        "organisation": lifeboat.organisation,
        "photo_ids": in_lifeboat,
        "lifeboat_url": f"{settings.SITE_URL}{lifeboat.get_absolute_url()}",
    }
    members = User.objects.filter(
        memberships__organisation=lifeboat.organisation, is_active=True
    ).distinct()
    sent = 0
    for member in members.order_by("pk"):
        notification_send(
            recipient=member,
            kind=KIND_DOWNLOADED_COPY,
            subject=render_to_string("legal/email/removal_downloaded_copy_subject.txt", context),
            body=render_to_string("legal/email/removal_downloaded_copy.txt", context).strip(),
            url=lifeboat.get_absolute_url(),
        )
        sent += 1
    return sent


def _context(request: RemovalRequest) -> dict[str, Any]:
    return {
        "removal": request,
        "photo_ids": photo_ids_of(request),
        "SITE_URL": settings.SITE_URL,
        "review_url": f"{settings.SITE_URL}{reverse('legal:removal_review')}",
        "photographer_url": f"{settings.SITE_URL}{reverse('legal:photographer')}",
    }


def _listing(photo_ids: list[str]) -> str:
    shown = ", ".join(repr(photo_id) for photo_id in photo_ids[:10])
    more = f" and {len(photo_ids) - 10} more" if len(photo_ids) > 10 else ""
    return f"{'Photo' if len(photo_ids) == 1 else 'Photos'} {shown}{more}"
