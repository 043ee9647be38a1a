"""The answer rules of a catalog's scale, shared by the form, import and submit."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vigil.catalog.models import AnswerOption


@dataclass(frozen=True)
class RuleViolation:
    field: str
    message: str


def check_answer(
    option: AnswerOption | None,
    justification: str,
    planned_date: datetime.date | None,
) -> list[RuleViolation]:
    """Return what an answer lacks under its scale's rules (empty when it is fine)."""
    if option is None:
        return []
    violations: list[RuleViolation] = []
    if option.requires_justification and not justification.strip():
        violations.append(
            RuleViolation(
                "justification",
                _("The answer “%(answer)s” needs a justification: say why.")
                % {"answer": option.label_text},
            )
        )
    if option.requires_planned_date and planned_date is None:
        violations.append(
            RuleViolation(
                "planned_date",
                _(
                    "The answer “%(answer)s” needs a planned date: "
                    "give the date by which the norm will be met."
                )
                % {"answer": option.label_text},
            )
        )
    return violations
