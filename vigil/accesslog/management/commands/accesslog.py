"""``vigil accesslog``: ingest, verify, prove, expire and export the access log.

Each subcommand has ``--help``. Commands that change the log act as the
system (no user) in the audit trail.
"""

import argparse
import datetime
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from vigil.accesslog import identities, untraced
from vigil.accesslog.bundle import export_bundle, export_period
from vigil.accesslog.checkpoints import ensure_checkpoint, verifier_key
from vigil.accesslog.detection.cli import add_detect_command, handle_detect
from vigil.accesslog.file_ingest import (
    FORMATS,
    MAX_FILE_BATCH_SIZE,
    FileRejected,
    ingest_file,
    read_error_message,
)
from vigil.accesslog.leaves import LogDamaged
from vigil.accesslog.models import IdentityPeriod
from vigil.accesslog.proofs import (
    ProofUnavailable,
    consistency_proof_for,
    proof_document,
)
from vigil.accesslog.retention import (
    ExpiryResult,
    checkpoint_wait_line,
    due_for_expiry,
    expire_entries,
)
from vigil.accesslog.syslog_cli import add_syslog_options, run_syslog
from vigil.accesslog.verification import VerificationResult, verify_log
from vigil.accesslog.verification_keys import KeyOfAnotherLog
from vigil.commands import USAGE_ERROR_STATUS
from vigil.commands import Command as VigilCommand
from vigil.integers import ascii_integer
from vigil.isodate import add_day_range_options, date_argument, datetime_argument
from vigil.ledger import InvalidKeyError
from vigil.ledger.note import kept_note_text, looks_like_verifier_key
from vigil.ledger.terminal import escape_control_characters
from vigil.organisations.management.commands.org import format_validation_error
from vigil.organisations.models import Organisation

# Characters of a malformed --key value that an error message shows.
MAX_SHOWN_KEY = 60

# Every UTC offset in use today is a whole number of quarter hours. One that
# is not, such as the local mean time +00:17:30 that zoneinfo gives for
# Europe/Brussels before May 1892, reads like a wrong offset.
QUARTER_HOUR = datetime.timedelta(minutes=15)

# The options of ``identity add`` and ``identity end`` by the identity
# period's fields, which the register's errors name.
IDENTITY_OPTIONS = {
    "user_id": "--user-id",
    "person_name": "--person",
    "valid_from": "--from",
    "valid_until": "--until",
}


