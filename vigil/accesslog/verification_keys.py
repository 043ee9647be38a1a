"""The verifier key that ``verify_log`` may be given in place of the stored one.

A key whose name is not the log's origin is the key of another log, such as
another centre's. Checking with it shows nothing about this log's entries,
so ``verify_log`` rejects it before the run, and records nothing. A key
with the log's name but another key id is checked as given: the log's own
key may have been replaced, and only the checkpoints can show that. So is a
key named with the origin that the centre's log would get now, from its
enterprise number and slug. That name differs from the stored origin only
when someone replaced the stored keys and origin, or after the centre was
renamed. No key of that name exists in the second case.
"""

from vigil.accesslog.keys import log_origin
from vigil.accesslog.models import LogKeys
from vigil.ledger import Ed25519Verifier, LedgerError
from vigil.ledger.note import format_key


class KeyOfAnotherLog(ValueError):
    """A given verifier key whose name is not the log's origin.

    ``key`` and ``log_key`` are the ``<name>+<key id>`` labels of the given
    key and of the log's stored key.
    """

    def __init__(self, key: str, log_key: str) -> None:
        super().__init__(
            f"the verifier key {key} is another log's key, because its name is "
            f"not the origin of this log, whose key is {log_key}"
        )
        self.key = key
        self.log_key = log_key


def given_verifier(
    verifier_key: str | None, keys: LogKeys | None
) -> Ed25519Verifier | None:
    """Parse a given verifier key and check that it names the log of ``keys``.

    Returns None when no key was given. Raises InvalidKeyError for a
    malformed key and KeyOfAnotherLog for a key whose name is neither the
    log's stored origin nor the origin that the centre would get now. A log
    without keys has no origin to compare with.
    """
    if verifier_key is None:
        return None
    verifier = Ed25519Verifier.from_verifier_key(verifier_key.strip())
    if keys is not None and verifier.name not in (
        keys.origin,
        log_origin(keys.organisation),
    ):
        raise KeyOfAnotherLog(key_label(verifier), _stored_key_label(keys))
    return verifier


def key_label(verifier: Ed25519Verifier) -> str:
    return format_key(verifier.name, verifier.key_id)


def _stored_key_label(keys: LogKeys) -> str:
    """Return the label of the stored key, which ``public-key`` prints in full."""
    try:
        return key_label(Ed25519Verifier.from_verifier_key(keys.verifier_key.strip()))
    except LedgerError:
        # The run with the stored key fails on it. The origin still names the log.
        return keys.origin
