"""The staff pages of a lifeboat request: new, preview, README, review and submit, the
lifeboat's own page with its live progress, and the organisation's list of lifeboats.

Every page fetches through `lifeboats.access.get_lifeboat_for` (or `get_organisation_for`),
so another organisation's lifeboat is a 404, and writes only through `lifeboats.services`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flickr.licenses import is_unknown, licence_label
from flickr.preflight import duration_text
from legal.markdown import render_markdown
from legal.optouts import opted_out_photo_ids
from legal.services import AgreementStatus, agreement_status_for
from lifeboats import services, summaries
from lifeboats.access import get_lifeboat_for, why_cannot_request
from lifeboats.errors import FlickrTrouble, InvalidSelection, LifeboatError
from lifeboats.forms import NewLifeboatForm, ReadmeForm, ReadmePreviewForm, RemovePhotosForm
from lifeboats.models import (
    ExclusionReason,
    Lifeboat,
    LifeboatPhoto,
    LifeboatStatus,
)
from lifeboats.prefill import discard_prefill, prefill_for
from portal.access import get_organisation_for
from portal.errors import Forbidden, NotFound, PortalError
from portal.models import Membership, Organisation, User

PHOTOS_PER_PAGE = 200
LIFEBOATS_PER_PAGE = 50
# While a lifeboat is in one of these states its page polls the progress fragment.
IN_PROGRESS = frozenset({LifeboatStatus.APPROVED, LifeboatStatus.BUILDING})
WITHDRAWABLE = frozenset({LifeboatStatus.DRAFT, LifeboatStatus.SUBMITTED})


# --- Fetching, and saying no -----------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The user of a page behind LoginRequiredMiddleware, which never lets anonymous through."""
    return cast(User, request.user)


def _lifeboat(request: HttpRequest, pk: uuid.UUID) -> Lifeboat:
    try:
        return get_lifeboat_for(_user(request), pk)
    except NotFound as error:
        raise Http404(error.message) from None


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "portal/forbidden.html", {"reason": reason}, status=403)


def _refused(request: HttpRequest, error: PortalError, *, back: str) -> HttpResponse:
    """What a page shows when a service says no: 404, a 403 page, or the message and `back`."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if isinstance(error, Forbidden):
        return _forbidden(request, error.message)
    messages.error(request, error.message)
    return redirect(back)


def _is_member(user: User, organisation: Organisation) -> bool:
    return services.is_member(user, organisation)


def _may_edit(user: User, lifeboat: Lifeboat) -> bool:
    return lifeboat.status == LifeboatStatus.DRAFT and _is_member(user, lifeboat.organisation)


def _draft_only(request: HttpRequest, lifeboat: Lifeboat) -> HttpResponse | None:
    """None for a draft; otherwise a redirect to the lifeboat's page, saying why."""
    if lifeboat.status == LifeboatStatus.DRAFT:
        return None
    messages.info(
        request,
        f"“{lifeboat.name}” is {lifeboat.get_status_display().lower()}; its photos and README "
        "can only change while it is a draft.",
    )
    return redirect(lifeboat)


# --- The organisation's lifeboats ------------------------------------------------------------


@require_GET
def lifeboat_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every lifeboat of one organisation, newest first."""
    user = _user(request)
    organisation = get_organisation_for(user, slug)
    lifeboats = (
        Lifeboat.objects.of_organisation(organisation)
        .select_related("created_by")
        .order_by("-created_at", "pk")
    )
    page = Paginator(lifeboats, LIFEBOATS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "lifeboats/list.html",
        {
            "organisation": organisation,
            "page": page,
            "may_request": why_cannot_request(user, organisation) is None,
        },
    )


# --- Step 1: the URLs ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lifeboat_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Paste Flickr URLs and name the lifeboat; the photos are looked up on Flickr.

    With `?prefill=<token>` (see `lifeboats.prefill`) the form starts filled in.
    """
    user = _user(request)
    organisation = get_organisation_for(user, slug)
    if reason := why_cannot_request(user, organisation):
        return _forbidden(request, reason)
    prefill_token = request.GET.get("prefill")
    prefill = prefill_for(request.session, prefill_token)
    form = NewLifeboatForm(request.POST or None, initial=prefill.initial() if prefill else None)
    if request.method == "POST" and form.is_valid():
        try:
            lifeboat = services.lifeboat_create(
                organisation=organisation,
                by=user,
                name=form.cleaned_data["name"],
                urls=form.cleaned_data["urls"],
            )
        except InvalidSelection as error:
            form.add_error("urls", error.message)
        except Forbidden as error:
            return _forbidden(request, error.message)
        except (LifeboatError, FlickrTrouble) as error:
            form.add_error(None, error.message)
        else:
            discard_prefill(request.session, prefill_token)
            messages.success(
                request,
                f"Found {lifeboat.photos_total:,} photo{'s' if lifeboat.photos_total != 1 else ''}."
                " Check them, and remove any that should not go in.",
            )
            return redirect("lifeboats:preview", pk=lifeboat.pk)
    return render(
        request,
        "lifeboats/new.html",
        {
            "organisation": organisation,
            "form": form,
            "agreement": agreement_status_for(organisation),
            "prefill": prefill,
            "step": 1,
        },
        status=400 if form.is_bound else 200,
    )


