"""Admin for hazard categories (data) and hazards (read-only: they change through services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from firegrid.core.admin import AuditedAdmin

from .models import Hazard, HazardCategory


@admin.register(HazardCategory)
class HazardCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "sort_order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "state", "source", "place", "grid", "found_at")
    list_filter = ("state", "source", "category")
    raw_id_fields = ("place", "grid", "inspection", "checklist_item", "patrol", "reported_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
