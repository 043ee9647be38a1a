"""Helpers for the consultant register tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.consultants.models import Consultant
from vigil.registers.consultants.specs import CONSULTANTS


def appointment(organisation: Organisation, **changes: str) -> Consultant:
    """Create a consultant appointment from the spec's example with ``changes``."""
    values: dict[str, Any] = {**CONSULTANTS.example(organisation), **changes}
    record = services.create_record(CONSULTANTS, organisation, values, actor=None)
    assert isinstance(record, Consultant)
    return record


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages are checked in the source language; tests of Dutch or
    # French texts switch language themselves.
    with translation.override("en"):
        yield
