"""The physical security overview page."""

from typing import Any

from vigil.organisations.models import Organisation

GET = "GET"
OWN, OTHER = "own", "other"
LOGIN = "login"

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "physical:overview": [
        (GET, OWN, (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)),
        (GET, OTHER, (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)),
    ],
}
# fmt: on


def setup(organisation: Organisation) -> None:
    return None


def kwargs(name: str, state: None) -> dict[str, Any]:
    return {}


def post(name: str, state: None) -> dict[str, Any]:
    return {}
