"""Downloads (DESIGN 7): short-lived signed links, checked against membership, every one logged.

`download_link_for(lifeboat, user=...)` is the one door, used by the lifeboat page (through
the `lifeboats:download` view) and by `GET /api/lifeboats/{id}/download`:

* on S3 it is a presigned URL to the object, valid for `SIGNED_LINK_MAX_AGE`, that makes the
  browser save the zip under the lifeboat's slug. The bytes never pass through the portal, so
  the download is logged when the link is issued;
* on the filesystem it is a link to `lifeboats:download_file` carrying a Django signature of
  the lifeboat and the user, valid for the same time. That view checks the signature, streams
  the zip and logs the download.

A user who is not a member of the lifeboat's organisation (nor a foundation admin) gets 404,
a lifeboat that is not ready 409, an expired one 410.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any, cast

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from lifeboats.access import get_lifeboat_for
from lifeboats.models import Lifeboat, LifeboatDownload, LifeboatStatus
from lifeboats.storage import lifeboat_storage, stored_package_name
from portal.errors import Gone, InvalidTransition, NotFound, PortalError
from portal.models import User

logger = logging.getLogger(__name__)

SIGNED_LINK_MAX_AGE = timedelta(minutes=15)
SIGNING_SALT = "lifeboats.downloads"


class BadDownloadLink(PortalError):
    """The link's signature is forged, damaged or too old (HTTP 403)."""

    status_code = 403


# --- Who may download what ---------------------------------------------------------------------


def check_downloadable(lifeboat: Lifeboat, *, user: User) -> None:
    """Raise unless `user` may download `lifeboat`'s package now (404, 410 or 409)."""
    if not Lifeboat.objects.visible_to(user).filter(pk=lifeboat.pk).exists():
        raise NotFound(f"There is no lifeboat {str(lifeboat.pk)!r} that you can see.")
    if has_expired(lifeboat):
        raise Gone(expired_message(lifeboat))
    if lifeboat.status != LifeboatStatus.READY:
        raise InvalidTransition(
            f"The lifeboat {lifeboat.name!r} is {lifeboat.get_status_display().lower()!r}, so "
            "it has no package to download yet: the Download button works once it is ready."
        )


def has_expired(lifeboat: Lifeboat) -> bool:
    """Expired, or ready with its download window over (before the hourly expiry ran)."""
    if lifeboat.status == LifeboatStatus.EXPIRED:
        return True
    return (
        lifeboat.status == LifeboatStatus.READY
        and lifeboat.expires_at is not None
        and lifeboat.expires_at <= timezone.now()
    )


def expired_message(lifeboat: Lifeboat) -> str:
    when = (
        f" on {date_format(timezone.localtime(lifeboat.expires_at), 'j F Y')}"
        if lifeboat.expires_at
        else ""
    )
    return (
        f"The package of the lifeboat {lifeboat.name!r} expired{when} and was deleted: packages "
        "can be downloaded only for a limited time after they are built. Its record and "
        "photo list are kept; ask for a new lifeboat with the same photos to get a package again."
    )


# --- Issuing links -------------------------------------------------------------------------------


def download_link_for(lifeboat: Lifeboat, *, user: User, ip: str | None = None) -> str:
    """A short-lived signed link to `lifeboat`'s package for `user`.

    Raises `NotFound` (not a member), `Gone` (expired) or `InvalidTransition` (not ready).
    On S3 the download is logged now, with `ip`, since the portal never sees it happen.
    """
    check_downloadable(lifeboat, user=user)
    storage = lifeboat_storage()
    if isinstance(storage, S3Storage):
        link = presigned_link(storage, lifeboat)
        lifeboat_download_record(lifeboat, user=user, size=lifeboat.package_size, ip=ip)
        return link
    return reverse("lifeboats:download_file", args=[lifeboat.pk, download_token(lifeboat, user)])


def presigned_link(storage: S3Storage, lifeboat: Lifeboat) -> str:
    """An S3 presigned GET of the zip, saved by the browser as `<slug>.zip`."""
    return storage.url(
        stored_package_name(lifeboat),
        parameters={
            "ResponseContentDisposition": f'attachment; filename="{download_name(lifeboat)}"'
        },
        expire=int(SIGNED_LINK_MAX_AGE.total_seconds()),
    )


def download_name(lifeboat: Lifeboat) -> str:
    return f"{lifeboat.slug or 'lifeboat'}.zip"


