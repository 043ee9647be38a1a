"""Run the security plan tests in English, the language of the source texts."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(_default_language: None) -> Iterator[None]:
    with translation.override("en"):
        yield
