"""Helpers for the risk analysis tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Asset, Process, Risk
from vigil.plans.risks.specs import ASSETS, PROCESSES, RISKS
from vigil.registers import services


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def make_process(organisation: Organisation, name: str = "Sociale dienst") -> Process:
    record = services.create_record(
        PROCESSES,
        organisation,
        {**PROCESSES.example(organisation), "name": name},
        actor=None,
    )
    assert isinstance(record, Process)
    return record


def make_asset(organisation: Organisation, **changes: Any) -> Asset:
    values = {**ASSETS.example(organisation), **changes}
    record = services.create_record(ASSETS, organisation, values, actor=None)
    assert isinstance(record, Asset)
    return record


def risk_values(**changes: Any) -> dict[str, Any]:
    """Return the values of a valid risk on the process "Sociale dienst"."""
    return {
        "process": "Sociale dienst",
        "threat": "Ransomware",
        "likelihood": "3",
        "impact": "4",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "decision": "reduce",
        **changes,
    }


def make_risk(organisation: Organisation, **changes: Any) -> Risk:
    if not Process.objects.filter(
        organisation=organisation, name="Sociale dienst"
    ).exists():
        make_process(organisation)
    record = services.create_record(
        RISKS, organisation, risk_values(**changes), actor=None
    )
    assert isinstance(record, Risk)
    return record


def english(client: Client) -> Client:
    """Ask for the pages in English, the language the tests check."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
