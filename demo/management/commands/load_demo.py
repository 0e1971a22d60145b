from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from events import demo as events_demo
from geo import demo as geo_demo
from hotspots import demo as hotspot_demo

# Each app that has demo data adds its loader here, in dependency order.
LOADERS = [geo_demo.load, hotspot_demo.load, events_demo.load]


class Command(BaseCommand):
    help = (
        "Load the demo data (labelled as demo). Re-running updates, never duplicates."
    )

    def handle(self, *args, **options):
        # Demo registrations would "email" invented representatives: send nothing.
        # (Mail goes out when the transaction commits, so the override wraps it.)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            with transaction.atomic():
                for loader in LOADERS:
                    for line in loader():
                        self.stdout.write(f"demo {line}")
