"""Drafters of the incidents, backups and budget sections.

Each reads one register of another app, imported when the drafter runs, so
a missing app leaves a sentence in the report instead of an error.
"""

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.organisations.models import Organisation
from vigil.plans.annual.drafters.figures import DASH, euros, table
from vigil.reports.document import Table


def _count_rows(
    values: Iterable[str], choices: Iterable[tuple[str, Any]]
) -> list[tuple[str, str]]:
    """Return (label, count) for every choice that occurs, in choice order."""
    counts = Counter(values)
    return [
        (str(label), str(counts[value])) for value, label in choices if counts[value]
    ]


def draft_incidents(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    try:
        from vigil.registers.incidents.models import Incident
    except ImportError:
        return [_("The incident register is not installed.")], []

    incidents = list(
        Incident.objects.filter(
            organisation=organisation, detected_at__year=year
        ).order_by("detected_at", "id")
    )
    if not incidents:
        return [_("No incidents were recorded in %(year)d.") % {"year": year}], []
    closed = (Incident.Status.RESOLVED, Incident.Status.CLOSED)
    still_open = sum(1 for i in incidents if i.status not in closed)
    personal = sum(1 for i in incidents if i.personal_data)
    notified = sum(
        1 for i in incidents if i.notification == Incident.Notification.NOTIFIED
    )
    text = ngettext(
        "%(count)d incident was recorded in %(year)d; not yet resolved: %(open)d; "
        "with personal data: %(personal)d; notified to the GBA/APD: %(notified)d.",
        "%(count)d incidents were recorded in %(year)d; not yet resolved: %(open)d; "
        "with personal data: %(personal)d; notified to the GBA/APD: %(notified)d.",
        len(incidents),
    ) % {
        "count": len(incidents),
        "year": year,
        "open": still_open,
        "personal": personal,
        "notified": notified,
    }
    categories = table(
        (_("Category"), _("Incidents")),
        _count_rows((i.category for i in incidents), Incident.Category.choices),
        ((_("Total"), str(len(incidents))),),
        (3, 1),
    )
    rows = [
        (
            timezone.localtime(i.detected_at).date().isoformat(),
            i.title,
            i.get_category_display(),
            i.get_status_display(),
            _("yes") if i.personal_data else _("no"),
        )
        for i in incidents
    ]
    header = (
        _("Detected"),
        _("Incident"),
        _("Category"),
        _("Status"),
        _("Personal data"),
    )
    return [text], [categories, table(header, rows, widths=(1, 4, 2, 1, 1))]


def draft_backups(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    try:
        from vigil.registers.backups.models import BackupRun, RestoreTest, Result
    except ImportError:
        return [_("The backup register is not installed.")], []

    runs = list(
        BackupRun.objects.filter(
            organisation=organisation, started_at__year=year
        ).values_list("result", flat=True)
    )
    tests = list(
        RestoreTest.objects.filter(organisation=organisation, date__year=year).order_by(
            "date", "id"
        )
    )
    paragraphs = []
    tables = []
    if runs:
        counts = Counter(runs)
        paragraphs.append(
            ngettext(
                "%(count)d backup run was recorded in %(year)d: successful "
                "%(success)d, with warnings %(warning)d, failed %(failed)d.",
                "%(count)d backup runs were recorded in %(year)d: successful "
                "%(success)d, with warnings %(warning)d, failed %(failed)d.",
                len(runs),
            )
            % {
                "count": len(runs),
                "year": year,
                "success": counts[Result.SUCCESS],
                "warning": counts[Result.WARNING],
                "failed": counts[Result.FAILED],
            }
        )
    else:
        paragraphs.append(_("No backup run was recorded in %(year)d.") % {"year": year})
    if tests:
        passed = sum(1 for t in tests if t.result == Result.SUCCESS)
        paragraphs.append(
            ngettext(
                "%(count)d restore test was carried out in %(year)d; successful: "
                "%(passed)d.",
                "%(count)d restore tests were carried out in %(year)d; successful: "
                "%(passed)d.",
                len(tests),
            )
            % {"count": len(tests), "year": year, "passed": passed}
        )
        rows = [
            (
                t.date.isoformat(),
                t.restored,
                t.target,
                t.get_result_display(),
                t.checked_by,
            )
            for t in tests
        ]
        header = (
            _("Date"),
            _("Restored"),
            _("Restored to"),
            _("Result"),
            _("Checked by"),
        )
        tables.append(table(header, rows, widths=(1, 3, 2, 1, 2)))
    else:
        paragraphs.append(
            _("No restore test was recorded in %(year)d.") % {"year": year}
        )
    return paragraphs, tables


def draft_budget(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    try:
        from vigil.plans.security.budget import plan_budget
        from vigil.plans.security.documents import plan_for_year
        from vigil.plans.security.models import BudgetYear, Expense
    except ImportError:
        return [_("The security plan and budget are not installed.")], []

    budget = BudgetYear.objects.filter(organisation=organisation, year=year).first()
    expenses = Expense.objects.filter(organisation=organisation, year=year)
    spent = expenses.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    plan = plan_for_year(organisation, year)
    needed = None
    if plan is not None:
        needed = next(row.needed for row in plan_budget(plan) if row.year == year)
    if budget is None and not expenses.exists() and needed is None:
        return [_("No security budget was recorded for %(year)d.") % {"year": year}], []
    paragraphs = []
    if budget is None:
        paragraphs.append(
            _("No security budget was approved for %(year)d.") % {"year": year}
        )
    else:
        paragraphs.append(
            _("The approved security budget of %(year)d is %(amount)s EUR.")
            % {"year": year, "amount": euros(budget.approved_amount)}
        )
    paragraphs.append(
        ngettext(
            "%(spent)s EUR was spent in %(year)d in %(count)d expense.",
            "%(spent)s EUR was spent in %(year)d in %(count)d expenses.",
            expenses.count(),
        )
        % {"spent": euros(spent), "year": year, "count": expenses.count()}
    )
    approved = budget.approved_amount if budget else None
    rows = [
        (_("Approved budget"), euros(approved) if approved is not None else DASH),
        (
            _("Needed by the security plan %(plan)s") % {"plan": plan.period}
            if plan
            else _("Needed by the security plan"),
            euros(needed) if needed is not None else DASH,
        ),
        (_("Spent"), euros(spent)),
        (_("Remaining"), euros(approved - spent) if approved is not None else DASH),
    ]
    return paragraphs, [table((_("Budget %(year)d") % {"year": year}, _("EUR")), rows)]