# --- Step 2: the photos ----------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoCard:
    """What the photo grid shows of one photo of the selection."""

    photo_id: str
    title: str
    owner: str
    licence_id: str
    licence_label: str
    thumbnail_url: str | None
    flickr_url: str
    media: str
    downloads_disabled: bool
    other_lifeboats: int
    opted_out: bool
    excluded_because: str | None

    @property
    def unknown_licence(self) -> bool:
        return is_unknown(self.licence_id)


def photo_card(photo: LifeboatPhoto, *, other_lifeboats: int, opted_out: bool) -> PhotoCard:
    listing: dict[str, Any] = photo.listing or {}
    owner_name = (
        listing.get("owner_realname")
        or listing.get("owner_username")
        or photo.owner_nsid
        or "unknown"
    )
    owner_path = listing.get("owner_path_alias") or photo.owner_nsid
    thumbnail = listing.get("thumbnail") or {}
    return PhotoCard(
        photo_id=photo.photo_id,
        title=listing.get("title") or "Untitled",
        owner=owner_name,
        licence_id=photo.license_id,
        licence_label=licence_label(photo.license_id) if photo.license_id else "Unknown",
        thumbnail_url=thumbnail.get("url"),
        flickr_url=f"https://www.flickr.com/photos/{owner_path}/{photo.photo_id}/",
        media=listing.get("media") or "photo",
        downloads_disabled=bool(listing) and not listing.get("original_format"),
        other_lifeboats=other_lifeboats,
        opted_out=opted_out,
        excluded_because=ExclusionReason(photo.reason).label if photo.reason else None,
    )


def other_lifeboat_counts(lifeboat: Lifeboat, photo_ids: list[str]) -> dict[str, int]:
    """For each photo, how many other lifeboats already hold it (the index: included rows)."""
    rows = (
        LifeboatPhoto.objects.included()
        .filter(photo_id__in=photo_ids)
        .exclude(lifeboat=lifeboat)
        .values("photo_id")
        .annotate(lifeboats=Count("lifeboat", distinct=True))
        .order_by()
    )
    return {row["photo_id"]: row["lifeboats"] for row in rows}


def photo_page(request: HttpRequest, lifeboat: Lifeboat) -> tuple[Any, list[PhotoCard]]:
    photos = lifeboat.photos.order_by("position", "pk")
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    elsewhere = other_lifeboat_counts(lifeboat, [row.photo_id for row in rows])
    opted_out = opted_out_photo_ids([(row.photo_id, row.owner_nsid) for row in rows])
    cards = [
        photo_card(
            row,
            other_lifeboats=elsewhere.get(row.photo_id, 0),
            opted_out=row.photo_id in opted_out,
        )
        for row in rows
    ]
    return page, cards


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    flagged: bool = False


def labelled_counts(counts: dict[str, int], labels: dict[str, str] | None = None) -> list[Tally]:
    labels = labels or {}
    return [
        Tally(labels.get(key, key.replace("-", " ").replace("_", " ").capitalize()), count)
        for key, count in counts.items()
    ]


