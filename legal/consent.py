"""The licence policy and consent requests (DESIGN 8).

On submit, `licence_review` sorts every pending photo of a lifeboat by the licence policy:
include it, block it (the index row is excluded with `licence_blocked`), or ask its owner.
Photos owned by the organisation's own Flickr accounts are always included. Each
photographer whose photos need consent gets one `ConsentRequest` per lifeboat, listing those
photos as `ConsentItem`s, with a deadline `CONSENT_WINDOW_DAYS` away.

The photographer answers per photo (`consent_grant`, `consent_refuse`); a refusal excludes
the index row with `consent_refused`. Two scheduled tasks keep the window honest:
`consent_send_reminders` (once, `REMINDER_DAYS_BEFORE` days before the deadline) and
`consent_expire_due` (no answer by the deadline: excluded with `consent_expired`).

The lifeboats app reads the outcome through `pending_consent_count`, `build_may_start`,
`consent_for_photo` / `consent_by_photo` (the package's `photo.consent`) and
`consent_summary` (README and review queue). The index rows (`lifeboats.LifeboatPhoto`) are
changed here only through their `state`, `reason` and `decided_at`.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone

from flickr.licenses import licence_label
from legal.inbox import notification_send
from legal.markdown import render_markdown
from legal.models import (
    CONSENT_ACTIONABLE_LIFEBOAT_STATUSES,
    ConsentItem,
    ConsentRequest,
    ConsentRequestQuerySet,
    ConsentStatus,
    LicenceDecision,
    LicencePolicy,
)
from portal.errors import InvalidTransition, NotFound, PortalError
from portal.models import User

REMINDER_DAYS_BEFORE = 3
MESSAGE_MAX_LENGTH = 2000

# The index's states and reasons (lifeboats.models PhotoState / ExclusionReason), by value.
PHOTO_PENDING = "pending"
PHOTO_EXCLUDED = "excluded"
REASON_LICENCE_BLOCKED = "licence_blocked"
REASON_CONSENT_REFUSED = "consent_refused"
REASON_CONSENT_EXPIRED = "consent_expired"
LIFEBOAT_APPROVED = "approved"

KIND_REQUESTED = "consent_requested"
KIND_REMINDER = "consent_reminder"


class ConsentMessageTooLong(PortalError):
    """The photographer's message does not fit."""


def _lifeboat_photo_model() -> Any:
    return apps.get_model("lifeboats", "LifeboatPhoto")


def _lifeboat_model() -> Any:
    return apps.get_model("lifeboats", "Lifeboat")


# --- The licence policy --------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyDecision:
    """What the policy says of one licence; `flagged` when the table has no row for it."""

    decision: str
    flagged: bool = False


def licence_decision(licence_id: str, *, policy: Mapping[str, str] | None = None) -> PolicyDecision:
    """The policy's decision for `licence_id`.

    A licence the table does not name (a new `unknown-<n>` from Flickr, or a row an admin
    deleted) needs consent and is flagged, so an admin can decide and add a row.
    """
    decisions = LicencePolicy.objects.decisions() if policy is None else policy
    if licence_id in decisions:
        return PolicyDecision(decisions[licence_id])
    return PolicyDecision(LicenceDecision.CONSENT, flagged=True)


@dataclass(frozen=True)
class LicenceReview:
    """What the licence review did to a lifeboat's pending photos (photo ids)."""

    included: tuple[str, ...] = ()
    own_photos: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    needs_consent: tuple[str, ...] = ()
    flagged_licences: dict[str, int] = field(default_factory=dict)
    requests: tuple[ConsentRequest, ...] = ()
    photographers_without_account: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "included": len(self.included),
            "ownPhotos": len(self.own_photos),
            "blocked": len(self.blocked),
            "needsConsent": len(self.needs_consent),
            "flaggedLicences": dict(self.flagged_licences),
            "photographers": len(self.requests),
            "photographersWithoutAccount": list(self.photographers_without_account),
        }


