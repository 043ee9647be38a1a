"""The level of a risk on its centre's matrix, for the risk's page."""

from dataclasses import dataclass

from django import template

from vigil.plans.risks.models import Risk, matrix_for
from vigil.plans.risks.scoring import Level

register = template.Library()


@dataclass(frozen=True)
class Rating:
    level: Level
    residual_level: Level


@register.simple_tag
def risk_rating(risk: Risk) -> Rating:
    matrix = matrix_for(risk.organisation_id)
    return Rating(risk.level(matrix), risk.residual_level(matrix))
