"""Inclusion notices: photographers hear of every lifeboat that holds their photos.

When a lifeboat becomes ready (`lifeboats.services.lifeboat_mark_ready` registers
`record_inclusion_notices` after commit), each photographer with included photos in it gets
one `InclusionNotice` for that lifeboat, whether or not their consent was needed: which photos,
which organisation, the purpose, and how to ask for removal. The notice shows on the
photographer's page at once (`notices_for`).

Email comes once a day: `inclusion_notices_send_digest` (a django-q2 schedule) sends each
photographer with a portal account one notification listing all their unsent notices (inbox
always; email when they gave an address), so a photographer in many lifeboats in a day gets
one digest. Notices of photographers without an account wait: they are sent in the first digest
after the photographer logs in with Flickr.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from legal.inbox import notification_send
from legal.models import InclusionNotice
from portal.models import User

KIND_DIGEST = "inclusion_digest"
PHOTO_INCLUDED = "included"


def _lifeboat_model() -> Any:
    return apps.get_model("lifeboats", "Lifeboat")


# --- Recording -----------------------------------------------------------------------------------


def record_inclusion_notices(lifeboat_id: Any) -> int:
    """One notice per photographer with included photos in the lifeboat; returns how many were
    made. Running it again for the same lifeboat makes none."""
    lifeboat = _lifeboat_model().objects.get(pk=lifeboat_id)
    photos_by_owner: dict[str, list[str]] = defaultdict(list)
    rows = (
        lifeboat.photos.filter(state=PHOTO_INCLUDED)
        .exclude(owner_nsid="")
        .order_by("position", "pk")
        .values_list("owner_nsid", "photo_id")
    )
    for owner_nsid, photo_id in rows:
        photos_by_owner[owner_nsid].append(photo_id)
    already = set(
        InclusionNotice.objects.filter(lifeboat=lifeboat).values_list(
            "photographer_nsid", flat=True
        )
    )
    made = 0
    for owner_nsid, photo_ids in photos_by_owner.items():
        if owner_nsid in already:
            continue
        try:
            with transaction.atomic():
                InclusionNotice.objects.create(
                    photographer_nsid=owner_nsid, lifeboat=lifeboat, photo_ids=photo_ids
                )
        except IntegrityError:  # made meanwhile by a duplicated task delivery
            continue
        made += 1
    return made


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeView:
    """A notice as the photographer's page and the digest show it."""

    notice: InclusionNotice
    photos: list[dict[str, Any]]

    @property
    def lifeboat(self) -> Any:
        return self.notice.lifeboat


def notices_for(user: Any) -> list[NoticeView]:
    """The photographer's notices, newest first, each with its photos' titles and thumbnails."""
    notices = list(InclusionNotice.objects.for_photographer(user))
    return _with_photos(notices)


def _with_photos(notices: list[InclusionNotice]) -> list[NoticeView]:
    from lifeboats import index

    views = []
    for notice in notices:
        rows = {
            row.photo_id: row
            for row in notice.lifeboat.photos.filter(photo_id__in=notice.photo_ids).only(
                "photo_id", "owner_nsid", "listing", "state", "reason"
            )
        }
        photos = []
        for photo_id in notice.photo_ids:
            row = rows.get(photo_id)
            photos.append(
                {
                    "photo_id": photo_id,
                    "title": index.title_of([row]) if row else None,
                    "thumbnail": index.thumbnail_of([row]) if row else None,
                    "flickr_url": f"https://www.flickr.com/photos/{notice.photographer_nsid}/"
                    f"{photo_id}/",
                    "removed": bool(row and row.reason == "removed"),
                }
            )
        views.append(NoticeView(notice, photos))
    return views


# --- The daily digest ----------------------------------------------------------------------------


def inclusion_notices_send_digest(now: datetime.datetime | None = None) -> int:
    """Scheduled daily: send each photographer with an account one digest of their unsent
    notices, and mark them sent. Returns how many digests were sent."""
    now = now or timezone.now()
    nsids = (
        InclusionNotice.objects.unsent()
        .order_by("photographer_nsid")
        .values_list("photographer_nsid", flat=True)
        .distinct()
    )
    photographers = {
        user.flickr_nsid: user
        for user in User.objects.filter(flickr_nsid__in=list(nsids), is_active=True)
    }
    sent = 0
    for nsid, photographer in sorted(photographers.items()):
        sent += int(_send_digest(photographer, nsid, now=now))
    return sent


def _send_digest(photographer: User, nsid: str, *, now: datetime.datetime) -> bool:
    with transaction.atomic():
        notices = list(
            InclusionNotice.objects.select_for_update(of=("self",))
            .unsent()
            .filter(photographer_nsid=nsid)
            .select_related("lifeboat", "lifeboat__organisation")
            .order_by("created_at", "pk")
        )
        if not notices:
            return False
        context = {
            "photographer": photographer,
            "notices": _with_photos(notices),
            "photo_count": sum(len(notice.photo_ids) for notice in notices),
            "photographer_url": f"{settings.SITE_URL}{reverse('legal:photographer')}",
            "SITE_URL": settings.SITE_URL,
        }
        notification_send(
            recipient=photographer,
            kind=KIND_DIGEST,
            subject=render_to_string("legal/email/inclusion_digest_subject.txt", context),
            body=render_to_string("legal/email/inclusion_digest.txt", context).strip(),
            url=reverse("legal:photographer") + "#notices",
        )
        InclusionNotice.objects.filter(pk__in=[notice.pk for notice in notices]).update(
            sent_in_digest_at=now
        )
    return True


# --- Schedules -----------------------------------------------------------------------------------

DIGEST_SCHEDULE_NAME = "Send photographers their inclusion notices"


def ensure_notice_schedule(*, schedule_model: Any = None) -> None:
    """Create or update the daily digest schedule (idempotent, found by name)."""
    if schedule_model is None:
        from django_q.models import Schedule

        schedule_model = Schedule
    schedule_model.objects.update_or_create(
        name=DIGEST_SCHEDULE_NAME,
        defaults={
            "func": "legal.notices.inclusion_notices_send_digest",
            "schedule_type": "D",
            "repeats": -1,
        },
    )
