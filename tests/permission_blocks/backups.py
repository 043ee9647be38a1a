"""The backups pages beside the generic register pages: the media page."""

from typing import Any

from vigil.organisations.models import Organisation

GET = "GET"
OWN, OTHER = "own", "other"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
POST_ONLY_READ = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "backups:media": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER),
        ("POST", OWN, POST_ONLY_READ),
    ],
}
# fmt: on


def setup(organisation: Organisation) -> None:
    return None


def kwargs(name: str, state: None) -> dict[str, Any]:
    return {}


def post(name: str, state: None) -> dict[str, Any]:
    return {}
