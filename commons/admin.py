"""The Django admin for the Commons catalogue: crawls (calls, counts, totals), members,
photos and comments, to look at. The crawler writes them; nobody edits them by hand."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.utils.html import format_html

from commons.models import (
    CommonsComment,
    CommonsCrawl,
    CommonsCrawlMember,
    CommonsMember,
    CommonsPhoto,
)
from portal.admin import ReadOnlyMixin


def pretty_json(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


class CommonsCrawlMemberInline(ReadOnlyMixin, admin.TabularInline):
    model = CommonsCrawlMember
    fields = readonly_fields = (
        "member",
        "info_fetched",
        "next_page",
        "pages",
        "total",
        "seen",
        "done",
        "note",
    )
    extra = 0
    classes = ["collapse"]


@admin.register(CommonsCrawl)
class CommonsCrawlAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Each crawl: when, how it ended, the calls it made by method, what it changed."""

    list_display = [
        "id",
        "status",
        "started_at",
        "finished_at",
        "total_calls",
        "photos_new",
        "photos_updated",
        "photos_removed",
        "comments_fetched",
    ]
    list_filter = ["status", "started_at"]
    date_hierarchy = "started_at"
    inlines = [CommonsCrawlMemberInline]
    fields = readonly_fields = (
        "id",
        "status",
        "error",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "members_listed_at",
        "comments_after",
        "photos_new",
        "photos_updated",
        "photos_removed",
        "comments_fetched",
        "total_calls",
        "calls_by_method",
        "catalogue_totals",
    )

    @admin.display(description="API calls")
    def total_calls(self, crawl: CommonsCrawl) -> int:
        return crawl.total_calls

    @admin.display(description="calls by method")
    def calls_by_method(self, crawl: CommonsCrawl) -> str:
        return pretty_json(crawl.calls)

    @admin.display(description="catalogue totals when finished")
    def catalogue_totals(self, crawl: CommonsCrawl) -> str:
        return pretty_json(crawl.stats)


@admin.register(CommonsMember)
class CommonsMemberAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "nsid", "path_alias", "date_launch", "is_current", "photo_count"]
    list_filter = ["is_current", "date_launch"]
    search_fields = ["name", "=nsid", "path_alias", "username"]
    readonly_fields = [field.name for field in CommonsMember._meta.get_fields() if field.concrete]


class CommonsCommentInline(ReadOnlyMixin, admin.TabularInline):
    model = CommonsComment
    fields = readonly_fields = ("date_created", "author_name", "author_nsid", "text")
    ordering = ["date_created"]
    extra = 0


@admin.register(CommonsPhoto)
class CommonsPhotoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "photo_id",
        "title",
        "member",
        "licence_id",
        "date_uploaded",
        "views",
        "count_comments",
    ]
    list_filter = ["media", "licence_id"]
    search_fields = ["=photo_id", "title"]
    list_select_related = ["member"]
    show_full_result_count = False  # a catalogue of millions: no second COUNT(*) per page
    inlines = [CommonsCommentInline]
    readonly_fields = [
        field.name
        for field in CommonsPhoto._meta.get_fields()
        if field.concrete and field.name != "search_vector"
    ]
    exclude = ["search_vector"]


@admin.register(CommonsComment)
class CommonsCommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["comment_id", "photo", "author_name", "date_created"]
    search_fields = ["=comment_id", "=photo__photo_id", "=author_nsid", "author_name"]
    list_select_related = ["photo"]
    date_hierarchy = "date_created"
    readonly_fields = [field.name for field in CommonsComment._meta.get_fields() if field.concrete]
