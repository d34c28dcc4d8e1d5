"""The licence watch (DESIGN 8): photographers change licences; holders should know.

A django-q2 schedule runs `licence_watch_run` daily. It takes the photos included in lifeboats
made ready, or downloaded, in the last `LICENCE_WATCH_DAYS` days, asks Flickr each photo's
licence now (`photos.getInfo`, one call per photo, on the shared budget), and compares it with
the licence last known: the newest `LicenceChangeRecord` of the photo if there is one, else
the licence the package recorded (`photo.licenseId`, or the listing's before the build).

Each difference is recorded once as a `LicenceChangeRecord` naming the lifeboats that hold the
photo; since the next run compares with that record, an unchanged photo is never recorded or
announced twice. After commit, the foundation admins get one notification listing every change
of the run, and the members of each organisation holding a changed photo get one listing the
changes in their lifeboats.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from flickr.client import FlickrClient
from flickr.errors import FlickrError, InvalidApiKey, ResourceNotFound
from flickr.licenses import licence_label
from legal.inbox import notification_send
from legal.models import LicenceChangeRecord
from portal.models import User

logger = logging.getLogger(__name__)

KIND_ADMINS = "licence_changes"
KIND_HOLDERS = "licence_changes_in_lifeboats"
WATCHED_LIFEBOAT_STATUSES = ("ready", "expired")
PHOTO_INCLUDED = "included"
SCHEDULE_NAME = "Watch the licences of photos in recent lifeboats"


@dataclass
class WatchedPhoto:
    photo_id: str
    owner_nsid: str
    known_licence: str
    lifeboat_ids: list[Any] = field(default_factory=list)


def _lifeboat_model() -> Any:
    return apps.get_model("lifeboats", "Lifeboat")


def _lifeboat_photo_model() -> Any:
    return apps.get_model("lifeboats", "LifeboatPhoto")


# --- What to watch -------------------------------------------------------------------------------


def watched_lifeboat_ids(now: datetime.datetime) -> list[Any]:
    """Lifeboats made ready, or downloaded, in the last LICENCE_WATCH_DAYS days."""
    since = now - datetime.timedelta(days=settings.LICENCE_WATCH_DAYS)
    return list(
        _lifeboat_model()
        .objects.filter(status__in=WATCHED_LIFEBOAT_STATUSES)
        .filter(Q(ready_at__gte=since) | Q(downloads__at__gte=since))
        .order_by("ready_at", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def watched_photos(lifeboat_ids: list[Any]) -> dict[str, WatchedPhoto]:
    """Photo id -> what the portal knows of it: owner, last known licence, its lifeboats."""
    photos: dict[str, WatchedPhoto] = {}
    rows = (
        _lifeboat_photo_model()
        .objects.filter(lifeboat_id__in=lifeboat_ids, state=PHOTO_INCLUDED)
        .order_by("added_at", "pk")
        .values_list("photo_id", "owner_nsid", "license_id", "metadata__licenseId", "lifeboat_id")
    )
    for photo_id, owner_nsid, listed_licence, packaged_licence, lifeboat_id in rows:
        licence = packaged_licence or listed_licence
        photo = photos.setdefault(photo_id, WatchedPhoto(photo_id, owner_nsid, licence))
        photo.known_licence = licence or photo.known_licence  # the newest lifeboat's wins
        photo.lifeboat_ids.append(lifeboat_id)
    recorded = (
        LicenceChangeRecord.objects.filter(photo_id__in=list(photos))
        .order_by("photo_id", "detected_at", "pk")
        .values_list("photo_id", "new_licence_id")
    )
    for photo_id, new_licence in recorded:  # the newest record comes last
        photos[photo_id].known_licence = new_licence
    return photos


# --- The run -------------------------------------------------------------------------------------


def licence_watch_run(
    *, now: datetime.datetime | None = None, flickr: FlickrClient | None = None
) -> list[LicenceChangeRecord]:
    """Scheduled daily: record and announce the licences that changed; returns the new records.

    `flickr` is the client to ask (by default the portal's, on the shared budget). A photo
    Flickr no longer shows is skipped (the index keeps it); Flickr failing for one photo skips
    it until the next run; an invalid API key stops the run.
    """
    if flickr is None:
        from lifeboats.flickr_client import portal_flickr_client

        with portal_flickr_client() as client:
            return licence_watch_run(now=now, flickr=client)
    now = now or timezone.now()
    photos = watched_photos(watched_lifeboat_ids(now))
    current = _current_licences(flickr, list(photos))
    changed = [
        (photo, current[photo_id])
        for photo_id, photo in photos.items()
        if photo_id in current and current[photo_id] != photo.known_licence
    ]
    if not changed:
        return []
    with transaction.atomic():
        records = []
        for photo, new_licence in changed:
            record = LicenceChangeRecord.objects.create(
                photo_id=photo.photo_id,
                owner_nsid=photo.owner_nsid,
                old_licence_id=photo.known_licence,
                new_licence_id=new_licence,
                detected_at=now,
            )
            record.lifeboats.set(photo.lifeboat_ids)
            records.append(record)
        record_ids = [record.pk for record in records]
        transaction.on_commit(partial(notify_licence_changes, record_ids))
    return records


def _current_licences(flickr: FlickrClient, photo_ids: list[str]) -> dict[str, str]:
    licences: dict[str, str] = {}
    for photo_id in photo_ids:
        try:
            licences[photo_id] = flickr.get_photo_info(photo_id).licence_id
        except ResourceNotFound:
            logger.info("Licence watch: photo %s is no longer on Flickr", photo_id)
        except InvalidApiKey:
            raise
        except FlickrError as error:
            logger.warning(
                "Licence watch: photo %s skipped until the next run: %s", photo_id, error
            )
    return licences


# --- Notifications -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    photo_id: str
    flickr_url: str
    old: str
    new: str
    lifeboats: list[Any]


def notify_licence_changes(record_ids: list[int]) -> int:
    """Tell the admins every change, and each holding organisation's members theirs; returns
    how many notifications were sent."""
    records = list(
        LicenceChangeRecord.objects.filter(pk__in=record_ids)
        .prefetch_related("lifeboats__organisation")
        .order_by("photo_id", "pk")
    )
    if not records:
        return 0
    sent = 0
    for admin in User.objects.foundation_admins().order_by("pk"):
        _send(admin, KIND_ADMINS, [_line(record, record.lifeboats.all()) for record in records])
        sent += 1
    by_organisation: dict[Any, list[ChangeLine]] = defaultdict(list)
    organisations: dict[Any, Any] = {}
    for record in records:
        lifeboats_by_organisation: dict[Any, list[Any]] = defaultdict(list)
        for lifeboat in record.lifeboats.all():
            lifeboats_by_organisation[lifeboat.organisation_id].append(lifeboat)
            organisations[lifeboat.organisation_id] = lifeboat.organisation
        for organisation_id, lifeboats in lifeboats_by_organisation.items():
            by_organisation[organisation_id].append(_line(record, lifeboats))
    for organisation_id, lines in by_organisation.items():
        members = User.objects.filter(
            memberships__organisation_id=organisation_id, is_active=True
        ).distinct()
        for member in members.order_by("pk"):
            _send(member, KIND_HOLDERS, lines, organisation=organisations[organisation_id])
            sent += 1
    return sent


def _line(record: LicenceChangeRecord, lifeboats: Any) -> ChangeLine:
    owner = record.owner_nsid or "photo"
    return ChangeLine(
        photo_id=record.photo_id,
        flickr_url=f"https://www.flickr.com/photos/{owner}/{record.photo_id}/",
        old=licence_label(record.old_licence_id),
        new=licence_label(record.new_licence_id),
        lifeboats=list(lifeboats),
    )


def _send(recipient: User, kind: str, lines: list[ChangeLine], organisation: Any = None) -> None:
    context = {
        "recipient": recipient,
        "lines": lines,
        "organisation": organisation,
        "SITE_URL": settings.SITE_URL,
    }
    url = reverse("admin:legal_licencechangerecord_changelist") if organisation is None else ""
    notification_send(
        recipient=recipient,
        kind=kind,
        subject=render_to_string("legal/email/licence_changes_subject.txt", context),
        body=render_to_string("legal/email/licence_changes.txt", context).strip(),
        url=url,
    )


# --- Schedule ------------------------------------------------------------------------------------


def ensure_licence_watch_schedule(*, schedule_model: Any = None) -> None:
    """Create or update the daily licence watch schedule (idempotent, found by name)."""
    if schedule_model is None:
        from django_q.models import Schedule

        schedule_model = Schedule
    schedule_model.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "legal.licence_watch.licence_watch_run",
            "schedule_type": "D",
            "repeats": -1,
        },
    )
