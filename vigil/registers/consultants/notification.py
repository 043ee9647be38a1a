"""The notification of the consultant's identity and hours to the supervisor.

Minimum security norms 4.2.1.2 and 4.2.1.5 ask a centre to send the
identity of its security consultant and deputies, with the hours officially
granted to them, to the Social Integration service. This module builds that
letter as a :class:`vigil.reports.document.Document` in Dutch or French.
"""

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.consultants.models import Consultant
from vigil.registers.dates import iso_date
from vigil.reports.document import Document, Facts, Heading, Paragraph, Signature, Table

LANGUAGES = ("nl", "fr")


def format_hours(value: Decimal) -> str:
    """Return hours with a decimal comma, without a trailing ",0": 8 or 19,5."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize()).replace(".", ",")


def deputies_of(consultant: Consultant, today: datetime.date) -> list[Consultant]:
    """Return the centre's deputies whose appointment has not ended by ``today``."""
    found = Consultant.objects.filter(
        organisation_id=consultant.organisation_id, role=Consultant.Role.DEPUTY
    ).exclude(end_date__lt=today)
    return list(found.order_by("start_date", "name", "id"))


def build_notification(
    consultant: Consultant, language: str, today: datetime.date | None = None
) -> Document:
    """Build the notification for a consultant appointment in ``language``.

    Raises ValueError for a language other than Dutch or French, or for a
    deputy's record, because the notification is made for the consultant.
    """
    if language not in LANGUAGES:
        raise ValueError(f"notification language {language!r}; use nl or fr")
    if consultant.role != Consultant.Role.CONSULTANT:
        raise ValueError(f"record {consultant.pk} is a deputy, not the consultant")
    day = today or timezone.localdate()
    with translation.override(language):
        return _document(consultant.organisation, consultant, language, day)


def _document(
    organisation: Organisation,
    consultant: Consultant,
    language: str,
    today: datetime.date,
) -> Document:
    deputies = deputies_of(consultant, today)
    blocks = (
        Paragraph(_("To the Social Integration service, security cell.")),
        Paragraph(
            _(
                "%(centre)s (enterprise number %(number)s) informs you of the "
                "identity of its security consultant and deputy consultants, and "
                "of the hours officially granted to them, as minimum security "
                "norms 4.2.1.2 and 4.2.1.5 require."
            )
            % {
                "centre": organisation.name,
                "number": organisation.enterprise_number_display,
            }
        ),
        Heading(_("Centre"), level=2),
        Facts(_centre_facts(organisation)),
        Heading(_("Security consultant"), level=2),
        Facts(_consultant_facts(consultant)),
        Heading(_("Deputy consultants"), level=2),
        _deputies_block(deputies),
        Paragraph(
            _("Drawn up on %(date)s on behalf of the centre.")
            % {"date": iso_date(today)}
        ),
        Signature(
            (
                (_("Name"), ""),
                (_("Capacity"), _("secretary-general or chair of the council")),
                (_("Date"), iso_date(today)),
                (_("Signature"), ""),
            )
        ),
    )
    return Document(
        title=_("Notification of the security consultant"),
        subtitle=_("Identity and hours of the consultant and deputies"),
        language=language,
        organisation=organisation.name,
        generated_at=timezone.now(),
        blocks=blocks,
        footer=f"Vigil · {organisation.name} · {iso_date(today)}",
    )


def _centre_facts(organisation: Organisation) -> tuple[tuple[str, str], ...]:
    address = " ".join(
        part
        for part in (
            organisation.street,
            organisation.postcode,
            organisation.municipality,
        )
        if part
    )
    rows = [
        (_("Name"), organisation.name),
        (_("Enterprise number"), organisation.enterprise_number_display),
    ]
    if address:
        rows.append((_("Address"), address))
    return tuple(rows)


def _consultant_facts(consultant: Consultant) -> tuple[tuple[str, str], ...]:
    shared = _("no")
    if consultant.shared_service:
        shared = _("yes, through %(association)s") % {
            "association": consultant.association
        }
    return (
        (_("Name"), consultant.name),
        (_("E-mail"), consultant.email),
        (_("Phone"), consultant.phone),
        (_("In office since"), iso_date(consultant.start_date)),
        (
            _("Hours per week officially granted"),
            format_hours(consultant.hours_per_week),
        ),
        (_("Appointed by"), consultant.get_decision_body_display()),
        (_("Date of the decision"), iso_date(consultant.decision_date)),
        (_("Decision reference"), consultant.decision_reference),
        (_("Shared through an association"), shared),
    )


def _deputies_block(deputies: list[Consultant]) -> Table | Paragraph:
    if not deputies:
        return Paragraph(_("The centre has appointed no deputy consultant."))
    header = (
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Hours per week"),
        _("In office since"),
        _("Decision"),
    )
    rows = tuple(
        (
            deputy.name,
            deputy.email,
            deputy.phone,
            format_hours(deputy.hours_per_week),
            iso_date(deputy.start_date),
            _decision_text(deputy),
        )
        for deputy in deputies
    )
    return Table(header=header, rows=rows, widths=(3, 3, 2, 1, 2, 3))


def _decision_text(consultant: Consultant) -> str:
    text = _("%(body)s, %(date)s") % {
        "body": consultant.get_decision_body_display(),
        "date": iso_date(consultant.decision_date),
    }
    if consultant.decision_reference:
        text += f" ({consultant.decision_reference})"
    return text
