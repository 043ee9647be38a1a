"""Audit-trail display of the questionnaire's entries.

A questionnaire entry stores counts, digests and norm codes under keys that
name no field of the questionnaire, and an answer change stores the code of
the chosen option. The trail labels the keys and shows the option's label,
both in the reader's language.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from vigil.assessments.models import Answer, Evidence, Submission
from vigil.audit.display import (
    Subject,
    register_action_keys,
    register_key_fields,
    register_key_texts,
    register_labels,
    register_lookups,
)
from vigil.catalog.models import AnswerOption

ASSESSMENT = "assessments.assessment"
ANSWER = "assessments.answer"
EVIDENCE = "assessments.evidence"


def connect() -> None:
    """Register the labels and texts of the questionnaire's audit entries."""
    submission = Submission._meta
    register_labels(
        ASSESSMENT,
        {
            "copied_from": _("answers copied from the year"),
            "submission": _("submission number"),
            "score": _("score in percent"),
            "reason": _("reason for reopening"),
        },
    )
    register_key_fields(ASSESSMENT, {"digest": submission.get_field("digest")})
    register_action_keys(
        "assessment.imported",
        labels={
            "file": _("imported file"),
            "sha256": "SHA-256",
            "rows": _("rows in the file"),
            "changed": _("answers changed"),
            "norms": _("norms of the changed answers"),
            "overwrite_newer": _("newer answers may be overwritten"),
            "overwritten": _("norms whose newer answer was overwritten"),
        },
    )
    # Answer changes store the option's code, not its id.
    register_lookups(ANSWER, {"option": "code"})
    register_labels(
        ANSWER, {"option": AnswerOption._meta.get_field("code").verbose_name}
    )
    register_key_texts(ANSWER, {"option": option_label})
    register_labels(EVIDENCE, {"norm": _("norm")})
    register_key_fields(EVIDENCE, {"name": Evidence._meta.get_field("original_name")})


def option_label(code: Any, subject: Subject) -> str:
    """Return the label of the answer option ``code`` in the active language.

    The option is looked up in the catalog of the answer's questionnaire; the
    code is shown as stored when the answer or the option is gone.
    """
    if subject.organisation_id is None or not (
        subject.object_id.isascii() and subject.object_id.isdigit()
    ):
        return str(code)
    answer = (
        Answer.objects.filter(
            pk=int(subject.object_id),
            assessment__organisation_id=subject.organisation_id,
        )
        .select_related("assessment")
        .first()
    )
    if answer is None:
        return str(code)
    option = AnswerOption.objects.filter(
        catalog_id=answer.assessment.catalog_id, code=str(code)
    ).first()
    return option.label_text if option is not None else str(code)
