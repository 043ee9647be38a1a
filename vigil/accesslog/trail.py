"""Audit-trail display of the access log's own records.

Some of the access log's models have no verbose name, so the trail gets
their type labels here. A verification stores its object label in the
language active when it ran, in the web page's or the command line's, and
the summary of a run that passed in English. The trail puts both together
again from the stored run, in the reader's language. Searches, exports and
changes of the open case files store a translated word as their object
label, which the trail gives in the reader's language too. So does a
finding, whose label names its rule.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accesslog.models import AccessEntry, VerificationRun
from vigil.accesslog.verification_messages import LOG_VERIFIED
from vigil.audit.display import (
    Subject,
    current_text,
    register_key_texts,
    register_object_label,
    register_type_label,
)

VERIFICATION = "accesslog.verificationrun"
FINDING = "accesslog.finding"
ENTRIES = "accesslog.accessentry"
OPEN_CASES = "accesslog.opencase"
# The actions on entries whose object label is the entries' plural name.
# Ingestion and expiry store the organisation and an index range instead.
_ENTRIES_NAMED = frozenset({"accesslog.searched", "accesslog.exported"})


def connect() -> None:
    """Register the type labels, object labels and message text of the trail."""
    register_type_label(VERIFICATION, gettext_lazy("access-log verification"))
    register_type_label("accesslog.logkeys", gettext_lazy("access-log keys"))
    register_type_label(
        "accesslog.logcheckpoint", gettext_lazy("signed access-log checkpoint")
    )
    register_type_label(
        "accesslog.apitoken", gettext_lazy("access-log ingestion token")
    )
    register_object_label(VERIFICATION, current_text)
    # A finding's label names its rule, translated. A detection run stores
    # no object id, so its label of days is shown as stored.
    register_object_label(FINDING, current_text)
    register_object_label(ENTRIES, entries_label)
    register_object_label(OPEN_CASES, open_cases_label)
    register_key_texts(VERIFICATION, {"message": verification_message})


def entries_label(subject: Subject) -> str | None:
    """Return the label of a search or export in the active language."""
    if subject.action in _ENTRIES_NAMED:
        return str(AccessEntry._meta.verbose_name_plural)
    return None


def open_cases_label(subject: Subject) -> str | None:
    """Return the label of a change of the open case files in the active language."""
    if subject.action == "accesslog.open_cases_changed":
        return _("Open case files")
    return None


def verification_message(message: Any, subject: Subject) -> str:
    """Return the counts of a run that passed in the active language.

    A failed run's message is returned as stored, and so is the message of
    a run whose row is gone.
    """
    run = _run(subject)
    if run is None or not run.ok:
        return str(message)
    return _(LOG_VERIFIED) % {
        "size": run.size,
        "expired": run.expired_entries,
        "checkpoints": run.checkpoints_checked,
    }


def _run(subject: Subject) -> VerificationRun | None:
    if subject.organisation_id is None:
        return None
    if not (subject.object_id.isascii() and subject.object_id.isdigit()):
        return None
    return VerificationRun.objects.filter(
        pk=int(subject.object_id), organisation_id=subject.organisation_id
    ).first()
