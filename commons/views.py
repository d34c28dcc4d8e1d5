"""The Commons Explorer pages: public, read from the local catalogue only.

None of these pages counts or sorts the whole photo table per request: totals come from the
last finished crawl's `stats` and the members' denormalised counts, lists walk the indexes
newest first a page at a time (`commons.paging`), and the random sample picks primary keys.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Max, Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from commons.charts import bars, cumulative_by_year, line_chart
from commons.models import CommonsComment, CommonsMember, CommonsPhoto
from commons.paging import keyset_page
from commons.search import MAX_QUERY_LENGTH, find_photos, snippet
from commons.stats import catalogue_state
from flickr.licenses import licence_label

RECENT_ON_HOME = 12
SAMPLE_SIZE = 12
SAMPLE_TRIES = 3
PHOTOS_PER_PAGE = 48
COMMENTS_PER_PAGE = 30
SEARCH_COUNT_CAP = 1000
TOP_MEMBERS = 10
MEMBER_SORTS = {
    "name": ("name", "pk"),
    "photos": ("-photo_count", "name"),
    "joined": ("date_launch", "name"),
}


def grid_photos(photos: QuerySet[CommonsPhoto]) -> QuerySet[CommonsPhoto]:
    """What the photo grid needs: each photo with its member, without the long text fields."""
    return photos.select_related("member").defer(
        "description", "search_text", "search_vector", "member__description"
    )


def page_context(**context: Any) -> dict[str, Any]:
    """What every Commons page has: where the catalogue stands (the selection's state comes
    from the `commons_selection` template tags)."""
    return {"catalogue": catalogue_state(), **context}


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    newest_first = CommonsPhoto.objects.order_by("-date_uploaded", "-pk")
    recent = list(grid_photos(newest_first)[:RECENT_ON_HOME])
    return render(
        request,
        "commons/home.html",
        page_context(
            recent=recent,
            sample=random_sample(SAMPLE_SIZE, besides={photo.pk for photo in recent}),
        ),
    )


def random_sample(
    size: int, *, besides: Collection[int] = (), rng: random.Random | None = None
) -> list[CommonsPhoto]:
    """Up to `size` photos picked at random, other than those whose pk is in `besides`.

    Primary keys are drawn within the table's range; gaps left by removed photos are made
    up for by drawing again, a few times at most, so a sample may fall short but never
    costs more than a few indexed lookups."""
    rng = rng or random.Random()
    bounds = CommonsPhoto.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    keys = range(bounds["low"], bounds["high"] + 1)
    if len(keys) <= len(besides):
        return []
    found: dict[int, CommonsPhoto] = {}
    for _ in range(SAMPLE_TRIES):
        wanted = size - len(found)
        drawn = set(rng.sample(keys, min(len(keys), 2 * wanted)))
        candidates = drawn - found.keys() - set(besides)
        for photo in grid_photos(CommonsPhoto.objects.filter(pk__in=candidates)):
            if len(found) < size:
                found[photo.pk] = photo
        if len(found) >= size:
            break
    photos = list(found.values())
    rng.shuffle(photos)
    return photos


@login_not_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "name")
    if sort not in MEMBER_SORTS:
        sort = "name"
    members = list(CommonsMember.objects.defer("description").order_by(*MEMBER_SORTS[sort]))
    joining = cumulative_by_year(
        (member.date_launch for member in members), until_year=timezone.now().year
    )
    chart = line_chart([str(row.year) for row in joining], [row.total for row in joining])
    return render(
        request,
        "commons/member_list.html",
        page_context(
            members=members,
            sort=sort,
            joining=joining,
            chart=chart,
            current_members=sum(member.is_current for member in members),
            photos_total=sum(member.photo_count for member in members),
        ),
    )


def find_member(name: str) -> CommonsMember | None:
    """The member whose Flickr URL name (path alias) or NSID is `name`."""
    return CommonsMember.objects.filter(Q(path_alias=name) | Q(nsid=name)).first()


@login_not_required
@require_GET
def member_detail(request: HttpRequest, name: str) -> HttpResponse:
    member = find_member(name)
    if member is None:
        return render(request, "commons/member_not_found.html", page_context(name=name), status=404)
    if name != member.url_name:
        query = request.GET.urlencode()
        return redirect(member.get_absolute_url() + (f"?{query}" if query else ""), permanent=True)
    page = keyset_page(
        grid_photos(member.photos.all()),
        field="date_uploaded",
        size=PHOTOS_PER_PAGE,
        before=request.GET.get("before"),
        after=request.GET.get("after"),
    )
    return render(
        request,
        "commons/member_detail.html",
        page_context(member=member, page=page, lifeboat_limit=settings.LIFEBOAT_MAX_PHOTOS),
    )


@login_not_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = page_context(query=query)
    if query:
        results = find_photos(query, cap=SEARCH_COUNT_CAP)
        page = keyset_page(
            results.photos.select_related("member").defer(
                "description", "search_vector", "member__description"
            ),
            field=results.order_field,
            size=PHOTOS_PER_PAGE,
            before=request.GET.get("before"),
            after=request.GET.get("after"),
        )
        context.update(
            page=page,
            count=results.count,
            more=results.more,
            snippets={photo.pk: snippet(photo.search_text, query) for photo in page.items},
        )
    return render(request, "commons/search.html", context)


@login_not_required
@require_GET
def conversations(request: HttpRequest) -> HttpResponse:
    comments = CommonsComment.objects.select_related("photo__member").defer(
        "photo__description",
        "photo__search_text",
        "photo__search_vector",
        "photo__member__description",
    )
    page = keyset_page(
        comments,
        field="date_created",
        size=COMMENTS_PER_PAGE,
        before=request.GET.get("before"),
        after=request.GET.get("after"),
    )
    return render(request, "commons/conversations.html", page_context(page=page))


@login_not_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    context = page_context()
    totals = context["catalogue"].totals
    if totals is not None:
        context.update(
            totals=totals,
            licence_bars=bars(
                (licence_label(licence_id), photos)
                for licence_id, photos in totals.licences.items()
            ),
            top_members=list(
                CommonsMember.objects.filter(is_current=True)
                .defer("description")
                .order_by("-photo_count", "name")[:TOP_MEMBERS]
            ),
        )
    return render(request, "commons/statistics.html", context)
