"""The continuity plan document in Dutch and French, the pages and the demo."""

import datetime

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.continuity import demo
from vigil.plans.continuity.documents import continuity_document
from vigil.plans.continuity.models import Contact, Exercise
from vigil.plans.continuity.specs import EXERCISES, FALLBACK_SITES, RECOVERY_STEPS
from vigil.registers import services
from vigil.reports.document import Document, Facts, Heading, Paragraph, Table

from ..conftest import login
from .conftest import english, make_contact, make_process

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def text_of(document: Document) -> str:
    parts = [document.title, document.subtitle]
    for block in document.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts.append(" | ".join(block.header))
            parts.extend(" | ".join(row) for row in block.rows)
        elif isinstance(block, Facts):
            parts.extend(f"{label}: {value}" for label, value in block.rows)
    return "\n".join(parts)


def plan(organisation: Organisation) -> None:
    make_process(
        organisation, name="Schuldbemiddeling", recovery_order="2", max_outage_days="10"
    )
    make_process(organisation)
    services.create_record(
        FALLBACK_SITES, organisation, FALLBACK_SITES.example(organisation), actor=None
    )
    make_contact(organisation, "Katrien")
    make_contact(organisation, "Pieter", parent="Katrien")
    make_contact(organisation, "Bart", parent="Pieter")
    services.create_record(
        RECOVERY_STEPS, organisation, RECOVERY_STEPS.example(organisation), actor=None
    )
    services.create_record(
        EXERCISES, organisation, EXERCISES.example(organisation), actor=None
    )


def test_dutch_document(centre_a: Organisation) -> None:
    plan(centre_a)

    document = continuity_document(centre_a, 2026, "nl")
    text = text_of(document)

    assert document.title == "Continuïteitsplan 2026"
    assert "1 | Betalingen aan cliënten | 2 dagen" in text
    assert "2 | Schuldbemiddeling | 10 dagen" in text
    assert "Gemeente Voorbeeld, administratief centrum" in text
    assert "Marktplein 1, 8000 Brugge" in text
    assert ": 6" in text
    assert "2028-01-15" in text
    assert (
        "1 | Netwerkkabels van de getroffen werkposten loskoppelen. | ICT | 1 u" in text
    )
    assert "2026-05-20 | verlies van het serverlokaal | gedeeltelijk geslaagd" in text


def test_processes_in_recovery_order(centre_a: Organisation) -> None:
    plan(centre_a)

    document = continuity_document(centre_a, 2026, "nl")
    first = next(block for block in document.blocks if isinstance(block, Table))

    assert [row[0] for row in first.rows] == ["1", "2"]


def test_contact_tree_indented(centre_a: Organisation) -> None:
    plan(centre_a)

    text = text_of(continuity_document(centre_a, 2026, "nl"))

    indent = "\u00a0" * 4
    assert "\nKatrien | Rol" in text
    assert f"\n{indent}Pieter | Rol" in text
    assert f"\n{indent * 2}Bart | Rol" in text


def test_french_document(centre_a: Organisation) -> None:
    plan(centre_a)

    document = continuity_document(centre_a, 2026, "fr")
    text = text_of(document)

    assert document.title == "Plan de continuité 2026"
    assert "2 jours" in text
    assert "Centre informatique de repli" in text
    assert "2026-05-20" in text


def test_exercises_after_the_year_left_out(centre_a: Organisation) -> None:
    plan(centre_a)

    text = text_of(continuity_document(centre_a, 2025, "nl"))

    assert "2026-05-20" not in text
    assert "Er is geen oefening geregistreerd." in text


def test_overview_page(centre_a: Organisation, viewer_a: User) -> None:
    plan(centre_a)

    page = english(login(viewer_a)).get(f"/c/{centre_a.slug}/continuity/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Next exercise due: 2027-05-20" in html
    assert (
        html.index(">Katrien</a>") < html.index(">Pieter</a>") < html.index(">Bart</a>")
    )
    assert f"/c/{centre_a.slug}/continuity/document.pdf?language=fr" in html


def test_download(centre_a: Organisation, viewer_a: User) -> None:
    plan(centre_a)
    client = login(viewer_a)

    pdf = client.get(f"/c/{centre_a.slug}/continuity/document.pdf?year=2026")
    odt = client.get(f"/c/{centre_a.slug}/continuity/document.odt?language=fr")

    assert pdf.content.startswith(b"%PDF")
    assert "continuity-plan-centre-a-2026-" in pdf["Content-Disposition"]
    assert odt.content.startswith(b"PK")
    assert client.get(f"/c/{centre_a.slug}/continuity/document.txt").status_code == 404


def test_demo_shows_overdue_exercise(centre_a: Organisation) -> None:
    today = timezone.localdate()

    demo.populate(centre_a, None, today)
    demo.populate(centre_a, None, today)

    from vigil.plans.continuity.checks import continuity_warnings

    warnings = continuity_warnings(centre_a, today)
    assert Exercise.objects.filter(organisation=centre_a).count() == 1
    assert Contact.objects.filter(organisation=centre_a, parent=None).count() == 1
    assert len(warnings) == 1
    assert "more than twelve months ago" in warnings[0]
    assert (today - Exercise.objects.get().date) > datetime.timedelta(days=400)


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "9" * 5000])
def test_download_rejects_year_not_ascii_digits(
    centre_a: Organisation, viewer_a: User, year: str
) -> None:
    response = login(viewer_a).get(
        f"/c/{centre_a.slug}/continuity/document.pdf", {"year": year}
    )

    assert response.status_code == 400
    assert "Ongeldig jaar" in response.content.decode()
