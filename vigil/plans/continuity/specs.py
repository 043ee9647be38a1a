"""The continuity plan's registers, described for the generic register pages."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accounts.roles import Capability
from vigil.organisations.models import Organisation
from vigil.plans.continuity.checks import (
    continuity_warnings,
    exercise_warnings,
    last_exercise,
    next_exercise_due,
)
from vigil.plans.continuity.models import (
    Contact,
    CriticalProcess,
    Exercise,
    FallbackSite,
    RecoveryStep,
    Scenario,
)
from vigil.registers.dates import iso_date
from vigil.registers.spec import RegisterSpec, register

GROUP = gettext_lazy("Continuity plan")


def _process_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Betalingen aan cliënten",
        "process": "",
        "max_outage_days": "2",
        "recovery_order": "1",
        "minimum_service": "Dringende steun en leefloon uitbetalen.",
    }


def _site_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "partner": "Gemeente Voorbeeld, administratief centrum",
        "address": "Marktplein 1, 8000 Brugge",
        "contact_person": "Jan Claes, diensthoofd ICT van de gemeente",
        "contact_phone": "+32 50 44 80 00",
        "workstations": "6",
        "network": "true",
        "printers": "1",
        "agreement_date": "2026-01-15",
        "review_date": "2028-01-15",
    }


def _contact_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Katrien Wouters",
        "crisis_role": "Crisiscoördinator (algemeen directeur)",
        "phone": "+32 475 12 34 56",
        "parent": "",
    }


def _step_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "scenario": Scenario.RANSOMWARE,
        "order": "1",
        "action": "Netwerkkabels van de getroffen werkposten loskoppelen.",
        "responsible_role": "ICT",
        "target_hours": "1",
    }


def _exercise_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "date": "2026-05-20",
        "scenario": Scenario.SERVER_ROOM,
        "result": Exercise.Result.PARTLY,
        "findings": "Herstel van de dossierserver duurde 9 uur in plaats van 4.",
        "follow_up": "Herstelprocedure bijwerken en opnieuw testen.",
    }


def _last_exercise_line(organisation: Organisation) -> list[str]:
    last = last_exercise(organisation)
    if last is None:
        return []
    return [
        _("Last exercise: %(date)s, %(scenario)s, %(result)s.")
        % {
            "date": iso_date(last.date),
            "scenario": last.get_scenario_display(),
            "result": last.get_result_display(),
        }
    ]


def _summary(organisation: Organisation) -> list[str]:
    processes = CriticalProcess.objects.filter(organisation=organisation).count()
    text = ngettext(
        "%(count)d critical process in recovery order.",
        "%(count)d critical processes in recovery order.",
        processes,
    )
    return [text % {"count": processes}, *_last_exercise_line(organisation)]


def _warnings(organisation: Organisation) -> list[str]:
    return continuity_warnings(organisation, timezone.localdate())


def _exercise_summary(organisation: Organisation) -> list[str]:
    count = Exercise.objects.filter(organisation=organisation).count()
    text = ngettext(
        "%(count)d exercise recorded.", "%(count)d exercises recorded.", count
    )
    lines = [text % {"count": count}, *_last_exercise_line(organisation)]
    due = next_exercise_due(organisation)
    # An overdue exercise is reported by the warning instead.
    if due is not None and due >= timezone.localdate():
        lines.append(
            _("The next exercise is due by %(date)s, twelve months after the last.")
            % {"date": iso_date(due)}
        )
    return lines


def _exercise_warnings(organisation: Organisation) -> list[str]:
    return exercise_warnings(organisation, timezone.localdate())


CRITICAL_PROCESSES = RegisterSpec(
    group=GROUP,
    catalog_keys=("continuity",),
    edit_capability=Capability.EDIT_PLANS,
    detail_template="continuity/_plan.html",
    slug="critical-processes",
    model=CriticalProcess,
    title=gettext_lazy("Critical processes"),
    description=gettext_lazy(
        "The processes that must resume after a disaster, each with its "
        "maximum tolerable outage in days and its place in the recovery order."
    ),
    fields=("name", "process", "max_outage_days", "recovery_order", "minimum_service"),
    columns=("recovery_order", "name", "max_outage_days", "process"),
    example=_process_example,
    search=("name", "minimum_service"),
    ordering=("recovery_order", "id"),
    lookups={"process": "name"},
    summary=_summary,
    warnings=_warnings,
)

FALLBACK_SITES = RegisterSpec(
    group=GROUP,
    catalog_keys=("continuity",),
    edit_capability=Capability.EDIT_PLANS,
    detail_template="continuity/_plan.html",
    slug="fallback-sites",
    model=FallbackSite,
    title=gettext_lazy("Fallback site"),
    description=gettext_lazy(
        "The agreement for a fallback IT site: partner, address, contact, "
        "what is available there, and when the agreement is reviewed."
    ),
    fields=(
        "partner",
        "address",
        "contact_person",
        "contact_phone",
        "workstations",
        "network",
        "printers",
        "other_facilities",
        "agreement_date",
        "review_date",
    ),
    columns=("partner", "address", "workstations", "agreement_date", "review_date"),
    example=_site_example,
    search=("partner", "address", "contact_person"),
    filters=("network",),
    ordering=("partner", "id"),
)

CONTACTS = RegisterSpec(
    group=GROUP,
    catalog_keys=("continuity",),
    edit_capability=Capability.EDIT_PLANS,
    detail_template="continuity/_plan.html",
    slug="contact-tree",
    model=Contact,
    title=gettext_lazy("Crisis contact tree"),
    description=gettext_lazy(
        "Who calls whom in a crisis: each person is called by the person "
        "above them in the tree."
    ),
    fields=("name", "crisis_role", "phone", "parent"),
    columns=("name", "crisis_role", "phone", "parent"),
    example=_contact_example,
    search=("name", "crisis_role", "phone"),
    ordering=("name", "id"),
    lookups={"parent": "name"},
)

RECOVERY_STEPS = RegisterSpec(
    group=GROUP,
    catalog_keys=("continuity",),
    edit_capability=Capability.EDIT_PLANS,
    detail_template="continuity/_plan.html",
    slug="recovery-steps",
    model=RecoveryStep,
    title=gettext_lazy("Recovery steps"),
    description=gettext_lazy(
        "The ordered steps to recover from each scenario, with the role that "
        "carries out each and the hours within which it is done."
    ),
    fields=("scenario", "order", "action", "responsible_role", "target_hours"),
    columns=("scenario", "order", "action", "responsible_role", "target_hours"),
    example=_step_example,
    search=("action", "responsible_role"),
    filters=("scenario",),
    ordering=("scenario", "order", "id"),
)

EXERCISES = RegisterSpec(
    group=GROUP,
    catalog_keys=("continuity",),
    edit_capability=Capability.EDIT_PLANS,
    detail_template="continuity/_plan.html",
    slug="exercises",
    model=Exercise,
    title=gettext_lazy("Continuity exercises"),
    description=gettext_lazy(
        "The tests of the continuity plan: date, scenario, result, findings "
        "and follow-up. The plan is tested at least every twelve months."
    ),
    fields=("date", "scenario", "result", "findings", "follow_up"),
    columns=("date", "scenario", "result"),
    example=_exercise_example,
    search=("findings", "follow_up"),
    filters=("scenario", "result"),
    ordering=("-date", "-id"),
    summary=_exercise_summary,
    warnings=_exercise_warnings,
)


def connect() -> None:
    for spec in (
        CRITICAL_PROCESSES,
        FALLBACK_SITES,
        CONTACTS,
        RECOVERY_STEPS,
        EXERCISES,
    ):
        register(spec)
