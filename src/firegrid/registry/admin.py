"""Admin for the registry's reference data and records (writes of records go through services)."""

from django.contrib import admin

from .models import (
    Building,
    ClassificationRule,
    DuplicateCandidate,
    EquipmentItem,
    FireResource,
    Household,
    LedgerImport,
    Place,
    PlaceType,
    Resident,
    TeamMember,
)


@admin.register(PlaceType)
class PlaceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "group", "is_crowded", "default_risk", "active")
    list_filter = ("group", "is_crowded", "default_risk", "active")
    search_fields = ("code", "name", "name_en")


@admin.register(ClassificationRule)
class ClassificationRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "attribute", "operator", "threshold", "effect", "verified")
    list_filter = ("effect", "verified", "active")
    filter_horizontal = ("place_types",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "place_type", "grid", "risk_level", "is_key_unit", "status")
    list_filter = ("risk_level", "is_key_unit", "is_high_risk_unit", "status", "place_type")
    search_fields = ("name", "address", "licence_number")
    raw_id_fields = ("grid", "merged_into")
    readonly_fields = ("classification", "grid_path", "name_key", "address_key")


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ("place", "other", "reasons", "distance_m", "status")
    list_filter = ("status",)
    raw_id_fields = ("place", "other")


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "floors", "structure", "grid")
    search_fields = ("name", "address")
    raw_id_fields = ("grid",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("__str__", "size", "is_rental", "grid")
    raw_id_fields = ("grid", "building")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    """Only masked values show here; revealing goes through the audited service."""

    list_display = ("name", "id_number_masked", "phone_masked", "grid")
    search_fields = ("name",)
    raw_id_fields = ("grid", "household")
    readonly_fields = ("id_number_masked", "phone_masked")


class EquipmentInline(admin.TabularInline):
    model = EquipmentItem
    extra = 0


class MemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("person",)


@admin.register(FireResource)
class FireResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "last_checked_on", "grid")
    list_filter = ("kind", "status")
    search_fields = ("name", "address")
    raw_id_fields = ("grid",)
    inlines = (EquipmentInline, MemberInline)


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "status", "rows_total", "error_count", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in LedgerImport._meta.fields]
