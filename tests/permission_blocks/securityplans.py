"""The security plan pages: plans, approval, versions, gaps, budget, document."""

import datetime
from dataclasses import dataclass
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.security import lifecycle, services
from vigil.plans.security.models import PlanAction, SecurityPlan

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
DECIDE_POST = (302, 302, 302, 403, 403, 404, 404, 404, LOGIN)
DECIDE_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
DECIDE_CROSS = (404, 404, 404, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "securityplans:index": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "securityplans:budget": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "securityplans:create": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "securityplans:add_gap": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "securityplans:detail": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "securityplans:diff": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "securityplans:document": [
        (GET, OWN, READ_OWN), (GET, CROSS, HIDDEN),
    ],
    "securityplans:edit": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (GET, CROSS, EDIT_CROSS),
        (POST, CROSS, EDIT_CROSS),
    ],
    "securityplans:submit": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
        (POST, CROSS, EDIT_CROSS),
    ],
    "securityplans:approve": [
        (GET, OWN, POST_ONLY), (POST, OWN, DECIDE_POST),
        (POST, OTHER, DECIDE_POST_OTHER), (POST, CROSS, DECIDE_CROSS),
    ],
    "securityplans:new_version": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, CROSS, EDIT_CROSS),
    ],
}
# fmt: on


@dataclass
class State:
    approved: SecurityPlan
    draft: SecurityPlan


def setup(organisation: Organisation) -> State:
    """Give the centre an approved plan and a draft second version of it."""
    approved = lifecycle.create_plan(organisation, first_year=2026, actor=None)
    services.create_action(
        approved, title="Restore test", origin=PlanAction.Origin.RISK, actor=None
    )
    services.submit_plan(approved, actor=None)
    services.approve_plan(
        approved,
        body=SecurityPlan.Body.COUNCIL,
        date=datetime.date(2025, 12, 12),
        reference="RMW 2025/187",
        actor=None,
    )
    draft = services.new_version(approved, actor=None)
    return State(approved, draft)


def kwargs(name: str, state: State) -> dict[str, Any]:
    pk = state.approved.pk if name == "securityplans:new_version" else state.draft.pk
    return {"pk": pk, "year": 2025, "code": "4.1", "fmt": "odt"}


def post(name: str, state: State) -> dict[str, Any]:
    if name == "securityplans:create":
        return {"first_year": "2029", "years": "3", "title": "Plan 2029"}
    if name == "securityplans:edit":
        return {"first_year": "2026", "years": "3", "title": "Changed"}
    if name == "securityplans:approve":
        return {"body": "council", "date": "2025-12-12", "reference": "RMW 2025/190"}
    return {}
