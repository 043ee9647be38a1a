"""The checks every change of a plan or its actions passes, from any path."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.assessments.models import Assessment
from vigil.catalog.models import Norm
from vigil.organisations.models import Organisation
from vigil.plans.security.models import SecurityPlan, split_codes


def centre_norm_codes(organisation: Organisation) -> list[str]:
    """Return the norm codes of the catalog the centre answers, in catalog order.

    That is the catalog of the centre's latest questionnaire, or the default
    catalog when the centre has none yet.
    """
    latest = (
        Assessment.objects.filter(organisation=organisation).order_by("-year").first()
    )
    norms = Norm.objects.all()
    if latest is not None:
        norms = norms.filter(catalog_id=latest.catalog_id)
    else:
        norms = norms.filter(catalog__code=settings.VIGIL_DEFAULT_CATALOG)
    return list(norms.order_by("position").values_list("code", flat=True))


def clean_norms(organisation: Organisation, text: str) -> str:
    """Return the norm codes of ``text`` joined by "; ", or raise ValidationError."""
    codes = split_codes(text)
    known = set(centre_norm_codes(organisation))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            _(
                "Unknown norm %(codes)s: use the codes of the centre's catalog, "
                "such as 4.4.2, separated by semicolons."
            )
            % {"codes": ", ".join(unknown)},
            code="unknown_norm",
        )
    return "; ".join(codes)


def check_planned_year(plan: SecurityPlan, year: int | None) -> None:
    """Raise ValidationError unless ``year`` is one of the plan's years."""
    if year is None or year in plan.year_range:
        return
    raise ValidationError(
        _(
            "The planned year %(year)s is outside the plan %(period)s: choose a "
            "year from %(first)s to %(last)s."
        )
        % {
            "year": year,
            "period": plan.period,
            "first": plan.first_year,
            "last": plan.last_year,
        },
        code="year_outside_plan",
    )
