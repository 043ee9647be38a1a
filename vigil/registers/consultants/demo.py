"""Demo records of the consultant register: a consultant whose notification
was sent and acknowledged, and a deputy."""

import datetime
from typing import Any, cast

from vigil.organisations.models import Organisation
from vigil.registers import services as register_services
from vigil.registers.consultants import services
from vigil.registers.consultants.models import Consultant
from vigil.registers.consultants.specs import CONSULTANTS


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Consultant.objects.filter(organisation=organisation).exists():
        return
    start = today - datetime.timedelta(days=400)
    decision = start - datetime.timedelta(days=20)
    created = register_services.create_record(
        CONSULTANTS,
        organisation,
        {
            "name": "Pieter De Smet",
            "email": "pieter.desmet@demo.vigil.test",
            "phone": "+32 50 44 12 80",
            "role": Consultant.Role.CONSULTANT,
            "start_date": start.isoformat(),
            "decision_date": decision.isoformat(),
            "decision_body": Consultant.Body.COUNCIL,
            "decision_reference": f"RMW {decision.year}/087",
            "hours_per_week": "8",
            "shared_service": "true",
            "association": "Welzijnsvereniging Regio Brugge",
        },
        actor=actor,
    )
    register_services.create_record(
        CONSULTANTS,
        organisation,
        {
            "name": "Sofie Maes",
            "email": "sofie.maes@demo.vigil.test",
            "phone": "+32 50 44 12 81",
            "role": Consultant.Role.DEPUTY,
            "start_date": start.isoformat(),
            "decision_date": decision.isoformat(),
            "decision_body": Consultant.Body.SECRETARY_GENERAL,
            "decision_reference": f"BA {decision.year}/311",
            "hours_per_week": "4",
            "shared_service": "false",
        },
        actor=actor,
    )
    consultant = cast(Consultant, created)
    sent = start + datetime.timedelta(days=10)
    services.record_sent(
        consultant,
        {
            "sent_on": sent.isoformat(),
            "channel": "registered_letter",
            "reference": f"OCMW/IV/{sent.year}/014",
            "acknowledged_on": (sent + datetime.timedelta(days=21)).isoformat(),
        },
        actor=actor,
    )
