"""Audit-trail display of the entries of authorisation reviews.

A decision is stored on the review with the values of its line, such as
``{"decision": "changed", "changes": {"access_level": {...}}}``. The trail
labels them as the line's fields and shows codes as their choice labels.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from vigil.audit.display import (
    Subject,
    record_text,
    register_action_keys,
    register_key_fields,
    register_key_texts,
    register_labels,
)
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
    change_texts,
)

REVIEW = "authorisations.reviewcampaign"


def connect() -> None:
    """Register the labels and texts of the review's audit entries."""
    line = ReviewLine._meta
    register_labels(
        REVIEW,
        {
            "line": _("line"),
            # The line's foreign key has no verbose name of its own.
            "authorisation": Authorisation._meta.verbose_name,
            "lines": _("Lines"),
            "confirmed": _("Confirmed"),
            "changed": _("Changed"),
            "revoked": _("Revoked"),
        },
    )
    register_key_fields(
        REVIEW,
        {
            name: line.get_field(name)
            for name in ("authorisation", "decision", "decided_on", "note", "changes")
        },
    )
    register_key_texts(REVIEW, {"changes": changes_text})
    # A closed review attached as evidence is recorded on the evidence.
    register_action_keys(
        "authorisation.review_attached",
        labels={
            "review": ReviewCampaign._meta.verbose_name,
            "norm": _("norm"),
            "year": _("year"),
        },
        texts={"review": record_text(ReviewCampaign)},
    )


def changes_text(changes: Any, subject: Subject) -> str:
    """Return the changes of a decision, one "field: old → new" per line."""
    if not isinstance(changes, dict):
        return str(changes)
    return "\n".join(change_texts(changes))