def licence_review(lifeboat: Any, *, now: datetime.datetime | None = None) -> LicenceReview:
    """Apply the licence policy to every pending photo of `lifeboat` (run on submit).

    Blocked photos are excluded from the index with `licence_blocked`; photos that need
    consent stay pending and are listed in one consent request per photographer, who is
    notified after commit (inbox, and email when their account has an address). Running it
    again (a returned request submitted anew) asks only about photos not asked about before.
    """
    now = now or timezone.now()
    policy = LicencePolicy.objects.decisions()
    own_nsids = set(lifeboat.organisation.flickr_nsids)
    included: list[str] = []
    own_photos: list[str] = []
    blocked: list[str] = []
    consent_by_owner: dict[str, list[str]] = defaultdict(list)
    flagged: Counter[str] = Counter()
    with transaction.atomic():
        rows = (
            _lifeboat_photo_model()
            .objects.filter(lifeboat=lifeboat, state=PHOTO_PENDING)
            .order_by("position", "pk")
            .values_list("photo_id", "owner_nsid", "license_id")
        )
        for photo_id, owner_nsid, licence_id in rows:
            if owner_nsid in own_nsids:
                own_photos.append(photo_id)
                continue
            decision = licence_decision(licence_id, policy=policy)
            if decision.flagged:
                flagged[licence_id] += 1
            if decision.decision == LicenceDecision.INCLUDE:
                included.append(photo_id)
            elif decision.decision == LicenceDecision.BLOCK:
                blocked.append(photo_id)
            else:
                consent_by_owner[owner_nsid].append(photo_id)
        _exclude_index_rows(lifeboat.pk, blocked, reason=REASON_LICENCE_BLOCKED, at=now)
        requests = [
            _ask_photographer(lifeboat, owner_nsid, photo_ids, now=now)
            for owner_nsid, photo_ids in consent_by_owner.items()
        ]
    return LicenceReview(
        included=tuple(included),
        own_photos=tuple(own_photos),
        blocked=tuple(blocked),
        needs_consent=tuple(photo_id for ids in consent_by_owner.values() for photo_id in ids),
        flagged_licences=dict(sorted(flagged.items())),
        requests=tuple(requests),
        photographers_without_account=tuple(
            sorted(request.owner_nsid for request in requests if request.recipient_id is None)
        ),
    )


def _ask_photographer(
    lifeboat: Any, owner_nsid: str, photo_ids: list[str], *, now: datetime.datetime
) -> ConsentRequest:
    """The photographer's request for this lifeboat, with an item for each photo not asked
    about yet; a request that gains photos gets a fresh window and a new notification."""
    deadline = now + datetime.timedelta(days=settings.CONSENT_WINDOW_DAYS)
    photographer = photographer_for(owner_nsid)
    request, created = ConsentRequest.objects.select_for_update().get_or_create(
        lifeboat=lifeboat,
        owner_nsid=owner_nsid,
        defaults={"created_at": now, "deadline": deadline, "recipient": photographer},
    )
    asked = set(request.items.values_list("photo_id", flat=True))
    new_ids = [photo_id for photo_id in photo_ids if photo_id not in asked]
    if not new_ids:
        return request
    ConsentItem.objects.bulk_create(
        [ConsentItem(request=request, photo_id=photo_id) for photo_id in new_ids]
    )
    if not created:
        request.deadline = max(request.deadline, deadline)
        request.closed_at = None
        request.reminded_at = None
        request.recipient = photographer or request.recipient
        request.save(update_fields=["deadline", "closed_at", "reminded_at", "recipient"])
    transaction.on_commit(partial(consent_request_notify, request.pk, kind=KIND_REQUESTED))
    return request


def _exclude_index_rows(
    lifeboat_id: Any, photo_ids: Iterable[str], *, reason: str, at: datetime.datetime
) -> int:
    """Exclude the lifeboat's still-pending index rows of `photo_ids` with `reason`."""
    photo_ids = list(photo_ids)
    if not photo_ids:
        return 0
    return (
        _lifeboat_photo_model()
        .objects.filter(lifeboat_id=lifeboat_id, photo_id__in=photo_ids, state=PHOTO_PENDING)
        .update(state=PHOTO_EXCLUDED, reason=reason, decided_at=at)
    )


