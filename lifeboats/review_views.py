"""The foundation's review queue: submitted lifeboat requests, and the decision on each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from legal.consent import consent_summary
from legal.markdown import render_markdown
from lifeboats import services, summaries
from lifeboats.access import get_lifeboat_for
from lifeboats.models import Lifeboat
from portal.errors import NotFound, PortalError
from portal.models import User

THUMBNAIL_STRIP = 24
README_QUESTIONS = [
    ("purpose", "Purpose: why this lifeboat exists"),
    ("readme_selection", "Why these photos"),
    ("readme_future", "What future readers should know"),
    ("readme_usage", "How the photos may and may not be used"),
]


def _forbidden_unless_admin(request: HttpRequest) -> HttpResponse | None:
    if cast(User, request.user).is_foundation_admin:
        return None
    return render(
        request,
        "portal/forbidden.html",
        {"reason": "Only foundation admins review lifeboat requests."},
        status=403,
    )


def _lifeboat_or_404(request: HttpRequest, pk: Any) -> Lifeboat:
    try:
        return get_lifeboat_for(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Every submitted request, oldest first, with its licence mix."""
    if refusal := _forbidden_unless_admin(request):
        return refusal
    lifeboats = list(
        Lifeboat.objects.awaiting_review().select_related("organisation", "created_by")
    )
    rows = []
    for lifeboat in lifeboats:
        mix = summaries.licence_mix(lifeboat)
        rows.append(
            {
                "lifeboat": lifeboat,
                "licences": mix,
                "unknown_licences": summaries.unknown_licence_count(mix),
                "counts": summaries.photo_counts(lifeboat),
            }
        )
    return render(request, "lifeboats/review_queue.html", {"rows": rows, "count": len(rows)})


@require_GET
def review(request: HttpRequest, pk: Any) -> HttpResponse:
    """One request: its README, its selection, its history, and the three decisions."""
    if refusal := _forbidden_unless_admin(request):
        return refusal
    lifeboat = _lifeboat_or_404(request, pk)
    mix = summaries.licence_mix(lifeboat)
    answers = [
        # render_markdown sanitises with nh3: what it returns is safe to place as-is.
        {"label": label, "html": mark_safe(render_markdown(getattr(lifeboat, field)))}
        for field, label in README_QUESTIONS
    ]
    photos = list(lifeboat.photos.order_by("position")[:THUMBNAIL_STRIP])
    return render(
        request,
        "lifeboats/review_detail.html",
        {
            "lifeboat": lifeboat,
            "answers": answers,
            "licences": mix,
            "unknown_licences": summaries.unknown_licence_count(mix),
            "counts": summaries.photo_counts(lifeboat),
            "consent": consent_summary(lifeboat),
            "photos": [_thumbnail(photo.listing, photo.photo_id) for photo in photos],
            "more_photos": max(0, lifeboat.photos_total - len(photos)),
            "events": lifeboat.events.select_related("actor"),
            "preflight": lifeboat.preflight or {},
            "is_open": lifeboat.status == "submitted",
        },
    )


def _thumbnail(listing: dict, photo_id: str) -> dict[str, Any]:
    thumbnail = listing.get("thumbnail") or {}
    return {
        "id": photo_id,
        "title": listing.get("title") or "Untitled",
        "src": thumbnail.get("url", ""),
        "width": thumbnail.get("width"),
        "height": thumbnail.get("height"),
    }


def _decide(
    request: HttpRequest,
    pk: Any,
    action: Callable[..., Lifeboat],
    *,
    success: str,
    **fields: str,
) -> HttpResponse:
    if refusal := _forbidden_unless_admin(request):
        return refusal
    lifeboat = _lifeboat_or_404(request, pk)
    try:
        action(lifeboat, by=request.user, **fields)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("lifeboats:review", pk=lifeboat.pk)
    messages.success(request, success.format(lifeboat=lifeboat))
    return redirect("lifeboats:review_queue")


@require_POST
def review_approve(request: HttpRequest, pk: Any) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.lifeboat_approve,
        note=request.POST.get("note", ""),
        success="Approved “{lifeboat.name}”: its build is queued and the requester was told.",
    )


@require_POST
def review_return(request: HttpRequest, pk: Any) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.lifeboat_return,
        note=request.POST.get("note", ""),
        success="Returned “{lifeboat.name}” to the requester with your note.",
    )


@require_POST
def review_reject(request: HttpRequest, pk: Any) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.lifeboat_reject,
        reason=request.POST.get("reason", ""),
        success="Rejected “{lifeboat.name}”; the requester was told the reason.",
    )
