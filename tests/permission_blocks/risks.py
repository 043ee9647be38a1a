"""The risk analysis pages: heat map, matrix, document and plan action."""

from dataclasses import dataclass
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Risk
from vigil.plans.risks.specs import RISKS
from vigil.registers import services

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
EDIT_POST = (302, 302, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
EDIT_CROSS = (404, 404, 403, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "risks:heatmap": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "risks:matrix": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER),
        (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "risks:document": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "risks:plan_action": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
}
# fmt: on


@dataclass
class State:
    risk: Risk


def setup(organisation: Organisation) -> State:
    record = services.create_record(
        RISKS, organisation, RISKS.example(organisation), actor=None
    )
    assert isinstance(record, Risk)
    return State(record)


def kwargs(name: str, state: State) -> dict[str, Any]:
    if name == "risks:plan_action":
        return {"pk": state.risk.pk}
    if name == "risks:document":
        return {"fmt": "odt"}
    return {}


def post(name: str, state: State) -> dict[str, Any]:
    if name == "risks:matrix":
        return {
            "size": "5",
            "medium_from": "5",
            "high_from": "10",
            "critical_from": "15",
        }
    return {}
