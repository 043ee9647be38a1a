"""Dutch and French wording of access-log messages, labels and filters."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.accesslog.factories import national_number
from tests.conftest import login
from vigil.accesslog.events import EventError
from vigil.accesslog.file_ingest import describe_event_error
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.views.forms import FindingFilterForm
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

HELP = "Ingest, verify, prove, expire and export the tamper-evident access log."
PROVE = (
    "entry %(index)d is not in the tree of size %(size)d: the log has entries "
    "0 to %(last)d"
)
EXPIRE = (
    "entries emptied: %(count)d (entries before %(cutoff)s expire), and entries "
    "from index %(index)d on keep their content"
)


def translated(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def test_log_called_tamper_evident() -> None:
    assert "waarvan elke wijziging aantoonbaar is" in translated("nl", HELP)
    assert "dont toute altération est détectable" in translated("fr", HELP)
    assert "fraudebestendig" not in translated("nl", HELP)
    assert "infalsifiable" not in translated("fr", HELP)


def test_dutch_range_includes_end() -> None:
    assert "logregels 0 tot en met %(last)d" in translated("nl", PROVE)


def test_dutch_expiry_empties_entries() -> None:
    assert translated("nl", EXPIRE).startswith("logregels geleegd:")


def test_french_rule_filter_feminine() -> None:
    with translation.override("fr"):
        form = FindingFilterForm()
        rule = str(form["rule"])
        status = str(form["status"])

    assert '<option value="" selected>toutes</option>' in rule
    assert '<option value="" selected>tous</option>' in status


def test_french_ingestion_error_colon() -> None:
    error = EventError(3, "time", "2026-13-01", "is not a date")

    with translation.override("fr"):
        text = describe_event_error(error, "line")

    assert text.startswith("ligne 3, champ time (2026-13-01)\u00a0: ")


@pytest.mark.django_db
def test_french_subject_filter_colon(
    centre_a: Organisation, consultant_a: User
) -> None:
    pseudonym = pseudonymise(centre_a, national_number(1))
    address = reverse("accesslog:search", kwargs={"org": centre_a.slug})

    response = login(consultant_a).get(
        address, {"subject_pseudonym": pseudonym}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert "Personne concernée\u00a0: <code" in text
