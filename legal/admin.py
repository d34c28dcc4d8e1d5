"""The legal models in the Django admin: everything is read-only, because a signed text and
its audit trail must never change; decisions go through the services."""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from legal import services
from legal.errors import AgreementError
from legal.models import AgreementEvent, AgreementSignature, AgreementVersion
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
