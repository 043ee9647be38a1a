"""``vigil accesslog``: every subcommand through Django's call_command."""

import base64
import datetime
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.accesslog.factories import (
    empty_as_expired,
    event,
    ingest_batches,
    key_label,
    national_number,
    tampering,
)
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.management.commands.accesslog import _dry_run_line
from vigil.accesslog.models import (
    AccessEntry,
    ExpiryStatement,
    IdentityPeriod,
    LogCheckpoint,
    VerificationRun,
)
from vigil.accesslog.retention import ExpiryResult
from vigil.accesslog.syslog import EventRejected, SyslogReceiver
from vigil.accesslog.syslog_cli import listen_address, syslog_handler
from vigil.accesslog.verify_cli import main as verify_main
from vigil.audit.models import AuditEntry
from vigil.ledger import Ed25519Signer, Ed25519Verifier, open_checkpoint
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(*arguments: str) -> str:
    output = io.StringIO()
    call_command("accesslog", *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def run_failing(*arguments: str) -> tuple[str, str]:
    errors = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", *arguments, stdout=io.StringIO(), stderr=errors)
    return str(raised.value), errors.getvalue()


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 2, 5)
    return centre_a


def write_json_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in records), "utf-8")
    return path


def test_ingest_json_lines(centre_a: Organisation, tmp_path: Path) -> None:
    path = write_json_lines(tmp_path / "events.jsonl", [event(1), event(2)])
    assert "2 new entries (indices 0 to 1), 0 already stored" in run(
        "ingest", "--org", "centre-a", str(path)
    )
    assert "0 new entries, 2 already stored" in run(
        "ingest", "--org", "centre-a", str(path)
    )


def test_ingest_counts_entries(centre_a: Organisation, tmp_path: Path) -> None:
    path = write_json_lines(tmp_path / "one.jsonl", [event(1)])
    output = run("ingest", "--org", "centre-a", str(path))
    assert "and the log has 1 entry\n" in output
    path = write_json_lines(tmp_path / "two.jsonl", [event(2)])
    output = run("ingest", "--org", "centre-a", str(path))
    assert "and the log has 2 entries\n" in output