def download_token(lifeboat: Lifeboat, user: User) -> str:
    """A timestamped signature binding the link to this lifeboat and this user."""
    return signing.TimestampSigner(salt=SIGNING_SALT).sign_object(
        {"lifeboat": str(lifeboat.pk), "user": user.pk}
    )


def read_download_token(token: str, *, lifeboat_id: uuid.UUID) -> int:
    """The id of the user a link was issued to; `BadDownloadLink` if it is not a good link."""
    try:
        payload: Any = signing.TimestampSigner(salt=SIGNING_SALT).unsign_object(
            token, max_age=SIGNED_LINK_MAX_AGE
        )
    except signing.SignatureExpired:
        raise BadDownloadLink(
            f"This download link has expired: links work for "
            f"{int(SIGNED_LINK_MAX_AGE.total_seconds() // 60)} minutes. Open the lifeboat's page "
            "and press Download again for a fresh link."
        ) from None
    except signing.BadSignature:
        raise BadDownloadLink(
            "This download link is not valid (it may have been copied incompletely). Open the "
            "lifeboat's page and press Download for a fresh link."
        ) from None
    if not isinstance(payload, dict) or payload.get("lifeboat") != str(lifeboat_id):
        raise BadDownloadLink(
            "This download link belongs to another lifeboat. Open the lifeboat's page and "
            "press Download for a fresh link."
        )
    return int(payload["user"])


# --- Logging -------------------------------------------------------------------------------------


def lifeboat_download_record(
    lifeboat: Lifeboat, *, user: User, size: int | None, ip: str | None
) -> LifeboatDownload:
    """Keep, forever, that `user` downloaded `lifeboat` (`size` bytes, from `ip`)."""
    with transaction.atomic():
        download = LifeboatDownload.objects.create(
            lifeboat=lifeboat, user=user, at=timezone.now(), size=size, ip=ip or None
        )
    logger.info(
        "Lifeboat %s downloaded by %s (%s bytes) from %s", lifeboat.pk, user.username, size, ip
    )
    return download


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- Views ---------------------------------------------------------------------------------------


def _unavailable(
    request: HttpRequest, error: PortalError, lifeboat: Lifeboat | None
) -> HttpResponse:
    return render(
        request,
        "lifeboats/lifeboat_download_unavailable.html",
        {"message": error.message, "lifeboat": lifeboat, "status_code": error.status_code},
        status=error.status_code,
    )


@never_cache
@require_GET
def download(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The Download button: issue a fresh signed link and send the browser to it."""
    user = cast(User, request.user)
    try:
        lifeboat = get_lifeboat_for(user, pk)
    except NotFound as error:
        raise Http404(error.message) from None
    try:
        link = download_link_for(lifeboat, user=user, ip=client_ip(request))
    except (Gone, InvalidTransition) as error:
        return _unavailable(request, error, lifeboat)
    return HttpResponseRedirect(link)


@login_not_required
@never_cache
@require_GET
def download_file(request: HttpRequest, pk: uuid.UUID, token: str) -> HttpResponse | FileResponse:
    """Stream the zip to the holder of a valid signed link, and log the download.

    The signature is the credential (so a client with an API token can follow the API's
    redirect); it names the user, whose membership is checked again here.
    """
    try:
        user_id = read_download_token(token, lifeboat_id=pk)
    except BadDownloadLink as error:
        return _unavailable(request, error, None)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    lifeboat = Lifeboat.objects.filter(pk=pk).select_related("organisation").first()
    if user is None or lifeboat is None:
        return _unavailable(request, NotFound("There is no such lifeboat."), None)
    try:
        check_downloadable(lifeboat, user=user)
    except PortalError as error:
        return _unavailable(request, error, None if error.status_code == 404 else lifeboat)
    return stream_package(request, lifeboat, user=user)


def stream_package(
    request: HttpRequest, lifeboat: Lifeboat, *, user: User
) -> HttpResponse | FileResponse:
    storage = lifeboat_storage()
    name = stored_package_name(lifeboat)
    if not storage.exists(name):
        logger.error("The package %s of ready lifeboat %s is missing", name, lifeboat.pk)
        return _unavailable(
            request,
            Gone(
                f"The package of the lifeboat {lifeboat.name!r} is missing from storage. "
                "Please tell the foundation, who can rebuild it."
            ),
            lifeboat,
        )
    size = storage.size(name)
    response = FileResponse(
        storage.open(name, "rb"), as_attachment=True, filename=download_name(lifeboat)
    )
    response["Content-Length"] = str(size)
    response["Content-Type"] = "application/zip"
    lifeboat_download_record(lifeboat, user=user, size=size, ip=client_ip(request))
    return response