class Command(VigilCommand):
    help = gettext_noop(
        "Ingest, verify, prove, expire and export the tamper-evident access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Django reads ``help`` when it creates the parser, so the translation
        # replaces the English text here, in the language that vigil.cli set.
        parser.description = _(self.help)
        commands = parser.add_subparsers(
            dest="command", required=True, metavar="COMMAND"
        )
        _add_ingest(commands)

        verify = add_org_command(
            commands, "verify", _("Recompute the whole log and its checkpoints.")
        )
        verify.add_argument(
            "--key",
            help=_(
                "Check the checkpoints against this verifier key instead of the "
                "stored one."
            ),
        )
        add_org_command(
            commands,
            "checkpoint",
            _(
                "Print the latest signed checkpoint, signing one first if entries "
                "are not covered yet."
            ),
        )
        add_org_command(
            commands,
            "public-key",
            _("Print the verifier key of the log's checkpoints."),
        )

        _add_prove(commands)
        _add_consistency(commands)
        _add_identity(commands)
        _add_untraced(commands)
        expire = add_org_command(
            commands,
            "expire",
            _(
                "Empty the content of entries older than "
                "VIGIL_ACCESSLOG_RETENTION_DAYS."
            ),
        )
        expire.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print which entries are due to be emptied, and change nothing."),
        )
        _add_export(commands)
        add_detect_command(commands)
        add_syslog_options(
            add_org_command(
                commands,
                "syslog",
                _(
                    "Receive access events as RFC 5424 syslog over TCP or TLS and "
                    "ingest each message as a batch of one."
                ),
            )
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "detect":
            handle_detect(self, options)
            return
        organisation = _organisation(options["org"])
        handler = getattr(self, "_" + options["command"].replace("-", "_"))
        handler(organisation, options)

    def _ingest(self, organisation: Organisation, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            report = ingest_file(
                organisation, path, options["format"], options["batch_size"]
            )
        except FileRejected as rejected:
            for line in rejected.details:
                self.stderr.write(line)
            raise CommandError(rejected.summary) from None
        for line in report:
            self.stdout.write(line)

    def _syslog(self, organisation: Organisation, options: dict[str, Any]) -> None:
        run_syslog(self, organisation, options)

    def _verify(self, organisation: Organisation, options: dict[str, Any]) -> None:
        try:
            result = verify_log(organisation, verifier_key=options["key"])
        except InvalidKeyError as error:
            raise CommandError(
                _malformed_key_message(options["key"], error, organisation),
                returncode=USAGE_ERROR_STATUS,
            ) from None
        except KeyOfAnotherLog as error:
            raise CommandError(
                _key_of_another_log_message(error, organisation),
                returncode=USAGE_ERROR_STATUS,
            ) from None
        if not result.ok:
            raise CommandError(_failure_line(result))
        self.stdout.write(
            _("verification OK: %(counts)s") % {"counts": result.reason_text()}
        )

    def _checkpoint(self, organisation: Organisation, options: dict[str, Any]) -> None:
        self.stdout.write(ensure_checkpoint(organisation, actor=None).note, ending="")

    def _public_key(self, organisation: Organisation, options: dict[str, Any]) -> None:
        self.stdout.write(verifier_key(organisation))

    def _prove(self, organisation: Organisation, options: dict[str, Any]) -> None:
        try:
            document = proof_document(organisation, options["index"], options["size"])
        except ProofUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(document, indent=2))

    def _consistency(self, organisation: Organisation, options: dict[str, Any]) -> None:
        try:
            document = consistency_proof_for(
                organisation, options["old"], options["new"]
            )
        except ProofUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(document, indent=2))

    def _identity(self, organisation: Organisation, options: dict[str, Any]) -> None:
        action = options["identity_command"]
        try:
            if action == "add":
                period = identities.add_identity_period(
                    organisation,
                    options["user_id"],
                    options["person"],
                    options["valid_from"],
                    options["valid_until"],
                    actor=None,
                    person_reference=options["reference"],
                    note=options["note"],
                )
                self.stdout.write(
                    _("added period %(id)s: %(period)s")
                    % {"id": period.pk, "period": _period_line(period)}
                )
            elif action == "end":
                period = _period(organisation, options["id"])
                period = identities.end_identity_period(
                    period, options["valid_until"], actor=None
                )
                self.stdout.write(
                    _("ended period %(id)s: %(period)s")
                    % {"id": period.pk, "period": _period_line(period)}
                )
            else:
                columns = [
                    _("id"),
                    _("user id"),
                    _("valid from"),
                    _("valid until"),
                    _("natural person"),
                ]
                self.stdout.write("\t".join(columns))
                for period in identities.identity_periods(
                    organisation, options["user_id"]
                ):
                    self.stdout.write(f"{period.pk}\t{_period_line(period)}")
        except identities.PeriodOverlapError as error:
            raise CommandError(_overlap_message(error, organisation)) from None
        except ValidationError as error:
            message = format_validation_error(error, IDENTITY_OPTIONS)
            raise CommandError(message) from None

    def _untraced(self, organisation: Organisation, options: dict[str, Any]) -> None:
        since, until = _untraced_period(options["from_date"], options["to_date"])
        report = untraced.untraced_user_ids(organisation, since, until)
        if not report.rows:
            self.stdout.write(
                _(
                    "every entry from %(first)s to %(last)s (days included) is "
                    "traced to a person"
                )
                % _untraced_days(report)
            )
            return
        columns = [_("user id"), _("untraced entries"), _("first time"), _("last time")]
        self.stdout.write("\t".join(columns))
        for row in report.rows:
            self.stdout.write(
                f"{row.user_id}\t{row.entries}\t{_local_time(row.first)}\t"
                f"{_local_time(row.last)}"
            )
        if report.more_user_ids:
            self.stdout.write(
                ngettext(
                    "%(count)d more user id with %(entries)d untraced entries is "
                    "not shown",
                    "%(count)d more user ids with %(entries)d untraced entries are "
                    "not shown",
                    report.more_user_ids,
                )
                % {"count": report.more_user_ids, "entries": report.more_entries}
            )

    def _expire(self, organisation: Organisation, options: dict[str, Any]) -> None:
        if options["dry_run"]:
            due = due_for_expiry(organisation)
            self.stdout.write(_dry_run_line(due))
            self._write_checkpoint_wait(organisation, due)
            return
        try:
            result = expire_entries(organisation, actor=None)
        except LogDamaged as damaged:
            raise CommandError(
                _("nothing was emptied: %(reason)s") % {"reason": damaged}
            ) from None
        self.stdout.write(
            _(
                "entries emptied: %(count)d (entries before %(cutoff)s expire), "
                "and entries from index %(index)d on keep their content"
            )
            % {
                "count": result.expired,
                "cutoff": _local_cutoff(result.cutoff),
                "index": result.end,
            }
        )
        self._write_checkpoint_wait(organisation, result)

    def _write_checkpoint_wait(
        self, organisation: Organisation, due: ExpiryResult
    ) -> None:
        line = checkpoint_wait_line(organisation, due)
        if line is not None:
            self.stdout.write(line)

    def _export(self, organisation: Organisation, options: dict[str, Any]) -> None:
        start, end = export_period(options["from_date"], options["to_date"])
        if end <= start:
            raise CommandError(
                _(
                    "--to %(last)s is before --from %(first)s. Give a last day on "
                    "or after the first day"
                )
                % {"last": options["to_date"], "first": options["from_date"]}
            )
        previous = _read_optional(options["previous"])
        if previous is not None:
            previous = kept_note_text(previous)
        if previous is not None and looks_like_verifier_key(previous):
            raise CommandError(
                _(
                    "%(path)s contains a verifier key, not a checkpoint. Give the "
                    "checkpoint note that the auditor kept of this log, as 'vigil "
                    "accesslog checkpoint --org %(org)s' printed it"
                )
                % {"path": options["previous"], "org": organisation.slug}
            )
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(_write_error_message(output, IsADirectoryError()))
        # The bundle goes to a temporary file next to the output, which takes
        # its name only when complete, so a failed export leaves no partial
        # bundle and keeps an earlier file of that name.
        try:
            descriptor, name = tempfile.mkstemp(
                dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
            )
        except OSError as error:
            raise CommandError(_write_error_message(output, error)) from None
        partial = Path(name)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                summary = export_bundle(
                    organisation, start, end, stream, actor=None, previous_note=previous
                )
            partial.replace(output)
        except ValueError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            # NOTE: a write that fails here, for example on a full disk, comes
            # after the audit trail recorded the export.
            raise CommandError(_write_error_message(output, error)) from None
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            ngettext(
                "%(path)s: %(entries)d entry (%(expired)d expired), with its "
                "inclusion proof to the signed checkpoint of size %(size)d",
                "%(path)s: %(entries)d entries (%(expired)d of them expired), each "
                "with its inclusion proof to the signed checkpoint of size %(size)d",
                summary.entries,
            )
            % {
                "path": output,
                "entries": summary.entries,
                "expired": summary.expired,
                "size": summary.tree_size,
            }
        )
        if summary.previous_size is not None:
            self.stdout.write(
                _(
                    "%(path)s: with the consistency proof from the previous "
                    "checkpoint of size %(previous)d to size %(size)d"
                )
                % {
                    "path": output,
                    "previous": summary.previous_size,
                    "size": summary.tree_size,
                }
            )


