"""Fixtures of the audits tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Run in English, so that messages compare with the source texts."""
    with translation.override("en"):
        yield
