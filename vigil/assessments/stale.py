"""Answers that changed after an XLSX export, which an import must not undo.

The export writes each answer's revision number, the count of saves that
changed it. An integer compares exactly, unlike a last-change time that a
spreadsheet program may round, shift to local time or reformat, and two
saves within one clock tick still get different numbers. This is the
version column of optimistic concurrency control.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.assessments.diff import FIELD_LABELS
from vigil.assessments.models import Answer, AnswerChange
from vigil.assessments.services import ANSWER_FIELDS, AnswerInput, answer_values
from vigil.catalog.texts import pick
from vigil.labels import labelled

_SHOWN_TEXT_LENGTH = 60


@dataclass(frozen=True)
class PlannedChange:
    """A valid row of an import: the stored answer, the file's values and revision.

    ``exported_revision`` is None when the file has no revision for the row,
    because it was exported before the revision column existed or the cell
    was cleared.
    """

    row: int
    answer: Answer
    data: AnswerInput
    exported_revision: int | None

    @property
    def changes_answer(self) -> bool:
        return answer_values(self.answer) != answer_values(self.data)

    @property
    def is_stale(self) -> bool:
        """Whether the row would replace an answer saved after the export.

        Without a revision in the file, only an answer that was never changed
        (revision 0) is known to be the exported one, because every export
        comes after the answer was created.
        """
        if not self.changes_answer:
            return False
        if self.exported_revision is None:
            return self.answer.revision > 0
        return self.exported_revision != self.answer.revision


def option_at_export(answer: Answer, exported_revision: int | None) -> str | None:
    """Return the code of the answer's option at the export, None if unanswered.

    Every save that changes an answer adds one to its revision and writes one
    history row with the old values of the fields it changed, so the option
    at an earlier revision is the old option of the first later change of
    the option. Without a revision in the file, or with a revision the
    answer never had, this returns the stored option.
    """
    stored: str | None = answer.option.code if answer.option else None
    if exported_revision is None or not 0 <= exported_revision < answer.revision:
        return stored
    newest_first = AnswerChange.objects.filter(answer=answer).order_by(
        "-changed_at", "-id"
    )
    later = list(newest_first[: answer.revision - exported_revision])
    for change in reversed(later):
        if "option" in change.old_values:
            code = change.old_values["option"]
            return str(code) if code else None
    return stored


def last_changes(answers: list[Answer]) -> dict[int, AnswerChange]:
    """Return the latest history row of each of ``answers``, by answer id."""
    latest: dict[int, AnswerChange] = {}
    changes = (
        AnswerChange.objects.filter(answer__in=answers)
        .select_related("changed_by")
        .order_by("answer_id", "-changed_at", "-id")
    )
    for change in changes:
        latest.setdefault(change.answer_id, change)
    return latest


def stale_message(planned: PlannedChange, last_change: AnswerChange | None) -> str:
    """Describe a stale row: the norm, who changed it when, stored and file values."""
    answer = planned.answer
    values = {
        "norm": answer.norm.code,
        "exported": planned.exported_revision,
        "stored": answer.revision,
        "time": _change_time(answer, last_change),
        "actor": _change_actor(answer, last_change),
        "stored_values": _describe(answer_values(answer), planned),
        "file_values": _describe(answer_values(planned.data), planned),
    }
    if planned.exported_revision is None:
        template = _(
            "The file has no revision for norm %(norm)s, so the import cannot "
            "tell whether the stored answer changed after the export. The "
            "stored answer is revision %(stored)s, last changed on %(time)s by "
            "%(actor)s. Stored: %(stored_values)s. In the file: %(file_values)s."
        )
    else:
        template = _(
            "Norm %(norm)s changed after this file was exported: the file has "
            "revision %(exported)s, the stored answer revision %(stored)s, last "
            "changed on %(time)s by %(actor)s. Stored: %(stored_values)s. In "
            "the file: %(file_values)s."
        )
    return template % values


def _change_time(answer: Answer, last_change: AnswerChange | None) -> str:
    moment = last_change.changed_at if last_change else answer.updated_at
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _change_actor(answer: Answer, last_change: AnswerChange | None) -> str:
    if last_change is None:
        return str(answer.updated_by) if answer.updated_by else _("system")
    if last_change.changed_by is not None:
        return f"{last_change.changed_by} ({last_change.changed_by.email})"
    if not last_change.actor_label or last_change.actor_label == "system":
        return _("system")
    return last_change.actor_label


def _describe(values: dict[str, Any], planned: PlannedChange) -> str:
    """List the fields in which the stored answer and the file differ."""
    stored = answer_values(planned.answer)
    incoming = answer_values(planned.data)
    parts = [
        labelled(FIELD_LABELS[name], _shown(name, values[name], planned))
        for name in ANSWER_FIELDS
        if stored[name] != incoming[name]
    ]
    return " · ".join(parts)


def _shown(name: str, value: Any, planned: PlannedChange) -> str:
    if value is None or value == "":
        return "—"
    if name == "option":
        return _quoted(_option_label(value, planned))
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if len(text) > _SHOWN_TEXT_LENGTH:
        text = text[: _SHOWN_TEXT_LENGTH - 1] + "…"
    return _quoted(text)


def _quoted(text: str) -> str:
    """Put ``text`` in the quotation marks of the active language."""
    return _("“%(text)s”") % {"text": text}


def _option_label(code: str, planned: PlannedChange) -> str:
    for option in (planned.answer.option, planned.data.option):
        if option is not None and option.code == code:
            return pick(option.label)
    return code
