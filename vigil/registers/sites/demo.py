"""Demo records of the physical security registers, on the centre's first site."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.sites.models import KeyIssue
from vigil.registers.sites.specs import (
    ACCESS_RULES,
    KEYS,
    SAFETY_MEASURES,
    SERVER_ROOM_CHECKS,
)


def _day(today: datetime.date, days: int) -> str:
    return (today + datetime.timedelta(days=days)).isoformat()


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    site = organisation.sites.order_by("name").first()
    if site is None or KeyIssue.objects.filter(organisation=organisation).exists():
        return
    keys = (
        ("master_key", "L-01", "Alle deuren", "Luc Janssens", -700, None),
        ("master_key", "L-01", "Alle deuren", "Conciërge Marc Wouters", -700, None),
        ("key", "S-12", "Serverlokaal", "Pieter De Smet", -400, None),
        ("badge", "B-0417", "Hoofdingang, sociale dienst", "Sara Claes", -300, None),
        ("badge", "B-0388", "Hoofdingang, sociale dienst", "Tom Peeters", -600, -30),
        ("code", "Alarmcode 2", "Alarmcentrale", "Conciërge Marc Wouters", -200, None),
    )
    for kind, identifier, zone, holder, issued, returned in keys:
        values = {
            "site": site.name,
            "kind": kind,
            "identifier": identifier,
            "zone": zone,
            "holder": holder,
            "issued_on": _day(today, issued),
        }
        if returned is not None:
            values["returned_on"] = _day(today, returned)
        services.create_record(KEYS, organisation, values, actor=actor)
    rules = (
        (
            "Onthaal en spreekkamers",
            "Bezoekers",
            "Werkdagen 8:30 tot 16:00",
            "Aanmelden aan het onthaal, begeleid",
            "",
        ),
        (
            "Serverlokaal",
            "ICT-dienst en veiligheidsconsulent",
            "Werkdagen 7:30 tot 18:00",
            "Persoonlijke badge en sleutel S-12",
            "Enkel de ICT-medewerker van wacht; het alarm registreert elke toegang",
        ),
    )
    for zone, who, when, means, outside in rules:
        services.create_record(
            ACCESS_RULES,
            organisation,
            {
                "site": site.name,
                "zone": zone,
                "who": who,
                "when": when,
                "means": means,
                "outside_hours": outside,
            },
            actor=actor,
        )
    measures = (
        ("intrusion_alarm", "Volledig gebouw", -200, 165, "Securitas Belgium"),
        ("fire_detection", "Serverlokaal", -380, -15, "Brandbeveiliging Vlaanderen"),
        ("extinguisher", "Gangen en serverlokaal (CO2)", -100, 265, "Sicli"),
    )
    for kind, location, last, following, supplier in measures:
        services.create_record(
            SAFETY_MEASURES,
            organisation,
            {
                "site": site.name,
                "kind": kind,
                "location": location,
                "last_inspection": _day(today, last),
                "next_inspection": _day(today, following),
                "supplier": supplier,
            },
            actor=actor,
        )
    services.create_record(
        SERVER_ROOM_CHECKS,
        organisation,
        {
            "site": site.name,
            "date": _day(today, -90),
            "checked_by": "Pieter De Smet, veiligheidsconsulent",
            "findings": "Temperatuur 27 °C: airco laten nakijken.",
            "result": "findings",
        },
        actor=actor,
    )
