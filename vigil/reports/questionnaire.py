"""The filled questionnaire as plain data, ready for any export format.

:func:`build_document` reads one assessment in a fixed number of queries and
returns frozen dataclasses that hold every text already in the requested
language, so the exporters need neither Django models nor translations.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vigil.assessments.models import Answer, Assessment, Evidence, Submission
from vigil.assessments.scoring import Tally, score_answers
from vigil.catalog.models import AnswerOption
from vigil.catalog.texts import pick

# C0 and C1 control characters other than tab, line feed and carriage return.
# XML (ODT, DOCX, XLSX) cannot carry them, and no embedded PDF font has a
# glyph for them, so they are dropped from user text before rendering.
# NOTE: an XLSX round trip therefore changes a stored text that contains one.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return ``text`` without the control characters that no export can carry."""
    return _CONTROL_CHARACTERS.sub("", text)


@dataclass(frozen=True)
class Labels:
    """The fixed texts of an export, translated into the document's language."""

    document_title: str
    centre: str
    enterprise_number: str
    year: str
    catalog: str
    status: str
    digest: str
    submitted_at: str
    not_submitted: str
    score: str
    progress: str
    chapter: str
    norm: str
    title: str
    requirement: str
    answer: str
    answer_code: str
    unanswered: str
    planned_date: str
    owner: str
    justification: str
    comment: str
    evidence: str
    evidence_count: str
    revision: str
    revision_note: str
    no_evidence: str
    scale: str
    requires_justification: str
    requires_planned_date: str
    generated_at: str
    page: str


@dataclass(frozen=True)
class EvidenceItem:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class NormEntry:
    """One norm of the catalog with the centre's answer to it."""

    code: str
    chapter_code: str
    title: str
    requirement: str
    answer_code: str | None
    answer_label: str
    planned_date: datetime.date | None
    owner: str
    justification: str
    comment: str
    evidence: tuple[EvidenceItem, ...]
    # The answer's revision number, which the XLSX export writes for the import.
    revision: int = 0


@dataclass(frozen=True)
class ChapterScore:
    """A score with its texts formatted for the document's language."""

    score_percent: Decimal | None
    answered: int
    total: int
    score_text: str
    progress_text: str


@dataclass(frozen=True)
class ChapterSection:
    code: str
    title: str
    score: ChapterScore
    norms: tuple[NormEntry, ...]


@dataclass(frozen=True)
class ScaleOption:
    """One step of the answer scale and the fields it requires."""

    code: str
    label: str
    requires_justification: bool
    requires_planned_date: bool


@dataclass(frozen=True)
class QuestionnaireDocument:
    """One assessment in one language, as every exporter renders it."""

    language: str
    organisation_slug: str
    centre_name: str
    enterprise_number: str
    year: int
    catalog_code: str
    catalog_title: str
    status: str
    status_label: str
    digest: str | None
    submitted_at: datetime.datetime | None
    generated_at: datetime.datetime
    score: ChapterScore
    chapters: tuple[ChapterSection, ...]
    scale: tuple[ScaleOption, ...]
    labels: Labels

    @property
    def norms(self) -> tuple[NormEntry, ...]:
        return tuple(norm for chapter in self.chapters for norm in chapter.norms)


def build_document(assessment: Assessment, language: str) -> QuestionnaireDocument:
    """Read ``assessment`` and return its questionnaire document in ``language``.

    Takes five queries whatever the number of norms: the assessment with its
    centre and catalog, the answers with norm, chapter and option, their
    evidence, the answer scale and the last submission.
    """
    with translation.override(language):
        return _build(assessment.pk, language)


def _build(assessment_id: int, language: str) -> QuestionnaireDocument:
    assessment = Assessment.objects.select_related("organisation", "catalog").get(
        pk=assessment_id
    )
    answers = _load_answers(assessment)
    scale = list(assessment.catalog.answer_options.order_by("position"))
    submission = assessment.submissions.order_by("-number").first()

    score = score_answers(answers)
    organisation = assessment.organisation
    return QuestionnaireDocument(
        language=language,
        organisation_slug=organisation.slug,
        centre_name=organisation.name,
        enterprise_number=organisation.enterprise_number_display,
        year=assessment.year,
        catalog_code=assessment.catalog.code,
        catalog_title=pick(assessment.catalog.title, language),
        status=assessment.status,
        status_label=str(Assessment.Status(assessment.status).label),
        digest=submission.digest if submission else None,
        submitted_at=_submitted_at(submission),
        generated_at=timezone.localtime().replace(microsecond=0),
        score=_chapter_score(score.overall),
        chapters=_chapters(answers, score.chapters, language),
        scale=tuple(_scale_option(option, language) for option in scale),
        labels=_labels(),
    )


