"""The legal models in the Django admin: everything is read-only, because a signed text and
its audit trail must never change; decisions go through the services."""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from flickr.licenses import licence_label
from legal import services
from legal.errors import AgreementError
from legal.models import (
    AgreementEvent,
    AgreementSignature,
    AgreementVersion,
    ConsentItem,
    ConsentRequest,
    InclusionNotice,
    LicenceChangeRecord,
    LicencePolicy,
    Notification,
    OptOut,
    OptOutPhoto,
    RemovalRequest,
    RemovalRequestPhoto,
)
from portal.models import User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to staff, changed only by the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["label", "effective_on", "published_at", "published_by", "signature_count"]
    list_filter = ["effective_on", "published_at"]
    search_fields = ["label", "text_markdown"]
    readonly_fields = [
        "label",
        "effective_on",
        "text_markdown",
        "published_at",
        "published_by",
        "created_at",
        "publish_link",
    ]
    date_hierarchy = "effective_on"

    @admin.display(description="signatures")
    def signature_count(self, version: AgreementVersion) -> int:
        return version.signatures.count()

    @admin.display(description="new version")
    def publish_link(self, version: AgreementVersion) -> str:
        return format_html(
            '<a href="{}">Publish a new version</a> (a published text never changes)',
            reverse("legal:agreement_publish"),
        )


@admin.register(AgreementSignature)
class AgreementSignatureAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "version",
        "signer_name",
        "signed_at",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "version", "signed_at", "decided_at"]
    search_fields = [
        "organisation__name",
        "organisation__slug",
        "signer_name",
        "signer_title",
        "signed_by__username",
        "signed_ip",
        "decision_note",
    ]
    readonly_fields = [
        "organisation",
        "version",
        "signed_by",
        "signer_name",
        "signer_title",
        "signed_at",
        "signed_ip",
        "status",
        "decided_at",
        "decided_by",
        "decision_note",
    ]
    list_select_related = ["organisation", "version", "decided_by"]
    actions = ["approve_signatures"]

    @admin.action(description="Approve the selected signatures")
    def approve_signatures(self, request: HttpRequest, queryset: QuerySet) -> None:
        approved = 0
        for signature in queryset.select_related("organisation", "version"):
            try:
                services.signature_approve(signature, by=cast(User, request.user))
            except AgreementError as error:
                self.message_user(request, str(error), level=messages.WARNING)
            else:
                approved += 1
        if approved:
            self.message_user(request, f"Approved {approved} signature(s).", level=messages.SUCCESS)


