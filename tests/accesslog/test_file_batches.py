"""``vigil accesslog ingest --batch-size``: batches, partial stores and the reader."""

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import translation

from tests.accesslog.factories import event, ingest_range
from tests.accesslog.ingest_command import ingest as run
from tests.accesslog.ingest_command import ingest_failing as run_failing
from tests.accesslog.ingest_command import write_lines as jsonl
from vigil.accesslog.batched_ingest import ReaderFailed, ingest_batches
from vigil.accesslog.events import ReceivedRecords
from vigil.accesslog.ingestion import IngestResult
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.verification import verify_log
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

# The test runner's own threads make Python warn about every fork. The
# child that reads the file only runs the reader's code.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def stored_ids(organisation: Organisation) -> list[str]:
    entries = AccessEntry.objects.filter(organisation=organisation).order_by("index")
    return list(entries.values_list("event_id", flat=True))


def test_each_batch_committed_on_its_own(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(7)])
    lines, _errors = run(path, "--batch-size", "3")
    assert lines == [
        f"{path}: 7 new entries (indices 0 to 6), 0 already stored, 0 repeated in "
        "the file, and the log has 7 entries",
        f"{path}: ingested in 3 batches of at most 3 events, each committed on its own",
        "the latest signed checkpoint covers all 7 entries: 'vigil accesslog "
        "checkpoint --org centre-a' prints it",
    ]
    assert stored_ids(centre_a) == [f"e-{number}" for number in range(7)]
    # One audit record and one checkpoint per batch.
    audits = AuditEntry.objects.filter(
        organisation=centre_a, action="accesslog.ingested"
    ).order_by("pk")
    assert [item.new_values["tree_size"] for item in audits] == [3, 6, 7]
    assert verify_log(centre_a).ok


def test_failing_batch_keeps_earlier_batches(
    centre_a: Organisation, tmp_path: Path
) -> None:
    records = [event(number) for number in range(6)]
    records[3]["subject"] = "85073000100"
    path = jsonl(tmp_path / "events.jsonl", records)
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: a batch has errors, so nothing from line 3 on was stored. The 2 "
        "events before it were stored in earlier batches. Correct the file and "
        "ingest all of it again: events already stored are reported as such, not "
        "stored twice."
    )
    assert errors[0].startswith(f"{path}: line 4, field subject (85*******00): ")
    assert errors[-1] == (
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    )
    assert stored_ids(centre_a) == ["e-0", "e-1"]

    records[3] = event(3)
    lines, _errors = run(jsonl(path, records), "--batch-size", "2")
    assert lines[:3] == [
        f"{path}: line 1: event id e-0 is already stored at index 0",
        f"{path}: line 2: event id e-1 is already stored at index 1",
        f"{path}: 4 new entries (indices 2 to 5), 2 already stored, 0 repeated in "
        "the file, and the log has 6 entries",
    ]


def test_first_batch_failing_stores_nothing(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(1), {"event_id": "e-2"}, event(3)])
    message, _errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: 1 line has errors, so nothing was stored. Correct the file and "
        "ingest it again."
    )
    assert stored_ids(centre_a) == []


def test_repeat_in_a_later_batch_counted_as_repeated(
    centre_a: Organisation, tmp_path: Path
) -> None:
    ingest_range(centre_a, 100, 101)
    records = [event(1), event(2), event(100), event(1)]
    path = jsonl(tmp_path / "events.jsonl", records)
    lines, _errors = run(path, "--batch-size", "2")
    assert lines[:3] == [
        f"{path}: line 3: event id e-100 is already stored at index 0",
        f"{path}: line 4: event id e-1 repeats an earlier record of the file, "
        "stored once at index 1",
        f"{path}: 2 new entries (indices 1 to 2), 1 already stored, 1 repeated in "
        "the file, and the log has 3 entries",
    ]


