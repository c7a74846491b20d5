"""Django admin for jurisdictions (辖区), grid levels (网格层级) and grids (网格).

Grids are created and reshaped only by an import, which checks the whole tree; the admin edits
their attributes through the same service as the API and shows geometry and paths read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from firegrid.core.admin import AuditedAdmin

from .models import Grid, GridLevel, Jurisdiction
from .services import EDITABLE_FIELDS, grid_update


class GridLevelInline(admin.TabularInline):
    model = GridLevel
    extra = 0
    fields = ("depth", "name", "name_en", "code_pattern", "color")


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "codes_extend_parent", "phones_public")
    search_fields = ("code", "name", "name_en")
    inlines = (GridLevelInline,)


@admin.register(GridLevel)
class GridLevelAdmin(AuditedAdmin):
    list_display = ("jurisdiction", "depth", "name", "name_en", "code_pattern", "color")
    list_filter = ("jurisdiction",)
    list_select_related = ("jurisdiction",)


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "jurisdiction", "households", "population")
    list_filter = ("level", "jurisdiction")
    search_fields = ("code", "name")
    list_select_related = ("level", "level__jurisdiction", "jurisdiction")
    fields = (
        "code",
        "name",
        "jurisdiction",
        "level",
        "parent",
        "path",
        "depth",
        "households",
        "population",
        "area_m2",
        "centroid_lon",
        "centroid_lat",
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
        "boundary",
    )
    readonly_fields = tuple(name for name in fields if name not in EDITABLE_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through an import, which validates the tree

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = Grid.objects.get(pk=obj.pk)
        grid_update(actor=request.user, grid=fresh, changes=changes)
