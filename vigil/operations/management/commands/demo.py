"""``vigil demo``: set up, create the demo centre and serve the app."""

import socket
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from vigil.commands import Command as VigilCommand
from vigil.integers import ascii_integer
from vigil.operations.demo import DEMO_PASSWORD, ensure_demo_data


class Command(VigilCommand):
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
            "--addrport",
            default="127.0.0.1:8000",
            help="Address and port to serve on (make demo ADDRPORT=... sets it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_serve"]:
            check_port_free(options["addrport"])
        call_command("setup", verbosity=options["verbosity"])
        users = ensure_demo_data()
        self.stdout.write("")
        if options["no_serve"]:
            self.stdout.write(
                "Demo centre ready. Start the app with make demo or vigil "
                "runserver, then log in with"
            )
        else:
            self.stdout.write(
                f"Demo centre ready: log in at http://{options['addrport']}/ with"
            )
        for email, role in users:
            self.stdout.write(f"  {email:<32} password {DEMO_PASSWORD}   ({role})")
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("collectstatic", interactive=False, verbosity=0)
            call_command("runserver", options["addrport"], use_reloader=False)


def check_port_free(addrport: str) -> None:
    """Raise CommandError naming another port if ``addrport`` cannot be served on."""
    host, _, port_text = addrport.rpartition(":")
    port = ascii_integer(port_text)
    if port is None or not 0 < port < 65536 or not host:
        raise CommandError(
            f"--addrport {addrport!r} is invalid: give ADDRESS:PORT, for example "
            "127.0.0.1:8001"
        )
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            raise CommandError(
                f"cannot serve on {addrport}: {error.strerror}. Another program "
                f"probably uses port {port}; stop it or choose another port, for "
                f"example make demo ADDRPORT={host}:{port + 1}"
            ) from None
