"""Django admin for the core app: the audit log (read-only) and API tokens (key shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .api_auth import api_token_create
from .audit import audit_record
from .models import ApiToken, AuditCheckpoint, AuditEvent, CalendarDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record that changes only through its services (or never): the admin shows it, nothing
    more."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Every admin change leaves an audit event (工作痕迹), as a service would."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "change" if change else "add"
        audit_record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.{verb}",
            target=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (e.g. a person's assignments) are audited like the main object."""
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.add", target=obj)
        for obj, fields in formset.changed_objects:
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.change",
                target=obj,
                data={"fields": sorted(fields)},
            )
        for obj in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.delete",
                data={"id": obj.pk, "repr": str(obj)},
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.delete",
            target=obj,
            data={"repr": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    """Read-only: signed heads of the audit chain, written by `audit_checkpoint` only."""

    list_display = ("id", "created_at", "head_id", "event_count", "head_hash")
    readonly_fields = ("created_at", "head_id", "event_count", "head_hash", "signature")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the chain breaks if a row changes, so the admin offers no add, edit or delete."""

    list_display = ("id", "occurred_at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)
    readonly_fields = (
        "occurred_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Adding a token shows its key once, in the confirmation message; only a hash is stored."""

    list_display = ("name", "user", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("key_hash", "created_at", "last_used_at")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "revoked", "key_hash", "created_at", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("user", "key_hash", "created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="api_token.change",
                target=obj,
                data={"fields": sorted(form.changed_data)},
            )
            return
        token, key = api_token_create(user=obj.user, name=obj.name)
        obj.pk, obj.key_hash, obj.created_at = token.pk, token.key_hash, token.created_at
        obj._state.adding = False
        audit_record(actor=request.user, action="api_token.create", target=token)
        self.message_user(
            request,
            _("The token key is shown only this once; copy it now: %(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked=False):
            token.revoked = True
            token.save(update_fields=["revoked", "updated_at"])
            audit_record(actor=request.user, action="api_token.revoke", target=token)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Holidays and 调休 working days; a whole year is best loaded with `firegrid calendar load`."""

    list_display = ("day", "is_working", "name", "source")
    list_filter = ("is_working",)
    date_hierarchy = "day"
    search_fields = ("name",)
