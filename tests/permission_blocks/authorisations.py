"""The review campaign pages of the authorisation table."""

import datetime
from dataclasses import dataclass
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.authorisations import reviews
from vigil.registers.authorisations.models import ReviewCampaign, ReviewLine
from vigil.registers.authorisations.specs import AUTHORISATIONS

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

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "authorisations:reviews": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "authorisations:review_start": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "authorisations:review": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "authorisations:review_decide": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
    "authorisations:review_close": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, CROSS, EDIT_CROSS),
    ],
    "authorisations:review_export": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "authorisations:review_attach": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
}
# fmt: on

START = datetime.date(2026, 1, 12)


@dataclass
class State:
    open_review: ReviewCampaign
    line: ReviewLine
    closed_review: ReviewCampaign


def _review(organisation: Organisation, name: str) -> ReviewCampaign:
    return reviews.start_review(
        organisation,
        name=name,
        started_on=START,
        due_by=START + datetime.timedelta(days=30),
        actor=None,
    )


def setup(organisation: Organisation) -> State:
    values = {**AUTHORISATIONS.example(organisation), "valid_from": "2024-01-01"}
    services.create_record(AUTHORISATIONS, organisation, values, actor=None)
    closed = _review(organisation, "Herziening 2025")
    for line in closed.lines.all():
        reviews.decide(
            line, ReviewLine.Decision.CONFIRMED, actor=None, decided_on=START
        )
    reviews.close_review(closed, actor=None, closed_on=START)
    opened = _review(organisation, "Herziening 2026")
    line = opened.lines.get()
    return State(opened, line, closed)


def kwargs(name: str, state: State) -> dict[str, Any]:
    closed = name in ("authorisations:review_export", "authorisations:review_attach")
    review = state.closed_review if closed else state.open_review
    return {
        "pk": review.pk,
        "line": state.line.pk,
        "fmt": "csv",
        "year": 2025,
        "code": "4.4.1",
    }


def post(name: str, state: State) -> dict[str, Any]:
    if name == "authorisations:review_start":
        return {
            "name": "Herziening Sociaal dossier",
            "started_on": START.isoformat(),
            "due_by": "2026-02-28",
            "application": "Sociaal dossier",
        }
    if name == "authorisations:review_decide":
        prefix = f"line-{state.line.pk}"
        return {
            f"{prefix}-decision": "confirmed",
            f"{prefix}-decided_on": START.isoformat(),
            f"{prefix}-note": "Nog nodig.",
        }
    return {}
