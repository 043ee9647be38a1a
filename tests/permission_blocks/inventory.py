"""The inventory page beside the generic register pages."""

from typing import Any

from vigil.organisations.models import Organisation

GET, POST = "GET", "POST"
OWN, OTHER = "own", "other"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
GET_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "inventory:attention": [
        (GET, OWN, READ_OWN),
        (GET, OTHER, READ_OTHER),
        (POST, OWN, GET_ONLY),
    ],
}


def setup(organisation: Organisation) -> None:
    return None


def kwargs(name: str, state: None) -> dict[str, Any]:
    return {}


def post(name: str, state: None) -> dict[str, Any]:
    return {}