def test_ingest_csv(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    values = event(1)
    path.write_text(
        ",".join(values) + "\n" + ",".join(values.values()) + "\n", encoding="utf-8"
    )
    run("ingest", "--org", "centre-a", str(path))
    assert AccessEntry.objects.get(organisation=centre_a).event_id == "e-1"


def test_ingest_json_array_by_option(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_text(json.dumps([event(1)]), encoding="utf-8")
    run("ingest", "--org", "centre-a", "--format", "json", str(path))
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1


def test_ingest_unknown_extension(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_text("", encoding="utf-8")
    message, _ = run_failing("ingest", "--org", "centre-a", str(path))
    assert "pass --format with one of csv, json, jsonl" in message


def test_ingest_one_invalid_record(centre_a: Organisation, tmp_path: Path) -> None:
    path = write_json_lines(tmp_path / "events.jsonl", [event(1, action="read")])
    message, _ = run_failing("ingest", "--org", "centre-a", str(path))
    assert message.endswith(
        "1 line has errors, so nothing was stored. Correct the file and ingest "
        "it again."
    )


def test_ingest_not_utf8_names_line(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    line = json.dumps(event(1)).encode()
    path.write_bytes(line + b"\n" + line.replace(b"U123456", b"U\xf2") + b"\n")
    message, _ = run_failing("ingest", "--org", "centre-a", str(path))
    assert "line 2 is not valid UTF-8 (byte 0xf2" in message
    assert "Save the file as UTF-8" in message
    assert not AccessEntry.objects.exists()


def test_ingest_invalid_file_lists_every_error(
    centre_a: Organisation, tmp_path: Path
) -> None:
    number = "85073003399"
    records = [event(1), event(2, action="read"), event(3, subject=number)]
    path = write_json_lines(tmp_path / "events.jsonl", records)
    message, errors = run_failing("ingest", "--org", "centre-a", str(path))
    assert "2 lines have errors, so nothing was stored" in message
    assert "line 2, field action" in errors
    assert "line 3, field subject" in errors
    assert number not in errors
    assert not AccessEntry.objects.exists()


def test_ingest_broken_json_lists_lines(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(event(1)) + "\n{oops\n[]\n", encoding="utf-8")
    message, errors = run_failing("ingest", "--org", "centre-a", str(path))
    assert "line 2: invalid JSON" in errors
    assert "line 3: the line is not a JSON object" in errors
    assert "2 lines have errors, so nothing was stored" in message


def test_unknown_organisation(tmp_path: Path, db: Any) -> None:
    message, _ = run_failing("verify", "--org", "nowhere")
    assert "no organisation 'nowhere'" in message


def test_verify_ok_and_failed(log: Organisation) -> None:
    output = run("verify", "--org", "centre-a")
    assert output.startswith(
        "verification OK: entries verified: 10 (of which 0 expired and were "
        "checked by their leaf hash only), all matching the stored tree"
    )
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=7).update(service="other")
    message, _ = run_failing("verify", "--org", "centre-a")
    assert "first divergent index 7" in message


def test_verify_with_given_key(log: Organisation) -> None:
    key = ensure_log_keys(log).verifier_key
    assert "verification OK" in run("verify", "--org", "centre-a", "--key", key)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("garbage", "'garbage'"),
        ("x" * 100, "'" + "x" * 59 + "…'"),
        (
            "n+0000000z+AQ==",
            "'n+0000000z+AQ==' is not a verifier key (verifier key has 0",
        ),
    ],
)
def test_verify_rejects_malformed_key(log: Organisation, key: str, shown: str) -> None:
    message, _ = run_failing("verify", "--org", "centre-a", "--key", key)
    assert message.startswith("--key ")
    assert shown in message
    assert "<name>+<hex key id>+<base64 key>" in message
    assert "'vigil accesslog public-key --org centre-a'" in message
    assert not VerificationRun.objects.filter(organisation=log).exists()


def test_verify_malformed_key_is_usage_error(log: Organisation) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", "verify", "--org", "centre-a", "--key", "garbage")

    assert raised.value.returncode == 2


def test_verify_with_key_of_other_centre(
    log: Organisation, centre_b: Organisation
) -> None:
    key = ensure_log_keys(centre_b).verifier_key
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", "verify", "--org", "centre-a", "--key", key)
    own_key = ensure_log_keys(log).verifier_key

    assert raised.value.returncode == 2
    assert str(raised.value) == (
        f"--key {key_label(key)} is another log's verifier key: its name "
        "is not the origin of this centre's log, whose key is "
        f"{key_label(own_key)}. 'vigil accesslog public-key --org "
        "centre-a' prints the centre's key. Nothing was verified or recorded"
    )
    assert not VerificationRun.objects.filter(organisation=log).exists()
    assert not AuditEntry.objects.filter(action="accesslog.verified").exists()


def test_verify_key_of_other_log_escaped(log: Organisation) -> None:
    # U+202E would show the rest of the line reversed, and U+009B starts an
    # escape sequence on some terminals.
    other = Ed25519Signer.generate("vigil.accesslog/evil\u202ea-ertnec\x9b2J")
    key = other.verifier().verifier_key()
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", "verify", "--org", "centre-a", "--key", key)

    message = str(raised.value)
    assert message.startswith(
        f"--key vigil.accesslog/evil\\u202ea-ertnec\\u009b2J+{other.key_id:08x} "
        "is another log's verifier key"
    )
    assert "\u202e" not in message
    assert "\x9b" not in message


def test_verify_with_replaced_key_fails(log: Organisation) -> None:
    # A key with the log's name but another key id is what the auditor keeps
    # after the log's key was replaced, so it fails a recorded run.
    other = Ed25519Signer.generate(ensure_log_keys(log).origin).verifier()
    with pytest.raises(CommandError) as raised:
        call_command(
            "accesslog", "verify", "--org", "centre-a", "--key", other.verifier_key()
        )

    assert raised.value.returncode == 1
    assert str(raised.value).startswith("verification FAILED, checkpoint of size ")
    assert VerificationRun.objects.get(organisation=log).ok is False


def test_checkpoint_printed(log: Organisation) -> None:
    note = run("checkpoint", "--org", "centre-a")
    keys = ensure_log_keys(log)
    verifier = Ed25519Verifier.from_verifier_key(keys.verifier_key)
    assert open_checkpoint(note, verifier, keys.origin).size == 10


def test_checkpoint_signed_for_empty_log(centre_a: Organisation) -> None:
    note = run("checkpoint", "--org", "centre-a")
    assert note.splitlines()[1] == "0"
    assert LogCheckpoint.objects.filter(organisation=centre_a, size=0).exists()


def test_public_key_printed(log: Organisation) -> None:
    key = run("public-key", "--org", "centre-a").strip()
    assert key == ensure_log_keys(log).verifier_key
    name, key_id, data = key.split("+", 2)
    assert name == "vigil.accesslog/0999999922/centre-a"
    assert len(key_id) == 8
    assert len(base64.b64decode(data)) == 33


def test_prove_prints_json(log: Organisation) -> None:
    document = json.loads(run("prove", "--org", "centre-a", "--index", "3"))
    assert (document["index"], document["tree_size"]) == (3, 10)
    assert set(document) == {
        "format",
        "event_id",
        "leaf",
        "index",
        "tree_size",
        "leaf_hash",
        "root_hash",
        "proof",
        "checkpoint",
    }
    assert document["format"] == "vigil-accesslog-proof/1"
    assert document["event_id"] == "e-3"


def test_prove_at_size_and_out_of_range(log: Organisation) -> None:
    document = json.loads(
        run("prove", "--org", "centre-a", "--index", "3", "--size", "5")
    )
    assert document["tree_size"] == 5
    message, _ = run_failing("prove", "--org", "centre-a", "--index", "10")
    assert "not in the tree of size 10" in message


def test_prove_at_unsigned_size_fails(log: Organisation) -> None:
    message, _ = run_failing(
        "prove", "--org", "centre-a", "--index", "3", "--size", "7"
    )
    assert message == (
        "no checkpoint was signed at tree size 7, so vigil-verify cannot check "
        "an inclusion proof in that tree. The nearest signed sizes are 5 and 10"
    )


def test_consistency_prints_json(log: Organisation) -> None:
    document = json.loads(run("consistency", "--org", "centre-a", "--old", "5"))
    assert document["format"] == "vigil-accesslog-consistency/1"
    assert (document["old_size"], document["new_size"]) == (5, 10)
    assert document["proof"]


def test_consistency_to_unsigned_size_fails(log: Organisation) -> None:
    message, _ = run_failing(
        "consistency", "--org", "centre-a", "--old", "5", "--new", "8"
    )
    assert message.startswith("no checkpoint was signed at tree size 8")


def test_identity_add_list_end(centre_a: Organisation) -> None:
    added = run(
        "identity",
        "add",
        "--org",
        "centre-a",
        "--user-id",
        "U1",
        "--person",
        "An Peeters",
        "--from",
        "2026-01-05",
        "--reference",
        "an@ocmw.test",
    )
    assert "added period" in added
    period = IdentityPeriod.objects.get(organisation=centre_a)
    assert period.valid_from.isoformat() == "2026-01-04T23:00:00+00:00"
    listing = run("identity", "list", "--org", "centre-a")
    header, line = listing.splitlines()
    assert header == "id\tuser id\tvalid from\tvalid until\tnatural person"
    assert line.startswith(f"{period.pk}\tU1\t")
    assert line.endswith("An Peeters (an@ocmw.test)")
    run(
        "identity",
        "end",
        "--org",
        "centre-a",
        "--id",
        str(period.pk),
        "--until",
        "2026-02-01T00:00+01:00",
    )
    period.refresh_from_db()
    assert period.valid_until is not None


def test_identity_overlap_reported(centre_a: Organisation) -> None:
    arguments = ["identity", "add", "--org", "centre-a", "--user-id", "U1"]
    run(*arguments, "--person", "An", "--from", "2026-01-01")
    period = IdentityPeriod.objects.get(organisation=centre_a)
    message, _ = run_failing(*arguments, "--person", "Bart", "--from", "2026-02-01")
    assert "already assigned to An" in message
    assert message.endswith(
        f"end that period first or choose other dates. That period has id "
        f"{period.pk}: 'vigil accesslog identity end --org centre-a --id "
        f"{period.pk} --until TIME' ends it."
    )


def test_identity_end_unknown_period(centre_a: Organisation) -> None:
    message, _ = run_failing(
        "identity", "end", "--org", "centre-a", "--id", "999", "--until", "2026-01-01"
    )
    assert message == (
        "no identity period 999 in centre-a. 'vigil accesslog identity list "
        "--org centre-a' lists the periods with their ids"
    )


IDENTITY_ADD = ["identity", "add", "--org", "centre-a"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            [
                "--user-id",
                "U1",
                "--person",
                "An",
                "--from",
                "2026-02-01",
                "--until",
                "2026-01-01",
            ],
            "--until: The end of the period must come after its start.",
        ),
        (
            ["--user-id", " U1", "--person", "An", "--from", "2026-01-01"],
            "--user-id: Enter the user id as it appears in KSZ messages",
        ),
        (
            ["--user-id", "U1", "--person", " ", "--from", "2026-01-01"],
            "--person: Enter the name of the person",
        ),
    ],
)
def test_identity_add_error_names_option(
    centre_a: Organisation, arguments: list[str], expected: str
) -> None:
    message, _ = run_failing(*IDENTITY_ADD, *arguments)
    assert message.startswith(expected)


