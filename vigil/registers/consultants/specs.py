"""The consultant register, described for the generic register pages."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.organisations.models import Organisation
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.consultants.notification import format_hours
from vigil.registers.dates import iso_date
from vigil.registers.spec import RegisterSpec, register

# The supervisor usually acknowledges within a few weeks; after this many
# days without an acknowledgement the consultant should ask again.
ACKNOWLEDGEMENT_DAYS = 60


def _example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Els Vermeulen",
        "email": "els.vermeulen@ocmw.example",
        "phone": "+32 9 210 45 67",
        "role": Consultant.Role.CONSULTANT,
        "start_date": "2026-01-01",
        "decision_date": "2025-12-16",
        "decision_body": Consultant.Body.COUNCIL,
        "decision_reference": "RMW 2025/142",
        "hours_per_week": "8",
        "shared_service": "false",
    }


def active_consultant(
    organisation: Organisation, today: datetime.date
) -> Consultant | None:
    """Return the consultant (not a deputy) in office on ``today``, if any."""
    found = Consultant.objects.filter(
        organisation=organisation,
        role=Consultant.Role.CONSULTANT,
        start_date__lte=today,
    ).exclude(end_date__lt=today)
    return found.order_by("-start_date", "-id").first()


def _summary(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    consultant = active_consultant(organisation, today)
    if consultant is None:
        return [_("No security consultant in office.")]
    lines = [
        _("Consultant: %(name)s, %(hours)s hours per week since %(start)s.")
        % {
            "name": consultant.name,
            "hours": format_hours(consultant.hours_per_week),
            "start": iso_date(consultant.start_date),
        }
    ]
    deputies = Consultant.objects.filter(
        organisation=organisation, role=Consultant.Role.DEPUTY, start_date__lte=today
    ).exclude(end_date__lt=today)
    names = [deputy.name for deputy in deputies.order_by("name")]
    if names:
        lines.append(_("Deputies: %(names)s.") % {"names": ", ".join(names)})
    return lines


def consultant_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Return what is missing in the consultant register on ``today``."""
    consultant = active_consultant(organisation, today)
    warnings: list[str] = []
    if consultant is None:
        warnings.append(_no_consultant_warning(organisation, today))
    elif not consultant.notifications.exists():
        warnings.append(
            _(
                "The appointment of %(name)s was not notified to the Social "
                "Integration service (norms 4.2.1.2 and 4.2.1.5); send the "
                "notification and record it."
            )
            % {"name": consultant.name}
        )
    warnings.extend(_unacknowledged(organisation, today))
    return warnings


def _no_consultant_warning(organisation: Organisation, today: datetime.date) -> str:
    ended = (
        Consultant.objects.filter(
            organisation=organisation,
            role=Consultant.Role.CONSULTANT,
            end_date__lt=today,
        )
        .order_by("-end_date", "-id")
        .first()
    )
    if ended is not None and ended.end_date is not None:
        return _(
            "The appointment of %(name)s as consultant ended on %(date)s and no "
            "successor is recorded; add the new appointment (norm 4.2.1.1)."
        ) % {"name": ended.name, "date": iso_date(ended.end_date)}
    return _(
        "No security consultant in office is recorded; add the appointment "
        "(norm 4.2.1.1)."
    )


def _unacknowledged(organisation: Organisation, today: datetime.date) -> list[str]:
    limit = today - datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)
    pending = Notification.objects.filter(
        organisation=organisation, acknowledged_on__isnull=True, sent_on__lt=limit
    ).select_related("consultant")
    return [
        _(
            "The notification about %(name)s sent on %(date)s has not been "
            "acknowledged after %(days)d days; ask the Social Integration "
            "service to confirm receipt."
        )
        % {
            "name": notification.consultant.name,
            "date": iso_date(notification.sent_on),
            "days": ACKNOWLEDGEMENT_DAYS,
        }
        for notification in pending.order_by("sent_on", "id")
    ]


def _warnings(organisation: Organisation) -> list[str]:
    return consultant_warnings(organisation, timezone.localdate())


CONSULTANTS = RegisterSpec(
    slug="consultants",
    model=Consultant,
    title=gettext_lazy("Security consultant and deputies"),
    description=gettext_lazy(
        "The appointment of the security consultant and deputies: decision, "
        "hours granted, shared service, and the notification of their "
        "identity and hours to the Social Integration service."
    ),
    group=gettext_lazy("Consultant"),
    fields=(
        "name",
        "email",
        "phone",
        "role",
        "start_date",
        "end_date",
        "decision_date",
        "decision_body",
        "decision_reference",
        "hours_per_week",
        "shared_service",
        "association",
    ),
    columns=("name", "role", "start_date", "end_date", "hours_per_week"),
    catalog_keys=("consultant",),
    example=_example,
    search=("name", "email", "decision_reference", "association"),
    filters=("role", "decision_body"),
    ordering=("role", "-start_date", "-id"),
    summary=_summary,
    warnings=_warnings,
    detail_template="consultants/_notifications.html",
)


def connect() -> None:
    register(CONSULTANTS)
