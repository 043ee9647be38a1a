"""The register REST API: tokens, sessions, validation and changes."""

import json
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import create_token, revoke_token
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers.activities.models import Activity
from vigil.registers.api import MAX_BODY_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

URL = "/api/v1/centres/centre-a/registers/activities/"
RECORD = {"kind": "training", "date": "2026-03-12", "subject": "Phishing"}


@pytest.fixture
def secret(centre_a: Organisation) -> str:
    _token, secret = create_token(
        centre_a, "cmdb sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    return secret


def call(
    client: Client, method: str, url: str, secret: str | None, body: Any = None
) -> Any:
    # The checks below read the English messages.
    headers = {"Accept-Language": "en"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    data = json.dumps(body) if body is not None else ""
    return client.generic(
        method, url, data, content_type="application/json", headers=headers
    )


def test_token_creates_changes_and_deletes(client: Client, secret: str) -> None:
    created = call(client, "POST", URL, secret, RECORD)
    url = created.json()["url"]
    patched = call(client, "PATCH", url, secret, {"subject": "Back-ups"})
    deleted = call(client, "DELETE", url, secret)

    assert created.status_code == 201
    assert created.json()["status"] == "done"
    assert patched.json()["subject"] == "Back-ups"
    assert patched.json()["kind"] == "training"
    assert deleted.status_code == 204
    assert Activity.objects.count() == 0
    labels = set(
        AuditEntry.objects.filter(action__startswith="register.record").values_list(
            "actor_label", flat=True
        )
    )
    assert len(labels) == 1
    assert labels.pop().endswith("(cmdb sync)")


def test_invalid_record_names_the_fields(client: Client, secret: str) -> None:
    response = call(client, "POST", URL, secret, {**RECORD, "date": "12/03/2026"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["date"]
    assert "2026-03-12" in response.json()["errors"]["date"][0]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("[1, 2]", "application/json", 400),
        ("{nope", "application/json", 400),
        ("kind=training", "application/x-www-form-urlencoded", 415),
    ],
)
def test_bad_bodies(
    client: Client, secret: str, body: str, content_type: str, status: int
) -> None:
    response = client.post(
        URL, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == status
    assert response.json()["message"]


def test_body_over_upload_limit_is_413(
    client: Client, secret: str, settings: LazySettings
) -> None:
    # Django rejects request.body over this setting with an HTML 400.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"subject": "x" * MAX_BODY_BYTES})
    response = client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_token_of_another_centre_or_revoked(
    client: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    _other, other_secret = create_token(
        centre_b, "b", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    _other_ingest, other_ingest_secret = create_token(centre_b, "b ingest", actor=None)
    revoked, revoked_secret = create_token(
        centre_a, "old", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    revoke_token(revoked, actor=None)
    revoked_ingest, revoked_ingest_secret = create_token(
        centre_a, "old ingest", actor=None
    )
    revoke_token(revoked_ingest, actor=None)
    cases = {
        "registers token of another centre": other_secret,
        "ingest token of another centre": other_ingest_secret,
        "revoked registers token": revoked_secret,
        "revoked ingest token": revoked_ingest_secret,
        "unknown token": "vgl_nonsense",
    }

    for case, value in cases.items():
        response = call(client, "GET", URL, value)
        assert response.status_code == 401, case
        assert response["WWW-Authenticate"] == 'Bearer realm="vigil"', case
        assert response.json()["error"] == "unauthorized", case
        assert value[:12] not in response.json()["message"], case
        assert "'ingest'" not in response.json()["message"], case


def test_ingest_token_is_403_naming_scopes(
    client: Client, centre_a: Organisation
) -> None:
    token, ingest_secret = create_token(centre_a, "ingest", actor=None)

    read = call(client, "GET", URL, ingest_secret)
    write = call(client, "POST", URL, ingest_secret, RECORD)

    for response in (read, write):
        assert response.status_code == 403
        assert "WWW-Authenticate" not in response
        body = response.json()
        assert body["error"] == "insufficient_scope"
        assert f"token {token.prefix} has the scope 'ingest'" in body["message"]
        assert "needs the scope 'registers'" in body["message"]
        assert "--org centre-a --scope registers" in body["message"]
    assert Activity.objects.count() == 0
    token.refresh_from_db()
    assert token.last_used_at is None


def test_session_needs_the_csrf_token(consultant_a: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant_a)

    read = client.get(URL)
    write = client.post(URL, json.dumps(RECORD), content_type="application/json")

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["error"] == "csrf"


def test_viewer_reads_but_does_not_write(client: Client, viewer_a: User) -> None:
    client.force_login(viewer_a)

    assert client.get(URL).status_code == 200
    response = client.post(URL, json.dumps(RECORD), content_type="application/json")
    assert response.status_code == 403


def test_index_lists_registers(client: Client, secret: str) -> None:
    response = call(client, "GET", "/api/v1/centres/centre-a/registers/", secret)

    slugs = [item["register"] for item in response.json()["registers"]]
    assert "activities" in slugs


def test_unknown_register_and_record(client: Client, secret: str) -> None:
    assert (
        call(client, "GET", URL.replace("activities", "x"), secret).status_code == 404
    )
    assert call(client, "GET", URL + "999999", secret).status_code == 404
    assert call(client, "PUT", URL, secret, RECORD).status_code == 405


def test_command_creates_a_registers_token(
    client: Client, centre_a: Organisation
) -> None:
    import io

    from django.core.management import call_command

    output = io.StringIO()
    call_command(
        "accesslog_token",
        "create",
        "--org",
        "centre-a",
        "cmdb",
        "--scope",
        "registers",
        stdout=output,
        stderr=io.StringIO(),
    )

    response = call(client, "GET", URL, output.getvalue().strip())
    assert response.status_code == 200


def test_page_creates_a_registers_token(client: Client, consultant_a: User) -> None:
    client.force_login(consultant_a)

    response = client.post(
        "/c/centre-a/accesslog/tokens/create/",
        {"name": "cmdb", "scope": "registers"},
    )

    token = ApiToken.objects.get(name="cmdb")
    assert response.status_code == 303
    assert response["Location"] == "/c/centre-a/accesslog/tokens/"
    assert token.scope == ApiToken.Scope.REGISTERS


def test_page_past_the_last_is_not_found(client: Client, secret: str) -> None:
    call(client, "POST", URL, secret, RECORD)

    assert call(client, "GET", URL + "?page=1", secret).status_code == 200
    for page in ("2", "abc", "0"):
        response = call(client, "GET", f"{URL}?page={page}", secret)
        assert response.status_code == 404, page
        assert "1 to 1" in response.json()["message"]


def test_rejected_token_keeps_last_use(
    client: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    other, other_secret = create_token(
        centre_b, "b", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    ingest, ingest_secret = create_token(centre_a, "a ingest", actor=None)

    wrong_centre = call(client, "GET", URL, other_secret)
    wrong_scope = call(client, "GET", URL, ingest_secret)

    assert wrong_centre.status_code == 401
    assert wrong_scope.status_code == 403
    assert ApiToken.objects.get(pk=other.pk).last_used_at is None
    assert ApiToken.objects.get(pk=ingest.pk).last_used_at is None


def test_accepted_token_records_last_use(
    client: Client, centre_a: Organisation, secret: str
) -> None:
    response = call(client, "GET", URL, secret)

    token = ApiToken.objects.get(organisation=centre_a, name="cmdb sync")
    assert response.status_code == 200
    assert token.last_used_at is not None


def test_forbidden_change_keeps_last_use(
    client: Client, centre_a: Organisation
) -> None:
    # A 'registers' token may not edit the plans' registers, such as risks.
    token, secret = create_token(
        centre_a, "plans", actor=None, scope=ApiToken.Scope.REGISTERS
    )

    response = call(
        client, "POST", "/api/v1/centres/centre-a/registers/risks/", secret, {}
    )

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
