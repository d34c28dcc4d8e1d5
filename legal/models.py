"""Legal agreements: the versions the foundation publishes, the signatures organisations
give, and the audit log of everything that happens to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.models import validate_nsid


class AgreementVersionQuerySet(models.QuerySet):
    def published(self) -> AgreementVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def in_effect(self, today: datetime.date | None = None) -> AgreementVersionQuerySet:
        """Published versions whose effective date has arrived, newest first."""
        today = today or timezone.localdate()
        return (
            self.published()
            .filter(effective_on__lte=today)
            .order_by("-effective_on", "-published_at", "-pk")
        )

    def current(self, today: datetime.date | None = None) -> AgreementVersion | None:
        """The one version organisations must sign: the latest in effect, or None."""
        return self.in_effect(today).first()


class AgreementVersion(models.Model):
    """One text of the agreement between the foundation and an organisation."""

    label = models.CharField(max_length=40, unique=True, help_text='For example "2026-1".')
    text_markdown = models.TextField(help_text="The agreement text, in Markdown.")
    effective_on = models.DateField(help_text="The day from which organisations must sign it.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(label=""), name="legal_agreementversion_label_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(published_by__isnull=True) | Q(published_at__isnull=False),
                name="legal_agreementversion_published_by_needs_published_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("legal:agreement_version", kwargs={"label": self.label})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SignatureStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class AgreementSignatureQuerySet(models.QuerySet):
    def pending(self) -> AgreementSignatureQuerySet:
        return self.filter(status=SignatureStatus.PENDING)

    def approved(self) -> AgreementSignatureQuerySet:
        return self.filter(status=SignatureStatus.APPROVED)

    def for_organisation(self, organisation) -> AgreementSignatureQuerySet:
        return self.filter(organisation=organisation)

    def of_current_version(self) -> AgreementSignatureQuerySet:
        current = AgreementVersion.objects.current()
        return self.filter(version=current) if current else self.none()

    def approved_current(self) -> AgreementSignatureQuerySet:
        """Approved signatures of the version in effect today."""
        return self.approved().of_current_version()

    def awaiting_review(self) -> AgreementSignatureQuerySet:
        """What a foundation admin has to decide, oldest first."""
        return (
            self.pending()
            .select_related("organisation", "version", "signed_by")
            .order_by("signed_at", "pk")
        )

    def newest_first(self) -> AgreementSignatureQuerySet:
        return self.order_by("-signed_at", "-pk")


class AgreementSignature(models.Model):
    """An organisation's manager signing one agreement version, and the foundation's decision."""

    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="agreement_signatures"
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=200, help_text="The full name, as typed.")
    signer_title = models.CharField(max_length=200, help_text="The signer's position.")
    signed_at = models.DateTimeField(default=timezone.now)
    signed_ip = models.GenericIPAddressField(verbose_name="signed from IP address")
    status = models.CharField(
        max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(blank=True)

    objects = AgreementSignatureQuerySet.as_manager()

    Status = SignatureStatus

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SignatureStatus.values),
                name="legal_agreementsignature_status_valid",
            ),
            models.UniqueConstraint(
                fields=["organisation", "version"],
                condition=Q(status__in=[SignatureStatus.PENDING, SignatureStatus.APPROVED]),
                name="legal_agreementsignature_one_live_per_version",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=SignatureStatus.PENDING, decided_at__isnull=True)
                    | (~Q(status=SignatureStatus.PENDING) & Q(decided_at__isnull=False))
                ),
                name="legal_agreementsignature_decided_at_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=SignatureStatus.RETURNED) | ~Q(decision_note=""),
                name="legal_agreementsignature_returned_has_note",
            ),
        ]
        indexes = [models.Index(fields=["status", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.version.label} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == SignatureStatus.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == SignatureStatus.APPROVED


class EventKind(models.TextChoices):
    PUBLISHED = "published", "Version published"
    SIGNED = "signed", "Signed"
    APPROVED = "approved", "Signature approved"
    RETURNED = "returned", "Signature returned"


class AgreementEventQuerySet(models.QuerySet):
    def for_organisation(self, organisation) -> AgreementEventQuerySet:
        return self.filter(organisation=organisation)

    def history_of(self, organisation) -> AgreementEventQuerySet:
        """What happened to the organisation's signatures, and every version published."""
        return self.filter(Q(organisation=organisation) | Q(kind=EventKind.PUBLISHED))

    def chronological(self) -> AgreementEventQuerySet:
        return self.select_related("actor", "version", "organisation").order_by("at", "pk")


