"""The processes, assets and risks registers, described for the generic pages."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accounts.roles import Capability
from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Asset, Process, Risk, matrix_for
from vigil.plans.risks.scoring import Level
from vigil.registers import services
from vigil.registers.dates import iso_date
from vigil.registers.spec import RegisterSpec, register

GROUP = gettext_lazy("Risk analysis")


def _process_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Sociale dienst",
        "owner": "Hoofd sociale dienst",
        "description": "Onthaal, sociaal onderzoek en begeleiding van cliënten.",
        "confidentiality": "4",
        "integrity": "3",
        "availability": "2",
    }


def _asset_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Sociale dossiers",
        "process": "",
        "confidentiality": "4",
        "integrity": "3",
        "availability": "3",
    }


def _risk_example(organisation: Organisation) -> dict[str, str]:
    # A risk names the process or asset it threatens, so the example needs the
    # example process in the centre. It is created, with its history, if absent.
    process = _process_example(organisation)
    if not Process.objects.filter(
        organisation=organisation, name=process["name"]
    ).exists():
        services.create_record(PROCESSES, organisation, process, actor=None)
    return {
        "threat": "Ransomware via een phishingmail",
        "vulnerability": "Gebruikers openen bijlagen van onbekende afzenders.",
        "asset": "",
        "process": "Sociale dienst",
        "likelihood": "3",
        "impact": "4",
        "existing_measures": "Antivirus, dagelijkse back-up.",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "decision": Risk.Decision.REDUCE,
        "review_date": "2027-03-31",
    }


def _risk_summary(organisation: Organisation) -> list[str]:
    matrix = matrix_for(organisation)
    risks = list(Risk.objects.filter(organisation=organisation))
    if not risks:
        return [_("No risks recorded.")]
    counts = dict.fromkeys(Level, 0)
    for risk in risks:
        counts[risk.level(matrix)] += 1
    text = ngettext(
        "%(total)d risk on a %(size)d × %(size)d matrix: %(critical)d critical, "
        "%(high)d high, %(medium)d medium, %(low)d low.",
        "%(total)d risks on a %(size)d × %(size)d matrix: %(critical)d critical, "
        "%(high)d high, %(medium)d medium, %(low)d low.",
        len(risks),
    )
    values = {
        "total": len(risks),
        "size": matrix.size,
        "critical": counts[Level.CRITICAL],
        "high": counts[Level.HIGH],
        "medium": counts[Level.MEDIUM],
        "low": counts[Level.LOW],
    }
    return [text % values]


def risk_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Return the expired acceptances and overdue reviews of a centre's risks."""
    warnings: list[str] = []
    risks = Risk.objects.filter(organisation=organisation).order_by("id")
    for risk in risks.filter(decision=Risk.Decision.ACCEPT, accepted_until__lt=today):
        warnings.append(
            _(
                "The acceptance of risk “%(risk)s” expired on %(date)s; decide "
                "again and record who accepts it until when."
            )
            % {"risk": risk.threat, "date": iso_date(risk.accepted_until)}
        )
    for risk in risks.filter(review_date__lt=today):
        warnings.append(
            _("The review of risk “%(risk)s” was due on %(date)s; review it.")
            % {"risk": risk.threat, "date": iso_date(risk.review_date)}
        )
    if not Process.objects.filter(organisation=organisation).exists():
        warnings.append(
            _("No process is recorded; list the centre's processes and their needs.")
        )
    return warnings


def _risk_warnings(organisation: Organisation) -> list[str]:
    return risk_warnings(organisation, timezone.localdate())


PROCESSES = RegisterSpec(
    slug="processes",
    model=Process,
    title=gettext_lazy("Processes"),
    description=gettext_lazy(
        "The centre's processes, who owns each and how much it needs "
        "confidentiality, integrity and availability (1 low to 4 very high)."
    ),
    group=GROUP,
    fields=(
        "name",
        "owner",
        "description",
        "confidentiality",
        "integrity",
        "availability",
    ),
    columns=("name", "owner", "confidentiality", "integrity", "availability"),
    catalog_keys=("risks",),
    example=_process_example,
    search=("name", "owner", "description"),
    filters=("confidentiality", "integrity", "availability"),
    ordering=("name", "id"),
    detail_template="risks/_analysis.html",
    edit_capability=Capability.EDIT_PLANS,
)

ASSETS = RegisterSpec(
    slug="assets",
    model=Asset,
    title=gettext_lazy("Information assets"),
    description=gettext_lazy(
        "The information and equipment the processes rely on, named here or "
        "chosen from the inventory, with their needs in confidentiality, "
        "integrity and availability."
    ),
    group=GROUP,
    fields=(
        "name",
        "hardware",
        "software",
        "process",
        "confidentiality",
        "integrity",
        "availability",
    ),
    columns=("name", "hardware", "software", "process", "confidentiality"),
    catalog_keys=("risks",),
    example=_asset_example,
    search=("name", "hardware__name", "software__name"),
    filters=("confidentiality", "integrity", "availability"),
    ordering=("name", "id"),
    lookups={"hardware": "inventory_tag", "software": "name", "process": "name"},
    detail_template="risks/_analysis.html",
    edit_capability=Capability.EDIT_PLANS,
)

RISKS = RegisterSpec(
    slug="risks",
    model=Risk,
    title=gettext_lazy("Risks"),
    description=gettext_lazy(
        "Each risk rates likelihood and impact on the centre's matrix. The "
        "score is likelihood × impact, and the level (low, medium, high, "
        "critical) follows from the matrix thresholds; on the default 4 × 4 "
        "matrix a score from 4 is medium, from 8 high and from 12 critical."
    ),
    group=GROUP,
    fields=(
        "process",
        "asset",
        "threat",
        "vulnerability",
        "likelihood",
        "impact",
        "existing_measures",
        "residual_likelihood",
        "residual_impact",
        "residual_note",
        "decision",
        "accepted_by",
        "accepted_until",
        "review_date",
    ),
    columns=(
        "threat",
        "process",
        "asset",
        "likelihood",
        "impact",
        "residual_likelihood",
        "residual_impact",
        "decision",
        "review_date",
    ),
    catalog_keys=("risks",),
    example=_risk_example,
    search=("threat", "vulnerability", "existing_measures", "accepted_by"),
    filters=(
        "decision",
        "likelihood",
        "impact",
        "residual_likelihood",
        "residual_impact",
    ),
    ordering=("-likelihood", "-impact", "id"),
    lookups={"process": "name", "asset": "name"},
    summary=_risk_summary,
    warnings=_risk_warnings,
    detail_template="risks/_risk.html",
    edit_capability=Capability.EDIT_PLANS,
)


def connect() -> None:
    register(PROCESSES)
    register(ASSETS)
    register(RISKS)
