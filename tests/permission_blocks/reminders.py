"""The due list of a centre, the calendar page and the secret feed."""

from dataclasses import dataclass
from typing import Any

from vigil.accounts.services import create_user
from vigil.organisations.models import Organisation
from vigil.reminders.services import create_feed

GET, POST = "GET", "POST"
OWN, OTHER, NONE = "own", "other", "none"
LOGIN = "login"

MEMBERS = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
OTHERS = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
LOGGED_IN = (200, 200, 200, 200, 200, 200, 200, 200, LOGIN)
LOGGED_IN_POST = (302, 302, 302, 302, 302, 302, 302, 302, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)
EVERYONE = (200, 200, 200, 200, 200, 200, 200, 200, 200)

# fmt: off
MATRIX: dict[str, list[tuple[str, str, tuple[int | str, ...]]]] = {
    "reminders:due": [(GET, OWN, MEMBERS), (GET, OTHER, OTHERS)],
    "reminders:calendar": [(GET, NONE, LOGGED_IN)],
    "reminders:feed_create": [(GET, NONE, POST_ONLY), (POST, NONE, LOGGED_IN_POST)],
    "reminders:feed_revoke": [(GET, NONE, POST_ONLY), (POST, NONE, LOGGED_IN_POST)],
    # The secret in the address is the key, since calendar programs cannot log in.
    "reminders:feed": [(GET, NONE, EVERYONE)],
}
# fmt: on


@dataclass
class State:
    secret: str


def setup(organisation: Organisation) -> State:
    user = create_user(
        email=f"calendar@{organisation.slug}.test",
        full_name="Kalender",
        password="Kalender-wachtwoord-2026",
        actor=None,
    )
    _feed, secret = create_feed(user)
    return State(secret)


def kwargs(name: str, state: State) -> dict[str, Any]:
    return {"secret": state.secret}


def post(name: str, state: State) -> dict[str, Any]:
    return {}
