"""Reading the output of restic and borg into rows of backup runs and checks.

Each parser returns rows of wire values keyed by the register's field names
with the line to report errors on: for a JSON array the element's index + 1,
for JSON lines or text the line of the file. A file it cannot read raises
:class:`TableError` naming the line and what is wrong. The register's form
then validates every row, so one bad row rejects the whole file.

Supported: ``restic snapshots --json`` and ``restic check`` (text, or JSON
lines with ``--json``) of restic 0.14 to 0.17, and ``borg list --json`` and
``borg info --json`` of borg 1.2 and 1.4. Borg prints times without a time
zone; they are read as Europe/Brussels wall-clock time.
"""

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.isodate import InvalidDateTimeError, make_local
from vigil.registers.spec import Rows
from vigil.registers.tabular import TableError

BRUSSELS = ZoneInfo("Europe/Brussels")
MAX_BYTES = 20_000_000
KINDS = ("incremental", "full", "environment", "weekly", "monthly")
# restic prints up to nine fractional digits; Python reads six.
_FRACTION = re.compile(r"(\.\d{6})\d+")
_RESTIC_REPOSITORY = re.compile(r"^repository (\w+) opened")


def parse_restic_snapshots(content: bytes) -> Rows:
    """Read ``restic snapshots --json``: one backup run per snapshot."""
    snapshots = _json_array(content, "restic snapshots --json")
    rows: Rows = []
    for line, snapshot in enumerate(snapshots, start=1):
        item = _object(snapshot, line, "snapshot")
        started = _aware_time(_text(item, "time", line), line, naive_zone=None)
        labels = _labels(_strings(item.get("tags")))
        summary = item.get("summary")
        size = ""
        if isinstance(summary, Mapping):
            size = str(summary.get("total_bytes_processed", ""))
        paths = ", ".join(_strings(item.get("paths")))
        notes = (
            f"restic snapshot {item.get('short_id', '')} of {item.get('hostname', '')}"
        )
        rows.append(
            (
                line,
                {
                    "started_at": started,
                    "scope": labels.get("scope", "data"),
                    "kind": labels.get("kind", "full"),
                    "medium": labels.get("medium", ""),
                    "result": "success",
                    "size": size,
                    "tool": "restic",
                    "reference": _text(item, "id", line),
                    "notes": f"{notes}: {paths}".strip(),
                },
            )
        )
    return rows


def parse_borg_list(content: bytes) -> Rows:
    """Read ``borg list --json``: one backup run per archive, without a size."""
    return _borg_rows(content, "borg list --json")


def parse_borg_info(content: bytes) -> Rows:
    """Read ``borg info --json``: one backup run per archive, with its size."""
    return _borg_rows(content, "borg info --json")


def parse_restic_check(content: bytes) -> Rows:
    """Read the output of ``restic check``, as text or as JSON lines.

    A check whose output shows that it read all stored data (``--read-data``)
    is a full data check; any other is a structure check. JSON output does
    not say whether the data was read, so it is recorded as a structure
    check. The output contains no date, so the check is dated on the day of
    the import.
    """
    text = _decode(content)
    repository = ""
    read_data = False
    result: tuple[int, str, str] | None = None
    messages: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("{"):
            result = _check_json_line(line, number, messages) or result
            continue
        found = _RESTIC_REPOSITORY.match(line)
        if found:
            repository = f"restic {found.group(1)}"
        if line.startswith("read all data") or line.startswith("read group"):
            read_data = read_data or line.startswith("read all data")
        if line == "no errors were found":
            result = (number, "success", "")
        elif line.startswith("Fatal:"):
            result = (number, "failed", line)
        elif line.startswith("error") or "error for tree" in line:
            messages.append(line)
    if result is None:
        raise TableError(
            _(
                "the output ends before restic printed its result (the line “no "
                "errors were found” or a line that starts with “Fatal”); import "
                "the whole output of restic check"
            )
        )
    number, outcome, message = result
    notes = "\n".join([*messages, message] if message else messages)
    row = {
        "date": datetime.datetime.now(BRUSSELS).date().isoformat(),
        "repository": repository,
        "kind": "full_data" if read_data else "structure",
        "result": outcome,
        "tool": "restic",
        "notes": notes,
    }
    return [(number, row)]


def _check_json_line(
    line: str, number: int, messages: list[str]
) -> tuple[int, str, str] | None:
    # NOTE: the message fields (message_type "summary" with num_errors, and
    # "error" with message) are read as restic 0.17 prints them; the test
    # samples were written by hand, not captured from a restic binary.
    try:
        message = json.loads(line)
    except json.JSONDecodeError as error:
        raise TableError(
            _("line %(line)d: not valid JSON (%(reason)s)")
            % {"line": number, "reason": error.msg}
        ) from None
    item = _object(message, number, "message")
    kind = item.get("message_type")
    if kind == "error":
        messages.append(str(item.get("message") or item.get("error") or item))
        return None
    if kind != "summary":
        return None
    errors = item.get("num_errors")
    if not isinstance(errors, int):
        raise TableError(
            _(
                "line %(line)d: the summary has no whole number num_errors; "
                "import the output of restic check --json unchanged"
            )
            % {"line": number}
        )
    if errors == 0:
        return (number, "success", "")
    return (number, "failed", f"restic check found {errors} error(s)")