def test_identity_end_error_names_option(centre_a: Organisation) -> None:
    run(*IDENTITY_ADD, "--user-id", "U1", "--person", "An", "--from", "2026-02-01")
    period = IdentityPeriod.objects.get(organisation=centre_a)
    message, _ = run_failing(
        "identity",
        "end",
        "--org",
        "centre-a",
        "--id",
        str(period.pk),
        "--until",
        "2026-01-01",
    )
    assert message == "--until: The end of the period must come after its start."


def test_identity_errors_in_dutch(centre_a: Organisation) -> None:
    with translation.override("nl"):
        unknown, _ = run_failing(
            "identity",
            "end",
            "--org",
            "centre-a",
            "--id",
            "999",
            "--until",
            "2026-01-01",
        )
        moment, _ = run_failing(
            *IDENTITY_ADD, "--user-id", "U1", "--person", "An", "--from", "gisteren"
        )
        run(*IDENTITY_ADD, "--user-id", "U1", "--person", "An", "--from", "2026-01-01")
        overlap, _ = run_failing(
            *IDENTITY_ADD,
            "--user-id",
            "U1",
            "--person",
            "Bart",
            "--from",
            "2026-02-01",
        )
    assert unknown.startswith("geen identiteitsperiode 999 in centre-a.")
    assert "argument --from: “gisteren” is geen datum of tijdstip; schrijf" in moment
    assert overlap.startswith("Gebruikers-id U1 is al toegewezen aan An")
    assert "Die periode heeft id" in overlap


