from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.http import HttpRequest

from lifeboats.models import FlickrBudget


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