def _local_time(moment: datetime.datetime) -> str:
    """Return a time in the server's time zone with its offset, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _local_cutoff(cutoff: datetime.datetime) -> str:
    """Return expiry's cut-off in the server's time zone, to the millisecond.

    Expiry compares entry times with the cut-off in milliseconds, so an
    entry at :40.500 expires under a cut-off of :40.750. A cut-off at a UTC
    offset of no whole quarter hour is returned in UTC with a Z instead.
    """
    local = timezone.localtime(cutoff)
    offset = local.utcoffset()
    if offset is None or not offset % QUARTER_HOUR:
        return local.isoformat(timespec="milliseconds")
    utc = cutoff.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    return utc.removesuffix("+00:00") + "Z"


def _dry_run_line(due: ExpiryResult) -> str:
    values = {"cutoff": _local_cutoff(due.cutoff), "count": due.expired}
    if not due.expired and due.waiting:
        # The line that follows names the due entries after the checkpoint.
        return (
            _(
                "no entries in a signed checkpoint are due to be emptied "
                "(entries before %(cutoff)s expire). Nothing was changed"
            )
            % values
        )
    if not due.expired:
        return (
            _(
                "no entries are due to be emptied (entries before %(cutoff)s "
                "expire). Nothing was changed"
            )
            % values
        )
    return _(
        "entries due to be emptied: %(count)d, entries %(first)d to %(last)d "
        "(entries before %(cutoff)s expire). Nothing was changed: run "
        "without --dry-run to empty them"
    ) % {**values, "first": due.start, "last": due.end - 1}


def add_org_command(commands: Any, name: str, text: str) -> CommandParser:
    """Add subcommand ``name``, with ``text`` as its help, and its --org option."""
    parser: CommandParser = commands.add_parser(name, help=text, description=text)
    parser.add_argument(
        "--org",
        required=True,
        metavar="SLUG",
        help=_("Short name of the organisation."),
    )
    return parser


def _add_ingest(commands: Any) -> None:
    parser = add_org_command(
        commands,
        "ingest",
        _(
            "Ingest a file of access events as one batch: all of it or, if one event "
            "is invalid, none of it. With --batch-size, in batches of that many "
            "events."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE", help=_("JSON lines, JSON array or CSV.")
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        help=_(
            "File format (default: from the extension .jsonl, .ndjson, .json, .csv)."
        ),
    )
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        metavar="N",
        help=_(
            "Store the file in batches of N events, each all or nothing and "
            "committed on its own, for files too large for one batch. At the first "
            "batch with an error, the batches before it stay stored. Default: the "
            "whole file as one batch."
        ),
    )


def _add_prove(commands: Any) -> None:
    parser = add_org_command(
        commands,
        "prove",
        _("Print the proof document of an entry as JSON, to check with vigil-verify."),
    )
    parser.add_argument(
        "--index", type=int, required=True, help=_("Index of the entry.")
    )
    parser.add_argument(
        "--size",
        type=int,
        help=_("Tree size of a signed checkpoint (default: the latest checkpoint's)."),
    )


def _add_consistency(commands: Any) -> None:
    parser = add_org_command(
        commands,
        "consistency",
        _(
            "Print the proof that the tree of the old size is a prefix of the new one "
            "as JSON, to check with vigil-verify."
        ),
    )
    parser.add_argument("--old", type=int, required=True, help=_("Old tree size."))
    parser.add_argument(
        "--new",
        type=int,
        help=_(
            "New tree size, that of a signed checkpoint (default: the latest "
            "checkpoint's)."
        ),
    )


def _add_identity(commands: Any) -> None:
    text = _("Keep the register of who held which user id when.")
    parser = commands.add_parser("identity", help=text, description=text)
    actions = parser.add_subparsers(
        dest="identity_command", required=True, metavar="ACTION"
    )
    add = add_org_command(
        actions, "add", _("Add a period in which a person held a user id.")
    )
    add.add_argument("--user-id", required=True, help=_("USERID or program number."))
    add.add_argument("--person", required=True, help=_("Name of the natural person."))
    add.add_argument(
        "--from",
        dest="valid_from",
        required=True,
        type=datetime_argument,
        help=_(
            "Start, YYYY-MM-DD or YYYY-MM-DDTHH:MM in %(zone)s time, or with a UTC "
            "offset, e.g. 2026-01-05T08:00+01:00."
        )
        % {"zone": settings.TIME_ZONE},
    )
    add.add_argument(
        "--until",
        dest="valid_until",
        type=datetime_argument,
        help=_("End, excluded (default: open)."),
    )
    add.add_argument("--reference", default="", help=_("Staff number or e-mail."))
    add.add_argument("--note", default="", help=_("Free note."))

    end = add_org_command(actions, "end", _("End a period (or move its end)."))
    end.add_argument("--id", type=int, required=True, help=_("Number of the period."))
    end.add_argument(
        "--until",
        dest="valid_until",
        required=True,
        type=datetime_argument,
        help=_("End, excluded."),
    )

    listing = add_org_command(actions, "list", _("List the periods."))
    listing.add_argument("--user-id", help=_("Only the periods of this user id."))


def _add_untraced(commands: Any) -> None:
    parser = add_org_command(
        commands,
        "untraced",
        _(
            "List the user ids of entries at times that no identity period covers, "
            "with their number of such entries and the first and last time, most "
            "entries first."
        ),
    )
    add_day_range_options(parser, default_days=untraced.DEFAULT_DAYS)


def _untraced_period(
    first_day: datetime.date | None, last_day: datetime.date | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the period of ``untraced`` from ``--from`` and ``--to``, with defaults."""
    default_first, default_last = untraced.default_days(
        last_day or timezone.localdate()
    )
    # An invalid period is reported on the option that was given, --to
    # when both were.
    option = "--to" if last_day is not None or first_day is None else "--from"
    first_day = first_day or default_first
    last_day = last_day or default_last
    try:
        return untraced.day_period(first_day, last_day)
    except ValidationError as error:
        reasons = " ".join(error.message_dict.get("until", error.messages))
        day = last_day if option == "--to" else first_day
        raise CommandError(f"{option} {day.isoformat()}: {reasons}") from None


