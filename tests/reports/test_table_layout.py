"""Table column widths in the PDF: no text runs into the next column."""

import datetime

import pytest

from tests.reports.pdf_words import overlapping_words, pdf_words
from vigil.reports.document import Document, Table
from vigil.reports.render import render_document

GENERATED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

# The header of the security plan's action table, whose long words ran into
# each other when every column got only its share of the relative widths.
HEADERS = {
    "nl": (
        "Prioriteit",
        "Handeling",
        "Normen",
        "Verantwoordelijke",
        "Uiterste datum",
        "Eenmalige kost (EUR)",
        "Jaarlijkse kost (EUR)",
        "Mandagen",
        "Status",
    ),
    "fr": (
        "Priorité",
        "Action",
        "Normes",
        "Responsable",
        "Échéance",
        "Coût unique (EUR)",
        "Coût annuel (EUR)",
        "Jours-personne",
        "Statut",
    ),
}
ROWS = {
    "nl": (
        (
            "1",
            "Herziening van het informatieveiligheidsbeleid",
            "4.1",
            "Informaticadienst",
            "2026-11-30",
            "14.000,00",
            "1.200,00",
            "10,0",
            "uitgevoerd",
        ),
    ),
    "fr": (
        (
            "1",
            "Révision de la politique de sécurité de l’information",
            "4.1",
            "Service informatique",
            "2026-11-30",
            "14 000,00",
            "1 200,00",
            "10,0",
            "en cours",
        ),
    ),
}


def table_document(language: str, table: Table) -> Document:
    return Document(
        title="Tabel",
        language=language,
        organisation="OCMW Gent",
        generated_at=GENERATED_AT,
        blocks=(table,),
    )


def header_words(table: Table) -> list[str]:
    return [word for cell in table.header for word in cell.split()]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_wide_table_words_do_not_overlap(language: str) -> None:
    table = Table(
        header=HEADERS[language],
        rows=ROWS[language],
        widths=(1, 4, 2, 2, 2, 2, 2, 1, 2),
    )

    words = pdf_words(render_document(table_document(language, table), "pdf"))

    assert overlapping_words(words) == []


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_wide_table_keeps_header_words_whole(language: str) -> None:
    table = Table(
        header=HEADERS[language],
        rows=ROWS[language],
        widths=(1, 4, 2, 2, 2, 2, 2, 1, 2),
    )

    words = pdf_words(render_document(table_document(language, table), "pdf"))

    texts = {word.text for word in words}
    assert [word for word in header_words(table) if word not in texts] == []


def test_wide_table_keeps_dates_and_amounts_whole() -> None:
    table = Table(header=HEADERS["nl"], rows=ROWS["nl"])

    words = pdf_words(render_document(table_document("nl", table), "pdf"))

    texts = {word.text for word in words}
    assert "2026-11-30" in texts
    assert "14.000,00" in texts
    assert "1.200,00" in texts


def test_column_widens_to_its_longest_word() -> None:
    table = Table(
        header=("Norm", "Actie", "Verantwoordelijke"),
        rows=(("4.1", "Informatieveiligheidsbeleid herzien", "Dienst informatica"),),
        widths=(1, 1, 6),
    )

    words = pdf_words(render_document(table_document("nl", table), "pdf"))

    texts = {word.text for word in words}
    assert "Informatieveiligheidsbeleid" in texts
    assert overlapping_words(words) == []


def test_word_wider_than_page_is_hyphenated() -> None:
    word = "informatieveiligheidsbeleidsplanning" * 3
    table = Table(
        header=HEADERS["nl"],
        rows=(("1", word, "4.1", "ICT", "", "0,00", "0,00", "1,0", "gepland"),),
    )

    words = pdf_words(render_document(table_document("nl", table), "pdf"))

    assert word not in {found.text for found in words}
    assert overlapping_words(words) == []
