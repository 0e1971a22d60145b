from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from demo import areas, contest, hotspots

# The demo builders, in dependency order (areas first: reports and events are
# linked to the areas that contain them).
LOADERS = [areas.load, hotspots.load, contest.load]


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
