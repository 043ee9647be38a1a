"""Incidents made from misuse findings, and notifications to the GBA/APD.

Changes go through :mod:`vigil.registers.services`, which validates with the
incident form and writes the history in the same transaction.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accesslog.detection import services as detection
from vigil.accesslog.detection.models import Finding
from vigil.audit.services import record as audit
from vigil.labels import labelled
from vigil.registers import services
from vigil.registers.forms import build_form, form_data
from vigil.registers.incidents.forms import NotificationForm
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS

# A finding's severity becomes the incident's impact on confidentiality.
_IMPACT_OF_SEVERITY = {
    "low": Incident.Impact.LOW,
    "medium": Incident.Impact.MEDIUM,
    "high": Incident.Impact.HIGH,
}


class FindingHasIncident(Exception):
    """The finding was already turned into an incident, ``existing``."""

    def __init__(self, existing: Incident) -> None:
        super().__init__(f"finding already has incident {existing.pk}")
        self.existing = existing


def incident_of(finding: Finding) -> Incident | None:
    """Return the incident made from ``finding``, if there is one."""
    return Incident.objects.filter(
        organisation_id=finding.organisation_id, finding=finding
    ).first()


def finding_values(finding: Finding) -> dict[str, str]:
    """Return the wire values of a new incident prefilled from ``finding``.

    The incident was detected when the detection raised the finding, which
    starts the 72 hours to notify the GBA/APD (GDPR, art. 33), although the
    accesses themselves may be weeks older. It was reported to the register
    when the consultant confirmed the finding as misuse, or now, for a
    finding made an incident without being confirmed first.
    """
    url = reverse(
        "accesslog:finding",
        kwargs={"org": finding.organisation.slug, "pk": finding.pk},
    )
    title = labelled(finding.get_rule_display(), finding.user_id)
    affected = "\n".join(
        [
            finding.description,
            _("Accesses from %(start)s to %(end)s.")
            % {
                "start": _local_minute(finding.period_start),
                "end": _local_minute(finding.period_end),
            },
            _("User id: %(user)s.") % {"user": finding.user_id},
            _("Misuse finding: %(url)s") % {"url": url},
        ]
    )
    reported_at = timezone.now()
    if finding.status == Finding.Status.CONFIRMED and finding.triaged_at is not None:
        reported_at = finding.triaged_at
    return {
        "title": title[:200],
        "detected_at": finding.created_at.isoformat(),
        "reported_at": reported_at.isoformat(),
        "reported_by": _("Misuse detection on the access log"),
        "category": Incident.Category.ACCESS_MISUSE,
        "affected_systems": _("Access log"),
        "affected_data": affected,
        "impact_confidentiality": _IMPACT_OF_SEVERITY.get(
            finding.severity, Incident.Impact.MEDIUM
        ),
        "personal_data": "true",
        "status": Incident.Status.OPEN,
    }


def _local_minute(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def create_from_finding(finding: Finding, *, actor: Any) -> Incident:
    """Create an incident of misuse of access from a finding and link the two.

    The finding's triage status becomes "security incident". The incident's
    texts and the triage note are written in the centre's language, like
    every text Vigil writes into a centre's records, whatever the language
    of the user's interface. Raise :class:`FindingHasIncident` when the
    finding already has an incident.
    """
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        existing = incident_of(locked)
        if existing is not None:
            raise FindingHasIncident(existing)
        instance = Incident(organisation=locked.organisation, finding=locked)
        with translation.override(locked.organisation.language):
            values = finding_values(locked)
        incident = _save_new(instance, values, actor=actor)
        with translation.override(locked.organisation.language):
            note = _("Recorded as incident #%(id)s.") % {"id": incident.pk}
        if locked.note:
            note = f"{locked.note}\n{note}"
        detection.triage_finding(
            locked, status=Finding.Status.INCIDENT, note=note, actor=actor
        )
        audit(
            "incident.created_from_finding",
            actor=actor,
            target=incident,
            organisation=incident.organisation,
            new={"finding": locked.pk, "incident": incident.pk},
        )
    return incident


def _save_new(instance: Incident, values: Mapping[str, Any], *, actor: Any) -> Incident:
    data = form_data(INCIDENTS, instance.organisation, values)
    form = build_form(INCIDENTS, instance.organisation, data, instance=instance)
    return _incident(services.save_form(INCIDENTS, form, actor=actor))


def _incident(saved: object) -> Incident:
    if not isinstance(saved, Incident):
        raise TypeError(f"expected an incident, got {type(saved).__name__}")
    return saved


def notification_form(
    incident: Incident, data: Mapping[str, Any] | None = None
) -> NotificationForm:
    return NotificationForm(data, instance=incident, organisation=incident.organisation)


def record_notification(form: NotificationForm, *, actor: Any) -> Incident:
    """Record the notification to the GBA/APD, or the decision not to notify.

    Raise :class:`vigil.registers.services.RecordInvalid` on invalid values.
    """
    return _incident(services.save_form(INCIDENTS, form, actor=actor))
