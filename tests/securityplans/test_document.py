"""The plan document: every figure present, in Dutch or French."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import option
from tests.reports.pdf_words import overlapping_words, pdf_words
from tests.securityplans.factories import add_action, approve, make_plan
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.plans.security.documents import plan_document
from vigil.plans.security.models import BudgetYear, PlanAction
from vigil.reports.document import Document, Facts, Paragraph, Signature, Table
from vigil.reports.render import render_document

pytestmark = pytest.mark.django_db


def text_of(document: Document) -> str:
    parts = [document.title]
    for block in document.blocks:
        if isinstance(block, Table):
            cells = [
                *block.header,
                *(c for row in (*block.rows, *block.footer) for c in row),
            ]
            parts += cells
        elif isinstance(block, (Facts, Signature)):
            parts += [cell for row in block.rows for cell in row]
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts.append(block.text)
    return "\n".join(parts)


@pytest.fixture
def plan_text(centre_a: Organisation, catalog: CatalogVersion) -> str:
    last = create_assessment(centre_a, 2025, actor=None, catalog=catalog)
    last.answers.update(option=option(catalog, "not_implemented"))
    now = create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    now.answers.update(option=option(catalog, "implemented"))
    previous = make_plan(centre_a, first_year=2023)
    add_action(
        previous,
        title="Backup scheme",
        planned_year=2025,
        status=PlanAction.Status.DONE,
    )
    add_action(previous, title="Incident procedure", planned_year=2025)
    approve(previous)
    plan = make_plan(centre_a, first_year=2026)
    add_action(
        plan,
        title="Fire detection",
        cost_one_off="3500.00",
        cost_yearly="250.00",
        effort_days="1.5",
        planned_year=2026,
    )
    add_action(plan, title="External audit", cost_one_off="9000.00", planned_year=2028)
    approve(plan, reference="VB 2025/302")
    BudgetYear.objects.create(organisation=centre_a, year=2026, approved_amount="3000")
    return text_of(plan_document(centre_a, 2026, "nl"))


def test_document_has_actions_costs_and_totals(plan_text: str) -> None:
    assert "Fire detection" in plan_text
    assert "External audit" in plan_text
    assert "3.500,00" in plan_text
    assert "9.000,00" in plan_text
    assert "1,5" in plan_text


def test_document_has_budget_and_warning(plan_text: str) -> None:
    assert "3.000,00" in plan_text
    assert "3.750,00" in plan_text
    assert "750,00" in plan_text


def test_document_has_evolution(plan_text: str) -> None:
    assert "0,0 %" in plan_text
    assert "100,0 %" in plan_text
    assert "Backup scheme" in plan_text
    assert "Incident procedure" in plan_text


def test_document_has_approval(plan_text: str) -> None:
    assert "VB 2025/302" in plan_text
    assert "2025-12-12" in plan_text


def test_document_in_french(centre_a: Organisation) -> None:
    plan = make_plan(centre_a, first_year=2026)
    add_action(plan, title="Fire detection")

    document = plan_document(centre_a, 2027, "fr")

    assert document.language == "fr"
    assert document.organisation == "CPAS centre-a"
    assert "Fire detection" in text_of(document)


def test_document_without_plan_or_bad_language(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError, match="No security plan covers 2026"):
        plan_document(centre_a, 2026, "nl")
    make_plan(centre_a, first_year=2026)
    with pytest.raises(ValidationError, match="use nl or fr"):
        plan_document(centre_a, 2026, "de")


def test_document_renders_as_pdf_and_odt(centre_a: Organisation) -> None:
    plan = make_plan(centre_a, first_year=2026)
    add_action(plan, title="Fire detection")
    document = plan_document(centre_a, 2026, "nl")

    assert render_document(document, "pdf").startswith(b"%PDF")
    assert render_document(document, "odt").startswith(b"PK")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_document_pdf_table_words_do_not_overlap(
    centre_a: Organisation, catalog: CatalogVersion, language: str
) -> None:
    plan = make_plan(centre_a, first_year=2026)
    add_action(
        plan,
        title="Herziening van het informatieveiligheidsbeleid",
        norms="4.4.2; 4.4.3",
        owner="Algemeen directeur",
        due_date=datetime.date(2026, 11, 30),
        cost_one_off="14000.00",
        cost_yearly="1200.00",
        effort_days="10.0",
        status=PlanAction.Status.IN_PROGRESS,
    )
    document = plan_document(centre_a, 2026, language)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    actions = next(table for table in tables if len(table.header) == 9)

    words = pdf_words(render_document(document, "pdf"))

    assert overlapping_words(words) == []
    texts = {word.text for word in words}
    header = [word for cell in actions.header for word in cell.split()]
    assert [word for word in header if word not in texts] == []
