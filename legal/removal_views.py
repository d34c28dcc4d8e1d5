"""Foundation admins decide removal requests: one page listing them, one POST per decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from legal import removals
from legal.models import RemovalRequest
from lifeboats import index
from portal.errors import PortalError

RECENT_DECISIONS = 20
DECISIONS = {"grant": removals.removal_request_grant, "refuse": removals.removal_request_refuse}


@dataclass(frozen=True)
class RequestedPhoto:
    """One photo of a removal request, with where it is now."""

    photo_id: str
    title: str | None
    thumbnail: dict[str, Any] | None
    flickr_url: str
    lifeboats: list[dict[str, Any]]


def _forbidden(request: HttpRequest) -> HttpResponse | None:
    if getattr(request.user, "is_foundation_admin", False):
        return None
    return render(
        request,
        "portal/forbidden.html",
        {"reason": "Only foundation admins decide photographers' removal requests."},
        status=403,
    )


@require_GET
def removal_review(request: HttpRequest) -> HttpResponse:
    """The removal requests awaiting a decision, oldest first, and the latest decisions."""
    if denied := _forbidden(request):
        return denied
    pending = list(RemovalRequest.objects.awaiting_review().prefetch_related("photos"))
    return render(
        request,
        "legal/removal_review.html",
        {
            "pending": [(item, requested_photos(item)) for item in pending],
            "decided": list(RemovalRequest.objects.recently_decided()[:RECENT_DECISIONS]),
        },
    )


@require_POST
def removal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant or refuse one removal request, with a note for the photographer."""
    if denied := _forbidden(request):
        return denied
    removal = removals.get_removal_request_for(request.user, pk)
    decide = DECISIONS.get(request.POST.get("decision", ""))
    if decide is None:
        messages.error(request, "Choose “Grant” or “Refuse”. Nothing was changed.")
        return redirect("legal:removal_review")
    try:
        decide(removal, by=request.user, note=request.POST.get("note", ""))  # type: ignore[arg-type]
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Removal request {removal.pk} {removal.get_status_display().lower()}; "
            f"{removal.owner_nsid} has been told.",
        )
    return redirect("legal:removal_review")


def requested_photos(removal: RemovalRequest) -> list[RequestedPhoto]:
    photos = []
    for photo_id in removals.photo_ids_of(removal):
        entries = list(index.index_entries(photo_id))
        photos.append(
            RequestedPhoto(
                photo_id=photo_id,
                title=index.title_of(entries),
                thumbnail=index.thumbnail_of(entries),
                flickr_url=f"https://www.flickr.com/photos/{removal.owner_nsid}/{photo_id}/",
                lifeboats=[index.entry_as_dict(entry) for entry in entries],
            )
        )
    return photos
