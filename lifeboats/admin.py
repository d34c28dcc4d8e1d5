"""The Django admin for lifeboats: requests, the index, events, downloads, the budget."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from lifeboats.models import (
    FlickrBudget,
    FlickrResponseCache,
    Lifeboat,
    LifeboatDownload,
    LifeboatEvent,
    LifeboatPhoto,
)
from portal.admin import ReadOnlyMixin


@admin.register(FlickrBudget)
class FlickrBudgetAdmin(admin.ModelAdmin):
    """The shared Flickr budget, to watch: workers write it, nobody edits it by hand."""

    list_display = ["name", "next_free_slot", "updated_at"]
    fields = ["name", "next_free_slot", "updated_at"]
    readonly_fields = ["name", "next_free_slot", "updated_at"]

    @admin.display(description="next free slot")
    def next_free_slot(self, budget: FlickrBudget) -> datetime:
        return budget.next_free_slot()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FlickrBudget | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FlickrBudget | None = None) -> bool:
        return False


class LifeboatPhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = LifeboatPhoto
    fields = readonly_fields = (
        "position",
        "photo_id",
        "owner_nsid",
        "license_id",
        "state",
        "reason",
        "added_at",
    )
    ordering = ["position"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]


class LifeboatEventInline(ReadOnlyMixin, admin.TabularInline):
    model = LifeboatEvent
    fields = readonly_fields = ("at", "from_status", "status", "actor", "note")
    extra = 0


class LifeboatDownloadInline(ReadOnlyMixin, admin.TabularInline):
    model = LifeboatDownload
    fields = readonly_fields = ("at", "user", "size", "ip")
    extra = 0


@admin.register(Lifeboat)
class LifeboatAdmin(admin.ModelAdmin):
    """Per lifeboat: requester, decision, agreement, counts, calls, package and downloads.

    Status changes go through the review queue and the services, never through this form.
    """

    list_display = [
        "name",
        "organisation",
        "status",
        "created_by",
        "submitted_at",
        "photos_total",
        "photos_done",
        "api_calls",
        "expires_at",
    ]
    list_filter = ["status", "organisation", "submitted_at", "expires_at"]
    search_fields = ["name", "slug", "organisation__name", "created_by__username", "=id"]
    list_select_related = ["organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [LifeboatEventInline, LifeboatDownloadInline, LifeboatPhotoInline]
    fieldsets = [
        (None, {"fields": ["id", "name", "slug", "organisation", "status"]}),
        ("Provenance summary", {"fields": ["provenance"]}),
        (
            "Request",
            {"fields": ["purpose", "readme_selection", "readme_future", "readme_usage", "urls"]},
        ),
        (
            "Provenance",
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "submitted_at",
                    "agreement_signature",
                    "decided_by",
                    "decided_at",
                    "updated_at",
                ]
            },
        ),
        (
            "Build",
            {
                "fields": [
                    "photo_counts",
                    "photos_total",
                    "photos_done",
                    "api_calls",
                    "heartbeat_at",
                    "failure_message",
                    "preflight",
                ]
            },
        ),
        (
            "Package",
            {
                "fields": [
                    "package_path",
                    "package_size",
                    "package_sha256",
                    "ready_at",
                    "expires_at",
                ]
            },
        ),
    ]

    @admin.display(description="provenance")
    def provenance(self, lifeboat: Lifeboat) -> str:
        from lifeboats.provenance import render_provenance

        return render_provenance(lifeboat)

    def get_readonly_fields(self, request: HttpRequest, obj: Lifeboat | None = None) -> list[str]:
        return [str(name) for _title, options in self.fieldsets for name in options["fields"]]

    @admin.display(description="photos by state")
    def photo_counts(self, lifeboat: Lifeboat) -> str:
        from lifeboats.summaries import photo_counts

        counts = photo_counts(lifeboat)
        excluded = ", ".join(f"{reason} {n}" for reason, n in counts["excluded"].items())
        return (
            f"included {counts['included']}, pending {counts['pending']}, "
            f"excluded {sum(counts['excluded'].values())}" + (f" ({excluded})" if excluded else "")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Lifeboat | None = None) -> bool:
        return False


@admin.register(LifeboatPhoto)
class LifeboatPhotoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The index: which lifeboat holds which photo, since when, and in what state."""

    list_display = [
        "photo_id",
        "lifeboat",
        "owner_nsid",
        "license_id",
        "state",
        "reason",
        "added_at",
    ]
    list_filter = ["state", "reason", "license_id"]
    search_fields = ["=photo_id", "owner_nsid", "lifeboat__name"]
    list_select_related = ["lifeboat"]
    readonly_fields = [
        "lifeboat",
        "photo_id",
        "owner_nsid",
        "license_id",
        "state",
        "reason",
        "position",
        "added_at",
        "decided_at",
        "removed_at",
        "listing",
        "metadata",
        "files",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LifeboatPhoto]:
        return super().get_queryset(request).defer("listing", "metadata", "files")


@admin.register(LifeboatEvent)
class LifeboatEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "lifeboat", "from_status", "status", "actor"]
    list_filter = ["status", "at"]
    search_fields = ["lifeboat__name", "actor__username", "note"]
    list_select_related = ["lifeboat", "actor"]
    readonly_fields = ["lifeboat", "from_status", "status", "actor", "note", "at"]
    date_hierarchy = "at"


@admin.register(LifeboatDownload)
class LifeboatDownloadAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "lifeboat", "user", "size", "ip"]
    list_filter = ["at"]
    search_fields = ["lifeboat__name", "user__username", "ip"]
    list_select_related = ["lifeboat", "user"]
    readonly_fields = ["lifeboat", "user", "at", "size", "ip"]
    date_hierarchy = "at"


@admin.register(FlickrResponseCache)
class FlickrResponseCacheAdmin(admin.ModelAdmin):
    """Raw Flickr answers kept per photo and `last_update`, so a resumed build asks nothing
    twice. The builder writes them; they are here to look at."""

    list_display = ["photo_id", "method", "last_update", "fetched_at"]
    list_filter = ["method"]
    search_fields = ["photo_id"]
    readonly_fields = ["photo_id", "last_update", "method", "params_key", "body", "fetched_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
