"""The ingestion token service: creation, storage, authentication, revocation."""

import datetime
import hashlib
import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client
from django.utils import timezone, translation

from vigil import cli
from vigil.accesslog.management.commands import accesslog_token
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import (
    PREFIX_LENGTH,
    TOKEN_MARKER,
    authenticate,
    create_token,
    parse_bearer,
    revoke_active_token,
    revoke_token,
)
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def _brussels() -> Iterator[None]:
    with timezone.override("Europe/Brussels"):
        yield


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
    first, first_revoked = revoke_active_token(token, actor=consultant_a)
    # ``token`` is now stale, like a copy that a page or command read earlier.
    second, second_revoked = revoke_active_token(token, actor=consultant_a)
    assert first_revoked is True
    assert second_revoked is False
    assert first.revoked_at is not None
    assert second.revoked_at == first.revoked_at
    assert AuditEntry.objects.filter(action="accesslog.token_revoked").count() == 1


def test_revoke_token_wraps_locked_revoke(
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
    lines = listing.getvalue().splitlines()
    assert lines[0] == "prefix\tscope\tstate\tlast used\tname"
    prefix, scope, state, _used, name = lines[1].split("\t")
    assert (prefix, scope, state, name) == (
        secret[:PREFIX_LENGTH],
        "ingest",
        "active",
        "syslog",
    )

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
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="no organisation 'nowhere'"),
    ):
        call_command("accesslog_token", "list", "--org", "nowhere")