def test_csv_batches_quoted_line_break(centre_a: Organisation, tmp_path: Path) -> None:
    names = ["event_id", "time", "user_id", "application", "action", "subject"]
    names.append("service")
    rows = [",".join(names)]
    for number in range(5):
        item = event(number)
        rows.append(",".join(item[name] for name in names))
    # A quoted cell with a line break spans two lines; the validation of the
    # service rejects the break, on the line where the record starts.
    rows[4] = rows[4].replace("IdentifyPerson", '"Identify\r\nPerson"')
    path = tmp_path / "events.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    message, errors = run_failing(path, "--batch-size", "2")
    assert message.startswith(f"{path}: a batch has errors, so nothing from line 4")
    assert errors[0].startswith(f"{path}: line 5, field service")
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_csv_header_error_stores_nothing(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    path.write_text("event_id,time\ne-1,2026-03-02T10:15:30Z\n", "utf-8")
    message, errors = run_failing(path, "--batch-size", "1")
    assert "nothing was stored" in message
    assert errors[0].startswith(f"{path}: line 1: missing columns user_id")


def test_invalid_utf8_after_stored_batches(
    centre_a: Organisation, tmp_path: Path
) -> None:
    good = b"".join(json.dumps(event(number)).encode() + b"\n" for number in range(3))
    bad = json.dumps(event(3)).encode().replace(b"U123456", b"U12\xff456")
    path = tmp_path / "events.jsonl"
    path.write_bytes(good + bad + b"\n")
    message, errors = run_failing(path, "--batch-size", "2")
    offset = len(good) + bad.index(b"\xff")
    assert message.startswith(f"{path}: a batch has errors, so nothing from line 3 on")
    assert errors[0] == (
        f"{path}: line 4 is not valid UTF-8 (byte 0xff at offset {offset}). Save "
        "the file as UTF-8 and ingest it again."
    )
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_json_array_in_batches(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event(number) for number in range(5)]), "utf-8")
    lines, _errors = run(path, "--batch-size", "2")
    assert lines[1] == (
        f"{path}: ingested in 3 batches of at most 2 events, each committed on its own"
    )
    assert len(stored_ids(centre_a)) == 5


def test_json_array_error_names_record(centre_a: Organisation, tmp_path: Path) -> None:
    records = [event(number) for number in range(5)]
    records[4]["action"] = "peek"
    path = tmp_path / "events.json"
    path.write_text(json.dumps(records), "utf-8")
    message, errors = run_failing(path, "--batch-size", "2")
    assert message.startswith(
        f"{path}: a batch has errors, so nothing from record 5 on was stored. The 4 "
        "events before it"
    )
    assert errors[0].startswith(f"{path}: record 5, field action (peek): ")


@pytest.mark.parametrize("value", ["0", "100001", "abc", "-5", "1e3"])
def test_batch_size_out_of_range(
    centre_a: Organisation, tmp_path: Path, value: str
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(1)])
    with pytest.raises(CommandError) as raised:
        call_command(
            "accesslog", "ingest", "--org", "centre-a", "--batch-size", value, str(path)
        )
    assert str(raised.value) == (
        f"Error: argument --batch-size: {value!r} is not a number of events from 1 "
        "to 100000; 1000 suits most files"
    )
    assert stored_ids(centre_a) == []


