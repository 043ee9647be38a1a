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


def planned_date_warning(
    option: AnswerOption | None,
    planned_date: datetime.date | None,
    year: int,
    today: datetime.date,
) -> RuleViolation | None:
    """Return a warning when an answer's planned date has already passed.

    The date has passed when it lies before today for the year in progress,
    or before 1 January of any other year. It is a warning, not a violation,
    because answers imported for past years keep the dates planned then.
    """
    if option is None or not option.requires_planned_date or planned_date is None:
        return None
    start = today if year == today.year else datetime.date(year, 1, 1)
    if planned_date >= start:
        return None
    if year == today.year:
        message = _(
            "The planned date %(date)s is in the past: give the date by which "
            "the norm will now be met."
        )
    else:
        message = _(
            "The planned date %(date)s is before the questionnaire's year "
            "%(year)s: give the date by which the norm will be met."
        )
    return RuleViolation(
        "planned_date", message % {"date": planned_date.isoformat(), "year": year}
    )