class AgreementEvent(models.Model):
    """One entry of the legal audit log: who did what to which agreement, and when."""

    kind = models.CharField(max_length=20, choices=EventKind.choices)
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="events")
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_events",
    )
    signature = models.ForeignKey(
        AgreementSignature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty only for what the system did itself (the first published version).",
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = AgreementEventQuerySet.as_manager()

    Kind = EventKind

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="legal_agreementevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=EventKind.PUBLISHED)
                | Q(organisation__isnull=False, signature__isnull=False),
                name="legal_agreementevent_signature_events_name_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "at"])]

    def __str__(self) -> str:
        who = self.actor or "the system"
        return (
            f"{self.get_kind_display()}: {self.version.label} by {who} at {self.at:%Y-%m-%d %H:%M}"
        )


# --- Notifications ---------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread_for(self, user) -> NotificationQuerySet:
        return self.for_user(user).filter(read_at__isnull=True)

    def unread_first(self) -> NotificationQuerySet:
        """Unread ones first, then newest first."""
        return self.order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-pk")


class Notification(models.Model):
    """One message to one person: shown in their inbox and, when they have an address, emailed.

    Every notification the portal sends is stored here, whichever app sent it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50, help_text='What it is about, e.g. "lifeboat_ready".')
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text.")
    url = models.CharField(max_length=500, blank=True, help_text="Where to act on it.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="legal_notification_unread")]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=""), name="legal_notification_kind_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"

    def get_absolute_url(self) -> str:
        return reverse("legal:notification", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# --- Opt-outs ----------------------------------------------------------------------------------


class OptOutScope(models.TextChoices):
    ALL = "all", "All my photos"
    LISTED = "listed", "Listed photos"


class OptOutQuerySet(models.QuerySet):
    def active(self) -> OptOutQuerySet:
        """Opt-outs in force: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def of_photographer(self, nsid: str) -> OptOutQuerySet:
        return self.filter(photographer_nsid=nsid)

    def covers(self, photo_id: str, owner_nsid: str) -> OptOutQuerySet:
        """Active opt-outs that exclude this photo: its owner's "all" opt-out, or one listing it."""
        return (
            self.active()
            .filter(photographer_nsid=owner_nsid)
            .filter(Q(scope=OptOutScope.ALL) | Q(photos__photo_id=photo_id))
            .distinct()
        )


class OptOut(models.Model):
    """A photographer's wish that their photos (all, or the listed ones) stay out of lifeboats.

    Only the photographer can add one, and only for photos they own (their Flickr NSID is the
    photos' owner). Every build checks the active opt-outs when it runs, so an opt-out added
    after a request was submitted still keeps the photos out.
    """

    photographer_nsid = models.CharField(
        "photographer's Flickr account id", max_length=32, validators=[validate_nsid]
    )
    scope = models.CharField(max_length=10, choices=OptOutScope.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OptOutQuerySet.as_manager()

    Scope = OptOutScope

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "opt-out"
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=OptOutScope.values), name="legal_optout_scope_valid"
            ),
            models.UniqueConstraint(
                fields=["photographer_nsid"],
                condition=Q(scope=OptOutScope.ALL, withdrawn_at__isnull=True),
                name="legal_optout_one_active_all_per_photographer",
                violation_error_message="You have already opted out all your photos.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_by__isnull=True) | Q(withdrawn_at__isnull=False),
                name="legal_optout_withdrawn_by_needs_withdrawn_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["photographer_nsid", "withdrawn_at"], name="legal_optout_nsid_active"
            )
        ]

    def __str__(self) -> str:
        what = "all photos" if self.scope == OptOutScope.ALL else "listed photos"
        state = " (withdrawn)" if self.withdrawn_at else ""
        return f"Opt-out of {what} by {self.photographer_nsid}{state}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class OptOutPhoto(models.Model):
    """One photo named by a "listed photos" opt-out."""

    opt_out = models.ForeignKey(OptOut, on_delete=models.CASCADE, related_name="photos")
    photo_id = models.CharField(max_length=32, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "opted-out photo"
        constraints = [
            models.UniqueConstraint(
                fields=["opt_out", "photo_id"], name="legal_optoutphoto_unique_per_opt_out"
            ),
            models.CheckConstraint(
                condition=Q(photo_id__regex=r"^[0-9]+$"), name="legal_optoutphoto_id_numeric"
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.photo_id} ({self.opt_out})"


# --- Licence policy and consent ----------------------------------------------------------------


class LicenceDecision(models.TextChoices):
    """What the licence review does with a photo under a licence (DESIGN 8)."""

    INCLUDE = "include", "Include"
    CONSENT = "consent", "Ask the photographer's consent"
    BLOCK = "block", "Block (leave the photo out)"


class LicencePolicyQuerySet(models.QuerySet):
    def decisions(self) -> dict[str, str]:
        """Licence id → decision, for every licence the table names."""
        return dict(self.values_list("licence_id", "decision"))


class LicencePolicy(models.Model):
    """One row per licence id: include, ask for consent, or block. Edited in the Django admin;
    a licence with no row (a new `unknown-<n>`) needs consent and is flagged for review."""

    licence_id = models.CharField(
        max_length=40,
        unique=True,
        help_text='The licence id of the package format, e.g. "cc-by-2.0" or "unknown-17".',
    )
    decision = models.CharField(max_length=10, choices=LicenceDecision.choices)
    note = models.TextField(blank=True, help_text="Why the foundation decided so.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the defaults the portal was installed with.",
    )

    objects = LicencePolicyQuerySet.as_manager()

    Decision = LicenceDecision

    class Meta:
        ordering = ["licence_id"]
        verbose_name = "licence policy"
        verbose_name_plural = "licence policy"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=LicenceDecision.values),
                name="legal_licencepolicy_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(licence_id=""), name="legal_licencepolicy_licence_id_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.get_decision_display()}"


