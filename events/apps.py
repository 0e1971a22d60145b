from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Cuộc thi và sự kiện thu gom")

    def ready(self):
        from accounts.privacy import register

        from . import privacy

        register("events", export=privacy.account_export, erase=privacy.account_erase)

        from hotspots.signals import priority_changed

        from .results import points

        priority_changed.connect(
            points.on_priority_changed, dispatch_uid="events.results.points"
        )
