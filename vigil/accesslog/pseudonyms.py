"""Keyed pseudonyms of national numbers (INSZ/NISS and BIS).

A pseudonym is the HMAC-SHA256 of the compact 11-digit number (ASCII) under
the organisation's 32-byte pseudonym key. Entries store its 32 bytes, and
leaves, searches and watch lists write it as lowercase hex. The same person gets
the same pseudonym within one organisation and unrelated pseudonyms in two
organisations, and without the key a pseudonym cannot be turned back into the
number. The clear number is stored nowhere: entries, searches, watch lists
and audit records keep only the pseudonym.
"""

import hashlib
import hmac

from vigil.accesslog.keys import ensure_log_keys, pseudonym_key
from vigil.accesslog.national_numbers import validate_national_number
from vigil.organisations.models import Organisation

# SHA-256 block size in bytes, the length HMAC pads the key to (RFC 2104).
BLOCK_SIZE = 64


def pseudonym_with_key(key: bytes, compact_number: str) -> str:
    """Return the pseudonym of an already validated, compact number."""
    return hmac.digest(key, compact_number.encode("ascii"), "sha256").hex()


class Pseudonymiser:
    """Pseudonyms under one key, for many numbers in a row.

    HMAC is H((K ^ opad) || H((K ^ ipad) || m)) (RFC 2104). The two padded
    key blocks are hashed once here and the hash states copied per number,
    which in CPython 3.12 takes a fraction of the time of one
    ``hmac.digest`` call, because that call sets up the key every time.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) > BLOCK_SIZE:
            key = hashlib.sha256(key).digest()
        padded = key.ljust(BLOCK_SIZE, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

    def digest(self, compact_number: str) -> bytes:
        """Return the pseudonym of an already validated, compact number as bytes."""
        inner = self._inner.copy()
        inner.update(compact_number.encode("ascii"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def pseudonymise(organisation: Organisation, national_number: str) -> str:
    """Return the organisation's pseudonym of ``national_number``.

    The number may contain dots, dashes and spaces. Raises ValueError, whose
    message does not contain the number, if it is not a valid INSZ/NISS or
    BIS number. Creates the organisation's log keys on first use.
    """
    number = validate_national_number(national_number)
    keys = ensure_log_keys(organisation)
    return pseudonym_with_key(pseudonym_key(keys), number)