# The lifeboat states in which a photographer's answer still matters (lifeboats.LifeboatStatus).
CONSENT_ACTIONABLE_LIFEBOAT_STATUSES = ("draft", "submitted", "approved")


class ConsentRequestQuerySet(models.QuerySet):
    def for_photographer(self, user) -> ConsentRequestQuerySet:
        """The requests about photos this user owns on Flickr (by their NSID), newest first."""
        if not user.is_authenticated or not user.is_active or not user.flickr_nsid:
            return self.none()
        return (
            self.filter(owner_nsid=user.flickr_nsid)
            .select_related("lifeboat", "lifeboat__organisation")
            .order_by("-created_at", "-pk")
        )

    def of_lifeboat(self, lifeboat) -> ConsentRequestQuerySet:
        return self.filter(lifeboat=lifeboat)

    def open(self) -> ConsentRequestQuerySet:
        """Requests with photos still waiting for an answer, on lifeboats that still need it."""
        return self.filter(
            closed_at__isnull=True, lifeboat__status__in=CONSENT_ACTIONABLE_LIFEBOAT_STATUSES
        )

    def due_for_reminder(self, now: datetime.datetime, days_before: int) -> ConsentRequestQuerySet:
        """Open, never reminded, and their deadline is less than `days_before` days away."""
        return self.open().filter(
            reminded_at__isnull=True,
            deadline__gt=now,
            deadline__lte=now + datetime.timedelta(days=days_before),
        )

    def without_account(self) -> ConsentRequestQuerySet:
        """Requests whose photographer has no portal account yet (contact them on Flickr)."""
        from portal.models import User

        nsids = User.objects.filter(flickr_nsid__isnull=False).values("flickr_nsid")
        return self.exclude(owner_nsid__in=nsids)