# --- Who is the photographer ---------------------------------------------------------------------


def photographer_for(owner_nsid: str) -> User | None:
    """The active portal account that logged in with this Flickr NSID, if there is one."""
    return User.objects.filter(flickr_nsid=owner_nsid, is_active=True).first()


def get_consent_request_for(user: Any, pk: int) -> ConsentRequest:
    """A consent request about the user's own photos, or 404 (for everyone else, admins too)."""
    return get_object_or_404(ConsentRequest.objects.for_photographer(user), pk=pk)


def get_consent_item_for(user: Any, request_pk: int, item_pk: int) -> ConsentItem:
    """One photo of a consent request about the user's own photos, or 404."""
    request = get_consent_request_for(user, request_pk)
    return get_object_or_404(request.items.select_related("request"), pk=item_pk)


# --- Answers -------------------------------------------------------------------------------------


def consent_grant(item: ConsentItem, *, by: User, message: str = "") -> ConsentItem:
    """The photographer lets this photo go into the lifeboat."""
    return _answer(item, status=ConsentStatus.GRANTED, by=by, message=message)


def consent_refuse(item: ConsentItem, *, by: User, message: str = "") -> ConsentItem:
    """The photographer keeps this photo out; its index row is excluded (`consent_refused`)."""
    return _answer(item, status=ConsentStatus.REFUSED, by=by, message=message)


def _answer(item: ConsentItem, *, status: str, by: User, message: str) -> ConsentItem:
    message = _clean_message(message)
    with transaction.atomic():
        locked = _locked_item(item, by=by)
        request = locked.request
        lifeboat = request.lifeboat
        now = timezone.now()
        if lifeboat.status not in CONSENT_ACTIONABLE_LIFEBOAT_STATUSES:
            raise InvalidTransition(
                f"The lifeboat {lifeboat.name!r} is {lifeboat.get_status_display().lower()}; "
                "your answer is no longer needed and nothing was changed."
            )
        if not locked.is_pending:
            raise InvalidTransition(_already_answered_message(locked))
        if request.deadline <= now:
            raise InvalidTransition(
                f"The time to answer ended on {request.deadline:%d %B %Y at %H:%M}; photo "
                f"{locked.photo_id!r} is left out of the lifeboat. Nothing was changed."
            )
        locked.status = status
        locked.message = message
        locked.decided_at = now
        locked.decided_by = by
        locked.save(update_fields=["status", "message", "decided_at", "decided_by"])
        if status == ConsentStatus.REFUSED:
            _exclude_index_rows(
                lifeboat.pk, [locked.photo_id], reason=REASON_CONSENT_REFUSED, at=now
            )
        _close_if_answered(request, at=now)
        transaction.on_commit(partial(start_builds_waiting_for_consent, [lifeboat.pk]))
    for name in ("status", "message", "decided_at", "decided_by"):
        setattr(item, name, getattr(locked, name))
    return item


def _locked_item(item: ConsentItem, *, by: User) -> ConsentItem:
    """The item under a row lock, if `by` owns its photo; else NotFound, as for a stranger."""
    locked = (
        ConsentItem.objects.select_for_update(of=("self",))
        .select_related("request", "request__lifeboat")
        .filter(pk=item.pk)
        .first()
    )
    nsid = getattr(by, "flickr_nsid", None)
    if locked is None or not nsid or not by.is_active or locked.request.owner_nsid != nsid:
        raise NotFound(
            f"There is no consent request for photo {item.photo_id!r} among your photos."
        )
    return locked


def _close_if_answered(request: ConsentRequest, *, at: datetime.datetime) -> None:
    if not request.items.pending().exists():
        ConsentRequest.objects.filter(pk=request.pk, closed_at__isnull=True).update(closed_at=at)


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ConsentMessageTooLong(
            f"Please keep your message to {MESSAGE_MAX_LENGTH} characters; it has "
            f"{len(message)}. Nothing was changed."
        )
    return message