def licence_counts(by_licence: dict[str, int]) -> list[Tally]:
    return [
        Tally(licence_label(licence_id), count, flagged=is_unknown(licence_id))
        for licence_id, count in by_licence.items()
    ]


def preflight_context(lifeboat: Lifeboat) -> dict[str, Any]:
    """The preflight summary as the pages show it: labelled counts and the estimate."""
    preflight: dict[str, Any] = lifeboat.preflight or {}
    calls = preflight.get("api_calls") or {}
    hours = float(preflight.get("hours") or 0)
    return {
        "photos": preflight.get("photos", lifeboat.photos_total),
        "owners": preflight.get("owners", 0),
        "licences": licence_counts(preflight.get("by_licence") or {}),
        "visibility": labelled_counts(preflight.get("by_visibility") or {}),
        "safety": labelled_counts(preflight.get("by_safety_level") or {}),
        "media": labelled_counts(preflight.get("by_media") or {}),
        "downloads_disabled": preflight.get("downloads_disabled", 0),
        "duplicates": preflight.get("duplicates", 0),
        "removed": preflight.get("removed", 0),
        "unknown_licences": sum((preflight.get("unknown_licences") or {}).values()),
        "unavailable": preflight.get("unavailable") or [],
        "per_url": preflight.get("per_url") or [],
        "api_calls": calls.get("total", 0),
        "calls": calls,
        "rate_per_hour": f"{preflight.get('rate_per_hour', 0):,}",
        "hours": hours,
        "duration": duration_text(hours),
        "notes": preflight.get("notes") or [],
    }


@require_GET
def lifeboat_preview(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The photos the URLs gave, what they are, and what building them will cost."""
    lifeboat = _lifeboat(request, pk)
    if not_a_draft := _draft_only(request, lifeboat):
        return not_a_draft
    page, cards = photo_page(request, lifeboat)
    return render(
        request,
        "lifeboats/preview.html",
        {
            "lifeboat": lifeboat,
            "page": page,
            "cards": cards,
            "preflight": preflight_context(lifeboat),
            "may_edit": _may_edit(_user(request), lifeboat),
            "step": 2,
        },
    )


@require_POST
def lifeboat_remove_photos(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Take the ticked photos out of the draft, then show the same page of the grid again."""
    lifeboat = _lifeboat(request, pk)
    back = reverse("lifeboats:preview", args=[lifeboat.pk])
    page_number = request.POST.get("page", "")
    if page_number.isdigit():
        back = f"{back}?page={page_number}"
    form = RemovePhotosForm(
        request.POST, photo_ids=lifeboat.photos.values_list("photo_id", flat=True)
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["photo"]))
        return redirect(back)
    photo_ids = form.cleaned_data["photo"]
    try:
        services.lifeboat_remove_photos(lifeboat, by=_user(request), photo_ids=photo_ids)
    except PortalError as error:
        return _refused(request, error, back=back)
    count = len(photo_ids)
    messages.success(
        request,
        f"Removed {count} photo{'s' if count != 1 else ''}; "
        f"{lifeboat.photos_total:,} left in the lifeboat.",
    )
    return redirect(back)


# --- Step 3: the README ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadmeSection:
    field: str
    heading: str
    html: str


def readme_sections(answers: dict[str, str]) -> list[ReadmeSection]:
    """The README answers as the package shows them: sanitised HTML, empty ones left out."""
    labels = {name: str(ReadmeForm.base_fields[name].label) for name in ReadmeForm.README_FIELDS}
    return [
        ReadmeSection(field, labels[field], render_markdown(answers[field]))
        for field in ReadmeForm.README_FIELDS
        if (answers.get(field) or "").strip()
    ]


def readme_answers(lifeboat: Lifeboat) -> dict[str, str]:
    return {field: getattr(lifeboat, field) for field in ReadmeForm.README_FIELDS}


