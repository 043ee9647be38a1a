"""Fixtures of the access log tests."""

import pytest
from django.conf import LazySettings


@pytest.fixture
def one_day_retention(settings: LazySettings) -> None:
    """Keep content for one day, so that every entry of the factories may expire.

    Their events are of March 2026. Verification fails an expired entry that
    the retention period still keeps, so tests that empty such entries to
    check other rules need the shorter period.
    """
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
