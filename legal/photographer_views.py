"""The photographer's page: their photos in lifeboats, notices, consent requests, opt-outs
and removal requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from legal import notices, optouts, removals
from legal.models import ConsentRequest, ConsentStatus, OptOut, OptOutScope
from lifeboats import index
from portal.errors import PortalError

PAGE_SIZE = 50


class OptOutForm(forms.Form):
    """Opt out all your photos, or the ones listed (ids or links, one a line)."""

    scope = forms.ChoiceField(
        label="What to opt out",
        choices=[
            (OptOutScope.LISTED.value, "Only the photos I list below"),
            (OptOutScope.ALL.value, "All my photos, now and in future"),
        ],
        widget=forms.RadioSelect,
        initial=OptOutScope.LISTED.value,
    )
    photos = forms.CharField(
        label="Photos to opt out",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Flickr photo ids or links to single photos, one a line "
        "(only for “only the photos I list”).",
    )

    def photo_references(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["photos"].splitlines() if line.strip()]


class RemovalRequestForm(forms.Form):
    """Ask the foundation to remove photos of yours from the lifeboats that hold them."""

    prefix = "removal"  # the page's opt-out form has a "photos" field too

    photos = forms.CharField(
        label="Photos to remove",
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Flickr photo ids or links to single photos, one a line.",
    )
    reason = forms.CharField(
        label="Why should they be removed?",
        max_length=removals.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The foundation reads this before deciding.",
    )

    def photo_references(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["photos"].splitlines() if line.strip()]


@dataclass(frozen=True)
class PhotoRow:
    """One photo of the photographer in one lifeboat, as the page shows it."""

    entry: Any  # lifeboats.LifeboatPhoto
    title: str | None
    thumbnail: dict[str, Any] | None
    flickr_url: str | None
    opted_out: bool


@require_GET
def photographer(request: HttpRequest) -> HttpResponse:
    """Everything about the logged-in photographer's photos, in one page."""
    return _render_page(request, OptOutForm())


@require_POST
def removal_create(request: HttpRequest) -> HttpResponse:
    """Send a removal request for photos of the photographer's in lifeboats."""
    removal_form = RemovalRequestForm(request.POST)
    if not removal_form.is_valid():
        return _render_page(request, OptOutForm(), removal_form=removal_form, status=400)
    try:
        removals.removal_request_create(
            photographer=request.user,  # type: ignore[arg-type]
            photo_ids=removal_form.photo_references(),
            reason=removal_form.cleaned_data["reason"],
        )
    except PortalError as error:
        removal_form.add_error(None, error.message)
        return _render_page(
            request, OptOutForm(), removal_form=removal_form, status=error.status_code
        )
    messages.success(
        request,
        "Your removal request was sent: the foundation will decide and tell you in your inbox.",
    )
    return redirect(reverse("legal:photographer") + "#removal-requests")


@require_POST
def optout_create(request: HttpRequest) -> HttpResponse:
    """Add an opt-out of all the photographer's photos, or of the listed ones."""
    form = OptOutForm(request.POST)
    if not form.is_valid():
        return _render_page(request, form, status=400)
    scope = form.cleaned_data["scope"]
    try:
        optouts.optout_add(
            photographer=request.user,  # type: ignore[arg-type]
            scope=scope,
            photo_ids=form.photo_references() if scope == OptOutScope.LISTED else (),
        )
    except PortalError as error:
        form.add_error(None, error.message)
        return _render_page(request, form, status=error.status_code)
    messages.success(
        request,
        "All your photos are opted out: no lifeboat built from now on will include them."
        if scope == OptOutScope.ALL
        else "Those photos are opted out: no lifeboat built from now on will include them.",
    )
    return redirect(reverse("legal:photographer") + "#opt-outs")


@require_POST
def optout_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an opt-out back; only its photographer can."""
    optout = optouts.get_optout_for(request.user, pk)
    try:
        optouts.optout_withdraw(optout, by=request.user)  # type: ignore[arg-type]
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Opt-out withdrawn: lifeboats built from now on may include those photos."
        )
    return redirect(reverse("legal:photographer") + "#opt-outs")


def _render_page(
    request: HttpRequest,
    form: OptOutForm,
    *,
    removal_form: RemovalRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    nsid = getattr(request.user, "flickr_nsid", None)
    if not nsid:
        return render(request, "legal/photographer.html", {"needs_flickr": True}, status=status)
    entries = index.entries_of_owner(nsid)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    opt_outs = optouts.opt_outs_of(request.user)
    return render(
        request,
        "legal/photographer.html",
        {
            "nsid": nsid,
            "page": page,
            "rows": photo_rows(list(page.object_list)),
            "lifeboat_count": entries.order_by().values("lifeboat_id").distinct().count(),
            "consent_requests": consent_requests_of(request.user),
            "opt_outs": opt_outs,
            "all_opted_out": all_opted_out(opt_outs),
            "form": form,
            "inclusion_notices": notices.notices_for(request.user),
            "removal_requests": removals.removal_requests_of(request.user),
            "removal_form": removal_form or RemovalRequestForm(),
        },
        status=status,
    )


def photo_rows(entries: list[Any]) -> list[PhotoRow]:
    """The index entries with title, thumbnail, Flickr link and opt-out flag (one query)."""
    opted_out = optouts.opted_out_photo_ids((entry.photo_id, entry.owner_nsid) for entry in entries)
    return [
        PhotoRow(
            entry=entry,
            title=index.title_of([entry]),
            thumbnail=index.thumbnail_of([entry]),
            flickr_url=index.flickr_page(entry),
            opted_out=entry.photo_id in opted_out,
        )
        for entry in entries
    ]


def consent_requests_of(user: Any) -> list[ConsentRequest]:
    """The photographer's consent requests, newest first, with how many photos wait."""
    return list(
        ConsentRequest.objects.for_photographer(user).annotate(
            total=Count("items"),
            pending=Count("items", filter=Q(items__status=ConsentStatus.PENDING)),
        )
    )


def photos_awaiting_answer(consent_requests: list[ConsentRequest]) -> int:
    """How many photos of open requests (from `consent_requests_of`) still wait for an answer."""
    return sum(getattr(request, "pending", 0) for request in consent_requests if request.is_open)


def all_opted_out(opt_outs: list[OptOut]) -> OptOut | None:
    """The active "all my photos" opt-out, if there is one."""
    return next((o for o in opt_outs if o.is_active and o.scope == OptOutScope.ALL), None)
