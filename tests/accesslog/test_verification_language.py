"""Verification failures in the reader's language, with the English text stored."""

import html
import io
import pickle
import re
from collections import Counter
from collections.abc import Callable

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from tests.accesslog.factories import (
    cut_back,
    empty_as_expired,
    entry_id,
    ingest_batches,
    tampering,
)
from tests.conftest import login
from vigil.accesslog import store
from vigil.accesslog import verification_messages as messages
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import AccessEntry, LogCheckpoint, TreeNode, VerificationRun
from vigil.accesslog.verification import verify_log
from vigil.accesslog.verification_messages import Reason
from vigil.accesslog.verification_scan import ScanFailure
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.ledger import Checkpoint, Ed25519Signer, sign_checkpoint
from vigil.organisations.models import Organisation
from vigil.plans.annual import drafters
from vigil.plans.annual.models import Source

LANGUAGES = ["nl", "fr"]
# Placeholders of the expected texts for values that differ from run to run.
VARIABLE = {
    "{hash}": "[0-9a-f]{64}",
    "{time}": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
    "{ledger}": ".+",
}
# The facts of a message: hashes, times and numbers, as its text writes them.
FACT = re.compile(r"[0-9a-f]{64}|\d{4}-\d\d-\d\dT[\d:.]+Z|\d+")


