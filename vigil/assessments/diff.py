"""What changed between two years' answers, norm by norm and field by field."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from vigil.assessments.models import Answer, Assessment

COMPARED = ("answer", "comment", "justification", "planned_date", "owner")
FIELD_LABELS = {
    "answer": _("Answer"),
    "option": _("Answer"),
    "comment": _("Comment"),
    "justification": _("Justification"),
    "planned_date": _("Planned date"),
    "owner": _("Owner"),
}


@dataclass(frozen=True)
class FieldChange:
    norm: str
    norm_title: str
    field: str
    old: Any
    new: Any

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS[self.field])


def _values(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return dict.fromkeys(COMPARED)
    return {
        "answer": answer.option.label_text if answer.option else None,
        "comment": answer.comment,
        "justification": answer.justification,
        "planned_date": answer.planned_date,
        "owner": answer.owner,
    }


def _by_code(assessment: Assessment) -> dict[str, Answer]:
    answers = assessment.answers.select_related("norm", "option").order_by(
        "norm__position"
    )
    return {answer.norm.code: answer for answer in answers}


def diff_assessments(old: Assessment, new: Assessment) -> list[FieldChange]:
    """List every field whose value differs from ``old`` to ``new``."""
    before, after = _by_code(old), _by_code(new)
    codes = list(after) + [code for code in before if code not in after]
    changes: list[FieldChange] = []
    for code in codes:
        old_values, new_values = _values(before.get(code)), _values(after.get(code))
        title = (after.get(code) or before[code]).norm.title_text
        for field in COMPARED:
            if (old_values[field] or None) != (new_values[field] or None):
                changes.append(
                    FieldChange(
                        code, title, field, old_values[field], new_values[field]
                    )
                )
    return changes
