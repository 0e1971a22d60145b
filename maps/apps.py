from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Bản đồ")

    def ready(self):
        from django.conf import settings

        from jobs.registry import register

        from . import jobs

        register(
            "maps.analysis",
            run=jobs.analysis_run,
            label=_("Phân tích lục giác (khoảng trống, Gi*)"),
            delay_s=settings.ANALYSIS_JOB_DELAY_S,
        )
