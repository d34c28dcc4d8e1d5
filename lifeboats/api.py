"""The lifeboat REST API (DESIGN 5.3): the same services as the pages, through another door.

Every endpoint fetches the lifeboat through `get_lifeboat_for`, so another organisation's
lifeboat answers 404, exactly like one that does not exist. Errors are `{"detail": "..."}`
(see `portal.api`): bad input 400, no credentials 401, not allowed 403, not found 404,
wrong state 409, expired 410.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from ninja import Path, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from lifeboats import downloads, services
from lifeboats.access import get_lifeboat_for
from lifeboats.errors import LifeboatError
from lifeboats.index_api import index_router
from lifeboats.models import Lifeboat
from lifeboats.schemas import (
    Error,
    LifeboatIn,
    LifeboatOut,
    LifeboatSummaryOut,
    NoteIn,
    ReasonIn,
)
from portal.access import get_organisation_for
from portal.errors import Forbidden
from portal.models import Organisation, User

# The lifeboat's id in the path. A string, not a UUID, so that a malformed id answers 404 from
# `get_lifeboat_for` like any other id that names no lifeboat you can see.
LifeboatId = Annotated[str, Path(description="The lifeboat's id (a UUID).")]

router = Router(tags=["lifeboats"])
router.add_router("", index_router)  # GET /api/photos/{photo_id}/lifeboats, public

# The answers every authenticated endpoint may give besides its own.
AUTH_ERRORS: dict[int, Any] = {401: Error}
ONE_LIFEBOAT_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 404: Error}
TRANSITION_ERRORS: dict[int, Any] = {**ONE_LIFEBOAT_ERRORS, 400: Error, 403: Error, 409: Error}


def _user(request: HttpRequest) -> User:
    """The authenticated user (the API's auth has already refused anonymous requests)."""
    return cast(User, request.user)


def current(user: User, lifeboat_id: Any) -> Lifeboat:
    """The lifeboat as it is now in the database, after a service changed it."""
    return get_lifeboat_for(user, lifeboat_id)


# --- Which organisation asks ---------------------------------------------------------------


def requesting_organisation(user: User, slug: str | None) -> Organisation:
    """The organisation a new lifeboat is for: the named one, or the user's only one."""
    if slug:
        return get_organisation_for(user, slug)
    organisations = list(Organisation.objects.of_member(user).order_by("slug"))
    if not organisations:
        raise Forbidden(
            "Only staff of an organisation can ask for a lifeboat, and you belong to none. "
            "Ask your organisation's manager to add you."
        )
    if len(organisations) > 1:
        slugs = ", ".join(repr(organisation.slug) for organisation in organisations)
        raise LifeboatError(
            f"You belong to several organisations ({slugs}); say which one asks for this "
            'lifeboat with "organisation": "<slug>".'
        )
    return organisations[0]


# --- Endpoints -----------------------------------------------------------------------------


@router.post(
    "/lifeboats",
    response={201: LifeboatOut, 400: Error, 403: Error, **ONE_LIFEBOAT_ERRORS},
    summary="Ask for a lifeboat",
    description="Creates a draft lifeboat for your organisation, resolves the Flickr URLs "
    "into photos and answers with the lifeboat and its preflight summary. Bad input (no URLs, "
    "a URL that is not Flickr's, more photos than the portal allows) creates nothing.",
)
def lifeboat_create(request: HttpRequest, payload: LifeboatIn) -> Status:
    user = _user(request)
    organisation = requesting_organisation(user, payload.organisation)
    lifeboat = services.lifeboat_create(
        organisation=organisation,
        by=user,
        name=payload.name,
        purpose=payload.purpose,
        readme_selection=payload.readme.selection,
        readme_future=payload.readme.future,
        readme_usage=payload.readme.usage,
        urls=payload.urls,
    )
    return Status(201, current(user, lifeboat.pk))


@router.get(
    "/lifeboats",
    response={200: list[LifeboatSummaryOut], **AUTH_ERRORS},
    summary="List lifeboats",
    description="Your organisations' lifeboats (every lifeboat for foundation admins), "
    "newest first. Page with `limit` and `offset`; `count` is the total.",
)
@paginate(LimitOffsetPagination)
def lifeboat_list(request: HttpRequest) -> QuerySet[Lifeboat]:
    return (
        Lifeboat.objects.visible_to(_user(request))
        .select_related("organisation")
        .order_by("-created_at", "pk")
    )


@router.get(
    "/lifeboats/{id}",
    response={200: LifeboatOut, **ONE_LIFEBOAT_ERRORS},
    summary="One lifeboat",
    description="Status, build progress, photo counts, the preflight summary, the README "
    "answers, the URLs and the history of one lifeboat.",
)
def lifeboat_get(request: HttpRequest, id: LifeboatId) -> Lifeboat:
    return get_lifeboat_for(_user(request), id)


@router.post(
    "/lifeboats/{id}/submit",
    response={200: LifeboatOut, **TRANSITION_ERRORS},
    summary="Submit a draft for review (staff)",
    description="draft → submitted. Needs the name, the purpose, the README answer "
    "`future`, at least one photo, an approved organisation and a signed agreement.",
)
def lifeboat_submit(request: HttpRequest, id: LifeboatId) -> Lifeboat:
    user = _user(request)
    services.lifeboat_submit(get_lifeboat_for(user, id), by=user)
    return current(user, id)


@router.post(
    "/lifeboats/{id}/approve",
    response={200: LifeboatOut, **TRANSITION_ERRORS},
    summary="Approve a request (foundation admins)",
    description="submitted → approved; the build starts once no consent is pending.",
)
def lifeboat_approve(
    request: HttpRequest, id: LifeboatId, payload: NoteIn | None = None
) -> Lifeboat:
    user = _user(request)
    note = payload.note if payload else ""
    services.lifeboat_approve(get_lifeboat_for(user, id), by=user, note=note)
    return current(user, id)


@router.post(
    "/lifeboats/{id}/reject",
    response={200: LifeboatOut, **TRANSITION_ERRORS},
    summary="Reject a request (foundation admins)",
    description="submitted → rejected, with a reason the organisation's staff read.",
)
def lifeboat_reject(request: HttpRequest, id: LifeboatId, payload: ReasonIn) -> Lifeboat:
    user = _user(request)
    services.lifeboat_reject(get_lifeboat_for(user, id), by=user, reason=payload.reason)
    return current(user, id)


@router.post(
    "/lifeboats/{id}/return",
    response={200: LifeboatOut, **TRANSITION_ERRORS},
    summary="Return a request to its staff for changes (foundation admins)",
    description="submitted → draft, with a note saying what to change.",
)
def lifeboat_return(request: HttpRequest, id: LifeboatId, payload: NoteIn) -> Lifeboat:
    user = _user(request)
    services.lifeboat_return(get_lifeboat_for(user, id), by=user, note=payload.note)
    return current(user, id)


@router.post(
    "/lifeboats/{id}/withdraw",
    response={200: LifeboatOut, **TRANSITION_ERRORS},
    summary="Withdraw a request (staff)",
    description="draft or submitted → withdrawn. Nothing is built.",
)
def lifeboat_withdraw(request: HttpRequest, id: LifeboatId) -> Lifeboat:
    user = _user(request)
    services.lifeboat_withdraw(get_lifeboat_for(user, id), by=user)
    return current(user, id)


@router.get(
    "/lifeboats/{id}/download",
    response={302: None, 403: Error, 409: Error, 410: Error, **ONE_LIFEBOAT_ERRORS},
    summary="Download the package (staff of its organisation)",
    description="Redirects (302) to a short-lived signed link to the zip. 409 while the "
    "lifeboat is not ready, 410 once it has expired.",
)
def lifeboat_download(request: HttpRequest, id: LifeboatId) -> HttpResponseRedirect:
    user = _user(request)
    lifeboat = get_lifeboat_for(user, id)
    link = downloads.download_link_for(lifeboat, user=user, ip=downloads.client_ip(request))
    return HttpResponseRedirect(link)
