"""The questionnaire document model that every exporter renders."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries

from tests.assessments.filling import EVIDENCE_NAME, PLANNED
from vigil.assessments.models import Assessment
from vigil.catalog.models import CatalogVersion, Chapter
from vigil.reports.questionnaire import build_document, file_name, printable

NORM_COUNT = 28


def test_document_lists_every_norm_in_order(submitted: Assessment) -> None:
    document = build_document(submitted, "en")

    codes = [norm.code for norm in document.norms]
    expected = list(
        submitted.catalog.norms.order_by("position").values_list("code", flat=True)
    )
    assert len(codes) == NORM_COUNT
    assert codes == expected
    assert len(document.chapters) == 10


def test_document_header_facts(submitted: Assessment) -> None:
    document = build_document(submitted, "fr")

    last = submitted.last_submission
    assert last is not None
    assert document.centre_name == "CPAS centre-a"
    assert document.enterprise_number == "0999.999.922"
    assert document.year == 2026
    assert document.catalog_code == "ksz-mn-2005"
    assert document.status == Assessment.Status.SUBMITTED
    assert document.digest == last.digest
    assert document.submitted_at is not None


def test_document_of_draft_has_no_digest(filled: Assessment) -> None:
    document = build_document(filled, "nl")

    assert document.digest is None
    assert document.submitted_at is None
    assert document.status == Assessment.Status.DRAFT


def test_document_answers_and_evidence(submitted: Assessment) -> None:
    document = build_document(submitted, "en")

    first, partial = document.norms[0], document.norms[1]
    assert first.answer_code == "implemented"
    assert first.answer_label == "Implemented"
    assert [item.name for item in first.evidence] == [EVIDENCE_NAME]
    assert len(first.evidence[0].sha256) == 64
    assert partial.answer_code == "partial"
    assert partial.planned_date == PLANNED
    assert partial.owner == "ICT-dienst"


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_document_texts_in_language(
    submitted: Assessment, catalog: CatalogVersion, language: str
) -> None:
    document = build_document(submitted, language)

    chapter = Chapter.objects.get(catalog=catalog, code="4.4")
    section = next(c for c in document.chapters if c.code == "4.4")
    assert section.title == chapter.title[language]
    assert document.language == language


def test_document_scores_per_chapter(submitted: Assessment) -> None:
    document = build_document(submitted, "en")

    assert document.score.answered == NORM_COUNT
    assert document.score.total == NORM_COUNT
    assert document.score.score_percent is not None
    assert sum(chapter.score.total for chapter in document.chapters) == NORM_COUNT


def test_document_score_text_localised(submitted: Assessment) -> None:
    dutch = build_document(submitted, "nl").chapters[0].score.score_text
    english = build_document(submitted, "en").chapters[0].score.score_text

    assert dutch == "100,0 %"
    assert english == "100.0 %"


def test_document_query_count_constant(
    submitted: Assessment, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(5):
        build_document(submitted, "nl")


def test_file_name_pattern(submitted: Assessment) -> None:
    document = build_document(submitted, "fr")

    assert file_name(document, "pdf") == "vigil-centre-a-2026-questionnaire-fr.pdf"


def test_printable_drops_control_characters() -> None:
    assert printable("a\x00b\x07c\td\ne\x9f") == "abc\td\ne"


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_labels_in_document_language(submitted: Assessment, language: str) -> None:
    with translation.override(language):
        requirement = gettext("Requirement")
        status = str(Assessment.Status.SUBMITTED.label)

    document = build_document(submitted, language)

    assert document.labels.requirement == requirement
    assert document.status_label == status
