"""The public page "Where did this photo go?": paste any Flickr photo URL or id."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from flickr.urls import UnrecognisedUrl, parse_photo_reference
from lifeboats.index import entry_as_dict, flickr_page, index_entries, thumbnail_of, title_of
from lifeboats.models import PhotoState

MAX_QUERY_LENGTH = 2000


@login_not_required
@require_GET
def photo_lookup(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context: dict = {"query": query}
    if query:
        try:
            photo_id = parse_photo_reference(query)
        except UnrecognisedUrl as error:
            context["error"] = str(error)
        else:
            context.update(lookup_context(photo_id))
    return render(request, "lifeboats/lookup.html", context)


def lookup_context(photo_id: str) -> dict:
    """What the page shows of one photo: its lifeboats, a thumbnail, a title, a Flickr link."""
    entries = list(index_entries(photo_id))
    results = [{**entry_as_dict(entry), "flickr_page": flickr_page(entry)} for entry in entries]
    included = sum(result["state"] == PhotoState.INCLUDED for result in results)
    return {
        "photo_id": photo_id,
        "results": results,
        "included_count": included,
        "other_count": len(results) - included,
        "thumbnail": thumbnail_of(entries),
        "title": title_of(entries),
        "flickr_page": next((r["flickr_page"] for r in results if r["flickr_page"]), None),
    }
