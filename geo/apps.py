from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Địa giới hành chính")

    def ready(self):
        # Every text and number field of every form and serializer follows the
        # platform's input rules (NUL and control characters, the one number
        # grammar): geo is the first of our apps and imports no other.
        from config import inputs

        inputs.install()
