from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotspotsConfig(AppConfig):
    name = "hotspots"
    verbose_name = _("Điểm nóng ô nhiễm")

    def ready(self):
        from accounts.privacy import register

        from . import privacy

        register("hotspots", export=privacy.account_export, erase=privacy.account_erase)

        from django.db.models.signals import post_delete

        from .models import ReporterContact

        post_delete.connect(
            privacy.contact_deleted,
            sender=ReporterContact,
            dispatch_uid="hotspots.contact_deleted",
        )
