"""Admin of citizen reports: services and their questions (data), Open311 clients (key shown
once), the blocklist; reports themselves are read-mostly (they change through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from firegrid.core.admin import AuditedAdmin, ReadOnlyAdmin
from firegrid.core.audit import audit_record

from .models import BlockedSender, Open311Client, Report, ReportService, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = (
        "code",
        "datatype",
        "variable",
        "required",
        "description",
        "description_en",
        "datatype_description",
        "order",
        "values",
    )


@admin.register(ReportService)
class ReportServiceAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "hazard_category", "urgent", "sort_order", "active")
    list_filter = ("active", "urgent")
    search_fields = ("code", "name", "name_en", "keywords")
    inlines = (ServiceAttributeInline,)


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Adding a client makes its API key and shows it once; only a SHA-256 digest is kept."""

    list_display = ("name", "key_prefix", "contact", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "contact", "key_prefix")
    readonly_fields = ("key_prefix", "created_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "contact"]
        return ["name", "contact", "active", "key_prefix", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="open311.client_change",
                target=obj,
                data={"fields": sorted(form.changed_data)},
            )
            return
        from .open311.auth import open311_client_create

        client, key = open311_client_create(actor=request.user, name=obj.name, contact=obj.contact)
        obj.pk, obj.key_digest, obj.key_prefix = client.pk, client.key_digest, client.key_prefix
        obj.created_at, obj.updated_at, obj.active = client.created_at, client.updated_at, True
        obj._state.adding = False
        self.message_user(
            request,
            _("The API key is shown only this once; copy it now: %(key)s") % {"key": key},
            messages.WARNING,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports keep pointing at their client: disable it instead


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    """The blocklist: entries are added from a report (or the API/command), by digest only."""

    list_display = ("kind", "value_hint", "reason", "until", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value_hint", "reason")
    readonly_fields = ("kind", "value_digest", "value_hint", "created_by", "created_at")
    fields = ("kind", "value_hint", "value_digest", "reason", "until", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="report.block_sender_change",
            target=obj,
            data={"fields": sorted(form.changed_data)},
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Read-only: triage, hiding and redaction go through the staff pages (and are audited).
    Contact fields are not shown here at all."""

    list_display = (
        "tracking_code",
        "service",
        "state",
        "channel",
        "grid",
        "owner_grid",
        "requested_at",
        "triage_due",
        "hidden",
    )
    list_filter = ("state", "channel", "service", "hidden")
    search_fields = ("tracking_code",)
    date_hierarchy = "requested_at"
    exclude = ("contact_name", "contact_phone", "contact_email", "ip_digest", "device_id")
    raw_id_fields = (
        "jurisdiction",
        "grid",
        "owner_grid",
        "place",
        "duplicate_of",
        "hazard",
        "triaged_by",
        "client",
    )