@pytest.fixture(autouse=True)
def stored_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store the tree from level 2, so that 40 entries have nodes to tamper with."""
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 2)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 4, 10)
    return centre_a


def change_field(log: Organisation) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=7).update(service="other")


def delete_row(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_accessentry WHERE id = %s", [entry_id(log, 14)]
        )


def reorder_rows(log: Organisation) -> None:
    first, second = entry_id(log, 6), entry_id(log, 31)
    with tampering() as cursor:
        table = "accesslog_accessentry"
        cursor.execute(f'UPDATE {table} SET "index" = -1 WHERE id = %s', [first])  # noqa: S608
        cursor.execute(f'UPDATE {table} SET "index" = 6 WHERE id = %s', [second])  # noqa: S608
        cursor.execute(f'UPDATE {table} SET "index" = 31 WHERE id = %s', [first])  # noqa: S608


def roll_back_tree(log: Organisation) -> None:
    with tampering() as cursor:
        cut_back(cursor, log, 25)


def forge_checkpoint(log: Organisation) -> None:
    keys = ensure_log_keys(log)
    forger = Ed25519Signer.generate(keys.origin)
    root = b"\x07" * 32
    note = sign_checkpoint(Checkpoint(keys.origin, 15, root), forger)
    LogCheckpoint.objects.create(organisation=log, size=15, root_hash=root, note=note)


def empty_too_early(log: Organisation) -> None:
    # Entries of March 2026 are years from expiring.
    empty_as_expired(log, range(3))


def change_tree_node(log: Organisation) -> None:
    with tampering():
        TreeNode.objects.filter(organisation=log, level=3, index=1).update(
            hash=b"\x01" * 32
        )


def store_text_leaf_hash(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET leaf_hash = 'abc' WHERE id = %s",
            [entry_id(log, 9)],
        )


COLUMNS_DIFFER = {
    "en": "the columns of entry {index} do not match its stored leaf hash: their "
    "leaf bytes hash to {hash}, but the stored leaf hash is {hash}. A column or "
    "the leaf hash was changed",
    "nl": "de kolommen van logregel {index} komen niet overeen met haar opgeslagen "
    "hash van het blad: hun bladbytes hebben als hash {hash}, maar de opgeslagen "
    "hash van het blad is {hash}. Een kolom of de hash van het blad is gewijzigd",
    "fr": "les colonnes de l'entrée {index} ne correspondent pas à son empreinte "
    "de la feuille enregistrée\u00a0: leurs octets de feuille ont l'empreinte "
    "{hash}, mais l'empreinte de la feuille enregistrée est {hash}. Une colonne "
    "ou l'empreinte de la feuille a été modifiée",
}


def columns_differ(index: int) -> dict[str, str]:
    return {
        language: text.replace("{index}", str(index))
        for language, text in COLUMNS_DIFFER.items()
    }


# Per failure: how to cause it, its first divergent index and its text.
CASES: dict[str, tuple[Callable[[Organisation], None], int, dict[str, str]]] = {
    "changed-field": (change_field, 7, columns_differ(7)),
    "deleted-row": (
        delete_row,
        14,
        {
            "en": "entry 14 is missing",
            "nl": "logregel 14 ontbreekt",
            "fr": "l'entrée 14 manque",
        },
    ),
    "reordered-rows": (reorder_rows, 6, columns_differ(6)),
    "rolled-back-tree": (
        roll_back_tree,
        25,
        {
            "en": "a signed checkpoint of size 40 exists, but the log has only 25 "
            "entries: the log was cut back",
            "nl": "er bestaat een ondertekend controlepunt van grootte 40, maar de "
            "log heeft maar 25 logregels: de log is ingekort",
            "fr": "un point de contrôle signé de taille 40 existe, mais le journal "
            "n'a que 25 entrées\u00a0: le journal a été raccourci",
        },
    ),
    "forged-checkpoint": (
        forge_checkpoint,
        10,
        {
            "en": "checkpoint of size 15 is not valid: {ledger}",
            "nl": "het controlepunt van grootte 15 is ongeldig: {ledger}",
            "fr": "le point de contrôle de taille 15 n'est pas valide\u00a0: {ledger}",
        },
    ),
    "emptied-too-early": (
        empty_too_early,
        0,
        {
            "en": "entry 0 was emptied as expired, but its time "
            "2026-03-02T09:15:30.250Z lies within the retention period of 3650 "
            "days, which keeps entries from {time} on, and after the cut-off of "
            "every expiry statement, so its content was removed before it was due",
            "nl": "logregel 0 is als verlopen geleegd, maar haar tijdstip "
            "2026-03-02T09:15:30.250Z valt binnen de bewaartermijn van 3650 dagen, "
            "die logregels vanaf {time} bewaart, en na de grens van elke "
            "verloopverklaring, dus haar inhoud is verwijderd voordat die termijn "
            "verstreek",
            "fr": "l'entrée 0 a été vidée comme expirée, mais son heure "
            "2026-03-02T09:15:30.250Z se situe dans la durée de conservation de "
            "3650 jours, qui conserve les entrées à partir du {time}, et après la "
            "date limite de chaque déclaration d'expiration, donc son contenu a "
            "été supprimé avant l'échéance",
        },
    ),
    "changed-tree-node": (
        change_tree_node,
        8,
        {
            "en": "tree node (3, 1) is 01010101010101010101010101010101010101010101"
            "01010101010101010101, but entries 8 to 15 give {hash}, so one of "
            "entries 8 to 15 was rewritten together with its leaf hash, or the "
            "stored node was changed",
            "nl": "boomknoop (3, 1) is 0101010101010101010101010101010101010101010101"
            "010101010101010101, maar logregels 8 tot en met 15 geven {hash}, dus "
            "een van de logregels 8 tot en met 15 is samen met haar hash van het "
            "blad herschreven, of de opgeslagen knoop is gewijzigd",
            "fr": "le nœud de l'arbre (3, 1) vaut 01010101010101010101010101010101"
            "01010101010101010101010101010101, mais les entrées 8 à 15 donnent "
            "{hash}\u00a0: l'une des entrées 8 à 15 a donc été réécrite avec son "
            "empreinte de la feuille, ou le nœud enregistré a été modifié",
        },
    ),
}
SQLITE_CASES = {
    # The description of the stored value is a message of its own.
    "leaf-hash-as-text": (
        store_text_leaf_hash,
        9,
        {
            "en": "entry 9 has leaf_hash the text 'abc', expected 32 bytes: its "
            "leaf hash was changed",
            "nl": "logregel 9 heeft als leaf_hash de tekst 'abc', verwacht werden "
            "32 bytes: de hash van het blad is gewijzigd",
            "fr": "l'entrée 9 a comme leaf_hash le texte 'abc', alors que 32 octets "
            "étaient attendus\u00a0: son empreinte de la feuille a été modifiée",
        },
    ),
}
if connection.vendor == "sqlite":
    CASES.update(SQLITE_CASES)


@pytest.fixture(params=sorted(CASES))
def case(
    request: pytest.FixtureRequest, log: Organisation, settings: LazySettings
) -> tuple[Organisation, int, dict[str, str]]:
    """Cause one failure in the log; return the log, its index and texts."""
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    cause, index, texts = CASES[request.param]
    cause(log)
    return log, index, texts


def pattern(text: str) -> re.Pattern[str]:
    expression = re.escape(text)
    for placeholder, variable in VARIABLE.items():
        expression = expression.replace(re.escape(placeholder), variable)
    return re.compile(expression)


def find_text(page: str, text: str) -> str:
    """Return the part of ``page`` that ``text`` with its placeholders matches."""
    found = pattern(text).search(page)
    assert found is not None, f"{text!r} not in the page"
    return found.group()


def facts(text: str) -> Counter[str]:
    return Counter(FACT.findall(text))


def verify_and_store(log: Organisation, consultant: User | None = None) -> str:
    """Verify the log as the reader of another language and return the stored text."""
    with translation.override("nl"):
        result = verify_log(log, actor=consultant)
    assert not result.ok
    return VerificationRun.objects.get(organisation=log).message


def test_stored_message_stays_english(
    case: tuple[Organisation, int, dict[str, str]],
) -> None:
    log, index, texts = case

    stored = verify_and_store(log)

    assert pattern(texts["en"]).fullmatch(stored), stored
    run = VerificationRun.objects.get(organisation=log)
    assert run.first_divergent_index == index
    assert run.reason is not None
    audit = AuditEntry.objects.get(action="accesslog.verified")
    assert audit.new_values["message"] == stored
    assert audit.new_values["reason"] == run.reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_page_in_language(
    case: tuple[Organisation, int, dict[str, str]],
    consultant_a: User,
    language: str,
) -> None:
    log, _index, texts = case
    stored = verify_and_store(log)
    status = reverse("accesslog:status", kwargs={"org": log.slug})

    response = login(consultant_a).get(status, headers={"Accept-Language": language})

    page = html.unescape(response.content.decode())
    displayed_text = find_text(page, texts[language])
    assert facts(displayed_text) == facts(stored)
    assert stored not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_prints_reason_in_language(
    case: tuple[Organisation, int, dict[str, str]], language: str
) -> None:
    log, index, texts = case
    prefix = {
        "nl": f"verificatie MISLUKT, eerste afwijkende index {index}: ",
        "fr": f"vérification ÉCHOUÉE, premier index divergent {index}\u00a0: ",
    }[language]

    with translation.override(language), pytest.raises(CommandError) as raised:
        call_command("accesslog", "verify", "--org", log.slug, stdout=io.StringIO())

    line = str(raised.value)
    assert line.startswith(prefix)
    assert pattern(texts[language]).fullmatch(line.removeprefix(prefix)), line
    stored = VerificationRun.objects.get(organisation=log).message
    assert facts(line.removeprefix(prefix)) == facts(stored)


@pytest.mark.parametrize("language", LANGUAGES)
def test_audit_trail_in_language(
    case: tuple[Organisation, int, dict[str, str]],
    consultant_a: User,
    language: str,
) -> None:
    log, _index, texts = case
    verify_and_store(log, consultant_a)
    audit = AuditEntry.objects.get(action="accesslog.verified")

    with translation.override(language):
        lines = {line.label: line.text for line in audit.new_lines}

    label = {"nl": "Bericht", "fr": "Message"}[language]
    assert pattern(texts[language]).fullmatch(lines[label]), lines
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "de kolommen van logregel 7 komen niet overeen"),
        ("fr", "les colonnes de l'entrée 7 ne correspondent pas"),
    ],
)
def test_annual_report_in_language(log: Organisation, language: str, text: str) -> None:
    change_field(log)
    verify_and_store(log)

    _paragraphs, tables = drafters.draft(
        Source.ACCESS_LOG, log, timezone.now().year, language
    )

    assert tables[0].rows[0][3].startswith(text)


# Runs stored without a reason


@pytest.mark.parametrize(
    "reason",
    [
        None,
        {"template": "a template of another version", "params": {}},
        {"template": messages.ENTRY_MISSING, "params": {}},
        {"template": messages.ENTRY_MISSING, "params": {"index": True}},
        {"template": messages.ENTRY_MISSING, "params": {"index": [1]}},
    ],
    ids=["none", "unknown-template", "missing-value", "bool-value", "list-value"],
)
def test_run_without_reason_shows_message(
    log: Organisation, consultant_a: User, reason: object
) -> None:
    VerificationRun.objects.create(
        organisation=log,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        size=3,
        ok=False,
        first_divergent_index=3,
        message="entry 3 is missing (as stored)",
        reason=reason,
    )
    status = reverse("accesslog:status", kwargs={"org": log.slug})

    response = login(consultant_a).get(status, headers={"Accept-Language": "fr"})

    assert "entry 3 is missing (as stored)" in response.content.decode()


# Reasons


def test_scan_failure_pickles_with_nested_reason() -> None:
    found = Reason(messages.VALUE_TEXT, {"value": "'abc'"})
    failure = ScanFailure(
        9,
        Reason(
            messages.LEAF_HASH_WRONG_TYPE,
            {"index": 9, "column": "leaf_hash", "found": found, "size": 32},
        ),
    )

    copy = pickle.loads(pickle.dumps(failure))  # noqa: S301 (bytes made here)

    assert copy == failure
    assert copy.reason is not None
    assert copy.reason.english() == (
        "entry 9 has leaf_hash the text 'abc', expected 32 bytes: its leaf hash "
        "was changed"
    )


def test_reason_json_round_trip() -> None:
    found = Reason(messages.VALUE_BLOB, {"size": 3, "bytes": "010203"})
    reason = Reason(
        messages.NODE_HASH_WRONG_TYPE,
        {"level": 2, "index": 5, "found": found, "size": 32},
    )

    assert Reason.from_json(reason.to_json()) == reason


@pytest.mark.parametrize(
    "data",
    [
        "entry 3 is missing",
        {"template": messages.ENTRY_MISSING},
        {"template": messages.ENTRY_MISSING, "params": {}, "more": 1},
        {"template": messages.ENTRY_MISSING, "params": [3]},
        {"template": messages.ENTRY_MISSING, "params": {"index": 1.5}},
        {"template": messages.ENTRY_MISSING, "params": {"index": None}},
        {"template": messages.ENTRY_MISSING, "params": {"index": {"template": "x"}}},
    ],
)
def test_reason_from_malformed_json_is_none(data: object) -> None:
    assert Reason.from_json(data) is None


# The English text of the reasons that no tampering above causes, as the
# verification wrote it before reasons had templates.
ENGLISH = [
    (Reason(messages.NO_KEYS, {}), "the log has entries but no keys to check them"),
    (
        Reason(messages.INVALID_VERIFIER_KEY, {"error": "bad key"}),
        "the verifier key is invalid: bad key",
    ),
    (
        Reason(messages.CHECKPOINT_WITHOUT_KEYS, {"size": 20}),
        "checkpoint of size 20 exists but the log has no keys",
    ),
    (
        Reason(
            messages.CHECKPOINT_COLUMNS_DIFFER,
            {"size": 20, "note_size": 19, "note_root": "AAAA="},
        ),
        "checkpoint of size 20: its signed note names size 19 and root AAAA=, "
        "unlike its stored columns",
    ),
    (
        Reason(messages.ENTRY_INDEX_OUTSIDE_EMPTY_LOG, {"found": "-1"}),
        "an entry has index -1, which lies outside the log, which has no entries, "
        "so it is no leaf of the tree: entries were added outside the log",
    ),
    (
        Reason(
            messages.EXPIRED_EARLY_TIME_UNREADABLE,
            {"index": 4, "days": 30, "retained_from": "2026-01-01T00:00:00.000Z"},
        ),
        "entry 4 was emptied as expired, but its time that cannot be read lies "
        "within the retention period of 30 days, which keeps entries from "
        "2026-01-01T00:00:00.000Z on, and after the cut-off of every expiry "
        "statement, so its content was removed before it was due",
    ),
    (
        Reason(messages.LEAF_HASH_WRONG_SIZE, {"index": 4, "found": 31, "size": 32}),
        "entry 4 has a leaf hash of 31 bytes, expected 32",
    ),
    (
        messages.node_differs(0, 6, None, b"\x02"),
        "tree node (0, 6) over entry 6 is missing",
    ),
    (
        messages.node_differs(0, 6, b"\x01", b"\x02"),
        "tree node (0, 6) is 01, but entry 6 gives 02, so the entry was rewritten "
        "together with its leaf hash, or the stored node was changed",
    ),
]


@pytest.mark.parametrize(("reason", "english"), ENGLISH)
def test_english_text_unchanged(reason: Reason, english: str) -> None:
    with translation.override("fr"):
        assert reason.english() == english
