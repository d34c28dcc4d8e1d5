"""The Django admin for accounts, organisations and tokens: decisions go through the services."""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from portal import services
from portal.errors import PortalError
from portal.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationEvent,
    OrganisationFlickrAccount,
    User,
)


class ReadOnlyMixin:
    """For records kept as they were written (provenance, crawls): the admin shows them and
    changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, done: int, errors: list[str]):
    if done:
        modeladmin.message_user(request, f"{done} done.", messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "flickr_nsid",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__role"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "flickr_nsid"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [UserMembershipInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Portal", {"fields": ("display_name", "flickr_nsid")}),
    )


class FlickrAccountInline(admin.TabularInline):
    model = OrganisationFlickrAccount
    extra = 0
    readonly_fields = ["created_at"]


class OrganisationEventInline(admin.TabularInline):
    model = OrganisationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "action", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "country", "registered_by", "created_at"]
    list_filter = ["status", "country", "created_at", "decided_at"]
    search_fields = ["name", "slug", "website", "flickr_accounts__nsid", "members__username"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "status",
        "registered_by",
        "created_at",
        "updated_at",
        "decided_at",
        "decided_by",
        "decision_note",
    ]
    inlines = [FlickrAccountInline, MembershipInline, OrganisationEventInline]
    actions = ["approve", "decline", "suspend"]
    date_hierarchy = "created_at"

    def _decide(self, request: HttpRequest, queryset: QuerySet, service, note: str) -> None:
        done, errors = 0, list[str]()
        for organisation in queryset:
            try:
                service(organisation, by=cast(User, request.user), note=note)
            except (ValidationError, PortalError) as error:
                messages_ = error.messages if isinstance(error, ValidationError) else [error]
                errors.extend(f"{organisation}: {message}" for message in messages_)
            else:
                done += 1
        _report(self, request, done, errors)

    @admin.action(description="Approve the selected organisations", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, services.organisation_approve, "")

    @admin.action(description="Decline the selected organisations", permissions=["review"])
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        note = "Declined by a foundation admin. Write to us if you would like to know more."
        self._decide(request, queryset, services.organisation_decline, note)

    @admin.action(description="Suspend the selected organisations", permissions=["review"])
    def suspend(self, request: HttpRequest, queryset: QuerySet) -> None:
        note = "Suspended by a foundation admin. Write to us if you would like to know more."
        self._decide(request, queryset, services.organisation_suspend, note)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(services.REVIEW_PERMISSION)


@admin.register(OrganisationFlickrAccount)
class OrganisationFlickrAccountAdmin(admin.ModelAdmin):
    list_display = ["nsid", "organisation", "created_at"]
    list_filter = ["organisation__status"]
    search_fields = ["nsid", "organisation__name", "organisation__slug"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__status"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__slug"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(OrganisationEvent)
class OrganisationEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only: rows are written by the services alone."""

    list_display = ["at", "organisation", "action", "actor"]
    list_filter = ["action", "at"]
    search_fields = ["organisation__name", "organisation__slug", "actor__username", "note"]
    readonly_fields = ["organisation", "action", "actor", "note", "at"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ActiveTokenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owner or `create_api_token`; here they can only be revoked."""

    list_display = ["name", "key_prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [ActiveTokenFilter, "created_at", "last_used_at"]
    search_fields = ["name", "key_prefix", "user__username", "user__email"]
    fields = readonly_fields = (
        "user",
        "name",
        "key_prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, errors = 0, list[str]()
        for token in queryset:
            try:
                services.api_token_revoke(token, by=cast(User, request.user))
            except PortalError as error:
                errors.append(f"{token}: {error.message}")
            else:
                done += 1
        _report(self, request, done, errors)
