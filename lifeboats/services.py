"""Writes for lifeboat requests: create, edit, submit, decide, build, expire.

Each service checks who may act (raising `portal.errors.Forbidden` or `NotFound`), validates
its input (raising a `lifeboats.errors.LifeboatError`), and changes the status only through
`lifeboats.states.move`. Flickr is called before any transaction opens; emails, inbox
notifications and build tasks are registered with `transaction.on_commit`; a notification
that fails (a mail server down) is logged and never undoes or hides the change it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial, update_wrapper
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from flickr.client import FlickrClient
from flickr.errors import FlickrError
from flickr.preflight import summarise
from flickr.walkers import Selection, SelectionError, resolve_selection
from legal.consent import licence_review
from legal.notices import record_inclusion_notices
from legal.services import agreement_status_for, organisation_may_request_lifeboats
from lifeboats import notifications
from lifeboats.errors import (
    FlickrTrouble,
    InvalidSelection,
    LifeboatError,
    MissingAnswer,
    NotReadyToSubmit,
)
from lifeboats.flickr_client import portal_flickr_client
from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatPhoto, LifeboatStatus, PhotoState
from lifeboats.selection import listed_photo_from_json, listed_photo_to_json
from lifeboats.states import can_move, move, transition_message
from portal.errors import Forbidden, InvalidTransition, NotFound
from portal.models import Organisation, User

BUILD_TASK = "lifeboats.tasks.build_lifeboat"

README_FIELDS = ("name", "purpose", "readme_selection", "readme_future", "readme_usage")
REQUIRED_FOR_SUBMIT = {
    "name": "a name",
    "purpose": "the purpose (why this lifeboat exists)",
    "readme_future": "the README answer “what future readers should know”",
}

# --- Who may do what -------------------------------------------------------------------------


def is_member(user: User | None, organisation: Organisation) -> bool:
    """Staff or manager of the organisation (an active, logged-in user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role_in(organisation) is not None


def _require_member(user: User, lifeboat: Lifeboat) -> None:
    if is_member(user, lifeboat.organisation):
        return
    if getattr(user, "is_foundation_admin", False):
        raise Forbidden(
            f"Only members of {lifeboat.organisation} can change their lifeboat "
            f"{lifeboat.name!r}; foundation admins can approve, return or reject it."
        )
    raise NotFound(f"There is no lifeboat {str(lifeboat.pk)!r}.")


def _require_admin(user: User, action: str) -> None:
    if not getattr(user, "is_foundation_admin", False):
        raise Forbidden(f"Only foundation admins can {action} lifeboat requests.")


def _require_text(value: str | None, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MissingAnswer(f"Please give {what}; got {value!r}.")
    return value.strip()


def _check_state(lifeboat: Lifeboat, to: str) -> None:
    """Fail early, with the state machine's own message, before checking anything else."""
    if not can_move(lifeboat.status, to):
        raise InvalidTransition(transition_message(lifeboat.status, to))


def _locked(lifeboat: Lifeboat) -> Lifeboat:
    try:
        return (
            Lifeboat.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by")
            .get(pk=lifeboat.pk)
        )
    except Lifeboat.DoesNotExist:
        raise NotFound(f"There is no lifeboat {str(lifeboat.pk)!r}.") from None


def _refresh(target: Lifeboat, source: Lifeboat) -> Lifeboat:
    """Let the caller's instance show what was saved, without another query."""
    for field in Lifeboat._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def notify_after_commit(send: Callable[..., Any], *args: Any) -> None:
    """Send a notification once the change it reports is committed; if sending fails it is
    logged, and the change stands."""
    call = update_wrapper(partial(send, *args), send)  # a name for Django's error log
    transaction.on_commit(call, robust=True)


# --- Creating and editing a draft ------------------------------------------------------------


def _resolve(client: FlickrClient | None, urls: list[str]) -> Selection:
    if client is None:
        with portal_flickr_client() as own_client:
            return _resolve(own_client, urls)
    try:
        return resolve_selection(client, urls, max_photos=settings.LIFEBOAT_MAX_PHOTOS)
    except TypeError as error:
        raise InvalidSelection(str(error)) from error
    except SelectionError as error:
        raise InvalidSelection(str(error)) from error
    except FlickrError as error:
        raise FlickrTrouble.from_error(error) from error


def _clean_urls(urls: Any) -> list[str]:
    if isinstance(urls, str) or not isinstance(urls, Iterable):
        raise InvalidSelection(f"Expected a list of Flickr URLs, got {urls!r}.")
    cleaned = [url.strip() if isinstance(url, str) else url for url in urls]
    cleaned = [url for url in cleaned if url != ""]
    if not cleaned:
        raise InvalidSelection("Paste at least one Flickr URL to choose photos for the lifeboat.")
    return cleaned


def preflight_for(selection: Selection) -> dict[str, Any]:
    """The preflight summary, plus what each URL gave, duplicates and unavailable photos."""
    summary = summarise(
        selection.photos,
        rate_per_hour=settings.FLICKR_RATE_LIMIT_PER_HOUR,
        listing_calls=selection.listing_calls,
    ).to_dict()
    summary["per_url"] = [result.to_dict() for result in selection.per_url]
    summary["duplicates"] = sum(result.duplicates for result in selection.per_url)
    summary["unavailable"] = [item.to_dict() for item in selection.unavailable]
    return summary


def lifeboat_create(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    purpose: str = "",
    readme_selection: str = "",
    readme_future: str = "",
    readme_usage: str = "",
    urls: list[str],
    client: FlickrClient | None = None,
) -> Lifeboat:
    """Resolve the URLs on Flickr and save a draft lifeboat with one pending row per photo.

    Nothing is saved when anything is wrong; Flickr is called outside any transaction.
    """
    if not is_member(by, organisation):
        raise Forbidden(
            f"Only staff and managers of {organisation} can request lifeboats for it; "
            "ask one of its managers to add you."
        )
    if not organisation.is_approved:
        raise NotReadyToSubmit(
            f"{organisation} is not approved yet; lifeboats can be requested once the "
            "foundation has approved the organisation."
        )
    name = _require_text(name, "a name for the lifeboat")
    cleaned_urls = _clean_urls(urls)
    selection = _resolve(client, cleaned_urls)
    if not selection.photos:
        raise InvalidSelection(
            "None of these URLs gave a photo that can be read on Flickr (deleted, private or "
            f"empty): {cleaned_urls!r}. Paste URLs of public photos or collections."
        )
    with transaction.atomic():
        lifeboat = Lifeboat.objects.create(
            organisation=organisation,
            created_by=by,
            name=name,
            slug=slugify(name)[:200] or "lifeboat",
            purpose=(purpose or "").strip(),
            readme_selection=(readme_selection or "").strip(),
            readme_future=(readme_future or "").strip(),
            readme_usage=(readme_usage or "").strip(),
            urls=cleaned_urls,
            preflight=preflight_for(selection),
            photos_total=len(selection.photos),
        )
        LifeboatPhoto.objects.bulk_create(
            LifeboatPhoto(
                lifeboat=lifeboat,
                photo_id=photo.id,
                owner_nsid=photo.owner_nsid,
                license_id=photo.licence_id,
                state=PhotoState.PENDING,
                position=position,
                listing=listed_photo_to_json(photo),
            )
            for position, photo in enumerate(selection.photos)
        )
        LifeboatEvent.objects.create(
            lifeboat=lifeboat, from_status="", status=LifeboatStatus.DRAFT, actor=by
        )
    return lifeboat


def lifeboat_update_readme(
    lifeboat: Lifeboat,
    *,
    by: User,
    name: str | None = None,
    purpose: str | None = None,
    readme_selection: str | None = None,
    readme_future: str | None = None,
    readme_usage: str | None = None,
) -> Lifeboat:
    """Change the name, purpose or README answers of a draft; None leaves a field as it is."""
    _require_member(by, lifeboat)
    changes = {
        "name": name,
        "purpose": purpose,
        "readme_selection": readme_selection,
        "readme_future": readme_future,
        "readme_usage": readme_usage,
    }
    cleaned = {field: value.strip() for field, value in changes.items() if value is not None}
    if "name" in cleaned:
        cleaned["name"] = _require_text(cleaned["name"], "a name for the lifeboat")
        cleaned["slug"] = slugify(cleaned["name"])[:200] or "lifeboat"
    with transaction.atomic():
        locked = _locked(lifeboat)
        _require_draft(locked, "edited")
        for field, value in cleaned.items():
            setattr(locked, field, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
    return _refresh(lifeboat, locked)


def _require_draft(lifeboat: Lifeboat, verb: str) -> None:
    if lifeboat.status != LifeboatStatus.DRAFT:
        raise InvalidTransition(
            f"This lifeboat is “{lifeboat.status}”; only a draft can be {verb}."
        )


def lifeboat_remove_photos(lifeboat: Lifeboat, *, by: User, photo_ids: list[str]) -> Lifeboat:
    """Take photos out of a draft's selection; the counts and estimate follow."""
    _require_member(by, lifeboat)
    if isinstance(photo_ids, str) or not photo_ids:
        raise MissingAnswer(f"Choose at least one photo to remove; got {photo_ids!r}.")
    wanted = {str(photo_id) for photo_id in photo_ids}
    with transaction.atomic():
        locked = _locked(lifeboat)
        _require_draft(locked, "changed")
        rows = locked.photos.filter(photo_id__in=wanted)
        unknown = wanted - set(rows.values_list("photo_id", flat=True))
        if unknown:
            raise LifeboatError(
                f"These photos are not in this lifeboat: {sorted(unknown)!r}; nothing was removed."
            )
        if len(wanted) >= locked.photos.count():
            raise LifeboatError(
                "A lifeboat needs at least one photo; withdraw it instead of removing every photo."
            )
        rows.delete()
        remaining = list(locked.photos.order_by("position").values_list("listing", flat=True))
        locked.photos_total = len(remaining)
        locked.preflight = _recount(locked.preflight, remaining, removed=len(wanted))
        locked.save(update_fields=["photos_total", "preflight", "updated_at"])
    return _refresh(lifeboat, locked)


def _recount(preflight: dict[str, Any], listings: list[dict], *, removed: int) -> dict[str, Any]:
    listing_calls = (preflight.get("api_calls") or {}).get("listing", 0)
    summary = summarise(
        (listed_photo_from_json(data) for data in listings),
        rate_per_hour=settings.FLICKR_RATE_LIMIT_PER_HOUR,
        listing_calls=listing_calls,
    ).to_dict()
    kept: dict[str, Any] = {
        key: preflight[key] for key in ("per_url", "duplicates", "unavailable") if key in preflight
    }
    return {**summary, **kept, "removed": preflight.get("removed", 0) + removed}


# --- Submitting and deciding -----------------------------------------------------------------


def lifeboat_submit(lifeboat: Lifeboat, *, by: User) -> Lifeboat:
    """Send a draft to the foundation for review; the organisation's agreement must be in force."""
    _require_member(by, lifeboat)
    with transaction.atomic():
        locked = _locked(lifeboat)
        _check_state(locked, LifeboatStatus.SUBMITTED)
        organisation = locked.organisation
        if not organisation_may_request_lifeboats(organisation):
            raise NotReadyToSubmit(_agreement_problem(organisation))
        missing = [
            what
            for field, what in REQUIRED_FOR_SUBMIT.items()
            if not getattr(locked, field).strip()
        ]
        if missing:
            raise MissingAnswer(
                f"Before submitting, please fill in {_and_list(missing)}. Nothing was submitted."
            )
        if not locked.photos.exists():
            raise NotReadyToSubmit(
                "This lifeboat has no photos; add Flickr URLs before submitting it."
            )
        signature = agreement_status_for(organisation).signature
        moved = move(
            locked.pk,
            LifeboatStatus.SUBMITTED,
            actor=by,
            agreement_signature=signature,
            submitted_at=timezone.now(),
        )
        licence_review(moved)
        notify_after_commit(notifications.lifeboat_submitted, locked.pk)
    return _refresh(lifeboat, moved)


def _agreement_problem(organisation: Organisation) -> str:
    if not organisation.is_approved:
        return (
            f"{organisation} is not approved by the foundation, so it cannot submit lifeboats. "
            "Nothing was submitted."
        )
    explanation = agreement_status_for(organisation).explanation
    return f"{explanation} Nothing was submitted."


def _and_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def lifeboat_return(lifeboat: Lifeboat, *, by: User, note: str) -> Lifeboat:
    """A foundation admin sends a submitted request back to draft, saying what to change."""
    _require_admin(by, "return")
    note = _require_text(note, "a note telling the requester what to change")
    return _decide(lifeboat, LifeboatStatus.DRAFT, by=by, note=note, kind="returned")


def lifeboat_approve(lifeboat: Lifeboat, *, by: User, note: str = "") -> Lifeboat:
    """A foundation admin approves a submitted request; the build is queued after commit."""
    _require_admin(by, "approve")
    return _decide(
        lifeboat, LifeboatStatus.APPROVED, by=by, note=(note or "").strip(), kind="approved"
    )


def lifeboat_reject(lifeboat: Lifeboat, *, by: User, reason: str) -> Lifeboat:
    """A foundation admin refuses a submitted request for good, giving the reason."""
    _require_admin(by, "reject")
    reason = _require_text(reason, "the reason for rejecting the request")
    return _decide(lifeboat, LifeboatStatus.REJECTED, by=by, note=reason, kind="rejected")


def _decide(lifeboat: Lifeboat, to: str, *, by: User, note: str, kind: str) -> Lifeboat:
    with transaction.atomic():
        locked = _locked(lifeboat)
        # Decisions are on submitted requests only: failed → approved is a retry, not this.
        if locked.status != LifeboatStatus.SUBMITTED:
            raise InvalidTransition(transition_message(locked.status, to))
        decision: dict[str, Any] = {}
        if to != LifeboatStatus.DRAFT:
            decision = {"decided_at": timezone.now(), "decided_by": by}
        moved = move(locked.pk, to, actor=by, note=note, **decision)
        notify_after_commit(notifications.lifeboat_decided, moved.pk, kind, note)
        if to == LifeboatStatus.APPROVED:
            transaction.on_commit(partial(enqueue_build, moved.pk))
    return _refresh(lifeboat, moved)


def lifeboat_withdraw(lifeboat: Lifeboat, *, by: User) -> Lifeboat:
    """A member of the organisation withdraws a draft or submitted request."""
    _require_member(by, lifeboat)
    moved = move(lifeboat.pk, LifeboatStatus.WITHDRAWN, actor=by)
    return _refresh(lifeboat, moved)


# --- Building (called by the worker) ---------------------------------------------------------


def enqueue_build(lifeboat_id: Any) -> str:
    """Queue the build task of a lifeboat; call it only after the approving commit."""
    from django_q.tasks import async_task

    return async_task(
        BUILD_TASK,
        str(lifeboat_id),
        group=f"lifeboat-{lifeboat_id}",
        cluster=settings.Q_CLUSTER["name"],
    )


def lifeboat_start_build(lifeboat: Lifeboat) -> Lifeboat:
    """The worker takes an approved lifeboat: approved → building."""
    moved = move(lifeboat.pk, LifeboatStatus.BUILDING, actor=None, heartbeat_at=timezone.now())
    return _refresh(lifeboat, moved)


def lifeboat_mark_ready(
    lifeboat: Lifeboat, *, package_path: str, package_size: int, package_sha256: str
) -> Lifeboat:
    """The package is stored: building → ready, downloadable for LIFEBOAT_DOWNLOAD_DAYS."""
    ready_at = timezone.now()
    with transaction.atomic():
        moved = move(
            lifeboat.pk,
            LifeboatStatus.READY,
            actor=None,
            package_path=package_path,
            package_size=package_size,
            package_sha256=package_sha256,
            ready_at=ready_at,
            expires_at=ready_at + timedelta(days=settings.LIFEBOAT_DOWNLOAD_DAYS),
        )
        notify_after_commit(notifications.lifeboat_ready, moved.pk)
        notify_after_commit(record_inclusion_notices, moved.pk)
    return _refresh(lifeboat, moved)


def lifeboat_mark_failed(lifeboat: Lifeboat, *, message: str) -> Lifeboat:
    """The build stopped for good (an invalid key, say): building → failed, with the message."""
    message = (message or "").strip() or "The build stopped without saying why."
    with transaction.atomic():
        moved = move(
            lifeboat.pk, LifeboatStatus.FAILED, actor=None, note=message, failure_message=message
        )
        notify_after_commit(notifications.lifeboat_failed, moved.pk)
    return _refresh(lifeboat, moved)


def lifeboat_retry(lifeboat: Lifeboat, *, by: User) -> Lifeboat:
    """A foundation admin or the organisation's manager tries a failed build again."""
    if not (getattr(by, "is_foundation_admin", False) or by.is_manager_of(lifeboat.organisation)):
        if is_member(by, lifeboat.organisation):
            raise Forbidden(
                "Only a manager of your organisation or a foundation admin can retry a build."
            )
        raise NotFound(f"There is no lifeboat {str(lifeboat.pk)!r}.")
    with transaction.atomic():
        moved = move(lifeboat.pk, LifeboatStatus.APPROVED, actor=by, failure_message="")
        transaction.on_commit(partial(enqueue_build, moved.pk))
    return _refresh(lifeboat, moved)


def lifeboat_expire(lifeboat: Lifeboat) -> Lifeboat:
    """The download window has closed: ready → expired. Every row is kept."""
    moved = move(lifeboat.pk, LifeboatStatus.EXPIRED, actor=None)
    return _refresh(lifeboat, moved)
