import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import user_upsert


class Command(BaseCommand):
    help = (
        "Create or update a user with a role (organiser, judge, secretary, ioc, ...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            help="Without it: the ADD_USER_PASSWORD variable, else a prompt.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="never prompt for the password",
        )

    def handle(self, *args, username, role, email, password, **options):
        password = password or os.environ.get("ADD_USER_PASSWORD")
        if not password and options["interactive"] and os.isatty(0):
            password = getpass.getpass("Password: ")
        if not password:
            raise CommandError(
                "No password: pass --password, set ADD_USER_PASSWORD or run in a terminal."
            )
        try:
            user, created = user_upsert(
                username=username, role=role, email=email, password=password
            )
        except Exception as exc:  # validation errors become one line
            raise CommandError(str(exc)) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user {user.username} with role {role}")
