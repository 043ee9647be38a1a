"""The label and value rows that the ODT and DOCX exporters lay out as tables."""

from vigil.reports.questionnaire import (
    NormEntry,
    QuestionnaireDocument,
    format_timestamp,
)

Row = tuple[str, str]

EMPTY = "—"


def fact_rows(document: QuestionnaireDocument) -> list[Row]:
    """Return the facts block: centre, year, catalog, status, digest and score."""
    labels = document.labels
    score = document.score
    return [
        (labels.centre, document.centre_name),
        (labels.enterprise_number, document.enterprise_number),
        (labels.year, str(document.year)),
        (labels.catalog, f"{document.catalog_code} · {document.catalog_title}"),
        (labels.status, document.status_label),
        (labels.digest, document.digest or labels.not_submitted),
        (labels.submitted_at, format_timestamp(document.submitted_at)),
        (
            labels.score,
            f"{score.score_text} · {labels.progress} {score.progress_text}",
        ),
    ]


def scale_rows(document: QuestionnaireDocument) -> list[Row]:
    """Return the answer scale as (code, label) rows."""
    return [(option.code, option.label) for option in document.scale]


def norm_rows(document: QuestionnaireDocument, norm: NormEntry) -> list[Row]:
    """Return the rows below a norm's heading row, a dash for each empty value."""
    labels = document.labels
    planned = norm.planned_date.isoformat() if norm.planned_date else ""
    return [
        (labels.requirement, norm.requirement),
        (labels.answer, norm.answer_label),
        (labels.planned_date, planned or EMPTY),
        (labels.owner, norm.owner or EMPTY),
        (labels.justification, norm.justification or EMPTY),
        (labels.comment, norm.comment or EMPTY),
        (labels.evidence, _evidence_text(document, norm)),
    ]


def _evidence_text(document: QuestionnaireDocument, norm: NormEntry) -> str:
    if not norm.evidence:
        return document.labels.no_evidence
    return "\n".join(f"{item.name}\nSHA-256 {item.sha256}" for item in norm.evidence)
