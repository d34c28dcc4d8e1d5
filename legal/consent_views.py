"""The photographer's side of consent: their requests, and one page per request to answer
photo by photo. Anyone but the photographer who owns the photos gets a 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from legal.consent import (
    MESSAGE_MAX_LENGTH,
    consent_grant,
    consent_photo,
    consent_photos,
    consent_refuse,
    get_consent_item_for,
    get_consent_request_for,
    readme_answers,
    requests_for_photographer,
)
from legal.models import CONSENT_ACTIONABLE_LIFEBOAT_STATUSES, ConsentRequest, ConsentStatus
from portal.errors import PortalError
from portal.models import User

ANSWERS = {"grant": consent_grant, "refuse": consent_refuse}


@require_GET
def consent_request_list(request: HttpRequest) -> HttpResponse:
    """Every consent request about the signed-in photographer's photos, newest first."""
    user = cast(User, request.user)
    consent_requests = list(requests_for_photographer(user))
    return render(
        request,
        "legal/consent_request_list.html",
        {
            "consent_requests": consent_requests,
            "waiting": sum(1 for item in consent_requests if _waits_for_answer(item)),
            "has_flickr_account": bool(user.flickr_nsid),
            "actionable_statuses": CONSENT_ACTIONABLE_LIFEBOAT_STATUSES,
        },
    )


@require_GET
def consent_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The lifeboat that asks, what it is for, and each photo with a grant / refuse form."""
    consent_request = get_consent_request_for(request.user, pk)
    return render(request, "legal/consent_request_detail.html", _page_context(consent_request))


@require_POST
def consent_answer(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Grant or refuse one photo; with htmx, answer with the updated photo card only."""
    item = get_consent_item_for(request.user, pk, item_pk)
    answer = ANSWERS.get(request.POST.get("decision", ""))
    error = ""
    if answer is None:
        error = (
            f"Please choose “Yes, include it” or “No, leave it out”; "
            f"got {request.POST.get('decision')!r}."
        )
    else:
        try:
            answer(item, by=cast(User, request.user), message=request.POST.get("message", ""))
        except PortalError as exc:
            error = exc.message
    if getattr(request, "htmx", False):
        item.refresh_from_db()
        return render(
            request,
            "legal/consent_item_card.html",
            {
                "photo": consent_photo(item),
                "consent_request": item.request,
                "may_answer": _may_answer(item.request),
                "error": error,
                "message_max_length": MESSAGE_MAX_LENGTH,
            },
            status=400 if error and answer is None else 200,
        )
    if error:
        messages.error(request, error)
    else:
        verb = "included" if item.status == ConsentStatus.GRANTED else "left out"
        messages.success(request, f"Thank you: photo {item.photo_id} will be {verb}.")
    return redirect(f"{item.request.get_absolute_url()}#photo-{item.photo_id}")


def _waits_for_answer(consent_request: ConsentRequest) -> bool:
    """An open request with photos to answer (`pending` is annotated by the list's query)."""
    return _may_answer(consent_request) and bool(getattr(consent_request, "pending", 0))


def _may_answer(consent_request: ConsentRequest) -> bool:
    return (
        consent_request.is_open
        and consent_request.lifeboat.status in CONSENT_ACTIONABLE_LIFEBOAT_STATUSES
    )


def _page_context(consent_request: ConsentRequest) -> dict:
    photos = consent_photos(consent_request)
    counts = {status: 0 for status in ConsentStatus.values}
    for photo in photos:
        counts[photo.item.status] += 1
    lifeboat = consent_request.lifeboat
    return {
        "consent_request": consent_request,
        "lifeboat": lifeboat,
        "organisation": lifeboat.organisation,
        "purpose": lifeboat.purpose,
        "readme_answers": readme_answers(lifeboat),
        "photos": photos,
        "counts": counts,
        "total": len(photos),
        "may_answer": _may_answer(consent_request),
        "message_max_length": MESSAGE_MAX_LENGTH,
    }
