"""The check of a scan's expired entries against the expiry statements.

``verification`` takes the chunks of a scan in index order and counts the
expired entries, which come before all others. ``ExpiryCheck`` reads the
statements when the first expired entry comes, and again when more entries
expired than they cover. An expiry run that commits during the scan empties
entries of later chunks, and its statement, committed with them, is not
among those read before. Each statement's entries must still have the keys
it signed (``expiry_statements.vouched_prefix``). A statement whose entries
do not is reported at its first index, but only once the scan has reached
that index, so that an earlier failure of the scan still comes first.
"""

import datetime

from vigil.accesslog import verification_messages as messages
from vigil.accesslog.expiry_statements import (
    ChangedKeys,
    ExpiredRange,
    StatementRejected,
    Vouched,
    expired_in_time_before,
    vouched_prefix,
)
from vigil.accesslog.verification_messages import Reason
from vigil.ledger import Ed25519Verifier


class StatementsFailed(Exception):
    """The statements cannot vouch for any entry: one is invalid or unreadable."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.english())
        self.reason = reason


class ExpiryCheck:
    """The expired entries of one scan and the statements that vouch for them."""

    def __init__(self, organisation_id: int, origin: str) -> None:
        self.organisation_id = organisation_id
        self.origin = origin
        # The statements read last cover the entries [0, vouched).
        self.vouched = 0
        # The statements whose entries' keys matched their digest, and the
        # one with the lowest start whose entries' keys did not.
        self.keys_checked: set[tuple[int, str]] = set()
        self.keys_changed: ChangedKeys | None = None
        # The statements opened in this run, by note.
        self.opened: dict[str, ExpiredRange] = {}

    def expired_before(
        self, verifier: Ed25519Verifier | None, retained_from: datetime.datetime
    ) -> datetime.datetime:
        """Return the time before which every expired entry must lie.

        That is ``expired_in_time_before``, with the statements kept for
        the rest of the run, or ``retained_from`` for a log without keys.
        """
        if verifier is None:
            return retained_from
        return expired_in_time_before(
            self.organisation_id, verifier, self.origin, retained_from, self.opened
        )

    def first_failure(
        self, verifier: Ed25519Verifier, expired: int, chunk_end: int
    ) -> tuple[int, Reason] | None:
        """Return (index, reason) of the first failure before ``chunk_end``, or None.

        ``expired`` is the number of expired entries that the scan has
        counted so far. Raises StatementsFailed if a statement does not
        verify or cannot be read.
        """
        failures = []
        if self.vouched < expired:
            vouched = self._vouched(verifier)
            self.vouched = vouched.prefix
            changed = vouched.changed
            if changed is not None and (
                self.keys_changed is None or changed.start < self.keys_changed.start
            ):
                self.keys_changed = changed
            if self.vouched < expired:
                reason = Reason(messages.EXPIRY_NOT_VOUCHED, {"index": self.vouched})
                failures.append((self.vouched, reason))
        pending = self.pending_failure()
        if pending is not None and pending[0] < chunk_end:
            failures.append(pending)
        return min(failures, key=lambda failure: failure[0], default=None)

    def pending_failure(self) -> tuple[int, Reason] | None:
        """Return the failure of the statement whose entries' keys changed, if any."""
        changed = self.keys_changed
        if changed is None:
            return None
        params: dict[str, int | str | Reason] = {
            "index": changed.start,
            "last": changed.end - 1,
            "id": changed.statement_id,
        }
        return changed.start, Reason(messages.EXPIRED_KEYS_CHANGED, params)

    def _vouched(self, verifier: Ed25519Verifier) -> Vouched:
        try:
            return vouched_prefix(
                self.organisation_id,
                verifier,
                self.origin,
                self.keys_checked,
                self.opened,
            )
        except StatementRejected as rejected:
            if rejected.statement_id is None:
                reason = Reason(messages.EXPIRY_STATEMENTS_UNREADABLE, {})
            else:
                # NOTE: the error text stays in English in every language.
                params: dict[str, int | str | Reason] = {
                    "id": rejected.statement_id,
                    "error": str(rejected),
                }
                reason = Reason(messages.EXPIRY_STATEMENT_INVALID, params)
            raise StatementsFailed(reason) from None