class ConsentRequest(models.Model):
    """One photographer asked about their photos in one lifeboat: the photos are its items."""

    lifeboat = models.ForeignKey(
        "lifeboats.Lifeboat", on_delete=models.CASCADE, related_name="consent_requests"
    )
    owner_nsid = models.CharField(
        "photographer's Flickr account id", max_length=32, validators=[validate_nsid]
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_requests",
        help_text="The portal account the request was sent to; empty when the photographer "
        "had none (the foundation contacts them on Flickr).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(help_text="Photos still unanswered then are left out.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last photo was answered or expired."
    )

    objects = ConsentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lifeboat", "owner_nsid"], name="legal_consentrequest_one_per_photographer"
            ),
            models.CheckConstraint(
                condition=~Q(owner_nsid=""), name="legal_consentrequest_owner_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("created_at")),
                name="legal_consentrequest_deadline_after_creation",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_nsid", "created_at"], name="legal_consent_owner"),
            models.Index(fields=["closed_at", "deadline"], name="legal_consent_open_deadline"),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.owner_nsid} for lifeboat {self.lifeboat_id}"

    def get_absolute_url(self) -> str:
        return reverse("legal:consent_request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ConsentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    EXPIRED = "expired", "No answer in time"


class ConsentItemQuerySet(models.QuerySet):
    def pending(self) -> ConsentItemQuerySet:
        return self.filter(status=ConsentStatus.PENDING)

    def of_lifeboat(self, lifeboat_id) -> ConsentItemQuerySet:
        return self.filter(request__lifeboat_id=lifeboat_id)

    def past_deadline(self, now: datetime.datetime) -> ConsentItemQuerySet:
        return self.pending().filter(request__deadline__lte=now)


class ConsentItem(models.Model):
    """One photo of a consent request, and its owner's answer."""

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="items")
    photo_id = models.CharField(max_length=32)
    status = models.CharField(
        max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.PENDING
    )
    message = models.TextField(blank=True, help_text="What the photographer said, if anything.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the window closed without an answer.",
    )

    objects = ConsentItemQuerySet.as_manager()

    Status = ConsentStatus

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "photo_id"], name="legal_consentitem_once_per_request"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConsentStatus.values), name="legal_consentitem_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ConsentStatus.PENDING, decided_at__isnull=True)
                    | (~Q(status=ConsentStatus.PENDING) & Q(decided_at__isnull=False))
                ),
                name="legal_consentitem_decided_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["photo_id"], name="legal_consentitem_photo")]

    def __str__(self) -> str:
        return f"Photo {self.photo_id}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == ConsentStatus.PENDING


# --- Removal requests --------------------------------------------------------------------------


class RemovalStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class RemovalRequestQuerySet(models.QuerySet):
    def pending(self) -> RemovalRequestQuerySet:
        return self.filter(status=RemovalStatus.PENDING)

    def awaiting_review(self) -> RemovalRequestQuerySet:
        """What a foundation admin has to decide, oldest first."""
        return self.pending().select_related("photographer").order_by("created_at", "pk")

    def recently_decided(self) -> RemovalRequestQuerySet:
        return (
            self.exclude(status=RemovalStatus.PENDING)
            .select_related("photographer", "decided_by")
            .order_by("-decided_at", "-pk")
        )

    def for_photographer(self, user) -> RemovalRequestQuerySet:
        """The requests about photos this user owns on Flickr (by their NSID), newest first."""
        if not user.is_authenticated or not user.is_active or not user.flickr_nsid:
            return self.none()
        return self.filter(owner_nsid=user.flickr_nsid).order_by("-created_at", "-pk")