def test_empty_file_in_batches(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n\n", "utf-8")
    message, _errors = run_failing(path, "--batch-size", "10")
    assert message == (
        f"{path} contains no events, so nothing was stored. Add events to the "
        "file, or check that you gave the right file."
    )


def test_reader_failure_reaches_the_caller(centre_a: Organisation) -> None:
    def batches() -> Iterator[ReceivedRecords]:
        yield [(1, event(1))]
        raise OSError("disk gone")

    stored = ingest_batches(centre_a, batches(), source="test")
    first = next(stored)
    assert first.result.tree_size == 1
    with pytest.raises(ReaderFailed, match="OSError: disk gone"):
        next(stored)
    assert stored_ids(centre_a) == ["e-1"]


def test_report_names_other_senders_between_batches(tmp_path: Path) -> None:
    from vigil.accesslog.file_report import FileTotals

    totals = FileTotals(tmp_path / "f.jsonl", "line")
    totals.add(IngestResult([(1, "a", 10), (2, "b", 11)], [], 12, None))
    totals.add(IngestResult([(3, "c", 15)], [(4, "a", 10)], 16, None))
    assert totals.summary() == (
        f"{tmp_path / 'f.jsonl'}: 3 new entries (indices from 10 to 15, between "
        "entries of other senders), 0 already stored, 1 repeated in the file, and "
        "the log has 16 entries"
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "5")])
def test_invalid_utf8_line_counts_carriage_returns(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    good = b"".join(json.dumps(event(number)).encode() + b"\r" for number in range(2))
    path = tmp_path / "events.jsonl"
    path.write_bytes(good + b'{"event_id": "e-\xff"}\r')
    message, _errors = run_failing(path, *options)
    assert message == (
        f"{path}: line 3 is not valid UTF-8 (byte 0xff at offset {len(good) + 16}). "
        "Save the file as UTF-8 and ingest it again. Nothing was stored."
    )


def test_reader_dies_with_its_parent(centre_a: Organisation) -> None:
    ensure_log_keys(centre_a)
    read_end, write_end = os.pipe()

    def batches() -> Iterator[ReceivedRecords]:
        os.write(write_end, str(os.getpid()).encode())
        time.sleep(30)
        yield []

    parent = os.fork()
    if parent == 0:
        # The parent waits for the reader's first batch until it is killed.
        with contextlib.suppress(BaseException):
            next(ingest_batches(centre_a, batches(), source="test"))
        os._exit(0)
    reader = int(os.read(read_end, 20))
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    try:
        assert _exits_within(reader, seconds=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(reader, signal.SIGKILL)


def _exits_within(pid: int, *, seconds: float) -> bool:
    """Wait for process ``pid`` to exit; a zombie, left to init, has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_quoted_crlf_shown_as_in_the_file(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    values = [str(value) for value in event(1).values()]
    values[1] = '"2026-03-02T10:15:30.250\r\n+01:00"'
    path = tmp_path / "events.csv"
    path.write_bytes((",".join(event(1)) + "\r\n" + ",".join(values) + "\r\n").encode())
    _message, errors = run_failing(path, *options)
    assert errors[0].startswith(
        f"{path}: line 2, field time (2026-03-02T10:15:30.250\\u000d\\u000a+01:00): "
    )


@pytest.mark.parametrize("options", [(), ("--batch-size", "2")])
def test_json_array_syntax_error_line_with_carriage_returns(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "events.json"
    text = "[\r" + ",\r".join(json.dumps(event(number)) for number in range(3))
    path.write_bytes((text + "\r}").encode())
    _message, errors = run_failing(path, *options)
    assert errors == [
        f"{path}: record 3: invalid JSON at line 5, column 1: a comma or ] is expected"
    ]


def interrupt_batch(
    monkeypatch: pytest.MonkeyPatch, number: int, *, after_commit: bool = False
) -> None:
    """Make the ``number``-th append raise KeyboardInterrupt, as Ctrl-C would.

    The interruption comes before the batch's transaction, or with
    ``after_commit`` just after its commit, before the append returns.
    """
    from vigil.accesslog import batched_ingest, ingestion

    calls = []
    append = ingestion.append_prepared

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) != number:
            return append(*args, **kwargs)
        if after_commit:
            append(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(batched_ingest, "append_prepared", interrupted)


def test_interrupt_says_what_was_stored(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(6)])
    interrupt_batch(monkeypatch, 2)
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, so nothing from line 3 on was stored. The 2 events "
        "before it were stored. Ingest the file again to store the rest: events "
        "already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    ]
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_interrupt_before_first_batch(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(3)])
    interrupt_batch(monkeypatch, 1)
    message, _errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted before the first batch, so nothing was stored."
    )
    assert stored_ids(centre_a) == []


def test_interrupt_after_commit_counts_batch(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(6)])
    interrupt_batch(monkeypatch, 2, after_commit=True)
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, so nothing from line 5 on was stored. The 4 events "
        "before it were stored. Ingest the file again to store the rest: events "
        "already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries",
        f"{path}: the batch from line 3 to line 4 was stored just before the "
        "interruption, with 2 new entries, and the log has 4 entries",
    ]
    assert stored_ids(centre_a) == ["e-0", "e-1", "e-2", "e-3"]


def test_interrupt_after_first_commit(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_range(centre_a, 1, 2)
    events = [event(number) for number in range(1, 5)]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events), "utf-8")
    interrupt_batch(monkeypatch, 1, after_commit=True)
    message, errors = run_failing(path, "--batch-size", "3")
    assert message == (
        f"{path}: interrupted, so nothing from record 4 on was stored. The 3 events "
        "before it were stored. Ingest the file again to store the rest: events "
        "already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: the batch from record 1 to record 3 was stored just before the "
        "interruption, with 2 new entries, and the log has 3 entries",
    ]
    assert stored_ids(centre_a) == ["e-1", "e-2", "e-3"]


def test_interrupt_after_counting_batch(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest
    from vigil.accesslog.stored_batches import latest_audit_id

    calls = []

    def interrupt_second_mark() -> int:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return latest_audit_id()

    # The second batch is about to start, so the first is counted already,
    # and its audit entry is still newer than the last audit mark taken.
    monkeypatch.setattr(file_ingest, "latest_audit_id", interrupt_second_mark)
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(4)])
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, so nothing from line 3 on was stored. The 2 events "
        "before it were stored. Ingest the file again to store the rest: events "
        "already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    ]
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_interrupt_while_counting_batch(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog.file_report import FileTotals

    add = FileTotals.add

    def add_then_interrupt(self: FileTotals, result: IngestResult) -> None:
        add(self, result)
        raise KeyboardInterrupt

    # The first batch is counted, but its last line is not recorded yet.
    monkeypatch.setattr(FileTotals, "add", add_then_interrupt)
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(4)])
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, so nothing from line 3 on was stored. The 2 events "
        "before it were stored. Ingest the file again to store the rest: events "
        "already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    ]
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_ctrl_c_while_counting_waits(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog.file_report import FileTotals

    add = FileTotals.add

    def signal_then_add(self: FileTotals, result: IngestResult) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        add(self, result)

    # Ctrl-C comes as the first batch is counted, which then ends first.
    monkeypatch.setattr(FileTotals, "add", signal_then_add)
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(4)])
    message, errors = run_failing(path, "--batch-size", "2")
    assert message.startswith(f"{path}: interrupted, so nothing from line 3 on")
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    ]
    assert stored_ids(centre_a) == ["e-0", "e-1"]


def test_interrupt_check_failure_in_batches(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest

    def fail(*args: object) -> None:
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(file_ingest, "stored_since", fail)
    interrupt_batch(monkeypatch, 2, after_commit=True)
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(6)])
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, and whether the batch from line 3 on was stored "
        "could not be checked (server closed the connection unexpectedly). The 2 "
        "events before it were stored. Ingest the file again to store the rest: "
        "events already stored are reported as such, not stored twice."
    )
    assert errors == [
        f"{path}: 2 new entries (indices 0 to 1), 0 already stored, 0 repeated in "
        "the file, and the log has 2 entries"
    ]


def test_interrupt_check_failure_first_batch(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accesslog import file_ingest

    def fail(*args: object) -> None:
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(file_ingest, "stored_since", fail)
    interrupt_batch(monkeypatch, 1, after_commit=True)
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(4)])
    message, errors = run_failing(path, "--batch-size", "2")
    assert message == (
        f"{path}: interrupted, and whether the batch from line 1 on was stored "
        "could not be checked (server closed the connection unexpectedly). Ingest "
        "the file again: events already stored are reported as such, not stored "
        "twice."
    )
    assert errors == []


def test_interrupt_after_commit_translated(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = jsonl(tmp_path / "events.jsonl", [event(number) for number in range(4)])
    interrupt_batch(monkeypatch, 2, after_commit=True)
    with translation.override("nl"):
        _message, errors = run_failing(path, "--batch-size", "2")
    assert errors[-1] == (
        f"{path}: de batch van regel 3 tot en met regel 4 is net vóór de onderbreking "
        "opgeslagen, met 2 nieuwe logregels, en de log telt 4 logregels"
    )
