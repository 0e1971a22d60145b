"""manage.py standings --check | --rebuild [--campaign SLUG]

--check compares the stored points and standings (events.results.points) with a
full recomputation from the raw rows and exits 1 listing the differences;
--rebuild recomputes them all (after writes that bypassed the services: bulk
loads, areas re-linked in bulk). Re-runnable.
"""

from django.core.management.base import BaseCommand, CommandError

from events.models import Campaign
from events.results.points import standings_differences, standings_rebuild

SHOWN = 50  # differences printed at most


class Command(BaseCommand):
    help = (
        "Check the stored points and standings against a full recomputation "
        "(--check), or rebuild them (--rebuild)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true")
        action.add_argument("--rebuild", action="store_true")
        parser.add_argument("--campaign", help="check only this campaign (its slug)")

    def handle(self, *args, check, rebuild, campaign, **options):
        if rebuild:
            if campaign:
                raise CommandError("--campaign goes with --check only")
            done = standings_rebuild()
            self.stdout.write(
                f"standings: rebuilt {done.campaigns} campaigns, "
                f"{done.entrants} entrants, {done.events} events"
            )
            return
        chosen = None
        if campaign:
            chosen = Campaign.objects.filter(slug=campaign).first()
            if chosen is None:
                raise CommandError(f"no campaign {campaign!r}")
        differences = standings_differences(chosen)
        for line in differences[:SHOWN]:
            self.stdout.write(line)
        if differences:
            raise CommandError(
                f"{len(differences)} differences from a full recomputation"
            )
        self.stdout.write("standings: equal to a full recomputation")
