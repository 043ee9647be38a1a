"""The ingestion token service: creation, storage, authentication, revocation."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import (
    PREFIX_LENGTH,
    TOKEN_MARKER,
    authenticate,
    create_token,
    parse_bearer,
    revoke_token,
)
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation


@pytest.fixture
def token_and_secret(
    centre_a: Organisation, consultant_a: User
) -> tuple[ApiToken, str]:
    return create_token(centre_a, "social file export", actor=consultant_a)


def test_create_stores_only_digest(token_and_secret: tuple[ApiToken, str]) -> None:
    token, secret = token_and_secret
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith(TOKEN_MARKER)
    assert len(secret) > 40
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:PREFIX_LENGTH]
    assert secret not in stored.token_hash
    assert stored.scope == ApiToken.Scope.INGEST


def test_create_audits_without_secret(token_and_secret: tuple[ApiToken, str]) -> None:
    token, secret = token_and_secret
    entry = AuditEntry.objects.get(action="accesslog.token_created")
    assert entry.object_id == str(token.pk)
    assert entry.new_values["prefix"] == token.prefix
    assert secret not in str(entry.new_values)
    assert secret not in str(entry.old_values)


def test_create_rejects_blank_name(centre_a: Organisation, consultant_a: User) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        create_token(centre_a, "   ", actor=consultant_a)


def test_create_draws_distinct_secrets(
    centre_a: Organisation, consultant_a: User
) -> None:
    secrets = {create_token(centre_a, f"t{i}", actor=consultant_a)[1] for i in range(5)}
    assert len(secrets) == 5


def test_authenticate_accepts_live_token(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    token, secret = token_and_secret
    found = authenticate(f"Bearer {secret}")
    assert found is not None
    assert found.pk == token.pk
    assert found.last_used_at is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at == found.last_used_at


def test_authenticate_accepts_lowercase_scheme(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    _token, secret = token_and_secret
    assert authenticate(f"bearer  {secret} ") is not None


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "vgl_abc"],
)
def test_authenticate_rejects_malformed_header(
    token_and_secret: tuple[ApiToken, str], header: str | None
) -> None:
    assert authenticate(header) is None


def test_authenticate_rejects_wrong_secret(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    token, secret = token_and_secret
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert authenticate(f"Bearer {tampered}") is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


def test_authenticate_rejects_revoked_token(
    token_and_secret: tuple[ApiToken, str], consultant_a: User
) -> None:
    token, secret = token_and_secret
    revoke_token(token, actor=consultant_a)
    assert authenticate(f"Bearer {secret}") is None


def test_authenticate_rejects_other_scope(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    _token, secret = token_and_secret
    assert authenticate(f"Bearer {secret}", scope="admin") is None


def test_revoke_twice_audits_once(
    token_and_secret: tuple[ApiToken, str], consultant_a: User
) -> None:
    token, _secret = token_and_secret
    first = revoke_token(token, actor=consultant_a)
    second = revoke_token(token, actor=consultant_a)
    assert first.revoked_at is not None
    assert second.revoked_at == first.revoked_at
    assert AuditEntry.objects.filter(action="accesslog.token_revoked").count() == 1


def test_parse_bearer_returns_credentials() -> None:
    assert parse_bearer("Bearer abc") == "abc"
    assert parse_bearer("BEARER abc") == "abc"
    assert parse_bearer("Basic abc") is None
    assert parse_bearer(None) is None


def test_command_creates_lists_and_revokes(centre_a: Organisation) -> None:
    created, log = io.StringIO(), io.StringIO()
    call_command(
        "accesslog_token",
        "create",
        "--org",
        "centre-a",
        "syslog",
        stdout=created,
        stderr=log,
    )
    secret = created.getvalue().strip()
    assert authenticate(f"Bearer {secret}") is not None
    assert "shown only this once" in log.getvalue()

    listing = io.StringIO()
    call_command("accesslog_token", "list", "--org", "centre-a", stdout=listing)
    assert listing.getvalue().startswith(f"{secret[:PREFIX_LENGTH]}\tingest\tactive\t")

    call_command(
        "accesslog_token",
        "revoke",
        "--org",
        "centre-a",
        secret[:PREFIX_LENGTH],
        stdout=io.StringIO(),
    )
    assert authenticate(f"Bearer {secret}") is None


def test_command_reports_unknown_organisation(db: None) -> None:
    with pytest.raises(CommandError, match="not found"):
        call_command("accesslog_token", "list", "--org", "nowhere")
