from django.contrib import admin

from accounts.access import RoleAdminMixin

from .models import Job


@admin.register(Job)
class JobAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "key", "status", "attempts", "requested_at", "finished_at")
    list_filter = ("status", "name")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
