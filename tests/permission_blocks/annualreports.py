"""The annual report pages: reports, sections, took note, document, template."""

from dataclasses import dataclass
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.annual import services
from vigil.plans.annual.models import AnnualReport, ReportSection, SectionDefinition

GET, POST = "GET", "POST"
OWN, OTHER, CROSS = "own", "other", "cross"
LOGIN = "login"

READ_OWN = (200, 200, 200, 200, 200, 404, 404, 404, LOGIN)
READ_OTHER = (404, 404, 404, 404, 404, 404, 404, 200, LOGIN)
HIDDEN = (404, 404, 404, 404, 404, 404, 404, 404, LOGIN)
EDIT_GET = (200, 200, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST = (302, 302, 403, 403, 403, 404, 404, 404, LOGIN)
EDIT_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
EDIT_CROSS = (404, 404, 403, 403, 403, 404, 404, 404, LOGIN)
DECIDE_POST = (302, 302, 302, 403, 403, 404, 404, 404, LOGIN)
DECIDE_POST_OTHER = (404, 404, 404, 404, 404, 404, 404, 302, LOGIN)
DECIDE_CROSS = (404, 404, 404, 403, 403, 404, 404, 404, LOGIN)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 405, 405)

type Row = tuple[str, str, tuple[int | str, ...]]

EDIT_ROWS: list[Row] = [
    (GET, OWN, POST_ONLY),
    (POST, OWN, EDIT_POST),
    (POST, OTHER, EDIT_POST_OTHER),
    (POST, CROSS, EDIT_CROSS),
]

# fmt: off
MATRIX: dict[str, list[Row]] = {
    "annualreports:index": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "annualreports:template": [(GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER)],
    "annualreports:create": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "annualreports:template_add": [
        (GET, OWN, POST_ONLY), (POST, OWN, EDIT_POST), (POST, OTHER, EDIT_POST_OTHER),
    ],
    "annualreports:template_edit": [
        (GET, OWN, EDIT_GET), (POST, OWN, EDIT_POST), (GET, CROSS, EDIT_CROSS),
        (POST, CROSS, EDIT_CROSS),
    ],
    "annualreports:template_move": EDIT_ROWS,
    "annualreports:template_remove": EDIT_ROWS,
    "annualreports:detail": [
        (GET, OWN, READ_OWN), (GET, OTHER, READ_OTHER), (GET, CROSS, HIDDEN),
    ],
    "annualreports:document": [(GET, OWN, READ_OWN), (GET, CROSS, HIDDEN)],
    "annualreports:regenerate": EDIT_ROWS,
    "annualreports:section_text": EDIT_ROWS,
    "annualreports:section_regenerate": EDIT_ROWS,
    "annualreports:section_final": EDIT_ROWS,
    "annualreports:section_reopen": EDIT_ROWS,
    "annualreports:note": [
        (GET, OWN, POST_ONLY), (POST, OWN, DECIDE_POST),
        (POST, OTHER, DECIDE_POST_OTHER), (POST, CROSS, DECIDE_CROSS),
    ],
}
# fmt: on


@dataclass
class State:
    draft: AnnualReport
    final: AnnualReport
    section: ReportSection
    definition: SectionDefinition


def setup(organisation: Organisation) -> State:
    """Give the centre a draft report of 2025 and a final one of 2024."""
    draft = services.create_report(organisation, 2025, actor=None)
    final = services.create_report(organisation, 2024, actor=None)
    for section in final.sections.all():
        if not section.text_in("nl"):
            services.save_text(section, "Geen opmerkingen.", actor=None)
        services.mark_final(section, actor=None)
    section = draft.sections.get(key="advices")
    definition = SectionDefinition.objects.get(organisation=organisation, key="item-6")
    return State(draft, final, section, definition)


def kwargs(name: str, state: State) -> dict[str, Any]:
    if name.startswith("annualreports:section_"):
        return {"pk": state.section.pk}
    if name.startswith("annualreports:template_"):
        return {"pk": state.definition.pk}
    if name == "annualreports:note":
        return {"pk": state.final.pk}
    return {"pk": state.draft.pk, "fmt": "odt"}


def post(name: str, state: State) -> dict[str, Any]:
    if name == "annualreports:create":
        return {"year": "2023"}
    if name == "annualreports:note":
        return {"body": "council", "date": "2026-01-15", "reference": "RMW 2026/4"}
    if name == "annualreports:section_text":
        return {"text": "Eigen tekst."}
    if name == "annualreports:template_move":
        return {"direction": "up"}
    if name in ("annualreports:template_add", "annualreports:template_edit"):
        key = "extra" if name.endswith("add") else "item-6"
        return {"key": key, "title_nl": "Extra", "title_fr": "Extra", "source": ""}
    return {}
