"""Helpers for the continuity plan tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from vigil.organisations.models import Organisation
from vigil.plans.continuity.models import Contact, CriticalProcess
from vigil.plans.continuity.specs import CONTACTS, CRITICAL_PROCESSES
from vigil.registers import services


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_process(organisation: Organisation, **changes: Any) -> CriticalProcess:
    values = {**CRITICAL_PROCESSES.example(organisation), **changes}
    record = services.create_record(
        CRITICAL_PROCESSES, organisation, values, actor=None
    )
    assert isinstance(record, CriticalProcess)
    return record


def make_contact(organisation: Organisation, name: str, parent: str = "") -> Contact:
    values = {"name": name, "crisis_role": "Rol", "phone": "+32 50 00 00 00"}
    record = services.create_record(
        CONTACTS, organisation, {**values, "parent": parent}, actor=None
    )
    assert isinstance(record, Contact)
    return record
