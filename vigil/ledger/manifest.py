"""Signed manifests: the log's statement of which entries a period holds.

A proof bundle of the access log lists the entries whose time lies in a
period, each with its inclusion proof. Inclusion proofs show that the listed
entries are in the tree, but not that no entry of the period was left out.
The manifest is the log's signed statement about the list: "among the first
``tree_size`` entries of the log ``origin``, exactly these ``entries`` have a
time from ``from`` up to, not including, ``to``". It is a C2SP signed note,
signed with the checkpoint key, whose body has these lines in this order:

1. ``vigil-accesslog-manifest/1``, the format;
2. ``origin <origin>``, the checkpoint origin of the log;
3. ``from <time>`` and 4. ``to <time>``, UTC times ``YYYY-MM-DDTHH:MM:SS.mmmZ``
   with ``from`` before ``to``;
5. ``entries <count>``, the number of listed entries;
6. ``entries_digest <base64>``, the SHA-256 of the listed entries in index
   order, each written as its index (8 bytes, big-endian) followed by its
   32-byte leaf hash (``EntriesDigest``);
7. ``tree_size <size>`` and 8. ``root_hash <base64>``, the tree that the
   entries were taken from, as in the checkpoint of that size;
9. ``expired <count>``, the number of entries of that tree whose content
   had expired at export. Expiry empties the oldest entries first, so this
   is the index of the tree's first entry with content, and exactly the
   listed entries below it lack leaf bytes.

Format ``vigil-accesslog-manifest/1`` has lines 1 to 8 only and states
nothing about expired entries. It is still parsed, so that bundles exported
before format 2 keep verifying.

Numbers are ASCII decimal without leading zeros, and each line ends in a
newline. Because the first line is not a checkpoint origin, a manifest never
parses as a checkpoint of the log, and a checkpoint never as a manifest, even
though the same key signs both.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from vigil.ledger.encoding import decode_base64, encode_base64
from vigil.ledger.errors import (
    InvalidKeyError,
    MalformedManifestError,
    ManifestOriginError,
)
from vigil.ledger.merkle import HASH_SIZE
from vigil.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    open_note,
    sign_note,
    validate_key_name,
)

MANIFEST_FORMAT = "vigil-accesslog-manifest/2"
MANIFEST_FORMAT_WITHOUT_EXPIRED = "vigil-accesslog-manifest/1"
# RFC 9162 encodes tree sizes as uint64, and an index must fit in 8 bytes.
MAX_TREE_SIZE = 2**64 - 1
INDEX_SIZE = 8
FIELDS = (
    "origin",
    "from",
    "to",
    "entries",
    "entries_digest",
    "tree_size",
    "root_hash",
)
# The fields of format 2 after those of format 1.
EXPIRED_FIELDS = ("expired",)

_NUMBER_PATTERN = re.compile(r"0|[1-9][0-9]*")
_TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def format_time(moment: datetime.datetime) -> str:
    """Return an aware time as UTC ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    Raises MalformedManifestError for a naive time or one with digits below
    the millisecond, which this form cannot state.
    """
    if moment.tzinfo is None:
        raise MalformedManifestError(f"time {moment.isoformat()} has no UTC offset")
    if moment.microsecond % 1000:
        raise MalformedManifestError(
            f"time {moment.isoformat()} has digits below the millisecond"
        )
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime(_TIME_FORMAT)[:-3] + "Z"


def parse_time(text: str) -> datetime.datetime:
    """Parse a UTC time ``YYYY-MM-DDTHH:MM:SS.mmmZ``, raising ValueError."""
    if not _TIME_PATTERN.fullmatch(text):
        raise ValueError(f"{text!r} is not a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ")
    try:
        # %z reads the final Z as UTC.
        moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date and time") from None
    return moment.astimezone(datetime.UTC)


class EntriesDigest:
    """SHA-256 over the (index, leaf hash) pairs of the listed entries, in order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, index: int, leaf_hash: bytes) -> None:
        """Add the next listed entry."""
        if not 0 <= index <= MAX_TREE_SIZE:
            raise ValueError(f"index {index} does not fit in {INDEX_SIZE} bytes")
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(
                f"leaf hash has {len(leaf_hash)} bytes, expected {HASH_SIZE}"
            )
        self._hash.update(index.to_bytes(INDEX_SIZE, "big") + leaf_hash)
        self.count += 1

    def digest(self) -> bytes:
        """Return the digest of the entries added so far."""
        return self._hash.digest()


