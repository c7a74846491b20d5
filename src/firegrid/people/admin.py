"""Django admin for roles (责任人角色), people (责任人) and assignments (定人定岗)."""

from __future__ import annotations

from django.contrib import admin

from firegrid.core.admin import AuditedAdmin

from .models import Assignment, Leave, Person, Role


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = (
        "code", "name", "name_en", "sort_order", "can_manage", "sees_phones",
        "inspection_hours_month",
    )  # fmt: skip
    list_filter = ("can_manage", "sees_phones")
    search_fields = ("code", "name", "name_en")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "person"
    extra = 0
    fields = ("grid", "role", "start_on", "end_on", "letter_signed_on", "backup")
    raw_id_fields = ("grid", "backup")


class LeaveInline(admin.TabularInline):
    """Leave (请假): while away, the person's scheduled tasks go to the AB-post partner."""

    model = Leave
    extra = 0
    fields = ("start_on", "end_on", "reason")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "phone", "home_grid", "user")
    search_fields = ("name", "phone", "home_grid__code", "home_grid__name")
    list_select_related = ("home_grid", "user")
    raw_id_fields = ("home_grid", "user")
    inlines = (AssignmentInline, LeaveInline)


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("person", "role", "grid", "start_on", "end_on", "letter_signed_on", "backup")
    list_filter = ("role", "grid__level")
    search_fields = ("person__name", "grid__code", "grid__name")
    list_select_related = ("person", "role", "grid", "backup")
    raw_id_fields = ("person", "grid", "backup")
    date_hierarchy = "start_on"


@admin.register(Leave)
class LeaveAdmin(AuditedAdmin):
    list_display = ("person", "start_on", "end_on", "reason")
    search_fields = ("person__name",)
    raw_id_fields = ("person",)
    date_hierarchy = "start_on"
