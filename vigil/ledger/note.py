"""Signed notes of C2SP signed-note (https://c2sp.org/signed-note) with Ed25519.

A signed note is a text that ends in a newline, then a blank line, then one or
more signature lines ``— <key name> <base64(key ID || signature)>``, each ending
in a newline. The line starts with an em dash (U+2014) and a space. The key ID
is 4 bytes, and each Ed25519 signature (RFC 8032) covers the text including its
final newline.

The key strings follow the format that golang.org/x/mod/sumdb/note defines and
transparency-log tools share, because the C2SP spec defines no key format:

- verifier key ``<name>+<key ID>+<base64(0x01 || public key)>``
- signer key ``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>``

The key ID is written as 8 lowercase hexadecimal digits.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from vigil.ledger.encoding import decode_base64, encode_base64, find_control_character
from vigil.ledger.errors import (
    InvalidKeyError,
    InvalidSignatureError,
    KeyIdMismatchError,
    MalformedNoteError,
    UnverifiedNoteError,
)

ED25519_SIGNATURE_TYPE = 0x01
KEY_ID_SIZE = 4
ED25519_KEY_SIZE = 32
ED25519_SIGNATURE_SIZE = 64
SIGNATURE_LINE_PREFIX = "\u2014 "
SIGNER_KEY_PREFIX = "PRIVATE+KEY+"
KEY_ID_SEPARATOR = b"\n"
# C2SP signed-note requires verifiers to accept at least 16 signatures and
# recommends a limit. 100 leaves room for many witness cosignatures.
MAX_SIGNATURES = 100

_KEY_ID_PATTERN = re.compile(r"[0-9a-f]{8}")


def validate_key_name(name: str) -> None:
    """Raise InvalidKeyError unless ``name`` is a valid C2SP key name.

    A key name is non-empty UTF-8 and contains no Unicode space, no plus sign
    and no control character. A lone surrogate, which Python puts in a
    command-line argument for each byte that is not UTF-8, has no UTF-8 form.
    """
    if not name:
        raise InvalidKeyError("key name is empty")
    for character in name:
        if character.isspace() or character == "+" or character < " ":
            raise InvalidKeyError(
                f"key name {name!r} contains {character!r}, which is not allowed "
                "(no spaces, plus signs or control characters)"
            )
        if "\ud800" <= character <= "\udfff":
            raise InvalidKeyError(
                f"key name {name!r} contains {character!r}, which is not valid "
                "UTF-8 text"
            )


def ed25519_key_id(name: str, public_key: bytes) -> int:
    """Return the key ID, SHA-256(name || 0x0A || 0x01 || public key)[:4] big-endian.

    This is the Ed25519 key ID that C2SP signed-note recommends.
    """
    digest = hashlib.sha256(
        name.encode("utf-8")
        + KEY_ID_SEPARATOR
        + bytes([ED25519_SIGNATURE_TYPE])
        + public_key
    ).digest()
    return int.from_bytes(digest[:KEY_ID_SIZE], "big")


# A verifier key in the note vkey form <name>+<key id>+<base64 key>: one
# line, a name without "+" or blanks, a key id of 8 hex digits and the key.
_VERIFIER_KEY_PATTERN = re.compile(r"[^\s+]+\+[0-9a-fA-F]{8}\+[A-Za-z0-9+/]+={0,2}")


def looks_like_verifier_key(text: str) -> bool:
    """Return whether ``text`` has the form of a verifier key, valid or not.

    Error messages use it to name a key given where a note is expected.
    """
    return _VERIFIER_KEY_PATTERN.fullmatch(text.strip()) is not None


def kept_note_text(text: str) -> str:
    """Return a kept note without the changes that an editor may make to it.

    Those are a UTF-8 byte order mark, CRLF line ends, blank lines at the end
    and a missing final newline, none of which the signature covers. The
    result has LF line ends and one final newline.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip() + "\n"


