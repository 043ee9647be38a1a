"""``vigil demo``: set up, create the demo centre and serve the app."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from vigil.operations.demo import DEMO_PASSWORD, ensure_demo_data


class Command(BaseCommand):
    help = (
        "Migrate, load the catalogs, create the demo centre 'demo' with logins "
        "(safe to repeat) and serve the app on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Prepare everything but do not start the server.",
        )
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="Address and port to serve on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("setup", verbosity=options["verbosity"])
        users = ensure_demo_data()
        self.stdout.write("")
        self.stdout.write(
            f"Demo centre ready: log in at http://{options['addrport']}/ with"
        )
        for email, role in users:
            self.stdout.write(f"  {email:<32} password {DEMO_PASSWORD}   ({role})")
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("collectstatic", interactive=False, verbosity=0)
            call_command("runserver", options["addrport"], use_reloader=False)
