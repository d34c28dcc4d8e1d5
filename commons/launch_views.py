"""Launching a lifeboat from the catalogue: the hand-picked selection, and the launch itself.

Anyone may pick photos (the selection lives in the session, and survives logging in).
Launching needs an account in an approved organisation: it builds the name and URLs from the
source (`commons.launch`), keeps them as a prefill of the lifeboat wizard
(`lifeboats.prefill`) and opens the wizard's first step, where nothing is created until the
user checks the form and submits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from commons import selection as picked
from commons.launch import (
    MEMBER,
    ORIGIN,
    SEARCH,
    SELECTION,
    Launch,
    LaunchRefused,
    back_url_for,
    launch_from_member,
    launch_from_search,
    launch_from_selection,
    photos_in_order,
)
from commons.models import CommonsPhoto
from lifeboats.access import why_cannot_request
from lifeboats.prefill import Prefill, prefill_for, prefill_url, stash_prefill
from portal.models import Organisation, User

SELECTION_PER_PAGE = 200
ACTIONS = ("add", "remove", "clear")


# --- The hand-picked selection ---------------------------------------------------------------


@login_not_required
@require_GET
def selection(request: HttpRequest) -> HttpResponse:
    """The picked photos, 200 a page, with a remove button each and the launch form."""
    photo_ids = picked.selected_ids(request.session)
    totals = CommonsPhoto.objects.filter(photo_id__in=photo_ids).aggregate(
        photos=Count("pk"), members=Count("member", distinct=True)
    )
    page = Paginator(photo_ids, SELECTION_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commons/selection.html",
        {
            "page": page,
            "photos": photos_in_order(list(page.object_list)),
            "count": totals["photos"],
            "members": totals["members"],
            "missing": len(photo_ids) - totals["photos"],
            "is_full": picked.is_full(request.session),
            "limit": settings.LIFEBOAT_MAX_PHOTOS,
        },
    )


class SelectionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@login_not_required
@require_POST
def selection_update(request: HttpRequest) -> HttpResponse:
    """Pick a photo, put it back, or clear the selection; then back to `next`.

    htmx requests get the photo's toggle button in its new state instead of a redirect.
    """
    action = request.POST.get("action", "")
    photo_id = request.POST.get("photo_id", "").strip()
    next_url = _safe_next(request)
    try:
        done = _update_selection(request, action, photo_id)
    except SelectionRefused as error:
        if _is_htmx(request):
            return _toggle(request, photo_id, next_url, error=error.message)
        messages.error(request, error.message)
        return redirect(next_url)
    if _is_htmx(request):
        if action == "clear":
            return HttpResponseClientRefresh()
        return _toggle(request, photo_id, next_url)
    messages.success(request, done)
    return redirect(next_url)


def _update_selection(request: HttpRequest, action: str, photo_id: str) -> str:
    """Apply one change to the session's selection; returns what happened, to tell the user."""
    session = request.session
    if action not in ACTIONS:
        raise SelectionRefused(
            f"Unknown change to the selection: {action!r}. Use the Pick and Remove buttons."
        )
    if action == "clear":
        picked.clear(session)
        return "Your selection is empty again."
    if not photo_id:
        raise SelectionRefused("Say which photo to pick or remove; nothing was changed.")
    if action == "remove":
        picked.unselect(session, [photo_id])
        return f"Removed photo {photo_id} from your selection. {_holds(session)}"
    photo = CommonsPhoto.objects.filter(photo_id=photo_id).first()
    if photo is None:
        raise SelectionRefused(
            f"Photo {photo_id!r} is not in the Commons catalogue, so it cannot be picked. "
            "Pick photos from search results and member pages."
        )
    if picked.is_full(session) and not picked.is_selected(session, photo_id):
        raise SelectionRefused(
            f"Your selection already holds {settings.LIFEBOAT_MAX_PHOTOS:,} photos, the most one "
            "lifeboat can take. Launch a lifeboat with them, or remove some first."
        )
    picked.select(session, [photo_id])
    return f"Picked “{photo}”. {_holds(session)}"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _holds(session: SessionBase) -> str:
    count = len(picked.selected_ids(session))
    return f"Your selection holds {count:,} photo{'' if count == 1 else 's'}."


