"""The registers API logs each rejected request as one line with its ids."""

import json
import logging

import pytest
from django.test import Client

from vigil.accesslog.models import ApiToken
from vigil.accesslog.openapi import EXAMPLE_EVENT
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

URL = "/api/v1/centres/centre-a/registers/activities/"
LOGGER = "vigil.registers.api"
# A national number with a valid check number.
NATIONAL_NUMBER = EXAMPLE_EVENT["subject"]


@pytest.fixture
def token(centre_a: Organisation) -> tuple[ApiToken, str]:
    return create_token(
        centre_a, "cmdb sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )


def rejections(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER and record.levelno == logging.WARNING
    ]


def send(
    client: Client,
    method: str,
    url: str,
    secret: str | None,
    body: str = "",
    content_type: str = "application/json",
) -> int:
    # The French header shows that the log line stays in English.
    headers = {"Accept-Language": "fr"}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    response = client.generic(
        method, url, body, content_type=content_type, headers=headers
    )
    return response.status_code


def test_unsupported_type_logs_token(
    client: Client, token: tuple[ApiToken, str], caplog: pytest.LogCaptureFixture
) -> None:
    api_token, secret = token
    status = send(client, "POST", URL, secret, "kind=training", "text/plain")

    assert status == 415
    logged = rejections(caplog)
    assert logged == [
        f"Registers API request from 127.0.0.1 for centre centre-a with token "
        f"{api_token.prefix} (cmdb sync) rejected with 415 unsupported_media_type: "
        "Content type 'text/plain' is not supported. Send the record as "
        "application/json."
    ]
    assert secret not in logged[0]


def test_invalid_record_logs_field_names(
    client: Client, token: tuple[ApiToken, str], caplog: pytest.LogCaptureFixture
) -> None:
    _api_token, secret = token
    body = json.dumps({"kind": "training", "date": NATIONAL_NUMBER, NATIONAL_NUMBER: 1})
    status = send(client, "POST", URL, secret, body)

    assert status == 422
    logged = rejections(caplog)
    assert len(logged) == 1
    assert "rejected with 422 invalid: The record is not valid." in logged[0]
    assert logged[0].endswith("Invalid fields: date, subject, 1 unknown.")
    assert NATIONAL_NUMBER not in logged[0]


def test_other_scope_logs_once(
    client: Client, centre_a: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    ingest_token, secret = create_token(centre_a, "ingester", actor=None)
    status = send(client, "GET", URL, secret)

    assert status == 403
    logged = rejections(caplog)
    assert len(logged) == 1
    assert (
        f"with token {ingest_token.prefix} (ingester) rejected with 403" in (logged[0])
    )
    assert "insufficient_scope" in logged[0]


def test_other_centre_token_logs_both(
    client: Client,
    token: tuple[ApiToken, str],
    centre_b: Organisation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api_token, secret = token
    url = URL.replace("centre-a", centre_b.slug)
    status = send(client, "GET", url, secret)

    assert status == 401
    logged = rejections(caplog)
    assert len(logged) == 1
    assert (
        f"for centre {centre_b.slug} with token {api_token.prefix} (cmdb sync) "
        "of centre centre-a rejected with 401 unauthorized" in logged[0]
    )


def test_unknown_token_logs_no_secret(
    client: Client, centre_a: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "vgl_" + "x" * 43
    status = send(client, "GET", URL, secret)

    assert status == 401
    logged = rejections(caplog)
    assert len(logged) == 1
    assert "for centre centre-a rejected with 401 unauthorized" in logged[0]
    assert "vgl_" not in logged[0]


def test_session_logs_user_id(
    client: Client, viewer_a: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(viewer_a)
    status = send(client, "POST", URL, None, "{}")

    assert status == 403
    logged = rejections(caplog)
    assert len(logged) == 1
    assert (
        f"for centre centre-a by user {viewer_a.pk} rejected with 403 forbidden"
        in logged[0]
    )
    assert viewer_a.email not in logged[0]


def test_method_not_allowed_logged(
    client: Client, token: tuple[ApiToken, str], caplog: pytest.LogCaptureFixture
) -> None:
    _api_token, secret = token
    status = send(client, "PUT", URL, secret, "{}")

    assert status == 405
    logged = rejections(caplog)
    assert len(logged) == 1
    assert logged[0].endswith(
        "rejected with 405 method_not_allowed: PUT is not allowed here. Use GET, POST."
    )


def test_success_logs_no_rejection(
    client: Client, token: tuple[ApiToken, str], caplog: pytest.LogCaptureFixture
) -> None:
    _api_token, secret = token
    body = json.dumps({"kind": "training", "date": "2026-03-12", "subject": "x"})
    status = send(client, "POST", URL, secret, body)

    assert status == 201
    assert rejections(caplog) == []