def test_identity_errors_in_french(centre_a: Organisation) -> None:
    with translation.override("fr"):
        unknown, _ = run_failing(
            "identity",
            "end",
            "--org",
            "centre-a",
            "--id",
            "999",
            "--until",
            "2026-01-01",
        )
    assert unknown.startswith("aucune période d'identité 999 dans centre-a.")


def test_expire(log: Organisation, settings: Any) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    output = run("expire", "--org", "centre-a")
    assert "entries emptied: 10" in output
    assert "verification OK" in run("verify", "--org", "centre-a")


def test_expire_stops_at_entry_unlike_its_leaf(
    log: Organisation, settings: Any
) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=3).update(user_id="U9")
    message, _ = run_failing("expire", "--org", "centre-a")
    assert message == (
        "nothing was emptied: entry 3 does not match its stored leaf hash, so the "
        "log was changed. Run 'vigil accesslog verify --org centre-a' to check the "
        "whole log"
    )
    assert not AccessEntry.objects.filter(expired_at__isnull=False).exists()
    assert not ExpiryStatement.objects.exists()


def test_expire_dry_run_changes_nothing(log: Organisation, settings: Any) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    with translation.override("en"):
        output = run("expire", "--org", "centre-a", "--dry-run")
    assert re.fullmatch(
        r"entries due to be emptied: 10, entries 0 to 9 \(entries before "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0[12]:00 expire\)\. Nothing was "
        r"changed: "
        r"run without --dry-run to empty them\n",
        output,
    )
    assert not AccessEntry.objects.filter(expired_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="accesslog.expired").exists()


