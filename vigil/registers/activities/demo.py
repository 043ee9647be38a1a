"""Demo records of the activities register."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES

# (days before today, kind, subject, participants, result)
ENTRIES: tuple[tuple[int, str, str, str, str], ...] = (
    (
        300,
        Activity.Kind.ADVICE,
        "Advies: wachtwoordbeleid voor de sociale dienst",
        "Algemeen directeur, diensthoofd ICT",
        "Opgevolgd: nieuw wachtwoordbeleid sinds 1 maart.",
    ),
    (
        240,
        Activity.Kind.MEETING,
        "Overleg informatieveiligheid met het directiecomité",
        "Algemeen directeur, financieel directeur, consulent",
        "Verslag: plan besproken, budget voor back-up-media goedgekeurd.",
    ),
    (
        150,
        Activity.Kind.TRAINING,
        "Sensibilisering phishing voor maatschappelijk werkers",
        "24 maatschappelijk werkers",
        "Evaluatie gemiddeld 8/10.",
    ),
    (
        90,
        Activity.Kind.CONTROL,
        "Controle van de toegangen tot het sociaal dossier",
        "Consulent, diensthoofd ICT",
        "Drie accounts van vertrokken medewerkers afgesloten.",
    ),
    (
        45,
        Activity.Kind.AWARENESS,
        "Affichecampagne: scherm vergrendelen",
        "Alle medewerkers",
        "",
    ),
)


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Activity.objects.filter(organisation=organisation).exists():
        return
    for days, kind, subject, participants, result in ENTRIES:
        values = {
            "kind": kind,
            "date": (today - datetime.timedelta(days=days)).isoformat(),
            "subject": subject,
            "participants": participants,
            "result": result,
            "status": Activity.Status.DONE,
        }
        services.create_record(ACTIVITIES, organisation, values, actor=actor)
