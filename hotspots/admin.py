from django.contrib.gis import admin

from accounts.access import RoleAdminMixin

from .models import Hotspot, HotspotHistory, HotspotPhoto, ReporterContact, SizeClass


@admin.register(SizeClass)
class SizeClassAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Organisers edit the size classes and their mass ranges (scores follow)."""

    list_display = ("key", "label", "label_en", "min_kg", "max_kg", "order")
    list_editable = ("label", "label_en", "min_kg", "max_kg", "order")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from .services import hotspot_rescore

        # Estimated masses changed: rescore the hotspots of this size.
        for hotspot in Hotspot.objects.filter(size_class=obj).select_related(
            "size_class"
        ):
            hotspot_rescore(hotspot)


class PhotoInline(admin.TabularInline):
    model = HotspotPhoto
    extra = 0
    fields = ("image", "thumbnail", "width", "height", "pending", "created_at")
    readonly_fields = fields
    can_delete = False


class HistoryInline(admin.TabularInline):
    model = HotspotHistory
    extra = 0
    fields = ("at", "action", "actor", "from_status", "to_status", "reason", "details")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ContactInline(admin.StackedInline):
    model = ReporterContact
    extra = 0
    readonly_fields = ("consent_at", "notice_version")


@admin.register(Hotspot)
class HotspotAdmin(RoleAdminMixin, admin.GISModelAdmin):
    """Read-mostly: lifecycle changes go through the moderation queue (services)."""

    admin_roles = ("organiser",)
    can_add = False
    list_display = (
        "id",
        "category",
        "size_class",
        "status",
        "priority",
        "score",
        "created_at",
    )
    list_filter = ("status", "category", "priority", "channel")
    search_fields = ("id", "description")
    # Geometry edits go through the queue's "correct" action and the geometry gate.
    readonly_fields = (
        "location",
        "outline",
        "accuracy_m",
        "location_source",
        "category",
        "size_class",
        "status",
        "duplicate_of",
        "priority",
        "score",
        "confirmation_count",
        "recurrence_count",
        "reporter",
        "channel",
        "areas",
        "created_at",
        "updated_at",
    )
    fields = ("description", *readonly_fields)
    inlines = [PhotoInline, ContactInline, HistoryInline]