def _untraced_days(report: untraced.UntracedReport) -> dict[str, str]:
    zone = timezone.get_default_timezone()
    last_moment = report.until - datetime.timedelta(microseconds=1)
    return {
        "first": report.since.astimezone(zone).date().isoformat(),
        "last": last_moment.astimezone(zone).date().isoformat(),
    }


def _add_export(commands: Any) -> None:
    parser = add_org_command(
        commands,
        "export",
        _(
            "Write a proof bundle of the entries of a period, to check with "
            "vigil-verify."
        ),
    )
    parser.add_argument(
        "--from",
        dest="from_date",
        required=True,
        type=date_argument,
        help=_("First day, YYYY-MM-DD."),
    )
    parser.add_argument(
        "--to",
        dest="to_date",
        required=True,
        type=date_argument,
        help=_(
            "Last day, included, YYYY-MM-DD. Days run from midnight to midnight in "
            "%(zone)s, whatever the machine's time zone."
        )
        % {"zone": settings.TIME_ZONE},
    )
    parser.add_argument(
        "--output", required=True, metavar="BUNDLE", help=_("Output file.")
    )
    parser.add_argument(
        "--previous",
        metavar="CHECKPOINT",
        help=_("An earlier signed checkpoint (file) to prove the log only grew since."),
    )


