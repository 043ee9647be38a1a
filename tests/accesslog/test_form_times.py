"""Dates and times in the access-log pages: ISO 8601 only, in the page language.

The forms no longer take the locale's day-first formats, and a local time
that the change to or from summer time skips or repeats gets its own message.
The tests run in Dutch, the default language of the test settings.
"""

import datetime
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import login
from vigil.accesslog.models import IdentityPeriod
from vigil.accesslog.views.forms import (
    EndPeriodForm,
    IdentityPeriodForm,
    RunDetectionForm,
    SearchForm,
    UntracedForm,
)
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

UTC = datetime.UTC
SKIPPED_NL = (
    "“2026-03-29T02:30” bestaat niet in Europe/Brussels: op 2026-03-29 gaat de "
    "klok vooruit van 02:00 naar 03:00, dus is er geen plaatselijke tijd van 02:00 "
    "tot 03:00. Geef een tijdstip vóór 02:00 of vanaf 03:00."
)
# The date and time picker of these forms cannot take a UTC offset, so the
# message does not ask for one.
DOUBLED_NL = (
    "“2026-10-25T02:30” komt twee keer voor in Europe/Brussels, want op "
    "2026-10-25 gaat de klok terug van 03:00 naar 02:00, en dit veld kan niet "
    "aangeven welk van de twee bedoeld is. Geef een tijdstip vóór 02:00 of vanaf "
    "03:00."
)
DAY_FIRST_NL = (
    "“02-03-2026 14:30” is geen datum of tijdstip; schrijf JJJJ-MM-DD voor het "
    "begin van de dag of JJJJ-MM-DDTUU:MM, bijvoorbeeld 2026-03-12T14:30."
)
PERIOD = {"user_id": "U1", "person_name": "An Peeters", "valid_from": "2026-01-05"}


def errors(form: forms.BaseForm, name: str) -> list[str]:
    assert not form.is_valid()
    return [str(message) for message in form.errors[name]]


def test_page_language_is_dutch() -> None:
    assert translation.get_language() == "nl"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-29T02:30", SKIPPED_NL),
        ("2026-10-25T02:30", DOUBLED_NL),
        ("02-03-2026 14:30", DAY_FIRST_NL),
        (
            "2026-02-30T10:00",
            "“2026-02-30T10:00” is geen geldige datum met uur: februari 2026 heeft "
            "28 dagen; schrijf JJJJ-MM-DDTUU:MM, bijvoorbeeld 2026-03-12T14:30.",
        ),
    ],
)
@pytest.mark.parametrize("name", ["since", "until"])
def test_search_rejects_time(name: str, value: str, message: str) -> None:
    form = SearchForm({name: value})

    assert errors(form, name) == [message]


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2026-03-02T14:30", datetime.datetime(2026, 3, 2, 13, 30, tzinfo=UTC)),
        ("2026-03-02", datetime.datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        ("2026-10-25T02:30+01:00", datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-03-29T03:00", datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ],
)
def test_search_reads_iso_time(value: str, moment: datetime.datetime) -> None:
    form = SearchForm({"since": value})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["since"] == moment


def test_doubled_time_message_in_french() -> None:
    with translation.override("fr"):
        form = SearchForm({"until": "2026-10-25T02:30"})
        assert errors(form, "until") == [
            "«\u00a02026-10-25T02:30\u00a0» existe deux fois dans le fuseau "
            "Europe/Brussels, car le 2026-10-25 les horloges reculent de 03:00 à "
            "02:00, et ce champ ne permet pas de préciser lequel des deux est visé. "
            "Indiquez une heure avant 02:00 ou à partir de 03:00."
        ]


def test_search_message_in_french() -> None:
    with translation.override("fr"):
        form = SearchForm({"since": "2026-03-29T02:30"})
        message = errors(form, "since")

    assert message == [
        "«\u00a02026-03-29T02:30\u00a0» n'existe pas dans le fuseau "
        "Europe/Brussels\u00a0: le 2026-03-29, les horloges avancent de 02:00 à "
        "03:00, il n'y a donc aucune heure locale de 02:00 à 03:00. Indiquez une "
        "heure avant 02:00 ou à partir de 03:00."
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("valid_from", "2026-10-25T02:30", DOUBLED_NL),
        ("valid_from", "02-03-2026 14:30", DAY_FIRST_NL),
        ("valid_until", "2026-03-29T02:30", SKIPPED_NL),
    ],
)
def test_identity_form_rejects_time(name: str, value: str, message: str) -> None:
    form = IdentityPeriodForm({**PERIOD, name: value})

    assert errors(form, name) == [message]


