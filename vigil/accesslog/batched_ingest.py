"""Ingestion of a long series of batches, read and prepared in a second process.

``ingest_batches`` takes an iterator of batches, such as the batches of a
large file that ``vigil accesslog ingest --batch-size`` reads, and appends
them one by one. Each is a batch of its own, as for ``ingest_events``: all
of it or none of it, in its own durable transaction. At the first batch with
an error, reading stops and the batches before it stay stored.

A forked child process reads each batch, validates it and computes its
pseudonyms and leaf bytes (``prepare_events``), about a third of the work
of a batch, while this process appends the batch before it and waits for
its commit. On two cores the two parts overlap (docs/benchmarks.md). At
most ``QUEUED_BATCHES`` prepared batches wait between the two, so memory
stays flat however long the series is.

The child inherits the settings, the active language, the iterator and the
organisation's log keys. It never uses a database connection: the ones it
inherits belong to this process.
"""

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.process import BaseProcess
from typing import Any, NamedTuple

from vigil.accesslog.error_tally import ErrorTally
from vigil.accesslog.events import (
    AccessEvent,
    EventError,
    ParseError,
    PositionUnit,
    ReceivedRecords,
)
from vigil.accesslog.formats import InvalidText
from vigil.accesslog.ingestion import (
    BatchRejected,
    IngestResult,
    PreparedEvent,
    append_prepared,
    prepare_events,
    validate_batch,
    with_repeat_errors,
)
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import LogKeys
from vigil.accesslog.national_numbers import NumberOrigin
from vigil.organisations.models import Organisation

QUEUED_BATCHES = 2
# tuple.__new__ builds a named tuple in C, faster than its generated __new__.
_new_tuple = tuple.__new__
# Seconds between checks that the child is still alive while waiting for it.
POLL_SECONDS = 1.0
# The prctl(2) option that has the kernel signal a process when its parent dies.
PR_SET_PDEATHSIG = 1


class BatchStored(NamedTuple):
    """A batch appended and committed, and the lines or positions it spans."""

    first_line: int
    last_line: int
    result: IngestResult


class _Prepared(NamedTuple):
    first_line: int
    last_line: int
    # PreparedEvent named tuples, sent as plain tuples.
    events: list[Any]


class _Invalid(NamedTuple):
    tally: ErrorTally[EventError]
    valid: list[tuple[int, AccessEvent]]


class _Unreadable(NamedTuple):
    tally: ErrorTally[str]
    records: ReceivedRecords | None
    skipped_fields: frozenset[str]


class _NotText(NamedTuple):
    line: int
    byte: int
    offset: int


class _Failed(NamedTuple):
    traceback: str


class _Finished(NamedTuple):
    pass


class ReaderFailed(RuntimeError):
    """The child process failed, or stopped without saying why."""


def ingest_batches(
    organisation: Organisation,
    batches: Iterator[ReceivedRecords],
    *,
    source: str,
    unit: PositionUnit = "line",
    origin: NumberOrigin = "file",
    actor: Any = None,
    before_append: Callable[[int, int], None] | None = None,
) -> Iterator[BatchStored]:
    """Append the batches of ``batches`` in order, yielding each once committed.

    ``before_append``, if given, is called with the first and last line (or
    record) of each batch just before its transaction starts.

    Raises, at the first batch with an error, what ``ingest_events`` or the
    reader would raise for it: BatchRejected for invalid records, ParseError
    for a batch that cannot be read, InvalidText for text that is not UTF-8.
    Raises ReaderFailed if the child process fails otherwise. The batches
    yielded before stay stored.
    """
    keys = ensure_log_keys(organisation, actor=actor)
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=QUEUED_BATCHES)
    child = context.Process(
        target=_read_and_prepare,
        args=(organisation, keys, batches, origin, channel, os.getpid()),
        daemon=True,
    )
    child.start()
    try:
        while True:
            message = _receive(channel, child)
            if isinstance(message, _Finished):
                return
            batch = _batch_of(organisation, message, unit)
            if before_append is not None:
                before_append(batch.first_line, batch.last_line)
            result = append_prepared(
                organisation, batch.events, source=source, actor=actor, unit=unit
            )
            yield BatchStored(batch.first_line, batch.last_line, result)
    finally:
        _stop(child, channel)


def _batch_of(
    organisation: Organisation, message: object, unit: PositionUnit
) -> _Prepared:
    """Return the prepared batch of a message, or raise the error it reports."""
    if isinstance(message, _Prepared):
        events = [_new_tuple(PreparedEvent, event) for event in message.events]
        return message._replace(events=events)
    if isinstance(message, _Invalid):
        rejected = BatchRejected(message.tally, message.valid)
        raise with_repeat_errors(organisation, rejected, unit)
    if isinstance(message, _Unreadable):
        raise ParseError(
            message.tally,
            records=message.records,
            skipped_fields=message.skipped_fields,
        )
    if isinstance(message, _NotText):
        raise InvalidText(message.line, message.byte, message.offset)
    if isinstance(message, _Failed):
        raise ReaderFailed(message.traceback)
    raise ReaderFailed(f"unexpected message {type(message).__name__}")


def _receive(channel: Any, child: BaseProcess) -> object:
    """Wait for the child's next message, or raise ReaderFailed if it died."""
    while True:
        try:
            return channel.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not child.is_alive():
                raise ReaderFailed(
                    f"the reading process stopped with exit code {child.exitcode} "
                    "without a message"
                ) from None


def _stop(child: BaseProcess, channel: Any) -> None:
    if child.is_alive():
        child.terminate()
    child.join()
    channel.close()
    # The child wrote the queue; nothing waits for this side's buffer.
    channel.cancel_join_thread()


def _read_and_prepare(
    organisation: Organisation,
    keys: LogKeys,
    batches: Iterator[ReceivedRecords],
    origin: NumberOrigin,
    channel: Any,
    parent: int,
) -> None:
    """Validate and prepare each batch in the child, and send it to the parent."""
    _exit_with_parent(parent)
    # Reference counting frees the child's objects, and any cycles die with
    # the child. A collection would write to every object that it inherited,
    # and so copy their pages from the parent.
    gc.disable()
    try:
        channel.put(_prepared_batches(organisation, keys, batches, origin, channel))
    except BaseException:
        channel.put(_Failed(traceback.format_exc()))
    channel.close()
    channel.join_thread()


def _exit_with_parent(parent: int) -> None:
    """Have the kernel kill this child when the process ``parent`` dies.

    A parent killed by SIGTERM or SIGKILL runs no cleanup, and its child
    would then wait forever to send its next batch.
    """
    # NOTE: prctl(2) is Linux only, so elsewhere the child outlives such a
    # parent.
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # The parent may have died before the call above.
    if os.getppid() != parent:
        os._exit(1)


def _prepared_batches(
    organisation: Organisation,
    keys: LogKeys,
    batches: Iterator[ReceivedRecords],
    origin: NumberOrigin,
    channel: Any,
) -> object:
    """Send a message per valid batch; return the last message to send."""
    try:
        for records in batches:
            if not records:
                continue
            try:
                events = validate_batch(records, origin=origin)
            except BatchRejected as rejected:
                return _Invalid(rejected.tally, rejected.valid)
            prepared = prepare_events(organisation, events, keys)
            # Plain tuples pickle in a quarter of the time of named tuples.
            plain = [tuple(event) for event in prepared]
            channel.put(_Prepared(records[0][0], records[-1][0], plain))
    except ParseError as error:
        return _Unreadable(error.tally, error.records, error.skipped_fields)
    except InvalidText as error:
        return _NotText(error.line, error.byte, error.offset)
    return _Finished()
