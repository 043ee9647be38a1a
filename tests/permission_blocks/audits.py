"""The audit schedule page and the follow-up report of one audit."""

from dataclasses import dataclass
from typing import Any

from tests.audits.factories import add_audit
from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
HIDDEN = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN)
SAFE_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "audits:schedule": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (POST, OWN, SAFE_ONLY),
    ],
    "audits:report": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
        (POST, OWN, SAFE_ONLY),
    ],
}
# fmt: on


@dataclass
class State:
    audit: Audit


def setup(organisation: Organisation) -> State:
    return State(add_audit(organisation))


def kwargs(name: str, state: State) -> dict[str, Any]:
    return {"pk": state.audit.pk, "fmt": "odt"}


def post(name: str, state: State) -> dict[str, Any]:
    return {}
