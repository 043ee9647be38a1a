"""The counts of the stored batches of a file, for the report of
``vigil accesslog ingest``.
"""

import bisect
import itertools
import math
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.error_tally import MAX_LISTED_ERRORS
from vigil.accesslog.events import PositionUnit, describe_position
from vigil.accesslog.ingestion import IngestResult
from vigil.ledger.terminal import escape_line

# At most this many errors, or duplicates, of a file are printed, and the
# rest counted.
MAX_PRINTED_LINES = MAX_LISTED_ERRORS


class FileTotals:
    """The counts of the stored batches of one file, for its report.

    Only the first ``MAX_PRINTED_LINES`` duplicates are kept, so the memory
    does not grow with the file. A duplicate of an entry that an earlier
    batch of the file stored is repeated in the file.
    """

    def __init__(self, path: Path, unit: PositionUnit) -> None:
        self.path = path
        self.unit = unit
        self.batches = 0
        self.new = 0
        self.stored = 0
        self.repeated = 0
        self.lines: list[str] = []
        # (first, last) index of the new entries of each batch, in order.
        self.ranges: list[tuple[int, int]] = []
        self.tree_size = 0
        self.checkpoint_note: str | None = None
        # The line, or record, of the last event of the last stored batch.
        self.last_line = 0

    @property
    def events(self) -> int:
        """Return the number of events of the stored batches, duplicates included."""
        return self.new + self.stored + self.repeated

    def add(self, result: IngestResult) -> None:
        """Count the entries and duplicates of a committed batch."""
        self.batches += 1
        if result.accepted:
            self.ranges.append((result.accepted[0][2], result.accepted[-1][2]))
        self.new += len(result.accepted)
        for number, event_id, index in result.duplicates:
            repeated = self._from_this_file(index)
            self.repeated += repeated
            self.stored += not repeated
            if len(self.lines) < MAX_PRINTED_LINES:
                self.lines.append(
                    self._duplicate_line(number, event_id, index, repeated)
                )
        self.tree_size = result.tree_size
        self.checkpoint_note = result.checkpoint_note

    def _from_this_file(self, index: int) -> bool:
        position = bisect.bisect_right(self.ranges, (index, math.inf))
        return position > 0 and self.ranges[position - 1][1] >= index

    def _duplicate_line(
        self, number: int, event_id: str, index: int, repeated: bool
    ) -> str:
        values = {
            "path": self.path,
            "position": describe_position(self.unit, number),
            "event_id": event_id,
            "index": index,
        }
        if repeated:
            return (
                _(
                    "%(path)s: %(position)s: event id %(event_id)s repeats an "
                    "earlier record of the file, stored once at index %(index)d"
                )
                % values
            )
        return (
            _(
                "%(path)s: %(position)s: event id %(event_id)s is already "
                "stored at index %(index)d"
            )
            % values
        )

    def report(self, slug: str) -> list[str]:
        """Return the printed duplicates, the counts and the checkpoint line."""
        lines = list(self.lines)
        hidden = self.repeated + self.stored - len(lines)
        if hidden > 0:
            lines.append(
                ngettext(
                    "%(path)s: … and %(count)d more duplicate",
                    "%(path)s: … and %(count)d more duplicates",
                    hidden,
                )
                % {"path": self.path, "count": hidden}
            )
        lines.append(self.summary())
        lines.append(_checkpoint_line(self.checkpoint_note, self.tree_size, slug))
        return [escape_line(line) for line in lines]

    def summary(self) -> str:
        """Return the sentence with the counts of the file's stored batches."""
        parts = [
            ngettext("%(count)d new entry", "%(count)d new entries", self.new)
            % {"count": self.new}
        ]
        if self.ranges:
            parts[0] += " " + self._indices()
        parts.append(
            ngettext(
                "%(count)d already stored", "%(count)d already stored", self.stored
            )
            % {"count": self.stored}
        )
        parts.append(
            ngettext(
                "%(count)d repeated in the file",
                "%(count)d repeated in the file",
                self.repeated,
            )
            % {"count": self.repeated}
        )
        size = ngettext(
            "the log has %(count)d entry",
            "the log has %(count)d entries",
            self.tree_size,
        ) % {"count": self.tree_size}
        return _("%(path)s: %(counts)s, and %(size)s") % {
            "path": self.path,
            "counts": ", ".join(parts),
            "size": size,
        }

    def _indices(self) -> str:
        first, last = self.ranges[0][0], self.ranges[-1][1]
        if first == last:
            return _("(index %(first)d)") % {"first": first}
        values = {"first": first, "last": last}
        gapless = all(
            following[0] == previous[1] + 1
            for previous, following in itertools.pairwise(self.ranges)
        )
        if gapless:
            return _("(indices %(first)d to %(last)d)") % values
        # Another sender's entries came between two batches of the file.
        return (
            _("(indices from %(first)d to %(last)d, between entries of other senders)")
            % values
        )


def _checkpoint_line(checkpoint_note: str | None, tree_size: int, slug: str) -> str:
    command = f"vigil accesslog checkpoint --org {slug}"
    if checkpoint_note is None:
        return _(
            "no checkpoint is signed yet: '%(command)s' signs one and prints it"
        ) % {"command": command}
    size = int(checkpoint_note.split("\n")[1])
    if size == tree_size:
        return ngettext(
            "the latest signed checkpoint covers the %(size)d entry: "
            "'%(command)s' prints it",
            "the latest signed checkpoint covers all %(size)d entries: "
            "'%(command)s' prints it",
            size,
        ) % {"size": size, "command": command}
    return _(
        "the latest signed checkpoint covers %(size)d of the %(total)d entries: "
        "'%(command)s' signs one that covers them all and prints it"
    ) % {"size": size, "total": tree_size, "command": command}