@dataclass(frozen=True)
class Manifest:
    """The log's statement that ``entries`` entries of the tree lie in a period.

    ``start`` and ``end`` are the ``from`` and ``to`` of the body, aware and
    with whole milliseconds. ``expired`` is the number of expired entries of
    the tree, or None for a manifest of format 1, which does not state it.
    Construction raises MalformedManifestError for a value that has no body
    form.
    """

    origin: str
    start: datetime.datetime
    end: datetime.datetime
    entries: int
    entries_digest: bytes
    tree_size: int
    root_hash: bytes
    expired: int | None = None

    def __post_init__(self) -> None:
        try:
            validate_key_name(self.origin)
        except InvalidKeyError as error:
            raise MalformedManifestError(f"manifest origin: {error}") from None
        start_text, end_text = format_time(self.start), format_time(self.end)
        if self.start >= self.end:
            raise MalformedManifestError(
                f"manifest period from {start_text} to {end_text} is empty: from "
                "must be before to"
            )
        _check_number(self.tree_size, "tree size")
        _check_number(self.entries, "entry count")
        if self.entries > self.tree_size:
            raise MalformedManifestError(
                f"manifest states {self.entries} entries in a tree of size "
                f"{self.tree_size}"
            )
        _check_hash(self.entries_digest, "entries digest")
        _check_hash(self.root_hash, "root hash")
        if self.expired is not None:
            _check_number(self.expired, "expired count")
            if self.expired > self.tree_size:
                raise MalformedManifestError(
                    f"manifest states {self.expired} expired entries in a tree of "
                    f"size {self.tree_size}"
                )

    def to_body(self) -> str:
        """Return the manifest body, the text that the log signs.

        The body has format 2 when ``expired`` is set and format 1 otherwise.
        """
        values: tuple[str, ...] = (
            self.origin,
            format_time(self.start),
            format_time(self.end),
            str(self.entries),
            encode_base64(self.entries_digest),
            str(self.tree_size),
            encode_base64(self.root_hash),
        )
        names: tuple[str, ...] = FIELDS
        lines = [MANIFEST_FORMAT_WITHOUT_EXPIRED]
        if self.expired is not None:
            names += EXPIRED_FIELDS
            values += (str(self.expired),)
            lines = [MANIFEST_FORMAT]
        lines.extend(
            f"{name} {value}" for name, value in zip(names, values, strict=True)
        )
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse_body(cls, body: str) -> "Manifest":
        """Parse a manifest body strictly, raising MalformedManifestError."""
        if not body.endswith("\n"):
            raise MalformedManifestError(
                "manifest body is empty or does not end in a newline"
            )
        lines = body[:-1].split("\n")
        if lines[0] == MANIFEST_FORMAT:
            names: tuple[str, ...] = FIELDS + EXPIRED_FIELDS
        elif lines[0] == MANIFEST_FORMAT_WITHOUT_EXPIRED:
            names = FIELDS
        else:
            raise MalformedManifestError(
                f"the first line {lines[0]!r} is neither {MANIFEST_FORMAT!r} nor "
                f"{MANIFEST_FORMAT_WITHOUT_EXPIRED!r}, so the note is not a manifest"
            )
        if len(lines) != 1 + len(names):
            raise MalformedManifestError(
                f"manifest body has {len(lines)} lines, expected {1 + len(names)}"
            )
        values: dict[str, str] = {}
        named_lines = zip(lines[1:], names, strict=True)
        for number, (line, name) in enumerate(named_lines, start=2):
            label, space, value = line.partition(" ")
            if label != name or not space:
                raise MalformedManifestError(
                    f"manifest line {number} {line!r} does not start with "
                    f"{name!r} and a space"
                )
            values[name] = value
        try:
            return cls(
                values["origin"],
                parse_time(values["from"]),
                parse_time(values["to"]),
                _parse_number(values["entries"], "entries"),
                decode_base64(values["entries_digest"]),
                _parse_number(values["tree_size"], "tree_size"),
                decode_base64(values["root_hash"]),
                _parse_number(values["expired"], "expired")
                if "expired" in values
                else None,
            )
        except MalformedManifestError:
            raise
        except ValueError as error:
            raise MalformedManifestError(f"manifest body: {error}") from None


def _check_number(value: int, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedManifestError(f"manifest {name} {value!r} is not an integer")
    if not 0 <= value <= MAX_TREE_SIZE:
        raise MalformedManifestError(
            f"manifest {name} {value} is out of range, expected 0 to {MAX_TREE_SIZE}"
        )


def _check_hash(value: bytes, name: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        length = len(value) if isinstance(value, bytes) else "no"
        raise MalformedManifestError(
            f"manifest {name} has {length} bytes, expected {HASH_SIZE}"
        )


def _parse_number(text: str, name: str) -> int:
    if not _NUMBER_PATTERN.fullmatch(text):
        raise MalformedManifestError(
            f"manifest {name} {text!r} is not a decimal number without leading zeros"
        )
    return int(text)


def sign_manifest(manifest: Manifest, signer: Ed25519Signer) -> str:
    """Sign the manifest body with the log's key and return the signed note."""
    return sign_note(manifest.to_body(), signer)


def open_manifest(
    note: str | bytes, verifier: Ed25519Verifier, expected_origin: str
) -> Manifest:
    """Verify a signed manifest by the log key ``verifier`` and return it.

    Raises the errors of ``open_note``, MalformedManifestError for a body that
    is not a manifest and ManifestOriginError if the origin is not
    ``expected_origin``.
    """
    opened = open_note(note, [verifier])
    manifest = Manifest.parse_body(opened.text)
    if manifest.origin != expected_origin:
        raise ManifestOriginError(
            f"manifest origin is {manifest.origin!r}, expected {expected_origin!r}"
        )
    return manifest