def test_identity_form_reads_offset() -> None:
    form = IdentityPeriodForm({**PERIOD, "valid_from": "2026-10-25T02:30+02:00"})

    assert form.is_valid(), form.errors
    moment = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert form.cleaned_data["valid_from"] == moment


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-10-25T02:30", DOUBLED_NL), ("02-03-2026 14:30", DAY_FIRST_NL)],
)
def test_end_period_form_rejects_time(value: str, message: str) -> None:
    assert errors(EndPeriodForm({"valid_until": value}), "valid_until") == [message]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "since",
            "02/03/2026",
            "“02/03/2026” is geen datum; schrijf hem als JJJJ-MM-DD, bijvoorbeeld "
            "2026-03-12.",
        ),
        (
            "since",
            "02-03-2026",
            "“02-03-2026” is geen datum; schrijf hem als JJJJ-MM-DD, bijvoorbeeld "
            "2026-03-12.",
        ),
        (
            "until",
            "2026-02-30",
            "“2026-02-30” is geen datum: februari 2026 heeft 28 dagen; schrijf "
            "JJJJ-MM-DD, bijvoorbeeld 2026-03-12.",
        ),
    ],
)
def test_run_detection_form_rejects_day(name: str, value: str, message: str) -> None:
    data = {"since": "2026-03-02", "until": "2026-03-08", name: value}

    assert errors(RunDetectionForm(data), name) == [message]


def test_run_detection_form_reads_iso_day() -> None:
    form = RunDetectionForm({"since": "2026-03-29", "until": "2026-03-29"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["since"] == datetime.date(2026, 3, 29)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "nl",
            "De periode van 2025-01-01 tot 2026-03-02 telt 426 dagen, maar de "
            "detectie beslaat ten hoogste 366 dagen tegelijk. Geef een kortere "
            "periode op.",
        ),
        (
            "fr",
            "La période du 2025-01-01 au 2026-03-02 compte 426 jours, mais la "
            "détection couvre au plus 366 jours à la fois. Indiquez une période "
            "plus courte.",
        ),
    ],
)
def test_run_detection_form_rejects_long_period(language: str, message: str) -> None:
    data = {"since": "2025-01-01", "until": "2026-03-02"}

    with translation.override(language):
        assert errors(RunDetectionForm(data), "until") == [message]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "nl",
            "De periode van 2025-01-01 tot 2026-03-02 telt 426 dagen, maar de "
            "lijst beslaat ten hoogste 366 dagen tegelijk. Geef een kortere "
            "periode op.",
        ),
        (
            "fr",
            "La période du 2025-01-01 au 2026-03-02 compte 426 jours, mais la "
            "liste couvre au plus 366 jours à la fois. Indiquez une période plus "
            "courte.",
        ),
    ],
)
def test_untraced_form_rejects_long_period(language: str, message: str) -> None:
    data = {"since": "2025-01-01", "until": "2026-03-02"}

    with translation.override(language):
        assert errors(UntracedForm(data), "until") == [message]


def test_run_detection_form_rejects_inverted_days() -> None:
    data = {"since": "2026-03-08", "until": "2026-03-02"}

    assert errors(RunDetectionForm(data), "until") == [
        "De laatste dag 2026-03-02 ligt vóór de eerste dag 2026-03-08. Vul een "
        "laatste dag in die op of na de eerste dag valt."
    ]


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


def test_identity_page_rejects_doubled_time(
    consultant_a: User, centre_a: Organisation
) -> None:
    data = {**PERIOD, "valid_from": "2026-10-25T02:30", "note": ""}

    response = login(consultant_a).post(url("identity_add", centre_a), data)

    assert response.status_code == 400
    assert DOUBLED_NL in response.content.decode()
    assert not IdentityPeriod.objects.exists()
    assert not AuditEntry.objects.filter(action="identity.added").exists()


def test_search_link_keeps_doubled_time(
    consultant_a: User, centre_a: Organisation
) -> None:
    client: Client = login(consultant_a)

    response = client.post(
        url("search", centre_a), {"since": "2026-10-25T02:30+01:00"}, follow=True
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_valid(), form.errors
    moment = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert form.cleaned_data["since"] == moment
