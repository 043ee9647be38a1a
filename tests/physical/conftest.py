"""Helpers for the physical security register tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.models import RegisterRecord
from vigil.registers.spec import RegisterSpec


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages are checked in the source language.
    with translation.override("en"):
        yield


@pytest.fixture
def site(centre_a: Organisation) -> Site:
    return Site.objects.get(organisation=centre_a)


def add(
    spec: RegisterSpec, organisation: Organisation, **changes: str
) -> RegisterRecord:
    """Create a record from the spec's example with ``changes``."""
    values = {**spec.example(organisation), **changes}
    return services.create_record(spec, organisation, values, actor=None)