def _safe_next(request: HttpRequest) -> str:
    """`next` when it points into this site; else the selection page."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("commons:selection")


def _toggle(request: HttpRequest, photo_id: str, next_url: str, *, error: str = "") -> HttpResponse:
    """The photo's Pick/Remove button, for htmx to swap in place of the old one."""
    photo = CommonsPhoto.objects.filter(photo_id=photo_id).first()
    return render(
        request,
        "commons/includes/selection_toggle_response.html",
        {
            "photo_id": photo_id,
            "title": str(photo) if photo else f"Photo {photo_id}",
            "selected": picked.is_selected(request.session, photo_id),
            "next": next_url,
            "error": error,
            "selection_count": len(picked.selected_ids(request.session)),
        },
    )


# --- Launching -------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest) -> HttpResponse:
    """POST: start a lifeboat from a source. GET `?prefill=`: choose the organisation."""
    if request.method == "POST":
        return _launch(request)
    return _choose_organisation(request)


def _launch(request: HttpRequest) -> HttpResponse:
    source = request.POST.get("source", "")
    query = request.POST.get("q", "")
    member = request.POST.get("member", "").strip()
    if not request.user.is_authenticated:
        messages.info(
            request,
            "Log in to launch a lifeboat. You will come back to the page you launched from "
            "(your picked photos are kept), to launch it again.",
        )
        return redirect_to_login(back_url_for(source, query=query, member=member))
    try:
        launched = _launch_for(request, source, query=query, member=member)
    except LaunchRefused as error:
        messages.error(request, error.message)
        return redirect(error.back_url)
    token = stash_prefill(
        request.session,
        name=launched.name,
        urls=launched.urls,
        origin=ORIGIN,
        origin_url=launched.back_url,
        notes=launched.notes,
    )
    allowed = _organisations_allowed(cast(User, request.user))
    if len(allowed) == 1:
        return redirect(prefill_url(allowed[0].slug, token))
    return redirect(f"{reverse('commons:launch')}?{urlencode({'prefill': token})}")


def _launch_for(request: HttpRequest, source: str, *, query: str, member: str) -> Launch:
    if source == SELECTION:
        return launch_from_selection(picked.selected_ids(request.session))
    if source == SEARCH:
        return launch_from_search(query)
    if source == MEMBER:
        return launch_from_member(member)
    raise LaunchRefused(
        f"Unknown place to launch from: {source!r}. Launch from a search, a member's page or "
        "your selection.",
        back_url=back_url_for(source),
    )


@dataclass(frozen=True)
class OrganisationChoice:
    organisation: Organisation
    wizard_url: str


def _choose_organisation(request: HttpRequest) -> HttpResponse:
    """Which organisation the lifeboat is for; or why the user cannot request one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    token = request.GET.get("prefill", "")
    prefill = prefill_for(request.session, token)
    if prefill is None:
        messages.info(
            request,
            "That launch is no longer open (it lasts as long as your login). "
            "Launch the lifeboat again from the Commons Explorer.",
        )
        return redirect("commons:home")
    allowed = _organisations_allowed(user)
    if len(allowed) == 1:
        return redirect(prefill_url(allowed[0].slug, token))
    if allowed:
        choices = [OrganisationChoice(org, prefill_url(org.slug, token)) for org in allowed]
        return render(
            request, "commons/launch_choose.html", {"prefill": prefill, "choices": choices}
        )
    return _no_organisation(request, user, prefill)


def _no_organisation(request: HttpRequest, user: User, prefill: Prefill) -> HttpResponse:
    refusals = [
        (organisation, why_cannot_request(user, organisation))
        for organisation in Organisation.objects.of_member(user).order_by("name")
    ]
    return render(
        request,
        "commons/launch_no_organisation.html",
        {"prefill": prefill, "refusals": refusals},
        status=403,
    )


def _organisations_allowed(user: User) -> list[Organisation]:
    """The organisations `user` may start a lifeboat request for, by name."""
    return [
        organisation
        for organisation in Organisation.objects.of_member(user).order_by("name")
        if why_cannot_request(user, organisation) is None
    ]