def format_key(name: str, key_id: int) -> str:
    """Return the ``<name>+<key ID in hex>`` label that identifies a key in messages."""
    return f"{name}+{key_id:08x}"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: key name, key ID and signature bytes."""

    name: str
    key_id: int
    signature: bytes

    @property
    def key(self) -> str:
        """``<name>+<key ID in hex>`` label of the signing key."""
        return format_key(self.name, self.key_id)

    def to_line(self) -> str:
        """Return the signature line, including its final newline."""
        blob = self.key_id.to_bytes(KEY_ID_SIZE, "big") + self.signature
        return f"{SIGNATURE_LINE_PREFIX}{self.name} {encode_base64(blob)}\n"


@dataclass(frozen=True)
class OpenedNote:
    """Text of a verified note, with its verified and its ignored signatures.

    ``unknown`` lists the signatures by keys that the caller did not pass, which
    C2SP signed-note requires verifiers to ignore (for example witness
    cosignatures).
    """

    text: str
    verified: tuple[NoteSignature, ...]
    unknown: tuple[NoteSignature, ...]


class Ed25519Verifier:
    """Ed25519 public key with its key name, which verifies note signatures."""

    def __init__(self, name: str, public_key: bytes) -> None:
        validate_key_name(name)
        if len(public_key) != ED25519_KEY_SIZE:
            raise InvalidKeyError(
                f"Ed25519 public key has {len(public_key)} bytes, "
                f"expected {ED25519_KEY_SIZE}"
            )
        self.name = name
        self.public_key = bytes(public_key)
        self.key_id = ed25519_key_id(name, self.public_key)
        try:
            self._key = Ed25519PublicKey.from_public_bytes(self.public_key)
        except ValueError as error:
            raise InvalidKeyError(f"invalid Ed25519 public key: {error}") from error

    @classmethod
    def from_verifier_key(cls, verifier_key: str) -> Self:
        """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``.

        Raises InvalidKeyError if a part is malformed or the key ID does not
        match the name and key.
        """
        parts = verifier_key.split("+", 2)
        if len(parts) != 3:
            raise InvalidKeyError(
                f"verifier key {verifier_key!r} does not have the form "
                "<name>+<key ID>+<key>"
            )
        name, key_id_hex, key_text = parts
        try:
            key_data = decode_base64(key_text)
        except ValueError as error:
            raise InvalidKeyError(f"invalid verifier key data: {error}") from error
        verifier = cls(name, _ed25519_key_material(key_data, "verifier key"))
        _check_key_id(key_id_hex, verifier.key_id)
        return verifier

    def verifier_key(self) -> str:
        """Return the verifier key string, which is safe to publish."""
        key_data = bytes([ED25519_SIGNATURE_TYPE]) + self.public_key
        return f"{format_key(self.name, self.key_id)}+{encode_base64(key_data)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is a valid Ed25519 signature of ``message``."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Ed25519Verifier({self.verifier_key()!r})"


class Ed25519Signer:
    """Ed25519 private key with its key name, which signs notes.

    The seed is secret: ``repr`` and error messages never contain it.
    """

    def __init__(self, name: str, seed: bytes) -> None:
        validate_key_name(name)
        if len(seed) != ED25519_KEY_SIZE:
            raise InvalidKeyError(
                f"Ed25519 seed has {len(seed)} bytes, expected {ED25519_KEY_SIZE}"
            )
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._verifier = Ed25519Verifier(
            name, self._key.public_key().public_bytes_raw()
        )

    @classmethod
    def generate(cls, name: str) -> Self:
        """Generate a new random key with the secure generator of ``cryptography``."""
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def from_signer_key(cls, signer_key: str) -> Self:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``.

        Raises InvalidKeyError if a part is malformed or the key ID does not
        match the name and the public key derived from the seed.
        """
        if not signer_key.startswith(SIGNER_KEY_PREFIX):
            raise InvalidKeyError(f"signer key does not start with {SIGNER_KEY_PREFIX}")
        parts = signer_key[len(SIGNER_KEY_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise InvalidKeyError(
                "signer key does not have the form PRIVATE+KEY+<name>+<key ID>+<key>"
            )
        name, key_id_hex, key_text = parts
        try:
            key_data = decode_base64(key_text)
        except ValueError:
            # The decoder's message would quote the secret key data.
            raise InvalidKeyError(
                "signer key data is not valid canonical base64"
            ) from None
        signer = cls(name, _ed25519_key_material(key_data, "signer key"))
        _check_key_id(key_id_hex, signer.key_id)
        return signer

    @property
    def key_id(self) -> int:
        """Key ID of the public key, as in the verifier key."""
        return self._verifier.key_id

    def verifier(self) -> Ed25519Verifier:
        """Return the verifier for this key."""
        return self._verifier

    def signer_key(self) -> str:
        """Return the secret signer key string. Store it like a password."""
        seed = self._key.private_bytes_raw()
        key_data = bytes([ED25519_SIGNATURE_TYPE]) + seed
        key = format_key(self.name, self.key_id)
        return f"{SIGNER_KEY_PREFIX}{key}+{encode_base64(key_data)}"

    def sign(self, message: bytes) -> bytes:
        """Return the Ed25519 signature of ``message``."""
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Ed25519Signer({format_key(self.name, self.key_id)!r})"


def _ed25519_key_material(key_data: bytes, key_kind: str) -> bytes:
    """Strip the signature type byte from key data and check its length."""
    if not key_data or key_data[0] != ED25519_SIGNATURE_TYPE:
        found = f"0x{key_data[0]:02x}" if key_data else "nothing"
        raise InvalidKeyError(
            f"{key_kind} has signature type {found}, expected "
            f"0x{ED25519_SIGNATURE_TYPE:02x} (Ed25519)"
        )
    if len(key_data) != 1 + ED25519_KEY_SIZE:
        raise InvalidKeyError(
            f"{key_kind} has {len(key_data) - 1} key bytes, expected {ED25519_KEY_SIZE}"
        )
    return key_data[1:]


def _check_key_id(key_id_hex: str, computed: int) -> None:
    if not _KEY_ID_PATTERN.fullmatch(key_id_hex):
        raise InvalidKeyError(
            f"key ID {key_id_hex!r} is not 8 lowercase hexadecimal digits"
        )
    if int(key_id_hex, 16) != computed:
        raise KeyIdMismatchError(
            f"key ID {key_id_hex} does not match the key, computed {computed:08x}",
            int(key_id_hex, 16),
            computed,
        )


def sign_note(text: str, *signers: Ed25519Signer) -> str:
    """Sign ``text`` with every signer and return the signed note.

    Raises MalformedNoteError if the text is empty, does not end in a newline or
    contains a control character other than newline.
    """
    if not signers:
        raise ValueError("sign_note needs at least one signer")
    keys = [format_key(signer.name, signer.key_id) for signer in signers]
    if len(set(keys)) != len(keys):
        raise ValueError(f"signers contain the same key twice: {keys}")
    message = _encode_text(text)
    signatures = [
        NoteSignature(signer.name, signer.key_id, signer.sign(message))
        for signer in signers
    ]
    return text + "\n" + "".join(signature.to_line() for signature in signatures)


def open_note(note: str | bytes, verifiers: Sequence[Ed25519Verifier]) -> OpenedNote:
    """Parse a signed note and verify its signatures by the given keys.

    A signature counts as by a known key when both its key name and key ID match a
    verifier. Raises MalformedNoteError if the note is malformed,
    InvalidSignatureError if a signature by a known key does not verify (the text
    or the signature was changed), and UnverifiedNoteError if no signature is by
    a known key. Signatures by other keys are returned in ``unknown``.
    """
    known = _index_verifiers(verifiers)
    text, signatures = _parse_note(_decode_note(note))
    message = text.encode("utf-8")
    verified: list[NoteSignature] = []
    unknown: list[NoteSignature] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            unknown.append(signature)
            continue
        _verify_signature(verifier, message, signature)
        verified.append(signature)
    if not verified:
        signed_by = ", ".join(signature.key for signature in unknown)
        known_keys = ", ".join(sorted(format_key(*key) for key in known))
        known_text = "key is" if len(known) == 1 else "keys are"
        raise UnverifiedNoteError(
            f"note has no signature by a known key: it is signed by {signed_by}, "
            f"but the known {known_text} {known_keys}",
            tuple(signature.key for signature in unknown),
        )
    return OpenedNote(text, tuple(verified), tuple(unknown))


def _verify_signature(
    verifier: Ed25519Verifier, message: bytes, signature: NoteSignature
) -> None:
    if len(signature.signature) != ED25519_SIGNATURE_SIZE:
        raise InvalidSignatureError(
            f"signature by {signature.key} has {len(signature.signature)} bytes, "
            f"expected {ED25519_SIGNATURE_SIZE}"
        )
    if not verifier.verify(message, signature.signature):
        raise InvalidSignatureError(
            f"signature by {signature.key} does not verify over the note text "
            f"(SHA-256 {hashlib.sha256(message).hexdigest()}): the text or the "
            "signature was changed"
        )


def _index_verifiers(
    verifiers: Sequence[Ed25519Verifier],
) -> dict[tuple[str, int], Ed25519Verifier]:
    if not verifiers:
        raise ValueError("open_note needs at least one verifier")
    known: dict[tuple[str, int], Ed25519Verifier] = {}
    for verifier in verifiers:
        key = (verifier.name, verifier.key_id)
        other = known.setdefault(key, verifier)
        if other.public_key != verifier.public_key:
            raise ValueError(f"verifiers contain two different keys {format_key(*key)}")
    return known


def _encode_text(text: str) -> bytes:
    """Check a note text and return it as UTF-8."""
    if not text.endswith("\n"):
        raise MalformedNoteError("note text is empty or does not end in a newline")
    position = find_control_character(text, allow_newline=True)
    if position is not None:
        raise MalformedNoteError(
            f"note text contains control character {text[position]!r} at "
            f"position {position}"
        )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise MalformedNoteError(f"note text is not valid UTF-8: {error}") from error


def _decode_note(note: str | bytes) -> str:
    if isinstance(note, str):
        return note
    try:
        return note.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedNoteError(f"note is not valid UTF-8: {error}") from error


def _parse_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a note at its last blank line into the text and the signature lines."""
    separator = note.rfind("\n\n")
    if separator < 0:
        raise MalformedNoteError(
            "note has no blank line between the text and the signatures"
        )
    text = note[: separator + 1]
    _encode_text(text)
    block = note[separator + 2 :]
    if not block:
        raise MalformedNoteError("note has no signature lines after the blank line")
    if not block.endswith("\n"):
        raise MalformedNoteError("last signature line does not end in a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(
            f"note has {len(lines)} signatures, the maximum is {MAX_SIGNATURES}"
        )
    signatures = [_parse_signature_line(line) for line in lines]
    _check_distinct_keys(signatures)
    return text, signatures


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_LINE_PREFIX):
        raise MalformedNoteError(
            f"signature line {line!r} does not start with an em dash and a space"
        )
    name, space, blob_text = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
    if not space:
        raise MalformedNoteError(
            f"signature line {line!r} has no space between key name and signature"
        )
    try:
        validate_key_name(name)
        blob = decode_base64(blob_text)
    except ValueError as error:
        raise MalformedNoteError(f"signature line {line!r}: {error}") from error
    if len(blob) <= KEY_ID_SIZE:
        raise MalformedNoteError(
            f"signature line {line!r} has {len(blob)} signature bytes, expected "
            f"a {KEY_ID_SIZE}-byte key ID and a signature"
        )
    key_id = int.from_bytes(blob[:KEY_ID_SIZE], "big")
    return NoteSignature(name, key_id, blob[KEY_ID_SIZE:])


def _check_distinct_keys(signatures: Sequence[NoteSignature]) -> None:
    seen: set[str] = set()
    for signature in signatures:
        if signature.key in seen:
            raise MalformedNoteError(f"note has two signatures by {signature.key}")
        seen.add(signature.key)
