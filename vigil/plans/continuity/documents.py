"""The continuity plan document (minimum security norm 4.7.2) in Dutch or French.

It lists the critical processes in recovery order, the fallback site, the
contact tree indented by who calls whom, the recovery steps per scenario
and the last exercises up to the end of the year.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.continuity.models import (
    Contact,
    CriticalProcess,
    Exercise,
    FallbackSite,
    RecoveryStep,
    Scenario,
)
from vigil.registers.dates import iso_date
from vigil.reports.document import Block, Document, Facts, Heading, Paragraph, Table

LANGUAGES = ("nl", "fr")
LAST_EXERCISES = 5
# Each level of the contact tree is indented by this many non-breaking spaces.
INDENT = "\u00a0" * 4


def continuity_document(
    organisation: Organisation, year: int, language: str
) -> Document:
    """Build the continuity plan of ``organisation`` for ``year`` in ``language``."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use nl or fr")
    with translation.override(language):
        return _build(organisation, year, language)


def _build(organisation: Organisation, year: int, language: str) -> Document:
    now = timezone.now()
    blocks: list[Block] = [
        Heading(_("Critical processes in recovery order")),
        _processes(organisation),
        Heading(_("Fallback site")),
        *_sites(organisation),
        Heading(_("Crisis contact tree")),
        _tree(organisation),
        Heading(_("Recovery steps per scenario")),
        *_steps(organisation),
        Heading(_("Last exercises")),
        _exercises(organisation, year),
    ]
    return Document(
        title=_("Continuity plan %(year)d") % {"year": year},
        language=language,
        organisation=organisation.name,
        generated_at=now,
        subtitle=_("Minimum security norm 4.7.2"),
        blocks=tuple(blocks),
        footer=f"Vigil · {organisation.name} · {iso_date(now.date())}",
    )


def _processes(organisation: Organisation) -> Table | Paragraph:
    found = CriticalProcess.objects.filter(organisation=organisation).order_by(
        "recovery_order", "id"
    )
    if not found:
        return Paragraph(_("No critical process is recorded."))
    rows = tuple(
        (
            str(item.recovery_order),
            item.name,
            _("%(days)d days") % {"days": item.max_outage_days},
            item.minimum_service,
        )
        for item in found
    )
    header = (
        _("Order"),
        _("Process"),
        _("Maximum tolerable outage"),
        _("Minimum service"),
    )
    return Table(header=header, rows=rows, widths=(2, 4, 3, 5))


def _sites(organisation: Organisation) -> list[Block]:
    found = FallbackSite.objects.filter(organisation=organisation).order_by(
        "partner", "id"
    )
    if not found:
        return [Paragraph(_("No fallback site is recorded."))]
    blocks: list[Block] = []
    for site in found:
        network = _("yes") if site.network else _("no")
        rows = [
            (_("Partner"), site.partner),
            (_("Address"), site.address),
            (_("Contact person"), f"{site.contact_person}, {site.contact_phone}"),
            (_("Workstations"), str(site.workstations)),
            (_("Network"), network),
            (_("Printers"), str(site.printers)),
            (_("Agreement date"), iso_date(site.agreement_date)),
            (_("Review date"), iso_date(site.review_date)),
        ]
        if site.other_facilities:
            rows.insert(6, (_("Other facilities"), site.other_facilities))
        blocks.append(Facts(rows=tuple(rows)))
    return blocks


def tree_rows(organisation: Organisation) -> list[tuple[int, Contact]]:
    """Return the contact tree depth first as (depth, contact), roots first."""
    contacts = list(
        Contact.objects.filter(organisation=organisation).order_by("name", "id")
    )
    children: dict[int | None, list[Contact]] = {}
    for contact in contacts:
        children.setdefault(contact.parent_id, []).append(contact)
    rows: list[tuple[int, Contact]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for contact in children.get(parent, []):
            if contact.pk in seen:
                continue
            seen.add(contact.pk)
            rows.append((depth, contact))
            walk(contact.pk, depth + 1)

    walk(None, 0)
    return rows


def _tree(organisation: Organisation) -> Table | Paragraph:
    rows = tree_rows(organisation)
    if not rows:
        return Paragraph(_("No contact is recorded."))
    header = (_("Person"), _("Role in the crisis"), _("Phone"))
    body = tuple(
        (INDENT * depth + contact.name, contact.crisis_role, contact.phone)
        for depth, contact in rows
    )
    return Table(header=header, rows=body, widths=(4, 4, 3))


def _steps(organisation: Organisation) -> list[Block]:
    found = RecoveryStep.objects.filter(organisation=organisation).order_by(
        "order", "id"
    )
    blocks: list[Block] = []
    for scenario in Scenario:
        steps = [step for step in found if step.scenario == scenario]
        blocks.append(Heading(str(scenario.label).capitalize(), level=2))
        if not steps:
            blocks.append(Paragraph(_("No step is recorded for this scenario.")))
            continue
        rows = tuple(
            (
                str(step.order),
                step.action,
                step.responsible_role,
                _("%(hours)d h") % {"hours": step.target_hours},
            )
            for step in steps
        )
        header = (_("Step"), _("Action"), _("Responsible"), _("Target time"))
        blocks.append(Table(header=header, rows=rows, widths=(1, 6, 3, 2)))
    return blocks


def _exercises(organisation: Organisation, year: int) -> Table | Paragraph:
    found = Exercise.objects.filter(
        organisation=organisation, date__lte=datetime.date(year, 12, 31)
    ).order_by("-date", "-id")[:LAST_EXERCISES]
    if not found:
        return Paragraph(_("No exercise is recorded."))
    rows = tuple(
        (
            iso_date(item.date),
            str(item.get_scenario_display()),
            str(item.get_result_display()),
            item.findings,
            item.follow_up,
        )
        for item in found
    )
    header = (_("Date"), _("Scenario"), _("Result"), _("Findings"), _("Follow-up"))
    return Table(header=header, rows=rows, widths=(2, 3, 2, 4, 4))
