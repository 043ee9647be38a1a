"""The errors of a rejected batch: the first ones kept, every one counted.

A batch of a few megabytes of empty records has millions of errors, seven
per record. Listing them all made an API response of hundreds of megabytes.
So the REST API and the file report list at most ``MAX_LISTED_ERRORS`` in
the order of the records and give the number of all of them, and the
syslog log line lists the errors of its one event from the same list.
Validation keeps only those while it counts the others, so the errors of a
large batch take bounded memory.
"""

import heapq
import itertools
from collections.abc import Callable, Iterable

MAX_LISTED_ERRORS = 1000


class ErrorTally[T]:
    """The first ``limit`` errors of a batch in line order, and counts of all.

    ``add`` takes the errors in the order of their lines (or positions in a
    JSON array), which is the order in which the parsers and validation find
    them. ``total`` counts every error and ``lines`` the lines with at least
    one error. ``listed`` contains the first ``limit`` errors as ``(line,
    error)`` pairs.
    """

    __slots__ = ("last_line", "limit", "lines", "listed", "total")

    def __init__(self, limit: int = MAX_LISTED_ERRORS) -> None:
        self.limit = limit
        self.listed: list[tuple[int, T]] = []
        self.total = 0
        self.lines = 0
        self.last_line: int | None = None

    @classmethod
    def of(
        cls, pairs: Iterable[tuple[int, T]], limit: int = MAX_LISTED_ERRORS
    ) -> "ErrorTally[T]":
        """Return the tally of ``(line, error)`` pairs given in line order."""
        tally: ErrorTally[T] = cls(limit)
        for line, error in pairs:
            tally.add(line, error)
        return tally

    def add(self, line: int, error: T) -> None:
        """Count an error of ``line``, and keep it while fewer than ``limit`` are."""
        self.total += 1
        if line != self.last_line:
            self.lines += 1
            self.last_line = line
        if len(self.listed) < self.limit:
            self.listed.append((line, error))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def errors(self) -> list[T]:
        """The listed errors, without their lines."""
        return [error for _line, error in self.listed]

    @property
    def hidden(self) -> int:
        """The number of errors that are counted but not listed."""
        return self.total - len(self.listed)

    def mapped[U](self, function: Callable[[int, T], U]) -> "ErrorTally[U]":
        """Return the tally with ``function(line, error)`` for each listed error."""
        mapped: ErrorTally[U] = ErrorTally(self.limit)
        mapped.listed = [(line, function(line, error)) for line, error in self.listed]
        mapped.total, mapped.lines = self.total, self.lines
        mapped.last_line = self.last_line
        return mapped

    def merged(self, other: "ErrorTally[T]") -> "ErrorTally[T]":
        """Return the tally of both, whose errors are of different lines.

        The listed errors are the first ``limit`` of both in line order, as
        if every error had been added to one tally in that order.
        """
        merged: ErrorTally[T] = ErrorTally(self.limit)
        ordered = heapq.merge(self.listed, other.listed, key=lambda pair: pair[0])
        merged.listed = list(itertools.islice(ordered, self.limit))
        merged.total = self.total + other.total
        merged.lines = self.lines + other.lines
        lasts = [line for line in (self.last_line, other.last_line) if line is not None]
        merged.last_line = max(lasts, default=None)
        return merged
