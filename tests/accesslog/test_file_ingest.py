"""``vigil accesslog ingest``: its report, language, escapes and identity times."""

import bz2
import gzip
import io
import json
import lzma
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import translation

from tests.accesslog.factories import event, ingest_range
from tests.accesslog.ingest_command import ingest as ingest_command
from tests.accesslog.ingest_command import ingest_failing, write_lines
from vigil.accesslog.ingestion import IngestResult
from vigil.accesslog.models import AccessEntry
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def ingest(path: Path, *options: str) -> list[str]:
    return ingest_command(path, *options)[0]


def csv_text(records: list[dict[str, str]]) -> str:
    names = list(records[0])
    rows = [",".join(names)] + [
        ",".join(item[name] for name in names) for item in records
    ]
    return "\n".join(rows) + "\n"


def test_report_lists_duplicates(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_range(centre_a, 1, 4)
    records = [event(9), event(2), event(10), event(9)]
    path = write_lines(tmp_path / "events.jsonl", records)
    lines = ingest(path)
    assert lines == [
        f"{path}: line 2: event id e-2 is already stored at index 1",
        f"{path}: line 4: event id e-9 repeats an earlier record of the file, "
        "stored once at index 3",
        f"{path}: 2 new entries (indices 3 to 4), 1 already stored, 1 repeated in "
        "the file, and the log has 5 entries",
        "the latest signed checkpoint covers all 5 entries: 'vigil accesslog "
        "checkpoint --org centre-a' prints it",
    ]


def test_report_single_new_entry(centre_a: Organisation, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "one.jsonl", [event(1)])
    lines = ingest(path)
    assert lines[0] == (
        f"{path}: 1 new entry (index 0), 0 already stored, 0 repeated in the "
        "file, and the log has 1 entry"
    )
    assert lines[1].startswith("the latest signed checkpoint covers the 1 entry")


def test_report_checkpoint_behind(
    centre_a: Organisation, tmp_path: Path, settings: LazySettings
) -> None:
    ingest_range(centre_a, 1, 3)
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    path = write_lines(tmp_path / "late.jsonl", [event(5)])
    assert ingest(path)[-1] == (
        "the latest signed checkpoint covers 2 of the 3 entries: 'vigil "
        "accesslog checkpoint --org centre-a' signs one that covers them all "
        "and prints it"
    )


def test_report_in_dutch(centre_a: Organisation, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "events.jsonl", [event(1), event(1)])
    with translation.override("nl"):
        lines = ingest(path)
    assert lines[0].startswith(f"{path}: regel 2: ")
    assert "already" not in " ".join(lines)
    assert "repeated" not in " ".join(lines)
    assert "checkpoint" in lines[-1]


def test_errors_in_dutch(centre_a: Organisation, tmp_path: Path) -> None:
    records = [event(1), event(2, subject="85073003399")]
    path = write_lines(tmp_path / "events.jsonl", records)
    with translation.override("nl"):
        message, errors = ingest_failing(path)
    assert errors[0].startswith(f"{path}: regel 2, veld subject (85*******99): ")
    assert "nothing" not in message
    assert message.startswith(f"{path}: 1 regel")


def test_control_characters_escaped(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    values = event(1, event_id='"a\nb"', user_id='"U\x07"')
    path.write_text(csv_text([values]), encoding="utf-8")
    message, errors = ingest_failing(path)
    assert errors == [
        f"{path}: line 2, field event_id (a\\u000ab): must be 1 to 128 printable "
        "ASCII characters without spaces (from ! to ~)",
        f"{path}: line 2, field user_id (U\\u0007): contains a control or "
        "non-printable character",
    ]
    assert "1 line has errors" in message


def test_french_report_keeps_no_break_spaces(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    values = event(1, user_id="U\u00a01", case_ref="D-1")
    text = csv_text([values]).replace("case_ref", "colour", 1)
    path.write_text(text, encoding="utf-8")
    with translation.override("fr"):
        message, errors = ingest_failing(path)
    assert 'colonnes inconnues "colour"\u00a0; les colonnes sont' in errors[0]
    assert "\\u00a0;" not in errors[0]
    assert "(U\\u00a01)" in errors[1]
    assert "\\u" not in message


def test_csv_header_and_row_errors_together(
    centre_a: Organisation, tmp_path: Path
) -> None:
    records = [event(1), event(2, subject="85073003399"), event(3)]
    text = csv_text(records).replace("service", "servce", 1)
    text = text.replace("e-3,", "e-3,extra,", 1)
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    message, errors = ingest_failing(path)
    assert errors[0].startswith(f'{path}: line 1: unknown columns "servce"')
    assert "missing columns service" in errors[0]
    assert errors[1].startswith(f"{path}: line 3, field subject (85*******99): ")
    assert errors[2].startswith(f"{path}: line 4: the row has 8 cells")
    assert len(errors) == 3
    assert "3 lines have errors" in message
    assert not AccessEntry.objects.exists()


def test_json_lines_syntax_and_field_errors(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(event(1, action="read")), "{oops"]
    path.write_text("\n".join(lines), encoding="utf-8")
    _message, errors = ingest_failing(path)
    assert errors[0].startswith(f"{path}: line 1, field action (read): ")
    assert errors[1].startswith(f"{path}: line 2: invalid JSON at column 2")


def test_json_array_names_records(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    text = "[\n" + json.dumps(event(1, action="read")) + ",\n" + '{"event_id" 1}\n]'
    path.write_text(text, encoding="utf-8")
    message, errors = ingest_failing(path)
    assert errors == [
        f"{path}: record 1, field action (read): must be one of consult, create, "
        "modify, delete, print, export",
        f"{path}: record 2: invalid JSON at line 3, column 13: a colon is expected",
    ]
    assert "2 records have errors" in message


def test_json_array_conflict_names_record(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event(1), event(1, outcome="x")]), encoding="utf-8")
    _message, errors = ingest_failing(path)
    assert errors[0].startswith(f"{path}: record 2, field event_id (e-1): ")
    assert "occur at record 1 of this batch with different content" in errors[0]


def test_reused_id_reported_with_invalid_line(
    centre_a: Organisation, tmp_path: Path
) -> None:
    ingest_range(centre_a, 1, 2)
    path = write_lines(
        tmp_path / "events.jsonl", [event(1, user_id="U7"), event(2, action="bogus")]
    )
    _message, errors = ingest_failing(path)
    assert len(errors) == 2
    assert errors[0].startswith(f"{path}: line 1, field event_id (e-1): ")
    assert "stored at index 0 with different content" in errors[0]
    assert errors[1].startswith(f"{path}: line 2, field action (bogus): ")


def test_reused_id_reported_with_syntax_error(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(event(1)), "{", json.dumps(event(1, outcome="x"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _message, errors = ingest_failing(path)
    assert len(errors) == 2
    assert errors[0].startswith(f"{path}: line 2: invalid JSON")
    assert errors[1].startswith(f"{path}: line 3, field event_id (e-1): ")
    assert "occur at line 1 of this batch with different content" in errors[1]


def test_json_array_non_object_with_errors(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event(1, action="read"), [1]]), encoding="utf-8")
    message, errors = ingest_failing(path)
    assert errors[0].startswith(f"{path}: record 1, field action (read): ")
    assert errors[1] == (
        f"{path}: record 2: the record is not an object of field names and values"
    )
    assert "2 records have errors" in message

    # Data after the array is reported at its last record, counted once.
    path.write_text(json.dumps([event(1, action="read"), [1]]) + " x", "utf-8")
    message, errors = ingest_failing(path)
    assert errors[1].startswith(f"{path}: record 2: invalid JSON at line 1")
    assert errors[2].startswith(f"{path}: record 2: the record is not an object")
    assert "2 records have errors" in message


def test_identity_times_local_in_add_and_list(centre_a: Organisation) -> None:
    output = io.StringIO()
    arguments = ["identity", "add", "--org", "centre-a", "--user-id", "U1"]
    arguments += ["--person", "An", "--from", "2026-01-01"]
    call_command("accesslog", *arguments, stdout=output)
    call_command("accesslog", "identity", "list", "--org", "centre-a", stdout=output)
    added, _header, listed = output.getvalue().splitlines()
    assert "\t2026-01-01T00:00:00+01:00\topen\t" in added
    assert listed.endswith("\tU1\t2026-01-01T00:00:00+01:00\topen\tAn")


def test_french_error_lines_space_before_colon(
    centre_a: Organisation, tmp_path: Path
) -> None:
    records = [event(1), event(2, subject="85073003399")]
    path = write_lines(tmp_path / "events.jsonl", records)
    with translation.override("fr"):
        message, errors = ingest_failing(path)
    assert errors[0].startswith(f"{path}\u00a0: ligne 2, champ subject (85*******99)")
    assert message.startswith(f"{path}\u00a0: 1 ligne")


def test_ten_digit_subject_hint(centre_a: Organisation, tmp_path: Path) -> None:
    records = [event(1, subject="8507300160")]
    path = write_lines(tmp_path / "events.jsonl", records)
    _message, errors = ingest_failing(path)
    assert errors == [
        f"{path}: line 1, field subject (85******60): must have 11 digits but has "
        "10. If a spreadsheet dropped the leading 0, put it back and store the "
        "column as text (national numbers of people born in 2000 to 2009 start "
        "with 0)"
    ]


def test_time_before_1900_rejected(centre_a: Organisation, tmp_path: Path) -> None:
    records = [event(1, time="0001-01-01T00:00:00.000Z"), event(2)]
    path = write_lines(tmp_path / "old.jsonl", records)
    _message, errors = ingest_failing(path)
    assert errors[0] == (
        f"{path}: line 1, field time (0001-01-01T00:00:00.000Z): is outside the "
        "years 1900 to 9998 (in UTC) that Vigil accepts"
    )
    assert not AccessEntry.objects.filter(organisation=centre_a).exists()


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\x0c"])
def test_csv_separator_reported_on_its_line(
    centre_a: Organisation, tmp_path: Path, separator: str
) -> None:
    """U+0085 and the like are no line ends in CSV, so the value check names them."""
    header = "event_id,time,user_id,application,action,subject,service"
    rows = [
        f"x-2,2026-03-02T10:00:00Z,U{separator}V,a,consult,85073003328,S",
        f'x-3,2026-03-02T10:00:00Z,"U{separator}W",a,consult,85073003328,S',
    ]
    path = tmp_path / "events.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    message, errors = ingest_failing(path)
    escaped = f"\\u{ord(separator):04x}"
    assert errors == [
        f"{path}: line 2, field user_id (U{escaped}V): contains a control or "
        "non-printable character",
        f"{path}: line 3, field user_id (U{escaped}W): contains a control or "
        "non-printable character",
    ]
    assert "2 lines have errors" in message


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_leading_bom_accepted(
    centre_a: Organisation, tmp_path: Path, suffix: str
) -> None:
    body = json.dumps([event(1)]) if suffix == ".json" else json.dumps(event(1))
    path = tmp_path / f"events{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8") + b"\n")
    lines = ingest(path)
    assert lines[0].startswith(f"{path}: 1 new entry (index 0)")
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1


def test_report_counts_errors_not_listed(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("{}\n" * 1002, "utf-8")
    expected = {
        "en": f"{path}: the first 1,000 errors are listed, and 6,014 more errors "
        "were not listed.",
        "nl": f"{path}: de eerste 1.000 fouten staan in de lijst, en nog 6.014 "
        "fouten staan er niet in.",
        "fr": f"{path}\u00a0: les 1\u00a0000 premières erreurs sont listées, et "
        "6\u00a0014 autres erreurs ne sont pas listées.",
    }
    for language, text in expected.items():
        with translation.override(language):
            _message, errors = ingest_failing(path)
        assert len(errors) == 1001, language
        assert errors[-1] == text, language


def test_report_one_error_not_listed(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("x\n" * 1001, "utf-8")
    _message, errors = ingest_failing(path)
    assert errors[-1] == (
        f"{path}: the first 1,000 errors are listed, and 1 more error was not listed."
    )


def test_interrupt_of_whole_file_stores_nothing(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import ingestion

    insert = ingestion._insert_entries

    def insert_then_interrupt(rows: list[tuple[object, ...]]) -> None:
        # Ctrl-C after the rows were written, before the commit.
        insert(rows)
        raise KeyboardInterrupt

    monkeypatch.setattr(ingestion, "_insert_entries", insert_then_interrupt)
    path = write_lines(tmp_path / "events.jsonl", [event(1), event(2)])
    message, errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted, so nothing of the file was stored. Ingest it again."
    )
    assert errors == []
    assert not AccessEntry.objects.filter(organisation=centre_a).exists()


def interrupt_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Raise KeyboardInterrupt after a file's batch commits, before it returns."""
    from vigil.accesslog import ingestion

    append = ingestion.append_prepared

    def append_then_interrupt(*args: Any, **kwargs: Any) -> IngestResult:
        result = append(*args, **kwargs)
        if kwargs["source"].startswith("file:"):
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(ingestion, "append_prepared", append_then_interrupt)


def test_interrupt_after_commit_reports_entries(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_range(centre_a, 1, 3)
    interrupt_after_commit(monkeypatch)
    path = write_lines(tmp_path / "events.jsonl", [event(2), event(3), event(4)])
    message, errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted after the file was stored, with 2 new entries, and "
        "the log has 4 entries. Ingesting it again would only report its events "
        "as already stored."
    )
    assert errors == []
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 4
    monkeypatch.undo()
    assert ingest(path)[-2] == (
        f"{path}: 0 new entries, 3 already stored, 0 repeated in the file, and "
        "the log has 4 entries"
    )


def test_interrupt_after_commit_translated(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_after_commit(monkeypatch)
    path = write_lines(tmp_path / "events.jsonl", [event(1)])
    with translation.override("nl"):
        message, _errors = ingest_failing(path)
    assert message == (
        f"{path}: onderbroken nadat het bestand was opgeslagen, met 1 nieuwe "
        "logregel, en de log telt 1 logregel. Het opnieuw inlezen zou de "
        "gebeurtenissen alleen als al opgeslagen melden."
    )


def test_interrupt_after_commit_of_duplicates(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch of only duplicates writes nothing, so nothing was stored.
    ingest_range(centre_a, 1, 3)
    interrupt_after_commit(monkeypatch)
    path = write_lines(tmp_path / "events.jsonl", [event(1), event(2)])
    message, _errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted, so nothing of the file was stored. Ingest it again."
    )
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 2


def test_interrupt_during_report_reports_entries(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest

    def interrupt(*args: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(file_ingest, "_result_lines", interrupt)
    path = write_lines(tmp_path / "events.jsonl", [event(1)])
    message, _errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted after the file was stored, with 1 new entry, and "
        "the log has 1 entry. Ingesting it again would only report its events "
        "as already stored."
    )


def test_interrupt_before_commit_ignores_other_batches(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest, ingestion
    from vigil.accesslog.stored_batches import latest_audit_id

    # The same file name stored before the interrupted run, and another
    # sender's batch committed during it, each have an audit record.
    ingest(write_lines(tmp_path / "events.jsonl", [event(1)]))

    def interrupt_before_commit(rows: list[tuple[object, ...]]) -> None:
        raise KeyboardInterrupt

    def mark_then_other_batch() -> int:
        mark = latest_audit_id()
        ingest_range(centre_a, 10, 11)
        monkeypatch.setattr(ingestion, "_insert_entries", interrupt_before_commit)
        return mark

    monkeypatch.setattr(file_ingest, "latest_audit_id", mark_then_other_batch)
    path = write_lines(tmp_path / "events.jsonl", [event(2), event(3)])
    message, _errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted, so nothing of the file was stored. Ingest it again."
    )
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 2


def test_interrupt_check_failure_reported(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest

    def fail(*args: object) -> None:
        raise DatabaseError("server closed the connection unexpectedly")

    interrupt_after_commit(monkeypatch)
    monkeypatch.setattr(file_ingest, "stored_since", fail)
    path = write_lines(tmp_path / "events.jsonl", [event(1)])
    message, _errors = ingest_failing(path)
    assert message == (
        f"{path}: interrupted, and whether the file was stored could not be "
        "checked (server closed the connection unexpectedly). Ingest it again: "
        "events already stored are reported as such, not stored twice."
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_gzip_file_rejected_with_fix(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(gzip.compress(json.dumps(event(1)).encode() + b"\n"))
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f"{path} is compressed with gzip, so it is not a text file. Decompress "
        "it (gunzip) and ingest the result. Nothing was stored."
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
@pytest.mark.parametrize(
    ("compress", "name", "tool"),
    [
        (lzma.compress, "xz", "unxz"),
        (bz2.compress, "bzip2", "bunzip2"),
        (lambda data: b"\x28\xb5\x2f\xfd" + data, "Zstandard", "unzstd"),
        # The first bytes that lz4 1.9.4 writes for "hi\n", as a frame and, with
        # -l, as a legacy frame.
        (lambda data: b'\x04"M\x18d@\xa7\x03\x00\x00\x80hi\n' + data, "LZ4", "unlz4"),
        (lambda data: b"\x02!L\x18\x04\x00\x00\x000hi\n" + data, "LZ4", "unlz4"),
    ],
)
def test_compressed_file_rejected_with_tool(
    centre_a: Organisation,
    tmp_path: Path,
    options: tuple[str, ...],
    compress: Callable[[bytes], bytes],
    name: str,
    tool: str,
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(compress(json.dumps(event(1)).encode() + b"\n"))
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f"{path} is compressed with {name}, so it is not a text file. Decompress "
        f"it ({tool}) and ingest the result. Nothing was stored."
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
@pytest.mark.parametrize(
    ("head", "name", "tool"),
    [
        # Signature and format version 0.4 of a 7z archive.
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z", "7z x"),
        # The marker block of RAR 1.5 to 4.x, then the main archive header.
        (b"Rar!\x1a\x07\x00\xcf\x90\x73\x00\x00\x0d\x00", "RAR", "unrar x"),
        # The signature of RAR 5.0, then other bytes.
        (b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5", "RAR", "unrar x"),
    ],
)
def test_archive_rejected_with_tool(
    centre_a: Organisation,
    tmp_path: Path,
    options: tuple[str, ...],
    head: bytes,
    name: str,
    tool: str,
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(head + json.dumps(event(1)).encode() + b"\n")
    message, errors = ingest_failing(path, *options)
    assert message == (
        f"{path} is a {name} archive, so it is not a text file. Unpack it "
        f"({tool}) and ingest the file of events in it. Nothing was stored."
    )
    assert errors == []
    assert not AccessEntry.objects.filter(organisation=centre_a).exists()


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_empty_zip_rejected_as_archive(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "events.csv"
    with zipfile.ZipFile(path, "w"):
        pass
    message, _errors = ingest_failing(path, *options)
    assert message.startswith(f"{path} is a ZIP archive, such as an Excel workbook")


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_file_rejected_with_fix(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...], encoding: str
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes("\ufeffevent_id,time\n".encode(encoding))
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f'{path} is UTF-16 text, as Excel saves "Unicode text". Save the events '
        "as CSV UTF-8 and ingest the result. Nothing was stored."
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_old_workbook_rejected_with_fix(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f"{path} is an Office file, such as an Excel 97-2003 workbook (.xls), so "
        "it is not a text file. Save the events as CSV UTF-8 and ingest the "
        "result. Nothing was stored."
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_workbook_file_rejected_with_fix(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "events.csv"
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f"{path} is a ZIP archive, such as an Excel workbook (.xlsx), so it is "
        "not a text file. Save the events as CSV UTF-8 or unpack the archive, "
        "and ingest the result. Nothing was stored."
    )