def run_token_command(*arguments: str) -> str:
    output = io.StringIO()
    call_command("accesslog_token", *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


@pytest.mark.usefixtures("_brussels")
def test_command_lists_local_times(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    token, _secret = token_and_secret
    used = datetime.datetime(2026, 12, 5, 6, 44, 45, 259691, tzinfo=datetime.UTC)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used)
    listing = run_token_command("list", "--org", "centre-a").splitlines()
    assert listing[1] == (
        f"{token.prefix}\tingest\tactive\t2026-12-05T07:44:45+01:00\t{token.name}"
    )


def test_command_revoke_unknown_prefix_hint(centre_a: Organisation) -> None:
    with pytest.raises(CommandError) as raised:
        run_token_command("revoke", "--org", "centre-a", "vgl_nonexist")
    assert str(raised.value) == (
        "no token with prefix 'vgl_nonexist' in centre-a; "
        "`vigil accesslog_token list --org centre-a` shows them"
    )


@pytest.mark.usefixtures("_brussels")
def test_command_revoke_twice_says_already(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    token, _secret = token_and_secret
    first = run_token_command("revoke", "--org", "centre-a", token.prefix)
    assert first == f"revoked token {token.prefix}… (social file export)\n"
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    assert revoked_at is not None
    local = timezone.localtime(revoked_at).isoformat(timespec="seconds")
    second = run_token_command("revoke", "--org", "centre-a", token.prefix)
    assert second == (
        f"token {token.prefix}… (social file export) was already revoked at "
        f"{local}; nothing changed\n"
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="accesslog.token_revoked").count() == 1


def run_vigil(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *arguments: str,
) -> tuple[int | str | None, str]:
    """Run ``vigil`` through its entry point; return the exit status and stdout."""
    monkeypatch.setattr(sys, "argv", ["vigil", *arguments])
    # ``cli.main`` sets a default log level in the environment, which
    # monkeypatch removes again after the test.
    monkeypatch.delenv("VIGIL_LOG_LEVEL", raising=False)
    # Django closes the database connections after a command run from the
    # command line, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    try:
        cli.main()
    except SystemExit as stopped:
        status = stopped.code
    else:
        status = 0
    return status, capsys.readouterr().out


@pytest.mark.usefixtures("_brussels")
def test_command_revoke_after_concurrent_revoke(
    token_and_secret: tuple[ApiToken, str],
    consultant_a: User,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token, _secret = token_and_secret
    find_token = accesslog_token._token

    def find_then_revoke_on_page(organisation: Organisation, prefix: str) -> Any:
        # The API tokens page revokes the token after the command read it.
        found = find_token(organisation, prefix)
        revoke_active_token(ApiToken.objects.get(pk=found.pk), actor=consultant_a)
        return found

    monkeypatch.setattr(accesslog_token, "_token", find_then_revoke_on_page)
    status, output = run_vigil(
        monkeypatch,
        capsys,
        "accesslog_token",
        "revoke",
        "--org",
        "centre-a",
        token.prefix,
    )

    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    assert revoked_at is not None
    local = timezone.localtime(revoked_at).isoformat(timespec="seconds")
    assert status == 0
    assert output == (
        f"token {token.prefix}… (social file export) was already revoked at "
        f"{local}; nothing changed\n"
    )
    audits = AuditEntry.objects.filter(action="accesslog.token_revoked")
    assert audits.count() == 1
    assert audits.get().actor == consultant_a


@pytest.mark.usefixtures("_brussels")
def test_command_revoke_revoked_exits_zero(
    token_and_secret: tuple[ApiToken, str],
    consultant_a: User,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token, _secret = token_and_secret
    revoked, _changed = revoke_active_token(token, actor=consultant_a)
    assert revoked.revoked_at is not None
    local = timezone.localtime(revoked.revoked_at).isoformat(timespec="seconds")

    status, output = run_vigil(
        monkeypatch,
        capsys,
        "accesslog_token",
        "revoke",
        "--org",
        "centre-a",
        token.prefix,
    )

    assert status == 0
    assert output == (
        f"token {token.prefix}… (social file export) was already revoked at "
        f"{local}; nothing changed\n"
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked.revoked_at
    assert AuditEntry.objects.filter(action="accesslog.token_revoked").count() == 1


def test_command_rejects_duplicate_active_name(
    token_and_secret: tuple[ApiToken, str],
) -> None:
    token, _secret = token_and_secret
    with pytest.raises(CommandError) as raised:
        run_token_command("create", "--org", "centre-a", " social file export ")
    message = str(raised.value)
    assert "already has an active token named 'social file export'" in message
    assert f"'vigil accesslog_token revoke --org centre-a {token.prefix}'" in message
    assert "'vigil accesslog_token list --org centre-a'" in message
    assert ApiToken.objects.filter(organisation=token.organisation).count() == 1


def test_command_reuses_name_of_revoked_token(
    token_and_secret: tuple[ApiToken, str], centre_b: Organisation
) -> None:
    token, _secret = token_and_secret
    run_token_command("create", "--org", "centre-b", "social file export")
    revoke_token(token, actor=None)
    run_token_command("create", "--org", "centre-a", "social file export")
    assert ApiToken.objects.filter(name="social file export").count() == 3


def test_command_rejects_blank_name(centre_a: Organisation) -> None:
    with pytest.raises(CommandError, match="needs a name"):
        run_token_command("create", "--org", "centre-a", "  ")


def test_create_rejects_name_over_column(
    centre_a: Organisation, consultant_a: User
) -> None:
    with pytest.raises(ValueError) as raised:
        create_token(centre_a, "x" * 101, actor=consultant_a)

    assert str(raised.value) == (
        "the token name has 101 characters, more than the maximum of 100. "
        "Choose a shorter name"
    )
    assert not ApiToken.objects.exists()


def test_create_accepts_name_of_column_length(
    centre_a: Organisation, consultant_a: User
) -> None:
    token, _secret = create_token(centre_a, "x" * 100, actor=consultant_a)

    assert ApiToken.objects.get(pk=token.pk).name == "x" * 100


@pytest.mark.parametrize(
    ("name", "code", "position"),
    [("relay\tb", "U+0009", 6), ("relay\nb", "U+000A", 6), ("a\x01b", "U+0001", 2)],
)
def test_create_rejects_control_characters(
    centre_a: Organisation, consultant_a: User, name: str, code: str, position: int
) -> None:
    with pytest.raises(ValueError) as raised:
        create_token(centre_a, name, actor=consultant_a)

    message = str(raised.value)
    assert f"the control character {code} at position {position}" in message
    assert "Write the name on one line" in message
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "code", "position"),
    [("erp\u202eexe.txt", "U+202E", 4), ("erp\u200bsync", "U+200B", 4)],
)
def test_create_rejects_format_characters(
    centre_a: Organisation, consultant_a: User, name: str, code: str, position: int
) -> None:
    with pytest.raises(ValueError) as raised:
        create_token(centre_a, name, actor=consultant_a)

    message = str(raised.value)
    assert f"the invisible format character {code} at position {position}" in message
    assert not ApiToken.objects.exists()


def test_command_rejects_long_name(centre_a: Organisation) -> None:
    with pytest.raises(CommandError, match="more than the maximum of 100"):
        run_token_command("create", "--org", "centre-a", "x" * 300)

    assert not ApiToken.objects.exists()


def test_command_rejects_tab_in_name(centre_a: Organisation) -> None:
    with pytest.raises(CommandError, match="control character U\\+0009"):
        run_token_command("create", "--org", "centre-a", "relay\there")

    assert not ApiToken.objects.exists()


def test_page_rejects_line_break_in_name(
    client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    client.force_login(consultant_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        "/c/centre-a/accesslog/tokens/create/",
        {"name": "relay\nsecond line", "scope": "ingest"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "The token name contains the control character U+000A" in body
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "code", "position"),
    [("relay\u2028b", "U+2028", 6), ("relay\u2029b", "U+2029", 6)],
)
def test_create_rejects_line_separators(
    centre_a: Organisation, consultant_a: User, name: str, code: str, position: int
) -> None:
    with pytest.raises(ValueError) as raised:
        create_token(centre_a, name, actor=consultant_a)

    message = str(raised.value)
    assert f"the line or paragraph separator {code} at position {position}" in message
    assert not ApiToken.objects.exists()


def test_command_rejects_name_not_utf8(centre_a: Organisation) -> None:
    # Python decodes the command-line byte 0xFF to the lone surrogate U+DCFF.
    with pytest.raises(CommandError) as raised:
        run_token_command("create", "--org", "centre-a", "relay\udcffb")

    assert str(raised.value) == (
        "the token name is not valid UTF-8: position 6 holds the undecodable "
        "code point U+DCFF. Write the name in UTF-8"
    )
    assert not ApiToken.objects.exists()
