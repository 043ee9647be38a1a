"""``vigil accesslog`` and ``vigil accesslog_token`` in the CLI language."""

import asyncio
import io
import logging
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.accesslog.factories import (
    cut_back,
    empty_as_expired,
    event,
    ingest_batches,
    key_label,
    tampering,
)
from vigil import cli
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import (
    AccessEntry,
    ApiToken,
    LogCheckpoint,
    VerificationRun,
)
from vigil.accesslog.syslog import SyslogReceiver
from vigil.accesslog.tokens import create_token
from vigil.ledger import Checkpoint, Ed25519Signer, sign_checkpoint, sign_note
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


VERIFY_FAILED_REASON = {
    "nl": "de kolommen van logregel 7 komen niet overeen met haar opgeslagen hash "
    "van het blad: ",
    "fr": "les colonnes de l'entrée 7 ne correspondent pas à son empreinte de la "
    "feuille enregistrée\u00a0: ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verify_failure_line_translated(log: Organisation, language: str) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=7).update(service="other")
    with translation.override(language):
        message = run_failing("accesslog", "verify", "--org", "centre-a")
    stored = VerificationRun.objects.get(organisation=log).message
    assert stored.startswith("the columns of entry 7 do not match")
    assert message.startswith(VERIFY_FAILED[language] + VERIFY_FAILED_REASON[language])


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


KEY_OF_ANOTHER_LOG = {
    "nl": "--key {key} is de verificatiesleutel van een andere log: de naam "
    "ervan is niet de oorsprong van de log van dit centrum, waarvan de sleutel "
    "{own_key} is. 'vigil accesslog public-key --org centre-a' toont de sleutel "
    "van het centrum. Er is niets geverifieerd of geregistreerd",
    "fr": "--key {key} est la clé de vérification d'un autre journal\u00a0: son "
    "nom n'est pas l'origine du journal de ce centre, dont la clé est "
    "{own_key}. 'vigil accesslog public-key --org centre-a' affiche la clé du "
    "centre. Rien n'a été vérifié ni enregistré",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verify_key_of_other_centre_translated(
    log: Organisation, centre_b: Organisation, language: str
) -> None:
    key = ensure_log_keys(centre_b).verifier_key
    with translation.override(language):
        message = run_failing("accesslog", "verify", "--org", "centre-a", "--key", key)
    own_key = ensure_log_keys(log).verifier_key
    assert message == KEY_OF_ANOTHER_LOG[language].format(
        key=key_label(key), own_key=key_label(own_key)
    )
    assert not VerificationRun.objects.filter(organisation=log).exists()


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
    failed_line = VERIFY_FAILED["fr"] + VERIFY_FAILED_REASON["fr"]
    assert failed_line in capsys.readouterr().err


def test_verify_key_of_other_centre_status(
    log: Organisation,
    centre_b: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = ensure_log_keys(centre_b).verifier_key
    code, _output, errors = run_cli(
        monkeypatch, capsys, "accesslog", "verify", "--org", log.slug, "--key", key
    )
    assert code == 2
    assert errors.startswith(f"--key {key_label(key)} is another log's verifier key")


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
        "accesslog": "De toegangslog, waarvan elke wijziging aantoonbaar is, "
        "aanleveren, verifiëren, bewijzen, laten verlopen en exporteren.",
        "verify": "De hele log en zijn controlepunten opnieuw berekenen.",
        "org": "--org SLUG Korte naam van de organisatie.",
        "key": "De controlepunten nakijken met deze verificatiesleutel in plaats "
        "van de opgeslagen sleutel.",
        "token": "--scope {ingest,registers} Wat het token mag (standaard: ingest).",
    },
    "fr": {
        "accesslog": "Alimenter, vérifier, prouver, faire expirer et exporter le "
        "journal des accès, dont toute altération est détectable.",
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
    "nl": "argument --from: “2026-13-01” is geen datum: er is geen maand 13; "
    "schrijf JJJJ-MM-DD, bijvoorbeeld 2026-03-12.",
    "fr": "argument --from: «\u00a02026-13-01\u00a0» n'est pas une date\u00a0: il "
    "n'y a pas de mois 13\u00a0; écrivez AAAA-MM-JJ, par exemple 2026-03-12.",
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


RESULT_LINES = {
    "nl": {
        "expire": r"logregels geleegd: 10 \(logregels van vóór \S+ verlopen\), en "
        r"logregels vanaf index 10 behouden hun inhoud\n",
        "export": r"\S+march\.json: 10 logregels \(waarvan 10 verlopen\), elk met "
        r"haar inclusiebewijs naar het ondertekende controlepunt van grootte 10\n",
    },
    "fr": {
        "expire": r"entrées vidées\u00a0: 10 \(les entrées antérieures à \S+ "
        r"expirent\), et les entrées à partir de l'index 10 gardent leur contenu\n",
        "export": r"\S+march\.json\u00a0: 10 entrées \(dont 10 expirées\), chacune "
        r"avec sa preuve d'inclusion vers le point de contrôle signé de taille 10\n",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_expire_and_export_lines_translated(
    log: Organisation, settings: LazySettings, tmp_path: Path, language: str
) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    bundle = tmp_path / "march.json"
    with translation.override(language):
        expired, _errors = run("accesslog", "expire", "--org", "centre-a")
        exported, _errors = run(
            "accesslog",
            *("export", "--org", "centre-a", "--output", str(bundle)),
            *("--from", "2026-03-02", "--to", "2026-03-02"),
        )
    assert re.fullmatch(RESULT_LINES[language]["expire"], expired)
    assert re.fullmatch(RESULT_LINES[language]["export"], exported)


USAGE_ERRORS = {
    "nl": {
        "order": "--to 2026-03-01 ligt vóór --from 2026-03-05. Geef een laatste "
        "dag op die op of na de eerste dag valt",
        "previous": "kan {path} niet lezen: het bestand bestaat niet",
        "listen": "--listen 'localhost' is geen HOST:PORT, bv. 127.0.0.1:6514",
        "tls": "--tls-cert en --tls-key horen samen: geef ze allebei op, of geen "
        "van beide om over gewone TCP te ontvangen",
    },
    "fr": {
        "order": "--to 2026-03-01 précède --from 2026-03-05. Indiquez un dernier "
        "jour égal ou postérieur au premier jour",
        "previous": "impossible de lire {path}\u00a0: ce fichier n'existe pas",
        "listen": "--listen 'localhost' n'est pas de la forme HOST:PORT, par "
        "exemple 127.0.0.1:6514",
        "tls": "--tls-cert et --tls-key vont ensemble\u00a0: indiquez les deux, ou "
        "aucun pour recevoir en TCP simple",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_usage_errors_translated(
    log: Organisation, tmp_path: Path, language: str
) -> None:
    texts = USAGE_ERRORS[language]
    export = ("export", "--org", "centre-a", "--output", str(tmp_path / "x.json"))
    missing = tmp_path / "missing.txt"
    syslog = ("syslog", "--org", "centre-a")
    with translation.override(language):
        order = run_failing(
            "accesslog", *export, "--from", "2026-03-05", "--to", "2026-03-01"
        )
        previous = run_failing(
            "accesslog",
            *export,
            *("--from", "2026-03-01", "--to", "2026-03-31"),
            *("--previous", str(missing)),
        )
        listen = run_failing("accesslog", *syslog, "--listen", "localhost")
        tls = run_failing(
            "accesslog",
            *syslog,
            *("--listen", "127.0.0.1:6514", "--tls-cert", "cert.pem"),
        )
    assert order == texts["order"]
    assert previous.startswith(texts["previous"].format(path=missing))
    assert listen.startswith(texts["listen"])
    assert tls == texts["tls"]


PROVE_ERRORS = {
    "nl": {
        "unsigned": "bij boomgrootte 7 is geen controlepunt ondertekend, dus "
        "vigil-verify kan geen inclusiebewijs in die boom nakijken. De "
        "dichtstbijzijnde ondertekende groottes zijn 5 en 10",
        "range": "boomgrootte 12 ligt buiten het bereik: de log heeft 10 logregels",
        "empty": "de log heeft nog geen ondertekend controlepunt. Voer 'vigil "
        "accesslog checkpoint --org centre-b' uit of lever eerst gebeurtenissen aan",
    },
    "fr": {
        "unsigned": "aucun point de contrôle n'a été signé à la taille d'arbre 7, "
        "donc vigil-verify ne peut pas vérifier de preuve d'inclusion dans cet "
        "arbre. Les tailles signées les plus proches sont 5 et 10",
        "range": "la taille d'arbre 12 est hors limites\u00a0: le journal a 10 entrées",
        "empty": "le journal n'a pas encore de point de contrôle signé. Exécutez "
        "'vigil accesslog checkpoint --org centre-b' ou envoyez d'abord des "
        "événements",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_prove_errors_translated(
    log: Organisation, centre_b: Organisation, language: str
) -> None:
    texts = PROVE_ERRORS[language]
    prove = ("prove", "--org", "centre-a", "--index", "3")
    with translation.override(language):
        unsigned = run_failing("accesslog", *prove, "--size", "7")
        out_of_range = run_failing("accesslog", *prove, "--size", "12")
        empty = run_failing(
            "accesslog", "prove", "--org", centre_b.slug, "--index", "0"
        )
    assert unsigned == texts["unsigned"]
    assert out_of_range == texts["range"]
    assert empty == texts["empty"]


CONSISTENCY_ERRORS = {
    "nl": {
        "unsigned": "bij boomgrootte 8 is geen controlepunt ondertekend, dus "
        "vigil-verify kan geen consistentiebewijs in die boom nakijken. De "
        "dichtstbijzijnde ondertekende groottes zijn 5 en 10",
        "below": "bij boomgrootte 3 is geen controlepunt ondertekend, dus "
        "vigil-verify kan geen consistentiebewijs in die boom nakijken. De "
        "dichtstbijzijnde ondertekende grootte is 5",
        "order": "de oude boomgrootte 9 moet tussen 0 en de nieuwe grootte 5 liggen",
    },
    "fr": {
        "unsigned": "aucun point de contrôle n'a été signé à la taille d'arbre 8, "
        "donc vigil-verify ne peut pas vérifier de preuve de cohérence dans cet "
        "arbre. Les tailles signées les plus proches sont 5 et 10",
        "below": "aucun point de contrôle n'a été signé à la taille d'arbre 3, "
        "donc vigil-verify ne peut pas vérifier de preuve de cohérence dans cet "
        "arbre. La taille signée la plus proche est 5",
        "order": "l'ancienne taille d'arbre 9 doit être comprise entre 0 et la "
        "nouvelle taille 5",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_consistency_errors_translated(log: Organisation, language: str) -> None:
    texts = CONSISTENCY_ERRORS[language]
    consistency = ("consistency", "--org", "centre-a")
    with translation.override(language):
        unsigned = run_failing("accesslog", *consistency, "--old", "5", "--new", "8")
        below = run_failing("accesslog", *consistency, "--old", "1", "--new", "3")
        order = run_failing("accesslog", *consistency, "--old", "9", "--new", "5")
    assert unsigned == texts["unsigned"]
    assert below == texts["below"]
    assert order == texts["order"]


EXPORT_ERRORS = {
    "nl": {
        "invalid": "het vorige controlepunt is geen geldig controlepunt van deze log: ",
        "cut": "het vorige controlepunt heeft grootte 10, maar het laatste "
        "controlepunt van de log heeft grootte 5: de log is ingekort",
        "expired": "logregels van de log zijn verlopen terwijl de bundel werd "
        "geschreven. Voer de export opnieuw uit",
    },
    "fr": {
        "invalid": "le point de contrôle précédent n'est pas un point de contrôle "
        "valide de ce journal\u00a0: ",
        "cut": "le point de contrôle précédent a la taille 10, mais le dernier "
        "point de contrôle du journal a la taille 5\u00a0: le journal a été "
        "raccourci",
        "expired": "des entrées du journal ont expiré pendant l'écriture du "
        "dossier de preuves. Relancez l'export",
    },
}


@pytest.mark.usefixtures("one_day_retention")
@pytest.mark.parametrize("language", LANGUAGES)
def test_export_previous_errors_translated(
    log: Organisation, tmp_path: Path, language: str
) -> None:
    texts = EXPORT_ERRORS[language]
    export = (
        *("export", "--org", "centre-a", "--output", str(tmp_path / "x.json")),
        *("--from", "2026-03-01", "--to", "2026-03-31"),
    )
    invalid_file = tmp_path / "invalid.checkpoint"
    invalid_file.write_text("not a checkpoint\n", encoding="utf-8")
    kept_file = tmp_path / "kept.checkpoint"
    kept_file.write_text(
        LogCheckpoint.objects.get(organisation=log, size=10).note, encoding="utf-8"
    )
    with translation.override(language):
        invalid = run_failing("accesslog", *export, "--previous", str(invalid_file))
        empty_as_expired(log, range(3))
        with mock.patch(
            "vigil.accesslog.bundle.expired_entry_count", side_effect=[0, 3]
        ):
            expired = run_failing("accesslog", *export)
        with tampering() as cursor:
            cut_back(cursor, log, 5)
            cursor.execute(
                "DELETE FROM accesslog_logcheckpoint "
                "WHERE organisation_id = %s AND size > 5",
                [log.pk],
            )
        cut = run_failing("accesslog", *export, "--previous", str(kept_file))
    assert invalid.startswith(texts["invalid"])
    assert expired == texts["expired"]
    assert cut == texts["cut"]


# The reason that export gives for each kind of checkpoint note that the
# ledger rejects, in Dutch as the status page's export form gives it.
PREVIOUS_REASONS_NL = {
    "not a note": "het is geen ondertekende notitie, die haar tekst, een lege "
    "regel en handtekeningregels bevat die met “—” beginnen",
    "not a checkpoint": "de tekst is geen controlepunt, waarvan de eerste drie "
    "regels de naam van de log, de boomgrootte en de roothash zijn",
    "other origin": "het is een controlepunt van een andere log",
    "changed text": "de handtekening past niet bij de tekst, dus de tekst werd "
    "gewijzigd",
    "other key": "het draagt geen handtekening met de sleutel van deze log",
    "other log": "het is een controlepunt van een andere log",
}


def rejected_previous_notes(
    log: Organisation, centre_b: Organisation
) -> dict[str, str]:
    """Return one checkpoint note per kind of rejection, as PREVIOUS_REASONS_NL."""
    signer = Ed25519Signer.from_signer_key(ensure_log_keys(log).signer_key)
    checkpoint = LogCheckpoint.objects.get(organisation=log, size=5)
    other_origin = Checkpoint("vigil.accesslog/other", 5, bytes(checkpoint.root_hash))
    ingest_batches(centre_b, 1, 3)
    other_signer = Ed25519Signer.from_signer_key(ensure_log_keys(centre_b).signer_key)
    this_log = Checkpoint(ensure_log_keys(log).origin, 5, bytes(checkpoint.root_hash))
    return {
        "not a note": "vigil.accesslog/x\n5\n",
        "not a checkpoint": sign_note("not a checkpoint\n", signer),
        "other origin": sign_checkpoint(other_origin, signer),
        "changed text": checkpoint.note.replace("\n5\n", "\n6\n", 1),
        "other key": sign_checkpoint(this_log, other_signer),
        "other log": LogCheckpoint.objects.get(organisation=centre_b).note,
    }


def test_export_previous_reasons_translated(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    output = tmp_path / "x.json"
    export = (
        *("export", "--org", "centre-a", "--output", str(output)),
        *("--from", "2026-03-01", "--to", "2026-03-31"),
    )
    prefix = "het vorige controlepunt is geen geldig controlepunt van deze log: "
    for kind, note in rejected_previous_notes(log, centre_b).items():
        previous = tmp_path / "previous.checkpoint"
        previous.write_text(note, encoding="utf-8")
        message = run_failing("accesslog", *export, "--previous", str(previous))
        assert message == prefix + PREVIOUS_REASONS_NL[kind], kind
        assert not output.exists(), kind


@pytest.mark.parametrize(("language", "open_end"), [("nl", "open"), ("fr", "ouverte")])
def test_identity_open_period_translated(
    centre_a: Organisation, language: str, open_end: str
) -> None:
    with translation.override(language):
        added, _errors = run(
            "accesslog",
            *("identity", "add", "--org", "centre-a", "--user-id", "U1"),
            *("--person", "An Peeters", "--from", "2026-01-05"),
        )
        listing, _errors = run("accesslog", "identity", "list", "--org", "centre-a")
    assert added.rstrip("\n").split("\t")[2] == open_end
    assert listing.splitlines()[1].split("\t")[3] == open_end


RECEIVER_LOGGER = "vigil.accesslog.syslog.receiver"
# A PRI with a leading zero, which the parser rejects.
PARSE_ERROR = b"<01>1 - - - - - -"


def syslog_frame(fields: dict[str, object]) -> bytes:
    """Return an octet-counted RFC 5424 frame with ``fields`` as its access element."""
    params = " ".join(f'{name}="{value}"' for name, value in fields.items())
    message = f"<165>1 2026-03-02T10:15:30Z host app 1 ACCESS [access@32473 {params}]"
    return f"{len(message.encode())} {message}".encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send_rejected_messages(receiver: SyslogReceiver) -> None:
    """Stand in for run_forever: serve two rejected messages, then stop."""

    async def scenario() -> None:
        await receiver.start()
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
            writer.write(str(len(PARSE_ERROR)).encode() + b" " + PARSE_ERROR)
            writer.write(syslog_frame(event(1, action="read")))
            await writer.drain()
            async with asyncio.timeout(5):
                while receiver.counters.received < 2:
                    await asyncio.sleep(0.01)
            writer.close()
            await writer.wait_closed()
        finally:
            await receiver.stop()

    asyncio.run(scenario())


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """Keep the test's transaction: close_old_connections would close it."""
    with mock.patch("vigil.accesslog.syslog_cli.close_old_connections"):
        yield


SYSLOG_LINES = {
    "nl": {
        "notice": "toegangsgebeurtenissen van centre-a worden ontvangen via syslog "
        "(TCP) op 127.0.0.1:{port}. Stop met Ctrl-C.\n",
        "listening": "syslog-ontvanger luistert op 127.0.0.1:{port} (gewone TCP, "
        "SD-ID access@32473)",
        "parse": r"syslog-bericht 1 van 127\.0\.0\.1:\d+ geweigerd \(parse\): "
        r"PRI has a leading zero at offset 1",
        "event": r"syslog-bericht 2 van 127\.0\.0\.1:\d+ geweigerd "
        r"\(invalid_fields\): gebeurtenis voor centre-a geweigerd: action: moet "
        r"een van deze waarden zijn: .*",
        "stopped": "syslog-ontvanger gestopt: berichten ontvangen: 2, aanvaard: 0, "
        "geweigerd: 1 parse, 1 invalid_fields",
    },
    "fr": {
        "notice": "réception des événements d'accès de centre-a en syslog (TCP) "
        "sur 127.0.0.1:{port}. Arrêtez avec Ctrl-C.\n",
        "listening": "récepteur syslog à l'écoute sur 127.0.0.1:{port} (TCP "
        "simple, SD-ID access@32473)",
        "parse": r"message syslog 1 de 127\.0\.0\.1:\d+ rejeté \(parse\)\u00a0: "
        r"PRI has a leading zero at offset 1",
        "event": r"message syslog 2 de 127\.0\.0\.1:\d+ rejeté "
        r"\(invalid_fields\)\u00a0: événement pour centre-a rejeté\u00a0: "
        r"action: doit être l'une de ces valeurs\u00a0: .*",
        "stopped": "récepteur syslog arrêté\u00a0: messages reçus\u00a0: 2, "
        "acceptés\u00a0: 0, rejetés\u00a0: 1 parse, 1 invalid_fields",
    },
}


@pytest.mark.usefixtures("_keep_connection")
@pytest.mark.parametrize("language", LANGUAGES)
def test_syslog_receiver_lines_translated(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    language: str,
) -> None:
    texts = SYSLOG_LINES[language]
    port = free_port()
    monkeypatch.setattr(SyslogReceiver, "run_forever", send_rejected_messages)
    listen = f"127.0.0.1:{port}"
    with (
        caplog.at_level(logging.INFO, logger=RECEIVER_LOGGER),
        translation.override(language),
    ):
        _output, notice = run(
            "accesslog", "syslog", "--org", "centre-a", "--listen", listen
        )
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == RECEIVER_LOGGER and record.levelno >= logging.INFO
    ]
    assert notice == texts["notice"].format(port=port)
    assert len(lines) == 4
    listening, parse, rejected, stopped = lines
    assert listening == texts["listening"].format(port=port)
    assert re.fullmatch(texts["parse"], parse)
    assert re.fullmatch(texts["event"], rejected)
    assert stopped == texts["stopped"]
    # The command removes its filter, so the receiver logs English again.
    assert not logging.getLogger(RECEIVER_LOGGER).filters