@require_http_methods(["GET", "POST"])
def lifeboat_readme(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Name, purpose and the README answers, in Markdown, with a sanitised preview."""
    lifeboat = _lifeboat(request, pk)
    if not_a_draft := _draft_only(request, lifeboat):
        return not_a_draft
    initial = {"name": lifeboat.name, **readme_answers(lifeboat)}
    form = ReadmeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lifeboat_update_readme(lifeboat, by=_user(request), **form.cleaned_data)
        except LifeboatError as error:
            form.add_error(None, error.message)
        except PortalError as error:
            return _refused(request, error, back=lifeboat.get_absolute_url())
        else:
            messages.success(request, "README saved. Review the request, then submit it.")
            return redirect("lifeboats:submit", pk=lifeboat.pk)
    answers = (
        {field: form.data.get(field, "") for field in ReadmeForm.README_FIELDS}
        if form.is_bound
        else readme_answers(lifeboat)
    )
    return render(
        request,
        "lifeboats/readme.html",
        {
            "lifeboat": lifeboat,
            "form": form,
            "sections": readme_sections(answers),
            "may_edit": _may_edit(_user(request), lifeboat),
            "step": 3,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def readme_preview(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The README answers as typed so far, rendered and sanitised (an htmx fragment)."""
    _lifeboat(request, pk)
    form = ReadmePreviewForm(request.POST)
    form.is_valid()  # every field is optional: cleaned_data holds what was sent
    return render(
        request,
        "lifeboats/includes/readme_preview.html",
        {"sections": readme_sections(form.cleaned_data)},
    )


# --- Step 4: review and submit ---------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """Something that stops the request being submitted, and how to fix it."""

    text: str
    fix_url: str | None = None
    fix_label: str = ""


def agreement_blocker(organisation: Organisation, status: AgreementStatus) -> Blocker | None:
    if status.is_approved:
        return None
    managers = ", ".join(manager.get_full_name() for manager in organisation.managers())
    who = f" Your organisation's managers: {managers}." if managers else ""
    if status.needs_signature:
        return Blocker(
            f"{status.explanation} Only a manager of {organisation} can sign it.{who}",
            reverse("legal:agreement_sign", kwargs={"slug": organisation.slug}),
            "Read and sign the agreement",
        )
    return Blocker(
        f"{status.explanation} Once a foundation admin approves the signature you can submit; "
        "your draft is kept until then."
    )


def submit_blockers(lifeboat: Lifeboat, status: AgreementStatus) -> list[Blocker]:
    """What the submit service will refuse, checked ahead so the page can explain it."""
    organisation = lifeboat.organisation
    blockers = []
    if not organisation.is_approved:
        blockers.append(
            Blocker(f"{organisation} is not approved by the foundation yet; wait for its review.")
        )
    elif blocker := agreement_blocker(organisation, status):
        blockers.append(blocker)
    readme_url = reverse("lifeboats:readme", args=[lifeboat.pk])
    missing = [
        what
        for field, what in services.REQUIRED_FOR_SUBMIT.items()
        if not getattr(lifeboat, field).strip()
    ]
    if missing:
        blockers.append(
            Blocker(f"The README still needs {and_list(missing)}.", readme_url, "Write the README")
        )
    if not lifeboat.photos_total:
        blockers.append(Blocker("The lifeboat has no photos."))
    return blockers


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _review_page(request: HttpRequest, lifeboat: Lifeboat, *, status: int = 200) -> HttpResponse:
    agreement = agreement_status_for(lifeboat.organisation)
    blockers = submit_blockers(lifeboat, agreement)
    return render(
        request,
        "lifeboats/review_submit.html",
        {
            "lifeboat": lifeboat,
            "agreement": agreement,
            "blockers": blockers,
            "may_edit": _may_edit(_user(request), lifeboat),
            "may_submit": not blockers and _may_edit(_user(request), lifeboat),
            "preflight": preflight_context(lifeboat),
            "sections": readme_sections(readme_answers(lifeboat)),
            "step": 4,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def lifeboat_submit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """GET: everything about the request and whether it can go. POST: submit it for review."""
    lifeboat = _lifeboat(request, pk)
    if request.method == "GET":
        if not_a_draft := _draft_only(request, lifeboat):
            return not_a_draft
        return _review_page(request, lifeboat)
    try:
        services.lifeboat_submit(lifeboat, by=_user(request))
    except (NotFound, Forbidden) as error:
        return _refused(request, error, back=lifeboat.get_absolute_url())
    except PortalError as error:
        messages.error(request, error.message)
        if lifeboat.status != LifeboatStatus.DRAFT:
            return redirect(lifeboat)
        return _review_page(request, lifeboat, status=error.status_code)
    messages.success(
        request,
        f"Submitted “{lifeboat.name}” for review. The foundation will look at it and you will "
        "hear by email.",
    )
    return redirect(lifeboat)


# --- Transitions from the lifeboat's page ----------------------------------------------------


@require_POST
def lifeboat_withdraw(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    lifeboat = _lifeboat(request, pk)
    try:
        services.lifeboat_withdraw(lifeboat, by=_user(request))
    except PortalError as error:
        return _refused(request, error, back=lifeboat.get_absolute_url())
    messages.success(request, f"Withdrew “{lifeboat.name}”; nothing will be built.")
    return redirect(lifeboat)


@require_POST
def lifeboat_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    lifeboat = _lifeboat(request, pk)
    try:
        services.lifeboat_retry(lifeboat, by=_user(request))
    except PortalError as error:
        return _refused(request, error, back=lifeboat.get_absolute_url())
    messages.success(request, f"Building “{lifeboat.name}” again; this page shows its progress.")
    return redirect(lifeboat)


# --- Step 5: the lifeboat's page -------------------------------------------------------------


def expiry_countdown(expires_at: datetime, now: datetime) -> str:
    """ "Available for 13 more days, until 10 December 2026", counted in whole calendar days."""
    until = timezone.localtime(expires_at)
    if expires_at <= now:
        return f"The download expired on {date_format(until, 'j F Y')}."
    days = (until.date() - timezone.localtime(now).date()).days
    if days >= 1:
        plural = "s" if days != 1 else ""
        return f"Available for {days} more day{plural}, until {date_format(until, 'j F Y')}."
    return f"Available until {date_format(until, 'H:i')} today."


def download_url(lifeboat: Lifeboat) -> str | None:
    """The download link of a ready lifeboat, once the download page exists."""
    if lifeboat.status != LifeboatStatus.READY:
        return None
    try:
        return reverse("lifeboats:download", args=[lifeboat.pk])
    except NoReverseMatch:
        return None


def photo_state_counts(lifeboat: Lifeboat) -> dict[str, Any]:
    counts = summaries.photo_counts(lifeboat)
    excluded = [
        Tally(ExclusionReason(reason).label, count) for reason, count in counts["excluded"].items()
    ]
    return {
        "included": counts["included"],
        "pending": counts["pending"],
        "pending_consent": counts["pending_consent"],
        "excluded": excluded,
        "excluded_total": sum(item.count for item in excluded),
    }


def progress_context(lifeboat: Lifeboat) -> dict[str, Any]:
    return {
        "lifeboat": lifeboat,
        "polling": lifeboat.status in IN_PROGRESS,
        "percent": lifeboat.progress_percent,
    }


@require_GET
def lifeboat_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Status, history, photo counts, live progress, and the download once ready."""
    lifeboat = _lifeboat(request, pk)
    user = _user(request)
    member = _is_member(user, lifeboat.organisation)
    is_manager = user.role_in(lifeboat.organisation) == Membership.Role.MANAGER
    now = timezone.now()
    return render(
        request,
        "lifeboats/detail.html",
        {
            **progress_context(lifeboat),
            "events": lifeboat.events.select_related("actor").order_by("at", "pk"),
            "counts": photo_state_counts(lifeboat),
            "preflight": preflight_context(lifeboat),
            "sections": readme_sections(readme_answers(lifeboat)),
            "download_url": download_url(lifeboat),
            "countdown": (
                expiry_countdown(lifeboat.expires_at, now) if lifeboat.expires_at else None
            ),
            "may_edit": _may_edit(user, lifeboat),
            "may_withdraw": member and lifeboat.status in WITHDRAWABLE,
            "may_retry": lifeboat.status == LifeboatStatus.FAILED
            and (is_manager or user.is_foundation_admin),
        },
    )


@require_GET
def lifeboat_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress bar alone. It keeps polling while the build runs; once the build has
    ended the fragment comes back without its trigger, and htmx reloads the page."""
    lifeboat = _lifeboat(request, pk)
    context = progress_context(lifeboat)
    response = render(request, "lifeboats/includes/progress.html", context)
    if getattr(request, "htmx", False) and not context["polling"]:
        response["HX-Refresh"] = "true"
    return response