@admin.register(AgreementEvent)
class AgreementEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "version", "organisation", "actor"]
    list_filter = ["kind", "version", "at"]
    search_fields = ["organisation__name", "actor__username", "note", "version__label"]
    readonly_fields = ["kind", "version", "organisation", "signature", "actor", "note", "at"]
    list_select_related = ["version", "organisation", "actor"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every notification sent, as sent: kept for the record, never edited."""

    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["recipient__username", "recipient__email", "subject", "body"]
    readonly_fields = [
        "recipient",
        "kind",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


# --- Licence policy and consent ------------------------------------------------------------------


@admin.register(LicencePolicy)
class LicencePolicyAdmin(admin.ModelAdmin):
    """The one editable legal table: what the licence review does with each licence. A licence
    with no row needs consent and is flagged; add a row to decide it."""

    list_display = ["licence_id", "licence_name", "decision", "note", "updated_at", "updated_by"]
    list_editable = ["decision"]
    list_filter = ["decision"]
    search_fields = ["licence_id", "note"]
    readonly_fields = ["updated_at", "updated_by"]
    fields = ["licence_id", "decision", "note", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]

    @admin.display(description="licence")
    def licence_name(self, policy: LicencePolicy) -> str:
        return licence_label(policy.licence_id)

    def save_model(self, request: HttpRequest, obj: LicencePolicy, form, change: bool) -> None:
        obj.updated_by = cast(User, request.user)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a missing row silently means "consent": change the decision instead


class ConsentItemInline(admin.TabularInline):
    model = ConsentItem
    fields = ["photo_id", "status", "message", "decided_at", "decided_by"]
    readonly_fields = ["photo_id", "status", "message", "decided_at", "decided_by"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PhotographerAccountFilter(admin.SimpleListFilter):
    title = "photographer has a portal account"
    parameter_name = "account"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No: contact them on Flickr")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.without_account()
        if self.value() == "yes":
            return queryset.exclude(pk__in=queryset.without_account().values("pk"))
        return queryset


class ConsentOpenFilter(admin.SimpleListFilter):
    title = "answers"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("open", "Still waiting"), ("closed", "All answered or expired")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


@admin.register(ConsentRequest)
class ConsentRequestAdmin(ReadOnlyAdmin):
    """Consent requests as the photographers answered them; photographers without an account
    (filter "photographer has a portal account: No") must be contacted on Flickr."""

    list_display = [
        "lifeboat",
        "organisation",
        "owner_nsid",
        "flickr_link",
        "recipient",
        "photo_count",
        "pending_count",
        "deadline",
        "reminded_at",
        "closed_at",
    ]
    list_filter = [ConsentOpenFilter, PhotographerAccountFilter, "lifeboat__status", "deadline"]
    search_fields = ["owner_nsid", "lifeboat__name", "lifeboat__organisation__name"]
    readonly_fields = [
        "lifeboat",
        "owner_nsid",
        "flickr_link",
        "recipient",
        "created_at",
        "deadline",
        "reminded_at",
        "closed_at",
    ]
    inlines = [ConsentItemInline]
    list_select_related = ["lifeboat", "lifeboat__organisation", "recipient"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentRequest]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                photos=Count("items"),
                pending=Count("items", filter=Q(items__status=ConsentItem.Status.PENDING)),
            )
        )

    @admin.display(description="organisation", ordering="lifeboat__organisation__name")
    def organisation(self, consent_request: ConsentRequest) -> str:
        return str(consent_request.lifeboat.organisation)

    @admin.display(description="on Flickr")
    def flickr_link(self, consent_request: ConsentRequest) -> str:
        return format_html(
            '<a href="https://www.flickr.com/people/{}/" rel="noopener noreferrer">profile</a>',
            consent_request.owner_nsid,
        )

    @admin.display(description="photos", ordering="photos")
    def photo_count(self, consent_request: ConsentRequest) -> int:
        return getattr(consent_request, "photos", 0)

    @admin.display(description="unanswered", ordering="pending")
    def pending_count(self, consent_request: ConsentRequest) -> int:
        return getattr(consent_request, "pending", 0)


@admin.register(ConsentItem)
class ConsentItemAdmin(ReadOnlyAdmin):
    list_display = ["photo_id", "request", "status", "decided_at", "decided_by"]
    list_filter = ["status", "decided_at"]
    search_fields = ["photo_id", "request__owner_nsid", "request__lifeboat__name", "message"]
    readonly_fields = ["request", "photo_id", "status", "message", "decided_at", "decided_by"]
    list_select_related = ["request", "request__lifeboat", "decided_by"]


# --- Removal requests, inclusion notices, licence changes ---------------------------------------


class RemovalRequestPhotoInline(admin.TabularInline):
    model = RemovalRequestPhoto
    extra = 0
    can_delete = False
    readonly_fields = ["photo_id"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RemovalRequest)
class RemovalRequestAdmin(ReadOnlyAdmin):
    """Read-only: admins decide on the portal's review page, with a note for the photographer."""

    list_display = ["pk", "owner_nsid", "photographer", "status", "created_at", "decided_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["owner_nsid", "photographer__username", "photos__photo_id"]
    readonly_fields = [
        "photographer",
        "owner_nsid",
        "reason",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_note",
        "review_link",
    ]
    inlines = [RemovalRequestPhotoInline]

    @admin.display(description="decide")
    def review_link(self, removal: RemovalRequest) -> str:
        if not removal.is_pending:
            return "Decided."
        return format_html(
            '<a href="{}#removal-{}">Grant or refuse it on the review page</a>',
            reverse("legal:removal_review"),
            removal.pk,
        )


@admin.register(InclusionNotice)
class InclusionNoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "photographer_nsid",
        "lifeboat",
        "photo_count",
        "created_at",
        "sent_in_digest_at",
    ]
    list_filter = ["created_at", "sent_in_digest_at"]
    search_fields = ["photographer_nsid", "lifeboat__name"]
    list_select_related = ["lifeboat"]

    @admin.display(description="photos")
    def photo_count(self, notice: InclusionNotice) -> int:
        return len(notice.photo_ids)


@admin.register(LicenceChangeRecord)
class LicenceChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["photo_id", "owner_nsid", "old_licence", "new_licence", "detected_at"]
    list_filter = ["detected_at", "new_licence_id"]
    search_fields = ["photo_id", "owner_nsid"]
    readonly_fields = [
        "photo_id",
        "owner_nsid",
        "old_licence_id",
        "new_licence_id",
        "detected_at",
        "lifeboats",
    ]

    @admin.display(description="old licence")
    def old_licence(self, record: LicenceChangeRecord) -> str:
        return licence_label(record.old_licence_id)

    @admin.display(description="new licence")
    def new_licence(self, record: LicenceChangeRecord) -> str:
        return licence_label(record.new_licence_id)


class OptOutPhotoInline(admin.TabularInline):
    model = OptOutPhoto
    extra = 0
    can_delete = False
    readonly_fields = ["photo_id"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    """Photographers' opt-outs: made and withdrawn by the photographers themselves."""

    list_display = ["photographer_nsid", "scope", "created_at", "withdrawn_at"]
    list_filter = ["scope", "created_at", "withdrawn_at"]
    search_fields = ["photographer_nsid", "photos__photo_id"]
    readonly_fields = [
        "photographer_nsid",
        "scope",
        "created_at",
        "created_by",
        "withdrawn_at",
        "withdrawn_by",
    ]
    inlines = [OptOutPhotoInline]
