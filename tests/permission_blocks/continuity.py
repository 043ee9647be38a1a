"""The continuity plan's overview and document."""

from typing import Any

from vigil.organisations.models import Organisation

GET = "GET"
OWN, OTHER = "own", "other"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)

MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "continuity:overview": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "continuity:document": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
}


def setup(organisation: Organisation) -> None:
    return None


def kwargs(name: str, state: None) -> dict[str, Any]:
    if name == "continuity:document":
        return {"fmt": "odt"}
    return {}


def post(name: str, state: None) -> dict[str, Any]:
    return {}
