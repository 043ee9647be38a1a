"""Exceptions raised by the ledger when a proof, note, key or checkpoint is rejected.

Every message names the value that failed and, where there is one, the expected
and the computed value (hashes in base64, as checkpoints write them), so that an
auditor can act on it.
"""


class LedgerError(Exception):
    """Base class of every error that the ledger raises on purpose."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify."""


class InclusionProofError(ProofError):
    """An inclusion proof (RFC 9162, section 2.1.3) does not verify."""


class ConsistencyProofError(ProofError):
    """A consistency proof (RFC 9162, section 2.1.4) does not verify."""


class NoteError(LedgerError):
    """A signed note is malformed or its signatures do not verify."""


class MalformedNoteError(NoteError, ValueError):
    """A signed note does not follow the C2SP signed-note format."""


class InvalidKeyError(NoteError, ValueError):
    """A key name, signer key or verifier key string is invalid."""


class KeyIdMismatchError(InvalidKeyError):
    """A stated key ID that differs from the one that the key's name and bytes give.

    ``stated`` and ``computed`` are the two key IDs as integers. A key that was
    changed when it was copied, such as in one character of its base64 key,
    raises this.
    """

    def __init__(self, message: str, stated: int, computed: int) -> None:
        super().__init__(message)
        self.stated = stated
        self.computed = computed


class InvalidSignatureError(NoteError):
    """A signature by a known key does not verify over the note text."""


class UnverifiedNoteError(NoteError):
    """A note carries no signature by any of the known keys.

    ``unknown_keys`` lists the ``<name>+<key ID>`` labels of the signatures that
    the note does carry.
    """

    def __init__(self, message: str, unknown_keys: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.unknown_keys = unknown_keys


class CheckpointError(LedgerError):
    """A checkpoint is malformed or does not come from the expected log."""


class MalformedCheckpointError(CheckpointError, ValueError):
    """A checkpoint body does not follow the C2SP tlog-checkpoint format."""


class CheckpointOriginError(CheckpointError):
    """A checkpoint names another log (origin) than the expected one."""


class ManifestError(LedgerError):
    """A bundle manifest is malformed or does not come from the expected log."""


class MalformedManifestError(ManifestError, ValueError):
    """A manifest body does not follow the format of ``vigil.ledger.manifest``."""


class ManifestOriginError(ManifestError):
    """A manifest names another log (origin) than the expected one."""
