"""Local times in the register forms: ISO 8601, and summer time made explicit.

The incident times and the start of a backup run are local times of
Brussels. A time that the change to or from summer time skips or repeats
gets a message with the hour and the fix, on the page, in an import and
over the API alike. The tests run in Dutch, the default of the test settings.
"""

import datetime

import pytest

from tests.incidents.factories import make_incident
from vigil.organisations.models import Organisation
from vigil.registers import services, tabular
from vigil.registers.forms import build_form
from vigil.registers.incidents import services as incident_services
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS
from vigil.registers.spec import get_spec

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SKIPPED_NL = (
    "“2026-03-29T02:30” bestaat niet in Europe/Brussels: op 2026-03-29 gaat de "
    "klok vooruit van 02:00 naar 03:00, dus is er geen plaatselijke tijd van 02:00 "
    "tot 03:00. Geef een tijdstip vóór 02:00 of vanaf 03:00."
)
DOUBLED_NL = (
    "“2026-10-25T02:30” komt twee keer voor in Europe/Brussels, want op "
    "2026-10-25 gaat de klok terug van 03:00 naar 02:00. Voeg het verschil met "
    "UTC toe om aan te geven welk van de twee u bedoelt: 2026-10-25T02:30+02:00 is "
    "het eerste en 2026-10-25T02:30+01:00 het tweede. Of geef een tijdstip vóór "
    "02:00 of vanaf 03:00."
)
INCIDENT = {"title": "Phishing mail", "category": Incident.Category.INTRUSION}


def incident_errors(centre: Organisation, detected_at: str) -> list[str]:
    form = build_form(INCIDENTS, centre, {**INCIDENT, "detected_at": detected_at})

    assert not form.is_valid()
    return [str(message) for message in form.errors["detected_at"]]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-29T02:30", SKIPPED_NL),
        ("2026-10-25T02:30", DOUBLED_NL),
        (
            "2026-03-12",
            "“2026-03-12” heeft geen uur; schrijf het als JJJJ-MM-DDTUU:MM, "
            "bijvoorbeeld 2026-03-12T14:30.",
        ),
        (
            "12/03/2026 14:30",
            "“12/03/2026 14:30” is geen datum met uur; schrijf het als "
            "JJJJ-MM-DDTUU:MM, bijvoorbeeld 2026-03-12T14:30.",
        ),
        (
            "2026-04-31T10:00",
            "“2026-04-31T10:00” is geen geldige datum met uur: april 2026 heeft 30 "
            "dagen; schrijf JJJJ-MM-DDTUU:MM, bijvoorbeeld 2026-03-12T14:30.",
        ),
    ],
)
def test_incident_form_rejects_time(
    centre_a: Organisation, value: str, message: str
) -> None:
    assert incident_errors(centre_a, value) == [message]


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2026-10-25T02:30+02:00", datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T02:30+01:00", datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25T01:30:00Z", datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-03-29 03:15", datetime.datetime(2026, 3, 29, 1, 15, tzinfo=UTC)),
    ],
)
def test_incident_saved_with_time(
    centre_a: Organisation, value: str, moment: datetime.datetime
) -> None:
    incident = make_incident(centre_a, detected_at=value)

    incident.refresh_from_db()
    assert incident.detected_at == moment


def test_notification_form_rejects_doubled_time(centre_a: Organisation) -> None:
    incident = make_incident(centre_a, personal_data="true")
    form = incident_services.notification_form(
        incident,
        {
            "notification": "notified",
            "notified_at": "2026-10-25T02:30",
            "notification_reference": "DOS-1",
        },
    )

    assert not form.is_valid()
    assert [str(message) for message in form.errors["notified_at"]] == [DOUBLED_NL]
    incident.refresh_from_db()
    assert incident.notified_at is None


def test_import_rejects_skipped_time(centre_a: Organisation) -> None:
    content = (
        "title,detected_at,category,personal_data,status\r\n"
        "Lost laptop,2026-03-29 02:30,loss_theft,no,open\r\n"
    )
    rows = tabular.read_table(content.encode())

    with pytest.raises(services.ImportRejected) as rejected:
        services.import_rows(INCIDENTS, centre_a, rows, actor=None)

    (error,) = rejected.value.errors
    assert (error.line, error.field, error.value) == (
        2,
        "detected_at",
        "2026-03-29 02:30",
    )
    assert "bestaat niet in Europe/Brussels" in str(error)
    assert not Incident.objects.exists()


def test_backup_run_form_rejects_doubled_time(centre_a: Organisation) -> None:
    spec = get_spec("backup-runs")
    assert spec is not None
    data = {"started_at": "2026-10-25T02:30", "kind": "full", "result": "success"}

    form = build_form(spec, centre_a, data)

    assert not form.is_valid()
    assert [str(message) for message in form.errors["started_at"]] == [DOUBLED_NL]