def _load_answers(assessment: Assessment) -> list[Answer]:
    evidence = Evidence.objects.order_by("uploaded_at", "id")
    return list(
        assessment.answers.select_related("norm__chapter", "option")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("norm__position")
    )


def _submitted_at(submission: Submission | None) -> datetime.datetime | None:
    if submission is None:
        return None
    return timezone.localtime(submission.submitted_at).replace(microsecond=0)


def _chapter_score(tally: Tally) -> ChapterScore:
    percent = tally.score_percent
    return ChapterScore(
        score_percent=percent,
        answered=tally.answered,
        total=tally.total,
        score_text="—" if percent is None else f"{formats.number_format(percent, 1)} %",
        progress_text=f"{tally.answered}/{tally.total}",
    )


def _chapters(
    answers: list[Answer], tallies: list[Tally], language: str
) -> tuple[ChapterSection, ...]:
    by_chapter: dict[str, list[Answer]] = {}
    for answer in answers:
        by_chapter.setdefault(answer.norm.chapter.code, []).append(answer)

    return tuple(
        ChapterSection(
            code=tally.code,
            title=pick(by_chapter[tally.code][0].norm.chapter.title, language),
            score=_chapter_score(tally),
            norms=tuple(
                _norm_entry(answer, language) for answer in by_chapter[tally.code]
            ),
        )
        for tally in tallies
    )


def _norm_entry(answer: Answer, language: str) -> NormEntry:
    norm = answer.norm
    option = answer.option
    return NormEntry(
        code=norm.code,
        chapter_code=norm.chapter.code,
        title=pick(norm.title, language),
        requirement=pick(norm.requirement, language),
        answer_code=option.code if option else None,
        answer_label=pick(option.label, language) if option else _("Not answered"),
        planned_date=answer.planned_date,
        owner=printable(answer.owner),
        justification=printable(answer.justification),
        comment=printable(answer.comment),
        evidence=tuple(
            EvidenceItem(
                name=printable(item.original_name), sha256=item.sha256, size=item.size
            )
            for item in answer.evidence.all()
        ),
        revision=answer.revision,
    )


def _scale_option(option: AnswerOption, language: str) -> ScaleOption:
    return ScaleOption(
        code=option.code,
        label=pick(option.label, language),
        requires_justification=option.requires_justification,
        requires_planned_date=option.requires_planned_date,
    )


def _labels() -> Labels:
    return Labels(
        document_title=_("Questionnaire on the minimum security norms"),
        centre=_("Centre"),
        enterprise_number=_("Enterprise number"),
        year=_("Year"),
        catalog=_("Catalog"),
        status=_("Status"),
        digest=_("SHA-256 of the last submission"),
        submitted_at=_("Submitted at"),
        not_submitted=_("Not submitted yet"),
        score=_("Score"),
        progress=_("Answered"),
        chapter=_("Chapter"),
        norm=_("Norm"),
        title=_("Title"),
        requirement=_("Requirement"),
        answer=_("Answer"),
        answer_code=_("Answer code"),
        unanswered=_("Not answered"),
        planned_date=_("Planned date"),
        owner=_("Owner"),
        justification=_("Justification"),
        comment=_("Comment"),
        evidence=_("Evidence"),
        evidence_count=_("Evidence files"),
        revision=_("Revision (do not change)"),
        revision_note=_(
            "Vigil's revision number of each stored answer at the export. "
            "The import compares it with the stored answer and rejects the "
            "file if the answer changed after the export."
        ),
        no_evidence=_("No evidence attached."),
        scale=_("Answer scale"),
        requires_justification=_("Needs a justification"),
        requires_planned_date=_("Needs a planned date"),
        generated_at=_("Generated at"),
        page=_("Page"),
    )


def format_timestamp(value: datetime.datetime | None) -> str:
    """Return a local time as ``YYYY-MM-DD HH:MM``, or a dash for none."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def file_name(document: QuestionnaireDocument, extension: str) -> str:
    """Return ``vigil-<slug>-<year>-questionnaire-<language>.<extension>``."""
    slug = document.organisation_slug
    return f"vigil-{slug}-{document.year}-questionnaire-{document.language}.{extension}"
