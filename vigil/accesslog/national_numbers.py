"""National numbers of data subjects: INSZ/NISS and BIS numbers.

Validation by python-stdnum, with a cache of recently validated numbers
that keeps no number in clear, and the masked form that errors show.
"""

import datetime
import random
import secrets
from typing import Literal

from django.utils.translation import gettext as _
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as NumberValidationError

NATIONAL_NUMBER_LENGTH = 11

# The source of a national number, which chooses the hint on a number of 10
# digits: a file or form, which a spreadsheet may have written, or a program
# that sends it through the REST API or syslog.
type NumberOrigin = Literal["file", "program"]
_SEPARATORS = str.maketrans("", "", " -.")

# Keyed digests of the national numbers validated recently. A log names the
# same clients over and over, and the check by python-stdnum takes most of
# the time of validating an event. A digest is the string hash of CPython
# (64-bit SipHash-1-3) of the number behind a random prefix. The prefix
# exists only in this process, so the cache contains no national number in
# clear, also when PYTHONHASHSEED fixes the hash key. With CPython 3.12 this
# digest takes a seventh of the time of a keyed blake2b digest. With the
# cache full, an invalid number has the digest of a cached valid one, and is
# accepted, with a probability of about 1e5 / 2**64 (5e-15) per lookup. The
# cache is emptied when full.
VALID_NUMBER_CACHE_SIZE = 100_000
_DIGEST_PREFIX = secrets.token_hex(16)
_VALID_NUMBERS: set[int] = set()


def compact_national_number(value: str) -> str:
    """Return ``value`` without spaces, dots and dashes, as python-stdnum does."""
    return value.translate(_SEPARATORS).strip()


def validate_national_number(value: str, origin: NumberOrigin = "file") -> str:
    """Return the compact INSZ/NISS or BIS number, or raise ValueError.

    python-stdnum checks the mod-97 check digits for both century rules
    (birth before 2000, and from 2000 with a leading 2 in the check) and the
    birth month: 0 to 12 for a national number, 20 to 32 or 40 to 52 for a
    BIS number. The message never contains the number. For a number of 10
    digits it blames a spreadsheet or the sending program, by ``origin``.
    """
    number = compact_national_number(value)
    if lost_leading_zero(number):
        raise ValueError(_ten_digits_reason(origin))
    if (
        len(number) != NATIONAL_NUMBER_LENGTH
        or not number.isascii()
        or not number.isdigit()
    ):
        raise ValueError(_("must have 11 digits (dots, dashes and spaces are allowed)"))
    if not is_valid_compact_number(number):
        raise ValueError(
            _(
                "is not a valid national (INSZ/NISS) or BIS number: the check "
                "digits or the birth month are wrong"
            )
        )
    return number


def _ten_digits_reason(origin: NumberOrigin) -> str:
    if origin == "program":
        return _(
            "must have 11 digits but has 10. The sending program may have "
            "dropped the leading 0, for example by storing the number as an "
            "integer. Send all 11 digits as text (national numbers of people "
            "born in 2000 to 2009 start with 0)"
        )
    return _(
        "must have 11 digits but has 10. If a spreadsheet dropped the "
        "leading 0, put it back and store the column as text (national "
        "numbers of people born in 2000 to 2009 start with 0)"
    )


def lost_leading_zero(value: str) -> bool:
    """Return whether ``value`` has 10 digits, one short of a national number.

    A spreadsheet that reads a national number as a number drops its leading
    0, and the numbers of people born from 2000 to 2009 start with one.
    """
    number = compact_national_number(value)
    return (
        len(number) == NATIONAL_NUMBER_LENGTH - 1
        and number.isascii()
        and number.isdigit()
    )


def is_valid_compact_number(number: str) -> bool:
    """Check 11 ASCII digits with python-stdnum, unless validated recently."""
    digest = hash(_DIGEST_PREFIX + number)
    if digest in _VALID_NUMBERS:
        return True
    checker = bis if int(number[2:4]) >= 20 else nn
    try:
        checker.validate(number)
    except NumberValidationError:
        return False
    if len(_VALID_NUMBERS) >= VALID_NUMBER_CACHE_SIZE:
        _VALID_NUMBERS.clear()
    _VALID_NUMBERS.add(digest)
    return True


def mask_national_number(value: object) -> str:
    """Return a national number with all but its first and last two digits hidden."""
    text = compact_national_number(str(value))
    if len(text) < 5:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


def synthetic_national_numbers(count: int, generator: random.Random) -> list[str]:
    """Return ``count`` distinct valid national numbers, sorted, for demo data.

    The birth dates lie from 1940 to 1999, so the numbers follow the rule of
    the 1900s and all come from ``generator``.
    """
    numbers: set[str] = set()
    while len(numbers) < count:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(
            days=generator.randrange(60 * 365)
        )
        base = f"{birth:%y%m%d}{generator.randrange(1, 998):03d}"
        numbers.add(f"{base}{97 - int(base) % 97:02d}")
    return sorted(numbers)
