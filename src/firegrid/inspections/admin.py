"""Admin for checklists, schedule rules and field records.

A checklist version already used by an inspection is read-only here: change it through the
"copy as a new version" action, so old records keep the questions they answered.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from firegrid.core.admin import AuditedAdmin
from firegrid.core.audit import audit_record

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionTask,
    Patrol,
    ScheduleRule,
)
from .services import checklist_new_version


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("position", "code", "text", "text_en", "answer_type", "required",
              "photo_required_on_fail", "min_value", "max_value", "unit", "hazard_category",
              "major_element_code")  # fmt: skip

    def _used(self, obj: Any) -> bool:
        return obj is not None and obj.inspections.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._used(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._used(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._used(obj) and super().has_delete_permission(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdmin):
    list_display = ("code", "version", "is_current", "name", "kind", "for_key_units", "active")
    list_filter = ("kind", "is_current", "active", "for_key_units")
    search_fields = ("code", "name", "name_en")
    filter_horizontal = ("place_types",)
    readonly_fields = ("code", "version", "is_current")
    inlines = [ItemInline]
    actions = ["copy_as_new_version"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit_record(
                actor=request.user,
                action="admin.checklistitem.change",
                target=form.instance,
                data={"items": [f.instance.code for f in formset.forms if f.has_changed()]},
            )

    @admin.action(description=_("Copy as a new version (to edit)"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for template in queryset:
            made = checklist_new_version(actor=request.user, template_id=template.pk)
            self.message_user(request, f"{made.code} v{made.version}", level=messages.SUCCESS)


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "grid_depth", "frequency", "window_days", "active")
    list_filter = ("kind", "frequency", "active")
    search_fields = ("code", "name", "name_en")
    filter_horizontal = ("roles", "place_types")


@admin.register(InspectionTask)
class InspectionTaskAdmin(admin.ModelAdmin):
    """Read-only: tasks change state through the services (audited)."""

    list_display = ("id", "kind", "place", "grid", "assignee", "due_on", "state", "origin")
    list_filter = ("state", "kind", "origin", "frequency")
    raw_id_fields = ("rule", "place", "grid", "assignee")
    date_hierarchy = "due_on"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerInline(admin.TabularInline):
    model = InspectionAnswer
    extra = 0
    can_delete = False
    readonly_fields = ("item", "value", "number", "text", "failed", "note")


class PhotoInline(admin.TabularInline):
    model = InspectionPhoto
    extra = 0
    can_delete = False
    readonly_fields = ("item", "image", "taken_at", "width", "height")
    fields = readonly_fields


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """Records are evidence: read-only here."""

    list_display = ("id", "place", "inspector", "finished_at", "result", "failed_count")
    list_filter = ("result",)
    search_fields = ("place__name",)
    raw_id_fields = ("task", "place", "grid", "template", "inspector", "submitted_by")
    inlines = [AnswerInline, PhotoInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ("id", "grid", "person", "finished_at", "points_outside")
    raw_id_fields = ("task", "grid", "person", "submitted_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
