"""The questionnaire as PDF/A-2b, typeset by typst.

The template ``templates_typst/questionnaire.typ`` reads the document as JSON
from ``sys.inputs``, so user text is never parsed as typst markup. Typst runs
with its embedded fonts only (Libertinus Serif, New Computer Modern, DejaVu
Sans Mono in typst 0.15), so the output does not depend on the fonts of the
machine.
"""

import json
import logging
from importlib import resources
from typing import Any

import typst

from vigil.reports.exporters.base import ExportedFile, Exporter
from vigil.reports.questionnaire import (
    ChapterScore,
    NormEntry,
    QuestionnaireDocument,
    format_timestamp,
)

logger = logging.getLogger(__name__)

PDF_STANDARD = "a-2b"

# Typst names the standard in its error text, e.g. "PDF/A-2b error: the text
# "😀" could not be displayed with font "Libertinus Serif"".
_PDF_A_ERROR_MARK = "PDF/A"


def _template() -> bytes:
    path = resources.files("vigil.reports") / "templates_typst" / "questionnaire.typ"
    return path.read_bytes()


class PdfExporter(Exporter):
    identifier = "pdf"
    label = "PDF"
    media_type = "application/pdf"
    extension = "pdf"

    def render(self, document: QuestionnaireDocument) -> ExportedFile:
        return self.exported_file(document, compile_pdf(document))


def compile_pdf(document: QuestionnaireDocument) -> bytes:
    """Typeset ``document`` as PDF/A-2b, or as plain PDF if PDF/A is impossible.

    PDF/A forbids text that no embedded font can display. Typst's embedded
    fonts have no glyphs for emoji or CJK, so an answer containing them makes
    PDF/A fail. The export then falls back to a plain PDF and logs a warning.
    """
    source = _template()
    inputs = {"data": json.dumps(document_payload(document), ensure_ascii=False)}
    timestamp = int(document.generated_at.timestamp())
    try:
        return _compile(source, inputs, timestamp, standard=PDF_STANDARD)
    except typst.TypstError as error:
        if _PDF_A_ERROR_MARK not in str(error):
            raise
        logger.warning(
            "questionnaire %s %s: PDF/A not possible, exporting plain PDF: %s",
            document.organisation_slug,
            document.year,
            error,
        )
    return _compile(source, inputs, timestamp, standard=None)


def _compile(
    source: bytes, inputs: dict[str, str], timestamp: int, standard: str | None
) -> bytes:
    options: dict[str, Any] = {"pdf_standards": standard} if standard else {}
    content = typst.compile(
        source,
        ignore_system_fonts=True,
        sys_inputs=inputs,
        timestamp=timestamp,
        **options,
    )
    return bytes(content)


def document_payload(document: QuestionnaireDocument) -> dict[str, Any]:
    """Return the JSON data the typst template reads, every value as display text."""
    labels = document.labels
    return {
        "language": document.language,
        "title": labels.document_title,
        "labels": vars(labels),
        "centre": {
            "name": document.centre_name,
            "enterprise_number": document.enterprise_number,
        },
        "year": document.year,
        "catalog": {"code": document.catalog_code, "title": document.catalog_title},
        "status": document.status_label,
        "digest": document.digest,
        "submitted_at": format_timestamp(document.submitted_at)
        if document.submitted_at
        else None,
        "generated_at": format_timestamp(document.generated_at),
        "score": _score(document.score),
        "scale": [
            {"code": option.code, "label": option.label} for option in document.scale
        ],
        "chapters": [
            {
                "code": chapter.code,
                "title": chapter.title,
                "score": _score(chapter.score),
                "norms": [_norm(norm) for norm in chapter.norms],
            }
            for chapter in document.chapters
        ],
    }


def _score(score: ChapterScore) -> dict[str, str]:
    return {"score": score.score_text, "progress": score.progress_text}


def _norm(norm: NormEntry) -> dict[str, Any]:
    return {
        "code": norm.code,
        "title": norm.title,
        "requirement": norm.requirement,
        "answer": norm.answer_label,
        "planned_date": norm.planned_date.isoformat() if norm.planned_date else None,
        "owner": norm.owner,
        "justification": norm.justification,
        "comment": norm.comment,
        "evidence": [
            {"name": item.name, "sha256": item.sha256} for item in norm.evidence
        ],
    }
