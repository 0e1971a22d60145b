from django.contrib.gis import admin

from .models import AdminArea
from .services import area_refresh_derived, nfc
from .widgets import LocalOSMWidget


@admin.register(AdminArea)
class AdminAreaAdmin(admin.GISModelAdmin):
    list_display = (
        "name",
        "code",
        "level",
        "parent",
        "area_km2",
        "approximate",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "approximate", "valid_from", "valid_to")
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("area_km2", "updated_at")
    autocomplete_fields = ("parent",)
    gis_widget = LocalOSMWidget
    gis_widget_kwargs = {
        "attrs": {"default_lon": 107.59, "default_lat": 16.46, "default_zoom": 9}
    }

    def save_model(self, request, obj, form, change):
        obj.name = nfc(obj.name)
        obj.name_en = nfc(obj.name_en)
        super().save_model(request, obj, form, change)
        area_refresh_derived([obj.id])
