"""The consultant register's notification pages."""

from dataclasses import dataclass
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services as register_services
from vigil.registers.consultants import services
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.consultants.specs import CONSULTANTS

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
HIDDEN = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN)
EDIT_POST = (302, 302, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
EDIT_CROSS = (404, 404, 403, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "consultants:notification_document": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "consultants:notification_add": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
    "consultants:notification_acknowledge": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
}
# fmt: on


@dataclass
class State:
    consultant: Consultant
    notification: Notification


def setup(organisation: Organisation) -> State:
    record = register_services.create_record(
        CONSULTANTS, organisation, CONSULTANTS.example(organisation), actor=None
    )
    assert isinstance(record, Consultant)
    notification = services.record_sent(
        record, {"sent_on": "2026-01-10", "channel": "ebox"}, actor=None
    )
    return State(record, notification)


def kwargs(name: str, state: State) -> dict[str, Any]:
    if name == "consultants:notification_acknowledge":
        return {"pk": state.notification.pk}
    return {"pk": state.consultant.pk, "fmt": "odt"}


def post(name: str, state: State) -> dict[str, Any]:
    if name == "consultants:notification_add":
        return {"sent_on": "2026-02-01", "channel": "letter", "reference": "R-2"}
    if name == "consultants:notification_acknowledge":
        return {"acknowledged_on": "2026-02-15"}
    return {}