class RemovalRequest(models.Model):
    """A photographer asks that photos of theirs already in lifeboats be taken out of them.

    A foundation admin grants or refuses it with a note. Granting marks the photos `removed`
    in every lifeboat that holds them (`legal.removals`).
    """

    photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="removal_requests"
    )
    owner_nsid = models.CharField(
        "photographer's Flickr account id", max_length=32, validators=[validate_nsid]
    )
    reason = models.TextField(help_text="Why the photographer wants the photos removed.")
    status = models.CharField(
        max_length=10, choices=RemovalStatus.choices, default=RemovalStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(blank=True)

    objects = RemovalRequestQuerySet.as_manager()

    Status = RemovalStatus

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RemovalStatus.values),
                name="legal_removalrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="legal_removalrequest_reason_not_empty"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=RemovalStatus.PENDING, decided_at__isnull=True)
                    | (
                        ~Q(status=RemovalStatus.PENDING)
                        & Q(decided_at__isnull=False)
                        & ~Q(decision_note="")
                    )
                ),
                name="legal_removalrequest_decision_has_date_and_note",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="legal_removal_status"),
            models.Index(fields=["owner_nsid", "created_at"], name="legal_removal_owner"),
        ]

    def __str__(self) -> str:
        return f"Removal request {self.pk} by {self.owner_nsid} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RemovalStatus.PENDING


class RemovalRequestPhoto(models.Model):
    """One photo a removal request names."""

    request = models.ForeignKey(RemovalRequest, on_delete=models.CASCADE, related_name="photos")
    photo_id = models.CharField(max_length=32, db_index=True)

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = "photo to remove"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "photo_id"], name="legal_removalrequestphoto_once"
            ),
            models.CheckConstraint(
                condition=Q(photo_id__regex=r"^[0-9]+$"),
                name="legal_removalrequestphoto_id_numeric",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.photo_id}"


# --- Inclusion notices -------------------------------------------------------------------------


class InclusionNoticeQuerySet(models.QuerySet):
    def unsent(self) -> InclusionNoticeQuerySet:
        return self.filter(sent_in_digest_at__isnull=True)

    def for_photographer(self, user) -> InclusionNoticeQuerySet:
        """The notices about this user's photos (by their Flickr NSID), newest first."""
        if not user.is_authenticated or not user.is_active or not user.flickr_nsid:
            return self.none()
        return (
            self.filter(photographer_nsid=user.flickr_nsid)
            .select_related("lifeboat", "lifeboat__organisation")
            .order_by("-created_at", "-pk")
        )


class InclusionNotice(models.Model):
    """A photographer told that a lifeboat holding their photos is ready: one per photographer
    per lifeboat. Shown on their page at once; emailed in the next daily digest."""

    photographer_nsid = models.CharField(
        "photographer's Flickr account id", max_length=32, validators=[validate_nsid]
    )
    lifeboat = models.ForeignKey(
        "lifeboats.Lifeboat", on_delete=models.CASCADE, related_name="inclusion_notices"
    )
    photo_ids = models.JSONField(default=list, help_text="The photographer's photos it holds.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_in_digest_at = models.DateTimeField(null=True, blank=True)

    objects = InclusionNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lifeboat", "photographer_nsid"],
                name="legal_inclusionnotice_one_per_photographer",
            ),
            models.CheckConstraint(
                condition=~Q(photographer_nsid=""), name="legal_inclusionnotice_nsid_not_empty"
            ),
        ]
        indexes = [
            models.Index(
                fields=["photographer_nsid", "sent_in_digest_at"], name="legal_notice_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{len(self.photo_ids)} photos of {self.photographer_nsid} in {self.lifeboat_id}"


# --- Licence watch -----------------------------------------------------------------------------


class LicenceChangeRecord(models.Model):
    """A licence change the licence watch found on Flickr for a photo in recent lifeboats.

    Recorded once: the next run compares with the newest record, not with the index again.
    """

    photo_id = models.CharField(max_length=32, db_index=True)
    owner_nsid = models.CharField(max_length=32, blank=True)
    old_licence_id = models.CharField(max_length=40)
    new_licence_id = models.CharField(max_length=40)
    detected_at = models.DateTimeField(default=timezone.now)
    lifeboats = models.ManyToManyField(
        "lifeboats.Lifeboat",
        related_name="licence_changes",
        blank=True,
        help_text="The recent lifeboats that hold the photo under its old licence.",
    )

    class Meta:
        ordering = ["-detected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_licence_id=models.F("new_licence_id")),
                name="legal_licencechangerecord_is_a_change",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.photo_id}: {self.old_licence_id} → {self.new_licence_id}"
