"""Checkpoints (signed tree heads) of C2SP tlog-checkpoint.

The format is defined at https://c2sp.org/tlog-checkpoint. A checkpoint body is
the text of a C2SP signed note, with these lines:

1. the origin, which identifies the log;
2. the tree size in ASCII decimal, without leading zeros;
3. the root hash of the RFC 9162 Merkle tree of that size, in standard base64;
4. optional non-empty extension lines.

Each line ends in a newline.
"""

import re
from dataclasses import dataclass

from vigil.ledger.encoding import decode_base64, encode_base64, find_control_character
from vigil.ledger.errors import (
    CheckpointOriginError,
    LedgerError,
    MalformedCheckpointError,
    UnverifiedNoteError,
)
from vigil.ledger.merkle import HASH_SIZE
from vigil.ledger.note import Ed25519Signer, Ed25519Verifier, open_note, sign_note

# RFC 9162 encodes tree sizes as uint64.
MAX_TREE_SIZE = 2**64 - 1
MIN_BODY_LINES = 3

_TREE_SIZE_PATTERN = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    """Signed tree head of one log: origin, tree size, root hash and extension lines.

    Construction raises MalformedCheckpointError for a value that has no body form.
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(self.extensions))
        _check_line(self.origin, "origin")
        _check_size(self.size)
        _check_root_hash(self.root_hash)
        for number, extension in enumerate(self.extensions, start=1):
            _check_line(extension, f"extension line {number}")

    def to_body(self) -> str:
        """Return the checkpoint body, the text that the log signs."""
        lines = [self.origin, str(self.size), encode_base64(self.root_hash)]
        lines.extend(self.extensions)
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse_body(cls, body: str) -> "Checkpoint":
        """Parse a checkpoint body strictly, raising MalformedCheckpointError."""
        if not body.endswith("\n"):
            raise MalformedCheckpointError(
                "checkpoint body is empty or does not end in a newline"
            )
        position = find_control_character(body, allow_newline=True)
        if position is not None:
            raise MalformedCheckpointError(
                f"checkpoint body contains control character {body[position]!r} "
                f"at position {position}"
            )
        lines = body[:-1].split("\n")
        if len(lines) < MIN_BODY_LINES:
            raise MalformedCheckpointError(
                f"checkpoint body has {len(lines)} lines, expected at least "
                f"{MIN_BODY_LINES} (origin, tree size, root hash)"
            )
        origin, size_text, root_text, *extensions = lines
        return cls(
            origin, _parse_size(size_text), _parse_root(root_text), tuple(extensions)
        )


def _check_line(line: str, field: str) -> None:
    if not line:
        raise MalformedCheckpointError(f"checkpoint {field} is empty")
    position = find_control_character(line, allow_newline=False)
    if position is not None:
        raise MalformedCheckpointError(
            f"checkpoint {field} {line!r} contains control character {line[position]!r}"
        )


def _check_size(size: int) -> None:
    if not isinstance(size, int) or isinstance(size, bool):
        raise MalformedCheckpointError(f"tree size {size!r} is not an integer")
    if not 0 <= size <= MAX_TREE_SIZE:
        raise MalformedCheckpointError(
            f"tree size {size} is out of range, expected 0 to {MAX_TREE_SIZE}"
        )


def _check_root_hash(root_hash: bytes) -> None:
    if not isinstance(root_hash, bytes) or len(root_hash) != HASH_SIZE:
        length = len(root_hash) if isinstance(root_hash, bytes) else "no"
        raise MalformedCheckpointError(
            f"root hash has {length} bytes, expected {HASH_SIZE}"
        )


def _parse_size(text: str) -> int:
    if not _TREE_SIZE_PATTERN.fullmatch(text):
        raise MalformedCheckpointError(
            f"tree size line {text!r} is not a decimal number without leading zeros"
        )
    return int(text)


def _parse_root(text: str) -> bytes:
    try:
        root_hash = decode_base64(text)
    except ValueError as error:
        raise MalformedCheckpointError(f"root hash line: {error}") from error
    _check_root_hash(root_hash)
    return root_hash


def sign_checkpoint(checkpoint: Checkpoint, *signers: Ed25519Signer) -> str:
    """Sign the checkpoint body with every signer and return the signed note."""
    return sign_note(checkpoint.to_body(), *signers)


def open_checkpoint(
    note: str | bytes, verifier: Ed25519Verifier, expected_origin: str
) -> Checkpoint:
    """Verify a signed checkpoint by the log key ``verifier`` and return it.

    The note must carry a valid signature by ``verifier``, and other signatures
    (such as witness cosignatures) are ignored. Raises the errors of
    ``open_note``, MalformedCheckpointError for a malformed body and
    CheckpointOriginError if the origin is not ``expected_origin``.
    """
    opened = open_note(note, [verifier])
    checkpoint = Checkpoint.parse_body(opened.text)
    if checkpoint.origin != expected_origin:
        raise CheckpointOriginError(
            f"checkpoint origin is {checkpoint.origin!r}, expected {expected_origin!r}"
        )
    return checkpoint


def signer_of_other_log(
    note: str | bytes, error: LedgerError, expected_origin: str
) -> tuple[str, str] | None:
    """Return the origin and signing key of a checkpoint that another log signed.

    ``error`` is what ``open_checkpoint`` raised for ``note``. Another log's
    checkpoint names its own origin and carries a signature by a key of that
    name, so a verifier of ``expected_origin`` raises UnverifiedNoteError for
    it. Returns None for any other failure, including a note that names
    another origin without a signature of that name, which was changed.
    """
    if not isinstance(error, UnverifiedNoteError):
        return None
    text = note.decode("utf-8") if isinstance(note, bytes) else note
    # The note parsed, so its text starts with the origin line.
    origin = text.split("\n", 1)[0]
    if origin == expected_origin:
        return None
    for key in error.unknown_keys:
        if key.rpartition("+")[0] == origin:
            return origin, key
    return None
