"""Legal agreements: the versions the foundation publishes, the signatures organisations
give, and the audit log of everything that happens to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


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
