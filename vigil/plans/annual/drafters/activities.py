"""Drafters of items 2°, 3°, 4°, 7° and 8°: the activities register and audits.

Every drafter reads the activities of the year by kind and date. Cancelled
activities are left out everywhere; the advices, controls and campaigns
count those that are done.
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.organisations.models import Organisation
from vigil.plans.annual.drafters.figures import decimal_text, table
from vigil.registers.activities.models import Activity
from vigil.reports.document import Table

Kind = Activity.Kind
Status = Activity.Status


def activities_of(
    organisation: Organisation, year: int, *kinds: str
) -> "QuerySet[Activity]":
    """Return the centre's activities of ``kinds`` dated in ``year``, not cancelled."""
    found = Activity.objects.filter(organisation=organisation, date__year=year)
    if kinds:
        found = found.filter(kind__in=kinds)
    return found.exclude(status=Status.CANCELLED).order_by("date", "id")


def _hours(activities: list[Activity]) -> Decimal:
    return sum((a.hours or Decimal(0) for a in activities), Decimal(0))


def draft_advices(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    advices = list(
        activities_of(organisation, year, Kind.ADVICE).filter(status=Status.DONE)
    )
    if not advices:
        return [_("No written advice was recorded in %(year)d.") % {"year": year}], []
    followed = [a for a in advices if a.result.strip()]
    text = ngettext(
        "In %(year)d the consultant gave %(count)d written advice; "
        "a follow-up is recorded for %(followed)d.",
        "In %(year)d the consultant gave %(count)d written advices; "
        "a follow-up is recorded for %(followed)d of them.",
        len(advices),
    ) % {"year": year, "count": len(advices), "followed": len(followed)}
    rows = [
        (
            a.date.isoformat(),
            a.subject,
            a.participants,
            a.result or _("no follow-up recorded"),
        )
        for a in advices
    ]
    header = (_("Date"), _("Advice"), _("Addressed to"), _("Follow-up given"))
    return [text], [table(header, rows, widths=(1, 3, 2, 3))]


def draft_activities(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    activities = list(activities_of(organisation, year))
    if not activities:
        return [_("No activity was recorded in %(year)d.") % {"year": year}], []

    done = [a for a in activities if a.status == Status.DONE]
    text = ngettext(
        "The activities register holds %(count)d entry for %(year)d "
        "(%(done)d done), %(hours)s hours in all.",
        "The activities register holds %(count)d entries for %(year)d "
        "(%(done)d done), %(hours)s hours in all.",
        len(activities),
    ) % {
        "count": len(activities),
        "year": year,
        "done": len(done),
        "hours": decimal_text(_hours(activities)),
    }

    per_kind = []
    for kind in Kind:
        of_kind = [a for a in activities if a.kind == kind]
        if of_kind:
            per_kind.append(
                (str(kind.label), str(len(of_kind)), decimal_text(_hours(of_kind)))
            )
    totals = ((_("Total"), str(len(activities)), decimal_text(_hours(activities))),)
    kinds = table((_("Kind"), _("Number"), _("Hours")), per_kind, totals, (3, 1, 1))

    listed = [a for a in activities if a.kind in (Kind.ACTIVITY, Kind.MEETING)]
    tables = [kinds]
    if listed:
        rows = [
            (
                a.date.isoformat(),
                a.get_kind_display(),
                a.subject,
                a.get_status_display(),
            )
            for a in listed
        ]
        header = (_("Date"), _("Kind"), _("Subject"), _("Status"))
        tables.append(table(header, rows, widths=(1, 2, 4, 1)))
    return [text], tables


def draft_controls(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    controls = list(
        activities_of(organisation, year, Kind.CONTROL).filter(status=Status.DONE)
    )
    paragraphs: list[str] = []
    tables: list[Table] = []
    if controls:
        paragraphs.append(
            ngettext(
                "%(count)d control was carried out in %(year)d.",
                "%(count)d controls were carried out in %(year)d.",
                len(controls),
            )
            % {"count": len(controls), "year": year}
        )
        rows = [(a.date.isoformat(), a.subject, a.result) for a in controls]
        tables.append(
            table((_("Date"), _("Control"), _("Result")), rows, widths=(1, 3, 4))
        )
    else:
        paragraphs.append(_("No control was recorded in %(year)d.") % {"year": year})
    audit_text, audit_tables = _audits(organisation, year)
    return paragraphs + audit_text, tables + audit_tables


def _audits(organisation: Organisation, year: int) -> tuple[list[str], list[Table]]:
    try:
        from vigil.plans.audits.models import Audit, Finding
    except ImportError:
        return [_("The audit register is not installed.")], []

    audits = list(
        Audit.objects.filter(organisation=organisation, date__year=year).order_by(
            "date", "id"
        )
    )
    if not audits:
        return [_("No audit took place in %(year)d.") % {"year": year}], []
    findings = list(Finding.objects.filter(audit__in=audits))
    still_open = (Finding.Status.OPEN, Finding.Status.IN_PROGRESS)
    open_count = sum(1 for f in findings if f.status in still_open)
    text = ngettext(
        "%(count)d audit took place in %(year)d, with %(findings)d findings; "
        "still open or in progress: %(open)d.",
        "%(count)d audits took place in %(year)d, with %(findings)d findings; "
        "still open or in progress: %(open)d.",
        len(audits),
    ) % {
        "count": len(audits),
        "year": year,
        "findings": len(findings),
        "open": open_count,
    }
    rows = []
    for audit in audits:
        of_audit = [f for f in findings if f.audit_id == audit.pk]
        rows.append(
            (
                audit.reference,
                audit.date.isoformat(),
                audit.auditor_name,
                audit.get_scope_display(),
                audit.get_status_display(),
                str(len(of_audit)),
                str(sum(1 for f in of_audit if f.status in still_open)),
            )
        )
    header = (
        _("Audit"),
        _("Date"),
        _("Auditor"),
        _("Scope"),
        _("Status"),
        _("Findings"),
        _("Open"),
    )
    return [text], [table(header, rows, widths=(2, 2, 3, 3, 2, 1, 1))]


def draft_awareness(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    campaigns = list(
        activities_of(organisation, year, Kind.AWARENESS).filter(status=Status.DONE)
    )
    if not campaigns:
        return [
            _("No awareness campaign was recorded in %(year)d.") % {"year": year}
        ], []
    text = ngettext(
        "%(count)d awareness campaign was held in %(year)d.",
        "%(count)d awareness campaigns were held in %(year)d.",
        len(campaigns),
    ) % {"count": len(campaigns), "year": year}
    rows = [
        (a.date.isoformat(), a.subject, a.participants, a.result) for a in campaigns
    ]
    header = (_("Date"), _("Campaign"), _("Audience"), _("Result"))
    return [text], [table(header, rows, widths=(1, 3, 2, 3))]


def draft_trainings(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    """Trainings done in ``year``, and those planned in ``year`` or the next."""
    followed = list(
        activities_of(organisation, year, Kind.TRAINING).filter(status=Status.DONE)
    )
    planned = list(
        Activity.objects.filter(
            organisation=organisation,
            kind=Kind.TRAINING,
            status=Status.PLANNED,
            date__year__in=(year, year + 1),
        ).order_by("date", "id")
    )
    if not followed and not planned:
        return [_("No training was recorded for %(year)d.") % {"year": year}], []
    text = ngettext(
        "%(count)d training was followed in %(year)d (%(hours)s hours); ",
        "%(count)d trainings were followed in %(year)d (%(hours)s hours); ",
        len(followed),
    ) % {"count": len(followed), "year": year, "hours": decimal_text(_hours(followed))}
    text += ngettext(
        "%(count)d training is planned for %(year)d or %(next)d.",
        "%(count)d trainings are planned for %(year)d or %(next)d.",
        len(planned),
    ) % {"count": len(planned), "year": year, "next": year + 1}
    header = (_("Date"), _("Training"), _("Participants"), _("Hours"), _("Status"))
    rows = [
        (
            a.date.isoformat(),
            a.subject,
            a.participants,
            decimal_text(a.hours),
            _("followed") if a.status == Status.DONE else _("planned"),
        )
        for a in followed + planned
    ]
    return [text], [table(header, rows, widths=(1, 3, 3, 1, 1))]
