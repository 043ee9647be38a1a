"""Keyed pseudonyms of national numbers (INSZ/NISS and BIS).

A pseudonym is the lowercase hex HMAC-SHA256 of the compact 11-digit number
(ASCII) under the organisation's 32-byte pseudonym key. The same person gets
the same pseudonym within one organisation and unrelated pseudonyms in two
organisations, and without the key a pseudonym cannot be turned back into the
number. The clear number is stored nowhere: entries, searches, watch lists
and audit records keep only the pseudonym.
"""

import hmac

from vigil.accesslog.events import validate_national_number
from vigil.accesslog.keys import ensure_log_keys, pseudonym_key
from vigil.organisations.models import Organisation


def pseudonym_with_key(key: bytes, compact_number: str) -> str:
    """Return the pseudonym of an already validated, compact number."""
    return hmac.digest(key, compact_number.encode("ascii"), "sha256").hex()


def pseudonymise(organisation: Organisation, national_number: str) -> str:
    """Return the organisation's pseudonym of ``national_number``.

    The number may contain dots, dashes and spaces. Raises ValueError, whose
    message does not contain the number, if it is not a valid INSZ/NISS or
    BIS number. Creates the organisation's log keys on first use.
    """
    number = validate_national_number(national_number)
    keys = ensure_log_keys(organisation)
    return pseudonym_with_key(pseudonym_key(keys), number)
