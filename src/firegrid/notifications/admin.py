from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "delivered_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__name", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "read_at", "delivered_at"]