def test_expire_cutoff_shown_to_the_millisecond() -> None:
    cutoff = datetime.datetime(2016, 3, 2, 9, 15, 30, 250000, tzinfo=datetime.UTC)
    due = ExpiryResult(expired=0, start=0, end=0, cutoff=cutoff)
    with translation.override("en"):
        line = _dry_run_line(due)

    assert "(entries before 2016-03-02T10:15:30.250+01:00 expire)" in line


def test_expire_cutoff_before_standard_time() -> None:
    # Europe/Brussels has used standard offsets since 1892-05-01T00:00Z, and
    # zoneinfo gives local mean time, +00:17:30, before it.
    first_standard = datetime.datetime(1892, 5, 1, tzinfo=datetime.UTC)
    before = first_standard - datetime.timedelta(milliseconds=250)
    lines = {}
    with translation.override("en"):
        for cutoff in (before, first_standard):
            due = ExpiryResult(expired=0, start=0, end=0, cutoff=cutoff)
            lines[cutoff] = _dry_run_line(due)

    assert "(entries before 1892-04-30T23:59:59.750Z expire)" in lines[before]
    assert (
        "(entries before 1892-05-01T00:00:00.000+00:00 expire)" in lines[first_standard]
    )


def test_expire_cutoff_of_longest_retention(log: Organisation, settings: Any) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = settings.MAX_ACCESSLOG_RETENTION_DAYS
    with translation.override("en"):
        output = run("expire", "--org", "centre-a", "--dry-run")
    assert re.fullmatch(
        r"no entries are due to be emptied \(entries before "
        r"1\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z expire\)\. Nothing was "
        r"changed\n",
        output,
    )


def test_expire_dry_run_with_nothing_due(log: Organisation) -> None:
    with translation.override("en"):
        output = run("expire", "--org", "centre-a", "--dry-run")
    assert output.startswith("no entries are due to be emptied (entries before ")
    assert output.endswith(" expire). Nothing was changed\n")


def test_export_then_verify_offline(log: Organisation, tmp_path: Path) -> None:
    bundle = tmp_path / "march.json"
    output = run(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "--output",
        str(bundle),
    )
    assert (
        f"{bundle}: 10 entries (0 of them expired), each with its inclusion proof "
        "to the signed checkpoint of size 10"
    ) in output
    assert verify_main([str(bundle), "--key", ensure_log_keys(log).verifier_key]) == 0


def test_export_of_one_entry_singular(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 1)
    bundle = tmp_path / "one.json"
    output = run(
        *("export", "--org", "centre-a", "--from", "2026-03-02", "--to", "2026-03-02"),
        *("--output", str(bundle)),
    )
    assert output == (
        f"{bundle}: 1 entry (0 expired), with its inclusion proof to the signed "
        "checkpoint of size 1\n"
    )