def _already_answered_message(item: ConsentItem) -> str:
    when = f"{item.decided_at:%d %B %Y}" if item.decided_at else "earlier"
    if item.status == ConsentStatus.EXPIRED:
        return (
            f"The time to answer for photo {item.photo_id!r} ended on {when}; it is left out "
            "of the lifeboat. Nothing was changed."
        )
    return (
        f"Photo {item.photo_id!r} was already {item.get_status_display().lower()} on {when}; "
        "nothing was changed."
    )


# --- The window: reminders and expiry (scheduled) -----------------------------------------------


def consent_expire_due(now: datetime.datetime | None = None) -> int:
    """Scheduled: photos still unanswered at their request's deadline are refused by silence.

    Each such item becomes `expired` and its index row is excluded (`consent_expired`);
    the requests close. Returns how many photos expired.
    """
    now = now or timezone.now()
    with transaction.atomic():
        request_ids = list(
            ConsentRequest.objects.select_for_update()
            .filter(closed_at__isnull=True, deadline__lte=now)
            .values_list("pk", flat=True)
        )
        if not request_ids:
            return 0
        items = ConsentItem.objects.filter(request_id__in=request_ids).pending()
        by_lifeboat: dict[Any, list[str]] = defaultdict(list)
        for lifeboat_id, photo_id in items.values_list("request__lifeboat_id", "photo_id"):
            by_lifeboat[lifeboat_id].append(photo_id)
        expired = items.update(status=ConsentStatus.EXPIRED, decided_at=now)
        for lifeboat_id, photo_ids in by_lifeboat.items():
            _exclude_index_rows(lifeboat_id, photo_ids, reason=REASON_CONSENT_EXPIRED, at=now)
        ConsentRequest.objects.filter(pk__in=request_ids).update(closed_at=now)
        transaction.on_commit(partial(start_builds_waiting_for_consent, list(by_lifeboat)))
    return expired