def _organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise CommandError(
            _("no organisation '%(slug)s'. 'vigil org list' shows the short names")
            % {"slug": slug}
        ) from None


def _malformed_key_message(
    key: str, error: InvalidKeyError, organisation: Organisation
) -> str:
    shown_key = key if len(key) <= MAX_SHOWN_KEY else key[: MAX_SHOWN_KEY - 1] + "…"
    # The form error repeats the whole value, which may be long. The reason
    # comes from vigil.ledger, which has no translations.
    reason = "" if key.count("+") < 2 else f" ({error})"
    return _(
        "--key %(key)r is not a verifier key%(reason)s. A verifier key has the "
        "form <name>+<hex key id>+<base64 key>, and 'vigil accesslog public-key "
        "--org %(org)s' prints the centre's key. Nothing was verified or recorded"
    ) % {"key": shown_key, "reason": reason, "org": organisation.slug}


def _key_of_another_log_message(
    error: KeyOfAnotherLog, organisation: Organisation
) -> str:
    return _(
        "--key %(key)s is another log's verifier key: its name is not the "
        "origin of this centre's log, whose key is %(log_key)s. 'vigil "
        "accesslog public-key --org %(org)s' prints the centre's key. Nothing "
        "was verified or recorded"
    ) % {
        # A key name may contain format characters, such as U+202E, which
        # would show another key's name on the terminal.
        "key": escape_control_characters(error.key),
        "log_key": escape_control_characters(error.log_key),
        "org": organisation.slug,
    }