def test_export_day_range_excludes_other_days(
    log: Organisation, tmp_path: Path
) -> None:
    bundle = tmp_path / "april.json"
    run(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-04-01",
        "--to",
        "2026-04-30",
        "--output",
        str(bundle),
    )
    assert json.loads(bundle.read_text(encoding="utf-8"))["entries"] == []


def test_export_rejects_bad_previous(log: Organisation, tmp_path: Path) -> None:
    previous = tmp_path / "previous.checkpoint"
    previous.write_text("not a checkpoint\n", encoding="utf-8")
    bundle = tmp_path / "out.json"
    message, _ = run_failing(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--output",
        str(bundle),
        "--previous",
        str(previous),
    )
    assert "not a valid checkpoint" in message
    assert not bundle.exists()


def export_march(bundle: Path) -> str:
    """Run the export of March 2026 to ``bundle`` and return its error message."""
    message, _ = run_failing(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--output",
        str(bundle),
    )
    return message


def change_user_id(organisation: Organisation, index: int) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=organisation, index=index).update(
            user_id="U999999"
        )


CHANGED_ENTRY = (
    "entry 4 does not match its stored leaf hash, so the log was changed. Run "
    "'vigil accesslog verify --org centre-a' to check the whole log"
)
EMPTIED_ENTRY = (
    "entry 6 was emptied as expired, but entry 3 before it was not. Expiry "
    "empties the oldest entries first, so the content of entry 6 was removed. "
    "Run 'vigil accesslog verify --org centre-a' to check the whole log"
)


def test_export_rejects_changed_entry(log: Organisation, tmp_path: Path) -> None:
    change_user_id(log, 4)
    bundle = tmp_path / "march.json"
    assert export_march(bundle) == CHANGED_ENTRY
    assert list(tmp_path.iterdir()) == []


def test_export_failure_keeps_earlier_file(log: Organisation, tmp_path: Path) -> None:
    change_user_id(log, 4)
    bundle = tmp_path / "march.json"
    bundle.write_text("earlier bundle\n", encoding="utf-8")
    export_march(bundle)
    assert list(tmp_path.iterdir()) == [bundle]
    assert bundle.read_text(encoding="utf-8") == "earlier bundle\n"


def test_export_rejects_emptied_middle_entry(log: Organisation, tmp_path: Path) -> None:
    """Entries 0 to 2 expired, and entry 6 was emptied as if it had."""
    empty_as_expired(log, range(3))
    empty_as_expired(log, range(6, 7))
    assert export_march(tmp_path / "march.json") == EMPTIED_ENTRY
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("one_day_retention")
def test_export_rejects_entries_expired_meanwhile(
    log: Organisation, tmp_path: Path
) -> None:
    """Expiry that runs between the count of expired entries and the listing."""
    empty_as_expired(log, range(3))
    with mock.patch("vigil.accesslog.bundle.expired_entry_count", side_effect=[0, 3]):
        message = export_march(tmp_path / "march.json")
    assert message == (
        "entries of the log expired while the bundle was written. Run the export again"
    )


@pytest.mark.usefixtures("one_day_retention")
def test_export_with_expired_prefix_verifies(log: Organisation, tmp_path: Path) -> None:
    empty_as_expired(log, range(3))
    bundle = tmp_path / "march.json"
    output = run(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--output",
        str(bundle),
    )
    assert "10 entries (3 of them expired), each with its inclusion proof" in output
    assert list(tmp_path.iterdir()) == [bundle]
    assert verify_main([str(bundle), "--key", ensure_log_keys(log).verifier_key]) == 0


def test_prove_rejects_changed_entry(log: Organisation) -> None:
    change_user_id(log, 4)
    message, _ = run_failing("prove", "--org", "centre-a", "--index", "4")
    assert message == CHANGED_ENTRY


def test_prove_rejects_emptied_middle_entry(log: Organisation) -> None:
    empty_as_expired(log, range(3))
    empty_as_expired(log, range(6, 7))
    message, _ = run_failing("prove", "--org", "centre-a", "--index", "8")
    assert message == EMPTIED_ENTRY


