"""Demo authorisation table with a closed review of last year and an open one."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from vigil.accesslog.identities import add_identity_period, identity_periods
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.authorisations import reviews
from vigil.registers.authorisations.models import Authorisation, ReviewLine
from vigil.registers.authorisations.specs import AUTHORISATIONS

SOCIAL = "Organieke wet van 8 juli 1976, art. 60: sociaal onderzoek en dossier"
KSZ = "Machtiging van het sectoraal comité: raadpleging KSZ-diensten"

# (person, function, user id, application, category, level, years ago, basis)
ENTRIES: tuple[tuple[str, str, str, str, str, str, int, str], ...] = (
    (
        "An Peeters",
        "maatschappelijk werker",
        "U100201",
        "Sociaal dossier",
        "social_file",
        "write",
        4,
        SOCIAL,
    ),
    (
        "An Peeters",
        "maatschappelijk werker",
        "U100201",
        "KSZ-integratiediensten",
        "ksz_services",
        "read",
        4,
        KSZ,
    ),
    (
        "Bart Claes",
        "maatschappelijk werker",
        "U100202",
        "Sociaal dossier",
        "social_file",
        "write",
        3,
        SOCIAL,
    ),
    (
        "Bart Claes",
        "maatschappelijk werker",
        "U100202",
        "KSZ-integratiediensten",
        "ksz_services",
        "read",
        3,
        KSZ,
    ),
    (
        "Sofie Maes",
        "maatschappelijk werker",
        "U100203",
        "Sociaal dossier",
        "social_file",
        "write",
        2,
        SOCIAL,
    ),
    (
        "Sofie Maes",
        "maatschappelijk werker",
        "U100203",
        "KSZ-integratiediensten",
        "ksz_services",
        "read",
        2,
        KSZ,
    ),
    (
        "Koen Jacobs",
        "maatschappelijk werker",
        "U100204",
        "Sociaal dossier",
        "social_file",
        "write",
        5,
        SOCIAL,
    ),
    (
        "Lies Wouters",
        "diensthoofd ICT",
        "U100301",
        "Sociaal dossier",
        "social_file",
        "administer",
        5,
        "Beheer van de sociale software",
    ),
    (
        "Lies Wouters",
        "diensthoofd ICT",
        "U100301",
        "Active Directory",
        "other",
        "administer",
        5,
        "Beheer van de accounts en de werkstations",
    ),
    (
        "Lies Wouters",
        "diensthoofd ICT",
        "U100301",
        "Personeelsbeheer",
        "personnel",
        "administer",
        5,
        "Technisch beheer van de personeelssoftware",
    ),
    (
        "Marc Hermans",
        "algemeen directeur",
        "",
        "Financieel pakket",
        "financial",
        "read",
        6,
        "Decreet lokaal bestuur: toezicht op de financiën",
    ),
    (
        "Marc Hermans",
        "algemeen directeur",
        "",
        "Sociaal dossier",
        "social_file",
        "read",
        6,
        "Toezicht op de sociale dienst",
    ),
)

# The user ids that get an identity period; U100204 left in the demo.
IDENTIFIED = ("U100201", "U100202", "U100203", "U100301")


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Authorisation.objects.filter(organisation=organisation).exists():
        return
    for person, function, user_id, app, category, level, years, basis in ENTRIES:
        start = today.replace(year=today.year - years, month=1, day=2)
        values = {
            "person_name": person,
            "function": function,
            "user_id": user_id,
            "application": app,
            "data_category": category,
            "access_level": level,
            "valid_from": start.isoformat(),
            "approved_by": "Marc Hermans, algemeen directeur",
            "approved_on": (start - datetime.timedelta(days=10)).isoformat(),
            "legal_basis": basis,
        }
        services.create_record(AUTHORISATIONS, organisation, values, actor=actor)
    _identities(organisation, actor, today)
    _last_year(organisation, actor, today)
    _this_year(organisation, actor, today)


def _identities(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    zone = ZoneInfo("Europe/Brussels")
    for user_id in IDENTIFIED:
        if identity_periods(organisation, user_id).exists():
            continue
        entry = next(item for item in ENTRIES if item[2] == user_id)
        # The period starts at local midnight of the day on which the user's
        # authorisation starts (2 January, see populate).
        start = today.replace(year=today.year - entry[6], month=1, day=2)
        add_identity_period(
            organisation,
            user_id,
            entry[0],
            datetime.datetime(start.year, start.month, start.day, tzinfo=zone),
            actor=actor,
        )


def _last_year(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    started = today - datetime.timedelta(days=340)
    campaign = reviews.start_review(
        organisation,
        name=f"Herziening autorisaties {started:%m/%Y}",
        started_on=started,
        due_by=started + datetime.timedelta(days=30),
        actor=actor,
    )
    decided = started + datetime.timedelta(days=12)
    for line in campaign.lines.order_by("id"):
        _decide_last_year(line, actor, decided)
    reviews.close_review(
        campaign, actor=actor, closed_on=decided + datetime.timedelta(days=2)
    )


def _decide_last_year(line: ReviewLine, actor: Any, decided: datetime.date) -> None:
    snapshot = line.snapshot
    if snapshot["person_name"] == "Lies Wouters" and snapshot["data_category"] == (
        "personnel"
    ):
        reviews.decide(
            line,
            ReviewLine.Decision.CHANGED,
            actor=actor,
            decided_on=decided,
            note="Alleen nog leesrechten: het beheer gaat naar de leverancier.",
            changes={"access_level": "read"},
        )
    elif snapshot["person_name"] == "Koen Jacobs":
        reviews.decide(
            line,
            ReviewLine.Decision.REVOKED,
            actor=actor,
            decided_on=decided,
            note="Vertrokken naar een andere dienst.",
        )
    else:
        reviews.decide(
            line, ReviewLine.Decision.CONFIRMED, actor=actor, decided_on=decided
        )


def _this_year(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    started = today - datetime.timedelta(days=14)
    campaign = reviews.start_review(
        organisation,
        name=f"Herziening autorisaties {started:%m/%Y}",
        started_on=started,
        due_by=started + datetime.timedelta(days=30),
        actor=actor,
    )
    for line in campaign.lines.order_by("id")[:4]:
        reviews.decide(
            line,
            ReviewLine.Decision.CONFIRMED,
            actor=actor,
            decided_on=started + datetime.timedelta(days=3),
        )