def _failure_line(result: VerificationResult) -> str:
    """Return the line of a failed run, with the reason in the active language."""
    reason = result.reason_text()
    if result.first_divergent_index is None:
        return _("verification FAILED, %(reason)s") % {"reason": reason}
    return _("verification FAILED, first divergent index %(index)d: %(reason)s") % {
        "index": result.first_divergent_index,
        "reason": reason,
    }


def _read_optional(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(read_error_message(name, error)) from None
    except UnicodeDecodeError as error:
        raise CommandError(
            _("cannot read %(path)s: it is not UTF-8 text (%(error)s)")
            % {"path": name, "error": error}
        ) from None


def _write_error_message(output: Path, error: OSError) -> str:
    """Return the translated error of a bundle that could not be written."""
    if isinstance(error, IsADirectoryError):
        return _(
            "cannot write %(path)s: it is a folder. Give a file name in it, "
            "such as %(example)s"
        ) % {"path": output, "example": output / "bundle.json"}
    if isinstance(error, FileNotFoundError):
        return _(
            "cannot write %(path)s: the folder %(folder)s does not exist. "
            "Create it first or choose an existing folder"
        ) % {"path": output, "folder": output.parent}
    if isinstance(error, PermissionError):
        return _(
            "cannot write %(path)s: permission denied. Choose a folder you may write to"
        ) % {"path": output}
    return _("cannot write %(path)s: %(reason)s. No bundle was written") % {
        "path": output,
        "reason": error.strerror or error,
    }


def _period(organisation: Organisation, pk: int) -> IdentityPeriod:
    try:
        return identities.identity_periods(organisation).get(pk=pk)
    except IdentityPeriod.DoesNotExist:
        raise CommandError(
            _(
                "no identity period %(id)d in %(org)s. 'vigil accesslog identity "
                "list --org %(org)s' lists the periods with their ids"
            )
            % {"id": pk, "org": organisation.slug}
        ) from None


def _overlap_message(
    error: identities.PeriodOverlapError, organisation: Organisation
) -> str:
    """Return the overlap error with the id that ``identity end --id`` needs."""
    hint = _(
        "That period has id %(id)d: 'vigil accesslog identity end --org %(org)s "
        "--id %(id)d --until TIME' ends it."
    ) % {"id": error.period.pk, "org": organisation.slug}
    return f"{' '.join(error.messages)} {hint}"


def _period_line(period: IdentityPeriod) -> str:
    """Return a period's tab-separated line, with its times in local time."""
    start = timezone.localtime(period.valid_from).isoformat()
    until = pgettext("end of an identity period", "open")
    if period.valid_until is not None:
        until = timezone.localtime(period.valid_until).isoformat()
    reference = f" ({period.person_reference})" if period.person_reference else ""
    return f"{period.user_id}\t{start}\t{until}\t{period.person_name}{reference}"


def _batch_size(text: str) -> int:
    number = ascii_integer(text)
    if number is None or not 1 <= number <= MAX_FILE_BATCH_SIZE:
        raise argparse.ArgumentTypeError(
            _(
                "%(value)r is not a number of events from 1 to %(maximum)d; "
                "1000 suits most files"
            )
            % {"value": text, "maximum": MAX_FILE_BATCH_SIZE}
        )
    return number
