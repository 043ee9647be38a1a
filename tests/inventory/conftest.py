"""Fixtures of the inventory tests: sites and a few hardware items of centre A."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.inventory.models import Hardware
from vigil.registers.inventory.specs import HARDWARE

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages built in the tests themselves read in English, the source
    # language. Pages follow the request's language, which is Dutch.
    with translation.override("en"):
        yield


@pytest.fixture
def sites_a(centre_a: Organisation) -> list[Site]:
    return [
        Site.objects.create(organisation=centre_a, name="Sociaal Huis"),
        Site.objects.create(organisation=centre_a, name="Administratief centrum"),
    ]


def add_hardware(organisation: Organisation, tag: str, **values: Any) -> Hardware:
    """Create a hardware item through the services, as a user would."""
    fields = {"kind": "desktop", "inventory_tag": tag, **values}
    record = services.create_record(HARDWARE, organisation, fields, actor=None)
    assert isinstance(record, Hardware)
    return record
