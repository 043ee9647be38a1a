"""Norm codes that a finding may name: those of every loaded catalog version."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.catalog.models import Norm
from vigil.integers import ascii_integer

MAX_SUGGESTIONS = 6
CODE_FORM = re.compile(r"^\d+(\.\d+)+$")


def known_norm_codes() -> set[str]:
    """Return the norm codes of every loaded catalog version.

    A finding of an audit made under an older catalog keeps its norm code, so
    any loaded version counts, not only the one the centre answers today.
    """
    return set(Norm.objects.values_list("code", flat=True).distinct())


def clean_norm_code(value: str) -> str:
    """Return ``value`` as a known norm code, or raise ValidationError.

    Spaces and a trailing dot are dropped, so "4.4.2." is read as "4.4.2".
    The error names the value and, where they exist, the codes that share its
    chapter.
    """
    code = value.strip().rstrip(".")
    known = known_norm_codes()
    if code in known:
        return code
    if not known:
        # NOTE: without any loaded catalog (before "vigil setup"), only the
        # form of the code is checked; setup loads the shipped catalog.
        if CODE_FORM.match(code):
            return code
        raise ValidationError(
            _("%(code)r is not a norm code; write it as 4.4.2.") % {"code": value}
        )
    suggestions = _near_codes(code, known)
    if suggestions:
        message = _(
            "%(code)r is not a norm of any loaded catalog; use one of %(codes)s."
        ) % {"code": value, "codes": ", ".join(suggestions)}
    else:
        message = _(
            "%(code)r is not a norm of any loaded catalog; write a code as the "
            "questionnaire shows it, for example 4.4.2."
        ) % {"code": value}
    raise ValidationError(message)


def _near_codes(code: str, known: set[str]) -> list[str]:
    """Return the known codes of the same chapter as ``code``, in number order."""
    chapter = ".".join(code.split(".")[:2])
    near = [item for item in known if item == chapter or item.startswith(chapter + ".")]
    return sorted(near, key=_number_key)[:MAX_SUGGESTIONS]


def _number_key(code: str) -> tuple[int, ...]:
    return tuple(ascii_integer(part) or 0 for part in code.split("."))
