"""``vigil accesslog verify`` and ``vigil accesslog_token`` in the CLI language."""

import io
import re
import sys

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.accesslog.factories import ingest_batches, tampering
from vigil import cli
from vigil.accesslog.models import AccessEntry, ApiToken, VerificationRun
from vigil.accesslog.tokens import create_token
from vigil.organisations.models import Organisation

LANGUAGES = ["nl", "fr"]


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 2, 5)
    return centre_a


def run(command: str, *arguments: str) -> tuple[str, str]:
    """Run ``command`` and return its standard output and standard error."""
    output = io.StringIO()
    errors = io.StringIO()
    call_command(command, *arguments, stdout=output, stderr=errors)
    return output.getvalue(), errors.getvalue()


def run_failing(command: str, *arguments: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(command, *arguments)
    return str(raised.value)


VERIFY_OK = {
    "nl": "verificatie OK: geverifieerde logregels: 10 (waarvan 0 verlopen en "
    "alleen op hun hash van het blad nagekeken), alle in overeenstemming met de "
    "opgeslagen boom, en geverifieerde ondertekende controlepunten: ",
    "fr": "vérification OK\u00a0: entrées vérifiées\u00a0: 10 (dont 0 expirées et "
    "vérifiées uniquement par leur empreinte de la feuille), toutes conformes à "
    "l'arbre enregistré, et points de contrôle signés vérifiés\u00a0: ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verify_ok_line_translated(log: Organisation, language: str) -> None:
    with translation.override(language):
        output, _errors = run("accesslog", "verify", "--org", "centre-a")
    assert output.startswith(VERIFY_OK[language])


def test_verify_stores_english_summary(log: Organisation) -> None:
    with translation.override("nl"):
        run("accesslog", "verify", "--org", "centre-a")
    stored = VerificationRun.objects.get(organisation=log).message
    assert stored.startswith("entries verified: 10 (of which 0 expired")


VERIFY_FAILED = {
    "nl": "verificatie MISLUKT, eerste afwijkende index 7: ",
    "fr": "vérification ÉCHOUÉE, premier index divergent 7\u00a0: ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verify_failure_line_translated(log: Organisation, language: str) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=7).update(service="other")
    with translation.override(language):
        message = run_failing("accesslog", "verify", "--org", "centre-a")
    stored = VerificationRun.objects.get(organisation=log).message
    assert stored.startswith("the columns of entry 7 do not match")
    assert message == VERIFY_FAILED[language] + stored


MALFORMED_KEY = {
    "nl": "--key 'garbage' is geen verificatiesleutel. Een verificatiesleutel "
    "heeft de vorm <name>+<hex key id>+<base64 key>",
    "fr": "--key 'garbage' n'est pas une clé de vérification. Une clé de "
    "vérification a la forme <name>+<hex key id>+<base64 key>",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verify_malformed_key_translated(log: Organisation, language: str) -> None:
    with translation.override(language):
        message = run_failing(
            "accesslog", "verify", "--org", "centre-a", "--key", "garbage"
        )
    assert message.startswith(MALFORMED_KEY[language])


def test_verify_follows_cli_language_setting(
    log: Organisation,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.VIGIL_CLI_LANGUAGE = "fr"
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=7).update(service="other")
    arguments = ["vigil", "accesslog", "verify", "--org", log.slug]
    monkeypatch.setattr(sys, "argv", arguments)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    assert VERIFY_FAILED["fr"] in capsys.readouterr().err


TOKEN_LINES = {
    "nl": {
        "created": "ingest-token {prefix}… (export) aangemaakt; het geheim "
        "hieronder wordt maar deze ene keer getoond\n",
        "header": "voorvoegsel\tbereik\tstatus\tlaatst gebruikt\tnaam",
        "active": "actief",
        "revoked": "token {prefix}… (export) ingetrokken\n",
        "again": "token {prefix}… (export) was al ingetrokken op ",
        "unknown": "geen token met voorvoegsel 'vgl_nonexist' in centre-a; "
        "`vigil accesslog_token list --org centre-a` toont ze",
        "duplicate": "centre-a heeft al een actief token met de naam 'export'",
        "blank": "een token heeft een naam nodig, bv. het programma dat het gebruikt",
    },
    "fr": {
        "created": "jeton ingest {prefix}… (export) créé\u00a0; le secret "
        "ci-dessous n'est affiché que cette seule fois\n",
        "header": "préfixe\tportée\tétat\tdernière utilisation\tnom",
        "active": "actif",
        "revoked": "jeton {prefix}… (export) révoqué\n",
        "again": "le jeton {prefix}… (export) était déjà révoqué le ",
        "unknown": "aucun jeton avec le préfixe 'vgl_nonexist' dans centre-a\u00a0; "
        "`vigil accesslog_token list --org centre-a` les affiche",
        "duplicate": "centre-a a déjà un jeton actif nommé 'export'",
        "blank": "un jeton a besoin d'un nom, par exemple le programme qui l'utilise",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_token_create_list_revoke_translated(
    centre_a: Organisation, language: str
) -> None:
    lines = TOKEN_LINES[language]
    with translation.override(language):
        secret, created = run(
            "accesslog_token", "create", "--org", "centre-a", "export"
        )
        prefix = ApiToken.objects.get(organisation=centre_a).prefix
        listing, _errors = run("accesslog_token", "list", "--org", "centre-a")
        revoked, _errors = run("accesslog_token", "revoke", "--org", "centre-a", prefix)
        again, _errors = run("accesslog_token", "revoke", "--org", "centre-a", prefix)
    assert secret.startswith(prefix)
    assert created == lines["created"].format(prefix=prefix)
    header, row = listing.splitlines()
    assert header == lines["header"]
    assert row.split("\t")[1:3] == ["ingest", lines["active"]]
    assert revoked == lines["revoked"].format(prefix=prefix)
    assert again.startswith(lines["again"].format(prefix=prefix))


@pytest.mark.parametrize("language", LANGUAGES)
def test_token_errors_translated(centre_a: Organisation, language: str) -> None:
    lines = TOKEN_LINES[language]
    create_token(centre_a, "export", actor=None)
    with translation.override(language):
        unknown = run_failing(
            "accesslog_token", "revoke", "--org", "centre-a", "vgl_nonexist"
        )
        duplicate = run_failing(
            "accesslog_token", "create", "--org", "centre-a", "export"
        )
        blank = run_failing("accesslog_token", "create", "--org", "centre-a", " ")
    assert unknown == lines["unknown"]
    assert duplicate.startswith(lines["duplicate"])
    assert blank == lines["blank"]


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *arguments: str,
) -> tuple[int | str | None, str, str]:
    """Run ``vigil`` through its entry point and return its exit code and output."""
    monkeypatch.setattr(sys, "argv", ["vigil", *arguments])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    captured = capsys.readouterr()
    # argparse wraps help text at ASCII spaces, so the checks compare it with
    # single spaces. A no-break space stays, as argparse keeps it.
    output = re.sub(r"[ \n]+", " ", captured.out)
    return stopped.value.code, output, captured.err


HELP = {
    "nl": {
        "accesslog": "De fraudebestendige toegangslog aanleveren, verifiëren, "
        "bewijzen, laten verlopen en exporteren.",
        "verify": "De hele log en zijn controlepunten opnieuw berekenen.",
        "org": "--org SLUG Korte naam van de organisatie.",
        "key": "De controlepunten nakijken met deze verificatiesleutel in plaats "
        "van de opgeslagen sleutel.",
        "token": "--scope {ingest,registers} Wat het token mag (standaard: ingest).",
    },
    "fr": {
        "accesslog": "Alimenter, vérifier, prouver, faire expirer et exporter le "
        "journal des accès infalsifiable.",
        "verify": "Recalculer tout le journal et ses points de contrôle.",
        "org": "--org SLUG Nom court de l'organisation.",
        "key": "Vérifier les points de contrôle avec cette clé de vérification au "
        "lieu de la clé enregistrée.",
        "token": "--scope {ingest,registers} Ce que le jeton peut faire (par "
        "défaut\u00a0: ingest).",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_in_cli_language(
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    settings.VIGIL_CLI_LANGUAGE = language
    texts = HELP[language]

    code, accesslog, _errors = run_cli(monkeypatch, capsys, "accesslog", "--help")
    assert code == 0
    assert texts["accesslog"] in accesslog
    assert texts["verify"] in accesslog

    code, verify, _errors = run_cli(
        monkeypatch, capsys, "accesslog", "verify", "--help"
    )
    assert code == 0
    assert texts["verify"] in verify
    assert texts["org"] in verify
    assert texts["key"] in verify

    code, create, _errors = run_cli(
        monkeypatch, capsys, "accesslog_token", "create", "--help"
    )
    assert code == 0
    assert texts["token"] in create


DATE_ERROR = {
    "nl": "argument --from: '2026-13-01' is geen datum JJJJ-MM-DD",
    "fr": "argument --from: '2026-13-01' n'est pas une date AAAA-MM-JJ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_invalid_option_value_in_cli_language(
    centre_a: Organisation,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    settings.VIGIL_CLI_LANGUAGE = language
    code, _output, errors = run_cli(
        monkeypatch,
        capsys,
        *("accesslog", "export", "--org", centre_a.slug, "--output", "out.json"),
        *("--from", "2026-13-01", "--to", "2026-01-31"),
    )
    # argparse writes "usage:", "error:" and "argument ...:" itself, in English.
    assert code == 2
    assert DATE_ERROR[language] in errors
