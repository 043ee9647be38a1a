"""The answer-label column of an imported workbook, checked against the code.

The export writes each answer twice: its code in the column ``answer``,
which the import reads and the sheet limits to the scale's codes, and its
label in the column ``answer_label``, for people. A person who changes only
the label would otherwise see the import keep the old answer without a word,
so a label that names another answer than the code is an error. The label
may still be empty, as for a norm that was unanswered at the export, or name
the answer at the export, which is what a person leaves behind after picking
a new code from the code column's list.
"""

import unicodedata
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from vigil.assessments import tabular
from vigil.catalog.models import AnswerOption
from vigil.catalog.texts import pick


def label_mismatch(
    label: str,
    option: AnswerOption | None,
    exported: AnswerOption | None,
    scale: Sequence[AnswerOption],
) -> str | None:
    """Return why ``label`` disagrees with the row's answer code, or None.

    ``option`` is the answer that the code column names (None for an empty
    cell), ``exported`` the answer when the file was exported and ``scale``
    every answer of the catalog. A label matches an answer in any language
    of the catalog, without regard to case or repeated spaces.
    """
    typed = _normalised(label)
    if not typed:
        return None
    for accepted in (option, exported):
        if accepted is not None and typed in _labels(accepted):
            return None
    named = next((found for found in scale if typed in _labels(found)), None)
    return _message(label.strip(), option, named)


def _labels(option: AnswerOption) -> set[str]:
    return {_normalised(text) for text in option.label.values() if text}


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _message(
    label: str, option: AnswerOption | None, named: AnswerOption | None
) -> str:
    values = {
        "label": label,
        "code_column": get_column_letter(tabular.column_number(tabular.ANSWER)),
        "label_column": get_column_letter(tabular.column_number(tabular.ANSWER_LABEL)),
        "code": option.code if option is not None else "",
        "code_label": pick(option.label) if option is not None else "",
        "named_code": named.code if named is not None else "",
        "scale": tabular.SCALE_SHEET_TITLE,
    }
    if option is not None and named is not None:
        template = _(
            "The answer “%(label)s” does not match the answer code “%(code)s” "
            "(“%(code_label)s”) in column %(code_column)s, and the import reads "
            "only the code. To answer “%(label)s”, enter the code %(named_code)s "
            "in column %(code_column)s. To keep “%(code_label)s”, write that in "
            "column %(label_column)s or empty the cell."
        )
    elif option is not None:
        template = _(
            "The answer “%(label)s” is not on the answer scale and does not "
            "match the answer code “%(code)s” (“%(code_label)s”) in column "
            "%(code_column)s. Write “%(code_label)s” in column %(label_column)s "
            "or empty the cell, and choose the answer with a code of sheet "
            "“%(scale)s” in column %(code_column)s."
        )
    elif named is not None:
        template = _(
            "The answer “%(label)s” has no answer code in column "
            "%(code_column)s, so the import would leave the norm unanswered. "
            "To answer “%(label)s”, enter the code %(named_code)s in column "
            "%(code_column)s. To leave the norm unanswered, empty column "
            "%(label_column)s."
        )
    else:
        template = _(
            "The answer “%(label)s” is not on the answer scale and column "
            "%(code_column)s has no answer code. Enter a code of sheet "
            "“%(scale)s” in column %(code_column)s, or empty column "
            "%(label_column)s."
        )
    return template % values
