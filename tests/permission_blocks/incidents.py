"""The incident pages beside the generic register pages."""

from dataclasses import dataclass
from typing import Any

from tests.incidents.factories import make_finding, make_incident
from vigil.accesslog.detection.models import Finding
from vigil.organisations.models import Organisation
from vigil.registers.incidents.models import Incident

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

EDIT_GET = (200, 200, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_GET_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
EDIT_POST = (302, 302, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
EDIT_CROSS = (404, 404, 403, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "incidents:from_finding": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST),
        (POST, OTHER, EDIT_POST_OTHER), (POST, CROSS, EDIT_CROSS),
    ],
    "incidents:notification": [
        (GET, OWN, EDIT_GET), (GET, OTHER, EDIT_GET_OTHER), (GET, CROSS, EDIT_CROSS),
        (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
}
# fmt: on


@dataclass
class State:
    finding: Finding
    incident: Incident


def setup(organisation: Organisation) -> State:
    finding = make_finding(organisation, user_id="U900001")
    incident = make_incident(organisation, personal_data="true")
    return State(finding, incident)


def kwargs(name: str, state: State) -> dict[str, Any]:
    if name == "incidents:from_finding":
        return {"pk": state.finding.pk}
    return {"pk": state.incident.pk}


def post(name: str, state: State) -> dict[str, Any]:
    if name == "incidents:notification":
        return {
            "notification": "notified",
            "notified_at": "2026-03-03T14:20",
            "notification_reference": "DOS-2026-00017",
        }
    return {}
