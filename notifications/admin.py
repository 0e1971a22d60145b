from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "user", "email_state", "created_at", "read_at"]
    list_filter = ["kind", "email_state"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "email_sent_at", "email_attempts", "email_error"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "language", "unsubscribed_at"]
    raw_id_fields = ["user"]
