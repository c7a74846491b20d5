"""Django admin for roles (责任人角色), people (责任人) and assignments (定人定岗)."""

from __future__ import annotations

from django.contrib import admin

from firegrid.core.admin import AuditedAdmin

from .models import Assignment, Person, Role


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "sort_order", "can_manage", "sees_phones")
    list_filter = ("can_manage", "sees_phones")
    search_fields = ("code", "name", "name_en")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "person"
    extra = 0
    fields = ("grid", "role", "start_on", "end_on", "letter_signed_on", "backup")
    raw_id_fields = ("grid", "backup")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "phone", "home_grid", "user")
    search_fields = ("name", "phone", "home_grid__code", "home_grid__name")
    list_select_related = ("home_grid", "user")
    raw_id_fields = ("home_grid", "user")
    inlines = (AssignmentInline,)


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("person", "role", "grid", "start_on", "end_on", "letter_signed_on", "backup")
    list_filter = ("role", "grid__level")
    search_fields = ("person__name", "grid__code", "grid__name")
    list_select_related = ("person", "role", "grid", "backup")
    raw_id_fields = ("person", "grid", "backup")
    date_hierarchy = "start_on"
