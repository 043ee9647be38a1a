"""What Vigil writes to the server's log."""

import logging

import pytest

from tests.conftest import login
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def test_denied_page_logged_without_traceback(
    centre_a: Organisation, viewer_a: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = login(viewer_a)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/c/{centre_a.slug}/accesslog/")

    assert response.status_code == 403
    [denied] = [record for record in caplog.records if record.name == "django.request"]
    assert denied.getMessage().startswith("Forbidden (Permission denied)")
    assert denied.exc_info is None
