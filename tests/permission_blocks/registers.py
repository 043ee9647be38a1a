"""The generic register pages and API, shown with the activities register."""

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.activities.specs import ACTIVITIES
from vigil.registers.models import Attachment, RegisterRecord

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
HIDDEN = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN)
EDIT_GET = (200, 200, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST = (302, 302, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
EDIT_CROSS = (404, 404, 403, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)
API_READ = (200, 200, 200, 200, 200, 404, 404, 404, 401)
API_READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, 401)
API_HIDDEN = (404, 404, 404, 404, 404, 404, 404, 404, 401)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "registers:index": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "registers:list": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "registers:create": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "registers:import": [(GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST)],
    "registers:export": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "registers:attach": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "registers:detail": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "registers:edit": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (GET, CROSS, EDIT_CROSS),
        (POST, CROSS, EDIT_CROSS),
    ],
    "registers:delete": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (GET, CROSS, EDIT_CROSS),
        (POST, CROSS, EDIT_CROSS),
    ],
    "registers:attachment_add": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, CROSS, EDIT_CROSS),
    ],
    "registers:attachment": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "registers:attachment_remove": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, CROSS, EDIT_CROSS),
    ],
    "openapi": [(GET, "none", (200, 200, 200, 200, 200, 200, 200, 200, 200))],
    "registers_api:index": [(GET, OWN, API_READ), (GET, OTHER, API_READ_OTHER)],
    "registers_api:records": [
        (GET, OWN, API_READ), (GET, OTHER, API_READ_OTHER),
        (POST, OWN, (415, 415, 403, 403, 403, 404, 404, 404, 401)),
    ],
    "registers_api:record": [
        (GET, OWN, API_READ), (GET, OTHER, API_READ_OTHER), (GET, CROSS, API_HIDDEN),
    ],
}
# fmt: on


@dataclass
class State:
    record: RegisterRecord
    attachment: Attachment


def setup(organisation: Organisation) -> State:
    record = services.create_record(
        ACTIVITIES, organisation, ACTIVITIES.example(organisation), actor=None
    )
    upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 verslag")
    attachment = services.add_attachment(record, upload, actor=None)
    return State(record, attachment)


def kwargs(name: str, state: State) -> dict[str, Any]:
    return {
        "register": ACTIVITIES.slug,
        "pk": state.record.pk,
        "file_id": state.attachment.pk,
        "fmt": "csv",
        "year": 2025,
        "code": "4.2.1.8",
    }


def post(name: str, state: State) -> dict[str, Any]:
    example = ACTIVITIES.example(state.record.organisation)
    if name in ("registers:create", "registers:edit"):
        return example
    if name == "registers:import":
        content = b"kind,date,subject\r\ntraining,2026-02-01,Back-ups\r\n"
        return {"file": SimpleUploadedFile("import.csv", content)}
    if name == "registers:attachment_add":
        return {"file": SimpleUploadedFile("bijlage.pdf", b"%PDF-1.4 bijlage")}
    return {}