def test_export_to_before_from(log: Organisation, tmp_path: Path) -> None:
    message, _ = run_failing(
        "export",
        "--org",
        "centre-a",
        "--from",
        "2026-03-05",
        "--to",
        "2026-03-01",
        "--output",
        str(tmp_path / "x.json"),
    )
    assert message == (
        "--to 2026-03-01 is before --from 2026-03-05. Give a last day on or "
        "after the first day"
    )


@pytest.mark.parametrize("batch_size", [None, "2"])
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing.jsonl", "no such file. Check the name and the folder it is in"),
        ("folder.jsonl", "it is a folder. Give a file in it"),
        # Without an extension the reason still comes before the format's.
        ("missing", "no such file. Check the name and the folder it is in"),
        ("folder", "it is a folder. Give a file in it"),
    ],
)
def test_ingest_unreadable_file(
    centre_a: Organisation,
    tmp_path: Path,
    name: str,
    expected: str,
    batch_size: str | None,
) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    (tmp_path / "folder").mkdir()
    path = tmp_path / name
    options = [] if batch_size is None else ["--batch-size", batch_size]
    message, _ = run_failing("ingest", "--org", "centre-a", str(path), *options)
    assert message == f"cannot read {path}: {expected}"


def export_with_previous(previous: Path, tmp_path: Path) -> tuple[str, ...]:
    """Return the arguments of an export of March 1 to 5 with ``--previous``."""
    return (
        *("export", "--org", "centre-a", "--from", "2026-03-01", "--to", "2026-03-05"),
        *("--previous", str(previous), "--output", str(tmp_path / "x.json")),
    )


def test_export_previous_is_verifier_key(log: Organisation, tmp_path: Path) -> None:
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(ensure_log_keys(log).verifier_key + "\n", encoding="utf-8")
    message, _ = run_failing(*export_with_previous(key_file, tmp_path))
    assert message == (
        f"{key_file} contains a verifier key, not a checkpoint. Give the "
        "checkpoint note that the auditor kept of this log, as 'vigil accesslog "
        "checkpoint --org centre-a' printed it"
    )
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda note: note.rstrip("\n"), id="no final newline"),
        pytest.param(lambda note: "\ufeff" + note, id="byte order mark"),
        pytest.param(lambda note: note + "\n\n", id="blank lines at the end"),
        pytest.param(lambda note: note.replace("\n", "\r\n"), id="CRLF"),
    ],
)
def test_export_previous_as_editor_saved(
    log: Organisation, tmp_path: Path, change: Any
) -> None:
    note = LogCheckpoint.objects.get(organisation=log, size=5).note
    previous = tmp_path / "kept.checkpoint"
    previous.write_bytes(change(note).encode("utf-8"))
    run(*export_with_previous(previous, tmp_path))
    bundle = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert bundle["consistency"]["old_size"] == 5


def test_export_previous_named_in_output(log: Organisation, tmp_path: Path) -> None:
    note = LogCheckpoint.objects.get(organisation=log, size=5).note
    previous = tmp_path / "kept.checkpoint"
    previous.write_text(note, encoding="utf-8")
    with translation.override("en"):
        lines = run(*export_with_previous(previous, tmp_path)).splitlines()
    size = LogCheckpoint.objects.filter(organisation=log).order_by("-size")[0].size

    assert lines[-1] == (
        f"{tmp_path / 'x.json'}: with the consistency proof from the previous "
        f"checkpoint of size 5 to size {size}"
    )


def test_export_without_previous_names_no_proof(
    log: Organisation, tmp_path: Path
) -> None:
    bundle = tmp_path / "x.json"
    arguments = ("--from", "2026-03-01", "--to", "2026-03-05", "--output", str(bundle))
    with translation.override("en"):
        output = run("export", "--org", "centre-a", *arguments)

    assert "consistency proof" not in output


