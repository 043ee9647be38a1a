"""The incident register, described for the generic register pages."""

from django.utils.translation import gettext_lazy

from vigil.organisations.models import Organisation
from vigil.registers.incidents import checks, deletion
from vigil.registers.incidents.forms import FIELDS, IncidentForm
from vigil.registers.incidents.models import Incident
from vigil.registers.spec import RegisterSpec, register


def _example(_organisation: Organisation) -> dict[str, str]:
    return {
        "title": "Phishing mail with a fake login page of the mailbox",
        "detected_at": "2026-03-02T09:15:00+01:00",
        "reported_at": "2026-03-02T09:40:00+01:00",
        "reported_by": "Social worker, reception desk",
        "category": Incident.Category.INTRUSION,
        "affected_systems": "Mailbox of one social worker",
        "impact_confidentiality": Incident.Impact.LOW,
        "personal_data": "false",
        "status": Incident.Status.CONTAINED,
        "actions_taken": "Password reset, sessions ended, mail deleted everywhere.",
    }


INCIDENTS = RegisterSpec(
    slug="incidents",
    model=Incident,
    title=gettext_lazy("Security incidents"),
    description=gettext_lazy(
        "Security incidents from detection to closure: impact, actions, root "
        "cause, lessons learned and the notification of personal data "
        "breaches to the GBA/APD within 72 hours."
    ),
    group=gettext_lazy("Incidents"),
    fields=FIELDS,
    columns=("detected_at", "title", "category", "status", "personal_data"),
    catalog_keys=("incidents", "antivirus"),
    example=_example,
    search=(
        "title",
        "reported_by",
        "affected_systems",
        "affected_data",
        "actions_taken",
        "root_cause",
        "lessons_learned",
        "notification_reference",
    ),
    filters=("category", "status", "personal_data"),
    ordering=("-detected_at", "-id"),
    form=IncidentForm,
    summary=checks.current_summary,
    warnings=checks.current_warnings,
    detail_template="incidents/_detail.html",
    delete_notes=deletion.deletion_notes,
    before_delete=deletion.reopen_finding,
)


def connect() -> None:
    register(INCIDENTS)
