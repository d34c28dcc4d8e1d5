"""Lifeboats: the models of lifeboat requests, their photos and the shared Flickr budget."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class FlickrBudget(models.Model):
    """The shared Flickr API budget: one row per key, read and written under a row lock.

    `next_free_at` is the earliest moment, in seconds since the epoch on the database's
    clock, at which the next API call may happen (see `lifeboats.budget`).
    """

    name = models.CharField(max_length=100)
    next_free_at = models.FloatField(
        default=0.0, help_text="Seconds since the epoch (database clock) of the next free slot."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Flickr API budget"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="flickrbudget_unique_name"),
            models.CheckConstraint(
                condition=Q(next_free_at__gte=0), name="flickrbudget_next_free_at_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def next_free_slot(self) -> datetime:
        """The next free slot as an aware datetime (UTC)."""
        return datetime.fromtimestamp(self.next_free_at, tz=UTC)


# --- Lifeboats -------------------------------------------------------------------------------


class LifeboatStatus(models.TextChoices):
    """The fixed state names of DESIGN 4; `lifeboats.states.TRANSITIONS` says which moves exist."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved, waiting to build"
    BUILDING = "building", "Building"
    READY = "ready", "Ready to download"
    EXPIRED = "expired", "Expired"
    FAILED = "failed", "Build failed"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LifeboatQuerySet(models.QuerySet):
    def visible_to(self, user) -> LifeboatQuerySet:
        """Foundation admins see every lifeboat; everyone else only their organisations'."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_foundation_admin:
            return self.all()
        return self.filter(organisation__memberships__user=user).distinct()

    def of_organisation(self, organisation) -> LifeboatQuerySet:
        return self.filter(organisation=organisation)

    def awaiting_review(self) -> LifeboatQuerySet:
        return self.filter(status=LifeboatStatus.SUBMITTED).order_by("submitted_at")

    def due_for_expiry(self, now: datetime) -> LifeboatQuerySet:
        return self.filter(status=LifeboatStatus.READY, expires_at__lte=now)

    def stalled_builds(self, heartbeat_before: datetime) -> LifeboatQuerySet:
        """Builds whose worker has not reported since `heartbeat_before` (lifeboats.builder)."""
        return self.filter(status=LifeboatStatus.BUILDING).filter(
            Q(heartbeat_at__lt=heartbeat_before) | Q(heartbeat_at__isnull=True)
        )


class Lifeboat(models.Model):
    """A request for a Data Lifeboat, and then the package built from it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="lifeboats"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lifeboats_created"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, help_text="The package's folder name, made from the name."
    )
    purpose = models.TextField(blank=True, help_text="Why this lifeboat exists.")
    readme_selection = models.TextField(blank=True, help_text="Why these photos.")
    readme_future = models.TextField(blank=True, help_text="What future readers should know.")
    readme_usage = models.TextField(blank=True, help_text="How the photos may and may not be used.")
    urls = models.JSONField(default=list, blank=True, help_text="The Flickr URLs as pasted.")
    preflight = models.JSONField(
        default=dict, blank=True, help_text="The preflight summary of the selection."
    )
    status = models.CharField(
        max_length=20, choices=LifeboatStatus.choices, default=LifeboatStatus.DRAFT
    )
    agreement_signature = models.ForeignKey(
        "legal.AgreementSignature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lifeboats",
        help_text="The approved signature in force when the request was submitted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lifeboats_decided",
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Build progress, written by the worker.
    photos_total = models.PositiveIntegerField(default=0)
    photos_done = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.TextField(blank=True)
    # The package, once built.
    package_path = models.CharField(max_length=500, blank=True)
    package_size = models.PositiveBigIntegerField(null=True, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)

    objects = LifeboatQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="lifeboat_status_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LifeboatStatus.values), name="lifeboat_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(photos_done__lte=models.F("photos_total")),
                name="lifeboat_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lifeboats:detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.photos_total:
            return 0
        return round(100 * self.photos_done / self.photos_total)


class PhotoState(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    INCLUDED = "included", "Included"
    EXCLUDED = "excluded", "Excluded"


class ExclusionReason(models.TextChoices):
    """Why a photo is not in a lifeboat (DESIGN 4, the index)."""

    OPTED_OUT = "opted_out", "The photographer opted out"
    CONSENT_REFUSED = "consent_refused", "The photographer refused consent"
    CONSENT_EXPIRED = "consent_expired", "No answer to the consent request in time"
    NOT_FOUND = "not_found", "Deleted or private on Flickr"
    LICENCE_BLOCKED = "licence_blocked", "Its licence is blocked by the licence policy"
    REMOVED = "removed", "Removed at the photographer's request"


class LifeboatPhotoQuerySet(models.QuerySet):
    def of_photo(self, photo_id: str) -> LifeboatPhotoQuerySet:
        return self.filter(photo_id=photo_id)

    def pending(self) -> LifeboatPhotoQuerySet:
        return self.filter(state=PhotoState.PENDING)

    def included(self) -> LifeboatPhotoQuerySet:
        return self.filter(state=PhotoState.INCLUDED)

    def excluded(self) -> LifeboatPhotoQuerySet:
        return self.filter(state=PhotoState.EXCLUDED)


class LifeboatPhoto(models.Model):
    """One photo of one lifeboat: the selection while drafting, the index once built.

    The index answers "photo X was added to lifeboat Y on date Z"; rows are never deleted once
    the lifeboat is submitted.
    """

    lifeboat = models.ForeignKey(Lifeboat, on_delete=models.CASCADE, related_name="photos")
    photo_id = models.CharField(max_length=20, db_index=True)
    owner_nsid = models.CharField(max_length=30, blank=True)
    license_id = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=20, choices=PhotoState.choices, default=PhotoState.PENDING)
    reason = models.CharField(max_length=30, choices=ExclusionReason.choices, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in the selection.")
    listing = models.JSONField(
        default=dict, blank=True, help_text="What the Flickr listing said of the photo."
    )
    metadata = models.JSONField(
        default=dict, blank=True, help_text="The package's `photo` object, once fetched."
    )
    files = models.JSONField(
        default=dict,
        blank=True,
        help_text="The package's `files` object: path, size, sha512 of original and thumbnail.",
    )
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text="Names and titles the photo refers to by id (lifeboats.package PhotoContext).",
    )
    added_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the build included or excluded it."
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    # The builder's claim on a pending photo (lifeboats.builder): who is fetching it, since when.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)

    objects = LifeboatPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["lifeboat", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lifeboat", "photo_id"], name="lifeboatphoto_unique"),
            models.CheckConstraint(
                condition=Q(state__in=PhotoState.values), name="lifeboatphoto_state_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=PhotoState.EXCLUDED, reason__in=ExclusionReason.values)
                    | (~Q(state=PhotoState.EXCLUDED) & Q(reason=""))
                ),
                name="lifeboatphoto_excluded_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} in {self.lifeboat_id}"


class LifeboatEvent(models.Model):
    """One move of a lifeboat between states: who, when, why. Appended, never changed."""

    lifeboat = models.ForeignKey(Lifeboat, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=LifeboatStatus.choices, blank=True)
    status = models.CharField(max_length=20, choices=LifeboatStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lifeboat_events",
        help_text="Empty when the system (the worker, a schedule) made the move.",
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LifeboatStatus.values), name="lifeboatevent_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lifeboat_id}: {self.from_status or '-'} → {self.status}"


class LifeboatDownload(models.Model):
    """One download of a package: kept forever, as provenance."""

    lifeboat = models.ForeignKey(Lifeboat, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lifeboat_downloads"
    )
    at = models.DateTimeField(default=timezone.now)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.lifeboat_id} at {self.at:%Y-%m-%d %H:%M}"


# --- The builder's cache of raw Flickr responses ----------------------------------------------


class FlickrResponseCacheQuerySet(models.QuerySet):
    def fetched_before(self, moment: datetime) -> FlickrResponseCacheQuerySet:
        return self.filter(fetched_at__lt=moment)


class FlickrResponseCache(models.Model):
    """One raw Flickr response, kept so a resumed or repeated build does not ask again.

    Per-photo calls are keyed by the photo id and its `last_update` (seconds since the epoch):
    a photo changed on Flickr has a new `last_update`, so its old answers are never reused.
    Calls about no photo (the licence table) have an empty `photo_id` and the UTC day as
    `last_update`. `params_key` is the SHA-256 of the other parameters (never the API key).
    """

    photo_id = models.CharField(max_length=20, blank=True)
    last_update = models.CharField(max_length=20)
    method = models.CharField(max_length=100)
    params_key = models.CharField(max_length=64)
    body = models.TextField()
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = FlickrResponseCacheQuerySet.as_manager()

    class Meta:
        verbose_name = "cached Flickr response"
        constraints = [
            models.UniqueConstraint(
                fields=["photo_id", "last_update", "method", "params_key"],
                name="flickrresponsecache_unique_call",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} for {self.photo_id or '-'} at {self.last_update}"