def _borg_rows(content: bytes, command: str) -> Rows:
    document = _json_document(content, command)
    if not isinstance(document, Mapping) or not isinstance(
        document.get("archives"), list
    ):
        raise TableError(
            _(
                "line %(line)d: the file is not the output of %(command)s, "
                "because it has no list of archives"
            )
            % {"line": 1, "command": command}
        )
    repository = document.get("repository")
    location = ""
    if isinstance(repository, Mapping):
        location = str(repository.get("location", ""))
    rows: Rows = []
    for line, archive in enumerate(document["archives"], start=1):
        item = _object(archive, line, "archive")
        name = _text(item, "name", line)
        started = _aware_time(
            str(item.get("start") or item.get("time") or ""), line, naive_zone=BRUSSELS
        )
        words = [*re.split(r"[-_.\s]+", name), *str(item.get("comment", "")).split()]
        labels = _labels(words)
        stats = item.get("stats")
        size = ""
        if isinstance(stats, Mapping):
            size = str(stats.get("original_size", ""))
        notes = f"borg archive {name}"
        if location:
            notes += f" in {location}"
        rows.append(
            (
                line,
                {
                    "started_at": started,
                    "scope": labels.get("scope", "data"),
                    "kind": labels.get("kind", "full"),
                    "medium": labels.get("medium", ""),
                    "result": "success",
                    "size": size,
                    "tool": "borg",
                    "reference": str(item.get("id", "")),
                    "notes": notes,
                },
            )
        )
    return rows


def _labels(words: Iterable[str]) -> dict[str, str]:
    """Read ``kind=``, ``medium=`` and ``scope=`` (or ``:``) and bare kind words."""
    labels: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            key, sep, value = word.partition(":")
        key = key.strip().lower()
        if sep and key in ("kind", "medium", "scope"):
            labels[key] = value.strip()
        elif not sep and key in KINDS:
            labels.setdefault("kind", key)
    return labels


def _decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise TableError(
            _("the file is larger than %(limit)d bytes; split it")
            % {"limit": MAX_BYTES}
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            _(
                "the file is not UTF-8 text (byte %(byte)d); save the command's "
                "output unchanged"
            )
            % {"byte": error.start}
        ) from None


def _json_document(content: bytes, command: str) -> Any:
    try:
        return json.loads(_decode(content))
    except json.JSONDecodeError as error:
        raise TableError(
            _(
                "line %(line)d: not valid JSON (%(reason)s); import the output "
                "of %(command)s unchanged"
            )
            % {"line": error.lineno, "reason": error.msg, "command": command}
        ) from None


def _json_array(content: bytes, command: str) -> list[Any]:
    document = _json_document(content, command)
    if not isinstance(document, list):
        raise TableError(
            _(
                "line %(line)d: the output of %(command)s is a JSON array, but "
                "this file is not one"
            )
            % {"line": 1, "command": command}
        )
    return document


# The error of an item that is not a JSON object, by the item's kind. One
# message per kind, because the article before the noun depends on it.
_NOT_AN_OBJECT = {
    "archive": gettext_lazy("line %(line)d: the archive is not a JSON object"),
    "message": gettext_lazy("line %(line)d: the message is not a JSON object"),
    "snapshot": gettext_lazy("line %(line)d: the snapshot is not a JSON object"),
}


def _object(value: Any, line: int, noun: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TableError(str(_NOT_AN_OBJECT[noun]) % {"line": line})
    return value


def _text(item: Mapping[str, Any], key: str, line: int) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise TableError(
            _("line %(line)d: “%(key)s” is missing; it must be a text value")
            % {"line": line, "key": key}
        )
    return value


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item) for item in value]


def _aware_time(text: str, line: int, *, naive_zone: ZoneInfo | None) -> str:
    """Return ``text`` as ISO 8601 with an offset; a naive time is in ``naive_zone``."""
    cleaned = _FRACTION.sub(r"\1", text.strip())
    try:
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        raise TableError(
            _("line %(line)d: the time “%(value)s” is not an ISO 8601 date and time")
            % {"line": line, "value": text}
        ) from None
    if moment.tzinfo is None:
        if naive_zone is None:
            raise TableError(
                _(
                    "line %(line)d: the time “%(value)s” has no time zone; "
                    "restic writes one"
                )
                % {"line": line, "value": text}
            )
        moment = _borg_local_time(text, line, moment, naive_zone)
    return moment.isoformat()


def _borg_local_time(
    text: str, line: int, moment: datetime.datetime, zone: ZoneInfo
) -> datetime.datetime:
    """Make a local time of borg's output aware in ``zone``.

    When the clocks go back, borg writes the times of the repeated hour
    without saying which reading it means, and its output cannot be
    corrected, so such a time gets the first reading, at most an hour early.
    A time that the change to summer time skips cannot come from a machine
    in ``zone``, so it is rejected.
    """
    try:
        return make_local(moment, zone, text=text)
    except InvalidDateTimeError as error:
        if error.code == "ambiguous":
            return moment.replace(tzinfo=zone, fold=0)
        raise TableError(
            _("line %(line)d: %(reason)s") % {"line": line, "reason": error}
        ) from None
