"""The built-in drafters of the annual report, one per section source.

A drafter is a function ``(organisation, year, language) -> (paragraphs,
tables)`` that reads the centre's records of ``year`` and returns the text
and the tables with the figures, already translated. When the records a
drafter reads are missing or empty, it returns a sentence stating that.
"""

from collections.abc import Callable

from django.utils import translation

from vigil.organisations.models import Organisation
from vigil.plans.annual.drafters import activities, records, situation
from vigil.plans.annual.drafters.logs import draft_access_log
from vigil.plans.annual.models import Source
from vigil.reports.document import Table

type Drafted = tuple[list[str], list[Table]]
type Drafter = Callable[[Organisation, int, str], Drafted]

DRAFTERS: dict[str, Drafter] = {
    Source.SITUATION: situation.draft_situation,
    Source.ADVICES: activities.draft_advices,
    Source.ACTIVITIES: activities.draft_activities,
    Source.CONTROLS: activities.draft_controls,
    Source.AWARENESS: activities.draft_awareness,
    Source.TRAININGS: activities.draft_trainings,
    Source.INCIDENTS: records.draft_incidents,
    Source.BACKUPS: records.draft_backups,
    Source.ACCESS_LOG: draft_access_log,
    Source.BUDGET: records.draft_budget,
}


def draft(source: str, organisation: Organisation, year: int, language: str) -> Drafted:
    """Run the drafter of ``source`` in ``language``; free text drafts nothing."""
    drafter = DRAFTERS.get(source)
    if drafter is None:
        return [], []
    with translation.override(language):
        return drafter(organisation, year, language)
