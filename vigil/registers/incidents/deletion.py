"""Deleting an incident: what else it changes, and the update of its finding.

The generic deletion of :mod:`vigil.registers.services` calls these through
the incident register's spec: :func:`deletion_notes` for the confirmation
page and :func:`reopen_finding` in the deletion's transaction.
"""

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accesslog.detection import services as detection
from vigil.accesslog.detection.models import Finding
from vigil.registers.incidents.deadlines import notification_state
from vigil.registers.incidents.models import Incident
from vigil.registers.models import RegisterRecord


def deletion_notes(record: RegisterRecord) -> list[str]:
    """Describe what deleting an incident changes besides the incident itself."""
    incident = _incident(record)
    notes = _notification_notes(incident)
    if incident.finding_id is not None:
        finding = Finding.objects.get(pk=incident.finding_id)
        notes.append(_finding_note(finding))
    return notes


def _notification_notes(incident: Incident) -> list[str]:
    state = notification_state(incident, timezone.now())
    if state is None:
        return []
    if state.notified_at is not None:
        return [
            _(
                "The record of its notification to the GBA/APD on %(when)s "
                "(Brussels time) is deleted with it."
            )
            % {"when": state.notified_shown}
        ]
    if state.decided:
        return [
            _(
                "The record of the decision not to notify the GBA/APD, with its "
                "reason, is deleted with it."
            )
        ]
    return [
        _(
            "It involves personal data and neither a notification to the GBA/APD "
            "nor a decision not to notify is recorded: the 72-hour deadline is "
            "%(deadline)s (Brussels time). %(state)s Deleting the incident also "
            "removes this deadline from the register's warnings and from what "
            "falls due."
        )
        % {"deadline": state.deadline_shown, "state": state.text}
    ]


def _finding_note(finding: Finding) -> str:
    values = {"finding": str(finding), "status": finding.get_status_display()}
    if finding.status == Finding.Status.INCIDENT:
        return (
            _(
                "It was recorded from the misuse finding “%(finding)s”, whose "
                "status is “%(status)s”. Deleting the incident sets that finding "
                "back to open, so that it is triaged again, and adds a note to it "
                "that the incident was deleted."
            )
            % values
        )
    return (
        _(
            "It was recorded from the misuse finding “%(finding)s”, whose status "
            "is “%(status)s”. Deleting the incident adds a note to that finding "
            "that the incident was deleted; its status stays."
        )
        % values
    )


def reopen_finding(record: RegisterRecord, actor: Any) -> None:
    """Tell the finding of an incident being deleted that the incident is gone.

    The link is a column of the incident, so it goes with the incident, and
    the finding would otherwise keep the status "security incident" and a
    note naming an incident that no longer exists. A finding with that
    status goes back to open so that it is triaged again; one that was
    triaged otherwise since keeps its status. Both get a note.
    """
    incident = _incident(record)
    if incident.finding_id is None:
        return
    # The status is read under a lock, since a triage may have changed it
    # since the incident was loaded.
    finding = Finding.objects.select_for_update().get(pk=incident.finding_id)
    # The note is written in the centre's language, as the note that
    # recorded the incident was.
    with translation.override(finding.organisation.language):
        line = _("Incident #%(id)s “%(title)s” was deleted.") % {
            "id": incident.pk,
            "title": incident.title,
        }
        status = finding.status
        if status == Finding.Status.INCIDENT:
            status = Finding.Status.OPEN
            reopened = _("The finding is open again.")
            line = f"{line} {reopened}"
    note = f"{finding.note}\n{line}" if finding.note else line
    detection.triage_finding(finding, status=status, note=note, actor=actor)


def _incident(record: RegisterRecord) -> Incident:
    if not isinstance(record, Incident):
        raise TypeError(f"expected an incident, got {type(record).__name__}")
    return record
