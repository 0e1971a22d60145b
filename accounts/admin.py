from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            _("Liên hệ và đồng ý"),
            {"fields": ("phone", "terms_version", "terms_accepted_at")},
        ),
    )
    readonly_fields = ("terms_version", "terms_accepted_at")
    list_display = ("username", "email", "phone", "is_staff", "is_active")
    search_fields = ("username", "email", "phone")