def test_export_previous_missing(log: Organisation, tmp_path: Path) -> None:
    missing = tmp_path / "old.checkpoint"
    message, _ = run_failing(*export_with_previous(missing, tmp_path))
    assert message == (
        f"cannot read {missing}: no such file. Check the name and the folder it is in"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:6514", ("127.0.0.1", 6514)),
        ("[::1]:514", ("::1", 514)),
    ],
)
def test_listen_address_parsed(text: str, expected: tuple[str, int]) -> None:
    assert listen_address(text) == expected


@pytest.mark.parametrize(
    "text",
    ["localhost", ":6514", "host:0", "host:70000", "host:port", "host:²", "host:٥١٤"],
)
def test_listen_address_rejected(text: str) -> None:
    with pytest.raises(CommandError):
        listen_address(text)


@pytest.mark.parametrize(
    ("listen", "shown"),
    [
        ("127.0.0.1:6514", "127.0.0.1:6514"),
        ("[::1]:514", "[::1]:514"),
        ("[fe80::1%eth0]:6514", "[fe80::1%eth0]:6514"),
    ],
    ids=["ipv4", "ipv6", "ipv6-zone"],
)
def test_syslog_notice_showslisten_address(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch, listen: str, shown: str
) -> None:
    monkeypatch.setattr(SyslogReceiver, "run_forever", lambda receiver: None)
    errors = io.StringIO()
    call_command(
        "accesslog",
        "syslog",
        "--org",
        centre_a.slug,
        "--listen",
        listen,
        stdout=io.StringIO(),
        stderr=errors,
    )
    assert errors.getvalue() == (
        f"receiving access events of centre-a over syslog (TCP) on {shown}. "
        "Stop with Ctrl-C.\n"
    )


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """Keep the test's transaction: close_old_connections would close it."""
    with mock.patch("vigil.accesslog.syslog_cli.close_old_connections"):
        yield


@pytest.mark.usefixtures("_keep_connection")
def test_syslog_handler_ingests_one_event(centre_a: Organisation) -> None:
    handle = syslog_handler(centre_a)
    handle({key: str(value) for key, value in event(1).items()}, None)
    handle({key: str(value) for key, value in event(1).items()}, None)
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1


@pytest.mark.usefixtures("_keep_connection")
def test_syslog_handler_rejects_without_values(centre_a: Organisation) -> None:
    number = national_number(7)
    fields = {
        key: str(value)
        for key, value in event(1, subject=number, action="read").items()
    }
    with pytest.raises(EventRejected) as raised:
        syslog_handler(centre_a)(fields, None)
    text = str(raised.value)
    assert text.startswith("event for centre-a rejected: action: must be one of")
    assert number not in text
    assert "read" not in text.split("must be one of")[0]
    assert not AccessEntry.objects.exists()


@pytest.mark.usefixtures("_keep_connection")
def test_syslog_ten_digit_subject_blames_program(centre_a: Organisation) -> None:
    fields = {key: str(value) for key, value in event(1, subject="8507300160").items()}
    with translation.override("en"):
        handle = syslog_handler(centre_a)
    with pytest.raises(EventRejected) as raised:
        handle(fields, None)
    text = str(raised.value)
    assert text.startswith(
        "event for centre-a rejected: subject: must have 11 digits but has 10. "
        "The sending program may have dropped the leading 0"
    )
    assert "spreadsheet" not in text


@pytest.mark.usefixtures("_keep_connection")
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "must be one of"), ("fr", "doit être l'une de ces valeurs")],
)
def test_syslog_handler_uses_command_language(
    centre_a: Organisation, language: str, expected: str
) -> None:
    fields = {key: str(value) for key, value in event(1, action="read").items()}
    with translation.override(language):
        handle = syslog_handler(centre_a)
    errors: list[BaseException] = []

    def call_in_worker() -> None:
        try:
            handle(fields, None)
        except EventRejected as error:
            errors.append(error)

    worker = threading.Thread(target=call_in_worker)
    worker.start()
    worker.join()
    [error] = errors
    assert expected in str(error)
