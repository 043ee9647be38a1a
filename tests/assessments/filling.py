"""A questionnaire answered on every norm, with every kind of answer and text."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from vigil.assessments.models import Assessment
from vigil.assessments.services import AnswerInput, add_evidence, save_answer

PLANNED = datetime.date(2027, 6, 30)
# Characters that typst markup, XML and spreadsheet formulas treat specially.
TRICKY_TEXT = '=1+1 #let $x$ *bold* _it_ <tag> & "quotes" [link] @ref \\ § € œ'
EVIDENCE_NAME = "beleid-2026.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n% evidence for norm 4.1\n"


def fill_assessment(assessment: Assessment, actor: Any) -> None:
    """Answer every norm, cycling through the scale, and attach one evidence file.

    Every fourth norm is implemented, partial (with a planned date and an
    owner), not implemented (with a planned date) or not applicable (with a
    justification). Every norm gets a comment.
    """
    options = list(assessment.catalog.answer_options.order_by("position"))
    answers = assessment.answers.select_related("norm").order_by("norm__position")
    for index, answer in enumerate(answers):
        option = options[index % len(options)]
        data = AnswerInput(
            option=option,
            comment=f"Comment on {answer.norm.code}: {TRICKY_TEXT}",
            justification=(
                f"Not applicable to {answer.norm.code}: no such system."
                if option.requires_justification
                else ""
            ),
            planned_date=PLANNED if option.requires_planned_date else None,
            owner="ICT-dienst" if option.code == "partial" else "",
        )
        save_answer(answer, data, actor=actor)
    first = answers.first()
    if first is not None:
        upload = SimpleUploadedFile(EVIDENCE_NAME, EVIDENCE_BYTES)
        add_evidence(first, upload, actor=actor)
