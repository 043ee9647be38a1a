"""Demo access log: three weeks of consultations by four staff members.

The events go through ``ingest_events`` as a sender's would, so the demo
centre's log has entries, signed checkpoints and an identity period for each
user id. Three patterns give the detection rules something to find: an
evening session, one day of unusual volume and a watched data subject.
"""

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from vigil.accesslog.detection.lists import add_watched_subject
from vigil.accesslog.detection.services import detect
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.national_numbers import synthetic_national_numbers
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
DAYS = 21
BATCH_SIZE = 500
STAFF = (
    ("U100201", "Els Wouters"),
    ("U100202", "Bram Claes"),
    ("U100203", "Chloé Dubois"),
    ("U100204", "Dirk Maes"),
)
APPLICATIONS = ("sociaal-dossier", "leefloon", "schuldbemiddeling")
SERVICES = ("IdentifyPerson", "ConsultCareerBreak", "RetrieveTaxData")
SUBJECTS = 150
# Each staff member's consultations on a working day, and Dirk Maes's on the
# day of unusual volume, which is more than three times his usual level.
DAILY_CONSULTATIONS = (6, 12)
UNUSUAL_DAY_CONSULTATIONS = 60


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    """Fill the log of ``organisation`` unless it has entries already."""
    if AccessEntry.objects.filter(organisation=organisation).exists():
        return
    # A seeded generator gives the same demo on every run. Nothing secret
    # comes from it.
    generator = random.Random(organisation.slug)  # noqa: S311
    subjects = synthetic_national_numbers(SUBJECTS, generator)
    first_day = today - datetime.timedelta(days=DAYS)

    for user_id, person in STAFF:
        add_identity_period(
            organisation,
            user_id,
            person,
            _moment(today.replace(year=today.year - 2, day=1), 0, 0),
            actor=actor,
        )
    add_watched_subject(
        organisation, subjects[0], "Collega (personeelsdossier)", actor=actor
    )

    records = _events(generator, subjects, first_day, today)
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        ingest_events(
            organisation,
            [(line, record) for line, record in enumerate(batch, start=1)],
            source="demo",
            actor=actor,
        )

    detect(
        organisation,
        since=_moment(first_day, 0, 0),
        until=_moment(today, 0, 0),
        actor=actor,
    )


def _events(
    generator: random.Random,
    subjects: list[str],
    first_day: datetime.date,
    today: datetime.date,
) -> list[dict[str, str]]:
    """Return the demo events of ``[first_day, today)`` in time order."""
    moments: list[tuple[datetime.datetime, str, str]] = []
    days = [
        first_day + datetime.timedelta(days=offset)
        for offset in range((today - first_day).days)
    ]
    working_days = [day for day in days if day.weekday() < 5]
    for day in working_days:
        for user_id, _person in STAFF:
            for _consultation in range(generator.randint(*DAILY_CONSULTATIONS)):
                moment = _moment(day, generator.randint(8, 16), generator.randrange(60))
                moments.append((moment, user_id, generator.choice(subjects[1:])))
    # An evening session, a day of unusual volume and a watched subject.
    evening = working_days[-3]
    for minute in (31, 34, 38):
        moments.append((_moment(evening, 21, minute), "U100202", subjects[7]))
    unusual = working_days[-2]
    for _consultation in range(UNUSUAL_DAY_CONSULTATIONS):
        moment = _moment(unusual, generator.randint(9, 15), generator.randrange(60))
        moments.append((moment, "U100204", generator.choice(subjects[1:])))
    for hour in (10, 14):
        moments.append((_moment(working_days[-4], hour, 5), "U100201", subjects[0]))
    moments.sort()
    return [
        _record(number, moment, user_id, subject, generator)
        for number, (moment, user_id, subject) in enumerate(moments, start=1)
    ]


def _record(
    number: int,
    moment: datetime.datetime,
    user_id: str,
    subject: str,
    generator: random.Random,
) -> dict[str, str]:
    record = {
        "event_id": f"demo-{number}",
        "time": moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds"),
        "user_id": user_id,
        "application": generator.choice(APPLICATIONS),
        "action": "consult" if number % 6 else "modify",
        "subject": subject,
        "service": generator.choice(SERVICES),
    }
    if number % 3 == 0:
        record["case_ref"] = f"SD-{2026000 + number % 400}"
    return record


def _moment(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), BRUSSELS)
