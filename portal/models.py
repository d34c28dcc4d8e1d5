"""People, the organisations they belong to, their roles, API tokens and the audit trail."""

from __future__ import annotations

import re
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

FOUNDATION_ADMINS_GROUP = "Foundation admins"

NSID_PATTERN = re.compile(r"^\d+@N\d{2}$")


def validate_nsid(value: str) -> None:
    """A Flickr account id (NSID) looks like `12345678@N01`."""
    if not NSID_PATTERN.match(value or ""):
        raise ValidationError(
            f"{value!r} is not a Flickr account id. An id looks like 12345678@N01.",
            code="invalid_nsid",
        )


FLICKR_ACCOUNT_IN_TEXT = re.compile(r"(\d+@[Nn]\d{2})(?![\d])")


def nsid_from_text(text: str) -> str:
    """The NSID in `text`: an NSID itself or a Flickr URL that contains one."""
    match = FLICKR_ACCOUNT_IN_TEXT.search(text.strip())
    if match is None:
        raise ValidationError(
            f"We could not find a Flickr account id in {text.strip()!r}. Paste the account id "
            "(it looks like 12345678@N01) or a Flickr address that contains it, such as "
            "https://www.flickr.com/photos/12345678@N01/.",
            code="invalid_nsid",
        )
    return match.group(1).upper()


# Slugs that would hide a page under /organisations/.
RESERVED_SLUGS = frozenset({"register"})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            f"The short name {value!r} is reserved by the portal. Choose another.",
            code="reserved_slug",
        )


# --- Users -------------------------------------------------------------------------------------


class UserQuerySet(models.QuerySet):
    def foundation_admins(self) -> UserQuerySet:
        """Active users who review organisations: the group's members and superusers."""
        return self.filter(
            Q(groups__name=FOUNDATION_ADMINS_GROUP) | Q(is_superuser=True), is_active=True
        ).distinct()


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who logs in: institution staff, foundation admins and photographers."""

    email = models.EmailField("email address", blank=True)
    display_name = models.CharField(
        max_length=150, blank=True, help_text="How the portal names you to others."
    )
    flickr_nsid = models.CharField(
        "Flickr account id",
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_nsid],
        help_text="Set when a photographer logs in with Flickr.",
    )

    objects: ClassVar[PortalUserManager] = PortalUserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="portal_user_email_unique_when_set",
                violation_error_message="Another account already uses this email address.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username

    @property
    def is_foundation_admin(self) -> bool:
        """Foundation admins review organisations: members of the group, and superusers."""
        if not (self.is_active and self.is_authenticated):
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=FOUNDATION_ADMINS_GROUP).exists()

    def role_in(self, organisation: Organisation) -> str | None:
        """This user's role in `organisation`, or None when they are not a member."""
        return (
            Membership.objects.filter(user=self, organisation=organisation)
            .values_list("role", flat=True)
            .first()
        )

    def is_manager_of(self, organisation: Organisation) -> bool:
        return self.role_in(organisation) == Membership.Role.MANAGER


# --- Organisations -----------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganisationQuerySet:
        """Foundation admins see every organisation; anyone else only their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_foundation_admin:
            return self.all()
        return self.filter(memberships__user=user).distinct()

    def of_member(self, user) -> OrganisationQuerySet:
        """The organisations `user` belongs to, whatever the status."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def pending(self) -> OrganisationQuerySet:
        return self.filter(status=Organisation.Status.PENDING)

    def approved(self) -> OrganisationQuerySet:
        return self.filter(status=Organisation.Status.APPROVED)


class Organisation(models.Model):
    """An institution (archive, library, museum) whose staff ask for lifeboats."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        SUSPENDED = "suspended", "Suspended"

    # Which status each status may move to; `portal.services` is the only writer.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.APPROVED, Status.DECLINED}),
        Status.APPROVED: frozenset({Status.SUSPENDED}),
        Status.SUSPENDED: frozenset({Status.APPROVED}),
        Status.DECLINED: frozenset(),
    }

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text="Used in web addresses: lower-case letters, numbers and hyphens.",
        error_messages={"unique": "Another organisation already uses this short name (slug)."},
    )
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    members = models.ManyToManyField(
        User, through="Membership", related_name="organisations", blank=True
    )
    registered_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_organisations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined", "suspended"]),
                name="portal_organisation_status_valid",
            ),
        ]
        permissions = [
            ("review_organisation", "Can approve, decline and suspend organisations"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_detail", kwargs={"slug": self.slug})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def flickr_nsids(self) -> list[str]:
        """The NSIDs of the Flickr accounts this organisation owns."""
        return [account.nsid for account in self.flickr_accounts.all()]

    def managers(self) -> models.QuerySet[User]:
        return User.objects.filter(
            memberships__organisation=self, memberships__role=Membership.Role.MANAGER
        )


class OrganisationFlickrAccount(models.Model):
    """A Flickr account an organisation owns: its photos never need their owner's consent."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="flickr_accounts"
    )
    nsid = models.CharField("Flickr account id", max_length=32, validators=[validate_nsid])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nsid"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "nsid"], name="portal_flickr_account_once_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.nsid

    def get_flickr_url(self) -> str:
        return f"https://www.flickr.com/photos/{self.nsid}/"


class Membership(models.Model):
    """A person's role in one organisation."""

    class Role(models.TextChoices):
        STAFF = "staff", "Staff"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="portal_membership_once_per_org",
                violation_error_message="This person is already a member of this organisation.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["staff", "manager"]), name="portal_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


class OrganisationEvent(models.Model):
    """The audit trail of an organisation: registration and every review decision."""

    class Action(models.TextChoices):
        REGISTERED = "registered", "Registered"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        SUSPENDED = "suspended", "Suspended"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["registered", "approved", "declined", "suspended"]),
                name="portal_organisation_event_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


# --- API tokens --------------------------------------------------------------------------------


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        """Tokens that still authenticate: not revoked, and their user still active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A secret for `Authorization: Bearer`; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'ingest'.")
    key_prefix = models.CharField(max_length=8, help_text="The first characters of the secret.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
