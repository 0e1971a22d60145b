from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and synthetic data for development and tests; never installed in production.

    Nothing outside demo/ and tests/ imports it: it builds its data through the
    other apps' services, as a person using the platform would.
    """

    name = "demo"
    verbose_name = _("Dữ liệu demo")