def consent_send_reminders(now: datetime.datetime | None = None) -> int:
    """Scheduled: remind each photographer once, `REMINDER_DAYS_BEFORE` days before the
    deadline, of the photos they have not answered. Returns how many reminders were sent.

    Photographers without a portal account get none (the admin contacts them on Flickr); if
    they log in with Flickr before the deadline, the next run reminds them.
    """
    now = now or timezone.now()
    sent = 0
    due = ConsentRequest.objects.due_for_reminder(now, REMINDER_DAYS_BEFORE).order_by("pk")
    for request_id, owner_nsid in due.values_list("pk", "owner_nsid"):
        if photographer_for(owner_nsid) is None:
            continue
        with transaction.atomic():
            claimed = ConsentRequest.objects.filter(pk=request_id, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                sent += int(consent_request_notify(request_id, kind=KIND_REMINDER))
    return sent


# --- Notifications -------------------------------------------------------------------------------


def consent_request_notify(request_id: int, *, kind: str = KIND_REQUESTED) -> bool:
    """Tell the photographer about their request (or remind them), in their inbox and by
    email when they have an address. False when they have no portal account to tell."""
    request = ConsentRequest.objects.select_related("lifeboat", "lifeboat__organisation").get(
        pk=request_id
    )
    photographer = photographer_for(request.owner_nsid)
    if photographer is None:
        return False
    if request.recipient_id != photographer.pk:
        ConsentRequest.objects.filter(pk=request.pk).update(recipient=photographer)
    template = "consent_reminder" if kind == KIND_REMINDER else "consent_request"
    context = {
        "photographer": photographer,
        "consent_request": request,
        "lifeboat": request.lifeboat,
        "organisation": request.lifeboat.organisation,
        "pending": request.items.pending().count(),
        "total": request.items.count(),
        "SITE_URL": settings.SITE_URL,
        "url": f"{settings.SITE_URL}{request.get_absolute_url()}",
    }
    notification_send(
        recipient=photographer,
        kind=kind,
        subject=render_to_string(f"legal/email/{template}_subject.txt", context),
        body=render_to_string(f"legal/email/{template}.txt", context),
        url=request.get_absolute_url(),
    )
    return True


# --- What the lifeboats app reads ----------------------------------------------------------------


def pending_consent_count(lifeboat: Any) -> int:
    """How many of the lifeboat's photos still wait for their owner's answer."""
    return ConsentItem.objects.of_lifeboat(lifeboat.pk).pending().count()


def build_may_start(lifeboat: Any) -> bool:
    """True when no photo of the lifeboat waits for consent: its build may begin."""
    return not ConsentItem.objects.of_lifeboat(lifeboat.pk).pending().exists()


def start_builds_waiting_for_consent(
    lifeboat_ids: Iterable[Any], *, enqueue: Callable[[Any], Any] | None = None
) -> list[Any]:
    """After consent settles: queue the build of each approved lifeboat that was waiting only
    for it (`lifeboats.services.enqueue_build` unless `enqueue` is given). Runs after commit;
    returns the ids queued."""
    if enqueue is None:
        from lifeboats.services import enqueue_build

        enqueue = enqueue_build
    queued = []
    for lifeboat in _lifeboat_model().objects.filter(
        pk__in=list(lifeboat_ids), status=LIFEBOAT_APPROVED
    ):
        if build_may_start(lifeboat):
            enqueue(lifeboat.pk)
            queued.append(lifeboat.pk)
    return queued


NOT_REQUIRED: dict[str, Any] = {"required": False, "status": "not_required", "decidedAt": None}


def _consent_dict(status: str, decided_at: datetime.datetime | None) -> dict[str, Any]:
    return {
        "required": True,
        "status": status,
        "decidedAt": decided_at.isoformat() if decided_at else None,
    }


def consent_for_photo(lifeboat_id: Any, photo_id: str) -> dict[str, Any]:
    """The package's `photo.consent`: `{required, status, decidedAt}` for one photo."""
    item = (
        ConsentItem.objects.of_lifeboat(lifeboat_id)
        .filter(photo_id=photo_id)
        .values_list("status", "decided_at")
        .first()
    )
    if item is None:
        return dict(NOT_REQUIRED)
    return _consent_dict(*item)


def consent_by_photo(lifeboat_id: Any) -> dict[str, dict[str, Any]]:
    """`consent_for_photo` of every photo that needed consent, in one query (others are
    `NOT_REQUIRED`)."""
    items = ConsentItem.objects.of_lifeboat(lifeboat_id).values_list(
        "photo_id", "status", "decided_at"
    )
    return {photo_id: _consent_dict(status, at) for photo_id, status, at in items}


def consent_summary(lifeboat: Any) -> dict[str, Any]:
    """Counts for the README, the review queue and the request page.

    `required` photos needed consent; each is `pending`, `granted`, `refused` or `expired`.
    `notRequired` counts the rest of the photos. `photographersWithoutAccount` lists the
    NSIDs the foundation must contact on Flickr; `flaggedLicences` the licences the policy
    table does not name; `deadline` is the earliest open deadline (ISO 8601) or None.
    """
    items = ConsentItem.objects.of_lifeboat(lifeboat.pk)
    by_status = dict(items.values_list("status").annotate(count=Count("pk")).order_by())
    required = sum(by_status.values())
    requests = ConsentRequest.objects.of_lifeboat(lifeboat)
    deadline = requests.filter(closed_at__isnull=True).aggregate(first=Min("deadline"))["first"]
    photos = _lifeboat_photo_model().objects.filter(lifeboat=lifeboat)
    policy = LicencePolicy.objects.decisions()
    licences = photos.values_list("license_id").annotate(count=Count("pk")).order_by()
    return {
        "required": required,
        **{status: by_status.get(status, 0) for status in ConsentStatus.values},
        "notRequired": max(photos.count() - required, 0),
        "licenceBlocked": photos.filter(reason=REASON_LICENCE_BLOCKED).count(),
        "photographers": requests.count(),
        "photographersWithoutAccount": sorted(
            requests.without_account().values_list("owner_nsid", flat=True)
        ),
        "flaggedLicences": {
            licence_id: count
            for licence_id, count in sorted(licences)
            if licence_decision(licence_id, policy=policy).flagged
        },
        "deadline": deadline.isoformat() if deadline else None,
    }


# --- Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentPhoto:
    """One photo on the photographer's consent page."""

    item: ConsentItem
    title: str
    thumbnail_url: str
    thumbnail_width: int | None
    thumbnail_height: int | None
    flickr_url: str
    licence_label: str


def consent_photos(request: ConsentRequest) -> list[ConsentPhoto]:
    """The request's photos with what the index's listing says of them, in selection order."""
    rows = {
        row.photo_id: row
        for row in _lifeboat_photo_model().objects.filter(
            lifeboat_id=request.lifeboat_id,
            photo_id__in=request.items.values("photo_id"),
        )
    }
    photos = [_consent_photo(item, rows.get(item.photo_id)) for item in request.items.all()]
    return sorted(photos, key=lambda photo: _position(rows.get(photo.item.photo_id)))


def consent_photo(item: ConsentItem) -> ConsentPhoto:
    row = (
        _lifeboat_photo_model()
        .objects.filter(lifeboat_id=item.request.lifeboat_id, photo_id=item.photo_id)
        .first()
    )
    return _consent_photo(item, row)


def _position(row: Any) -> int:
    return row.position if row is not None else 0


def _consent_photo(item: ConsentItem, row: Any) -> ConsentPhoto:
    listing = row.listing if row is not None and isinstance(row.listing, dict) else {}
    thumbnail = listing.get("thumbnail") or {}
    owner = listing.get("owner_path_alias") or listing.get("owner_nsid") or ""
    return ConsentPhoto(
        item=item,
        title=listing.get("title") or f"Photo {item.photo_id}",
        thumbnail_url=thumbnail.get("url") or "",
        thumbnail_width=thumbnail.get("width"),
        thumbnail_height=thumbnail.get("height"),
        flickr_url=f"https://www.flickr.com/photos/{owner}/{item.photo_id}/" if owner else "",
        licence_label=licence_label(row.license_id) if row is not None else "",
    )


def readme_answers(lifeboat: Any) -> list[tuple[str, str]]:
    """The lifeboat's README answers as (question, sanitised HTML), leaving out empty ones."""
    questions = [
        ("Why these photos", lifeboat.readme_selection),
        ("What future readers should know", lifeboat.readme_future),
        ("How the photos may and may not be used", lifeboat.readme_usage),
    ]
    return [(question, render_markdown(text)) for question, text in questions if text.strip()]


def requests_for_photographer(user: Any) -> ConsentRequestQuerySet:
    """The photographer's requests, with their pending and total photo counts."""
    return ConsentRequest.objects.for_photographer(user).annotate(
        total=Count("items"),
        pending=Count("items", filter=Q(items__status=ConsentStatus.PENDING)),
    )


# --- Schedules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSchedule:
    name: str
    func: str
    minutes: int


CONSENT_SCHEDULES = (
    ConsentSchedule("Expire unanswered consent requests", "legal.consent.consent_expire_due", 60),
    ConsentSchedule(
        "Remind photographers of consent requests", "legal.consent.consent_send_reminders", 60
    ),
)


def ensure_consent_schedules(*, schedule_model: Any = None) -> int:
    """Create or update the django-q2 schedules of the consent window (idempotent, found by
    name). Returns how many schedules there are."""
    if schedule_model is None:
        from django_q.models import Schedule

        schedule_model = Schedule
    for schedule in CONSENT_SCHEDULES:
        schedule_model.objects.update_or_create(
            name=schedule.name,
            defaults={
                "func": schedule.func,
                "schedule_type": "I",
                "minutes": schedule.minutes,
                "repeats": -1,
            },
        )
    return len(CONSENT_SCHEDULES)
