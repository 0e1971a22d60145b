from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operator tools (backup, restore): no models, no pages, imports no app."""

    name = "ops"
    verbose_name = _("Vận hành")
