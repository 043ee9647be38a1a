"""Import of answers from an XLSX workbook in the layout that the export writes.

The import checks every row before it changes anything and then applies all
rows in one transaction, or none when any row is invalid. A row that would
replace an answer changed after the file's export is invalid too, unless the
caller asks to overwrite such answers (see :mod:`vigil.assessments.stale`),
and so is a row whose answer label names another answer than its answer
code (see :mod:`vigil.assessments.answer_labels`).
Each changed answer goes through :func:`vigil.assessments.services.save_answer`,
so it gets its history row, naming the file, and its audit entry. The import
as a whole gets one ``assessment.imported`` audit entry. Norms that the
workbook does not list keep their answers.
"""

import datetime
import hashlib
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from vigil.assessments import tabular
from vigil.assessments.answer_labels import label_mismatch
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.rules import check_answer
from vigil.assessments.services import AnswerInput, AssessmentLocked, save_answer
from vigil.assessments.stale import (
    PlannedChange,
    last_changes,
    option_at_export,
    stale_message,
)
from vigil.audit.services import record
from vigil.catalog.models import AnswerOption
from vigil.integers import ascii_integer

logger = logging.getLogger(__name__)

# An export of the shipped catalog is about 10 KB, so these limits only keep
# a wrong or hostile upload from tying up the server.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 1000
MAX_SHEET_ROWS = 100_000

OWNER_MAX_LENGTH = Answer._meta.get_field("owner").max_length or 200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_VALUE_LENGTH = 60


@dataclass(frozen=True)
class RowError:
    """A problem that keeps one row, or with ``row`` None the file, from import."""

    row: int | None
    message: str
    column: str | None = None
    # The row would replace an answer changed after the export.
    stale: bool = False

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {
                "row": self.row,
                "message": self.message,
            }
        return _("Row %(row)s, column %(letter)s (%(column)s): %(message)s") % {
            "row": self.row,
            "letter": get_column_letter(tabular.column_number(self.column)),
            "column": self.column,
            "message": self.message,
        }


class ImportInvalid(Exception):
    """A workbook that cannot be imported, with every problem found in ``errors``."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors

    @property
    def has_stale_rows(self) -> bool:
        """Whether overwriting newer answers on purpose would resolve some errors."""
        return any(error.stale for error in self.errors)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    changed_norms: tuple[str, ...]
    # Norms whose answer changed after the export and was overwritten anyway.
    overwritten_norms: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return len(self.changed_norms)

    @property
    def overwritten(self) -> int:
        return len(self.overwritten_norms)


@dataclass(frozen=True)
class SheetRow:
    number: int
    values: dict[str, Any]


@dataclass
class ParsedWorkbook:
    catalog_code: str
    enterprise_number: str = ""
    year: str = ""
    rows: list[SheetRow] = field(default_factory=list)


def import_assessment_xlsx(
    assessment: Assessment,
    file: IO[bytes],
    *,
    actor: Any,
    overwrite_newer: bool = False,
) -> ImportResult:
    """Apply the answers of an exported and edited XLSX ``file`` to ``assessment``.

    Raises AssessmentLocked for a submitted assessment and ImportInvalid,
    listing every bad row, when anything in the file is wrong. A row that
    would replace an answer changed after the export is wrong unless
    ``overwrite_newer`` is set. In every error case nothing is saved.
    """
    _ensure_draft(assessment)
    content = _read_content(file)
    workbook = parse_workbook(content)
    file_name = PurePath(str(getattr(file, "name", "") or "")).name

    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _ensure_draft(assessment)
        planned = _validate(assessment, workbook, overwrite_newer=overwrite_newer)
        changed: list[str] = []
        overwritten: list[str] = []
        for change in planned:
            stale = change.is_stale
            if save_answer(
                change.answer,
                change.data,
                actor=actor,
                import_file=file_name,
                overwrote_newer=stale,
            ):
                changed.append(change.answer.norm.code)
                if stale:
                    overwritten.append(change.answer.norm.code)
        record(
            "assessment.imported",
            actor=actor,
            target=assessment,
            organisation=assessment.organisation,
            new={
                "file": file_name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "rows": len(planned),
                "changed": len(changed),
                "norms": changed,
                "overwrite_newer": overwrite_newer,
                "overwritten": overwritten,
            },
        )

    logger.info(
        "assessment %s: imported %s rows, %s answers changed, %s newer overwritten",
        assessment.pk,
        len(planned),
        len(changed),
        len(overwritten),
    )
    return ImportResult(
        rows=len(planned),
        changed_norms=tuple(changed),
        overwritten_norms=tuple(overwritten),
    )


def _ensure_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentLocked(
            _(
                "The questionnaire %(year)s is submitted and frozen. "
                "Reopen it with a reason before importing answers."
            )
            % {"year": assessment.year},
            code="locked",
        )


def _read_content(file: IO[bytes]) -> bytes:
    content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise ImportInvalid(
            [
                RowError(
                    None,
                    _(
                        "The file is larger than %(limit)s bytes, so it is not an "
                        "XLSX export of a questionnaire. Import the file that "
                        "Vigil exported."
                    )
                    % {"limit": MAX_FILE_BYTES},
                )
            ]
        )
    return content


def parse_workbook(content: bytes) -> ParsedWorkbook:
    """Read the questionnaire sheet of XLSX ``content``.

    Raises ImportInvalid when the content is not a workbook in Vigil's layout.
    """
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl raises anything from BadZipFile and KeyError to XML parse
        # errors on a file that is not a workbook.
        logger.info("import rejected, not an XLSX workbook: %r", error)
        raise ImportInvalid([RowError(None, _not_xlsx_message())]) from None

    try:
        if tabular.SHEET_TITLE not in workbook.sheetnames:
            raise ImportInvalid([RowError(None, _missing_sheet_message())])
        rows = _sheet_rows(workbook[tabular.SHEET_TITLE])
        return _parse_rows(rows)
    finally:
        workbook.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    width = len(tabular.COLUMNS)
    for number, values in enumerate(
        sheet.iter_rows(max_col=width, values_only=True), start=1
    ):
        padded = tuple(values) + (None,) * (width - len(values))
        yield number, padded[:width]


def _parse_rows(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> ParsedWorkbook:
    catalog_code = ""
    facts: dict[str, str] = {}
    header: tuple[Any, ...] = ()
    parsed: list[SheetRow] = []
    for number, values in rows:
        if number > MAX_SHEET_ROWS:
            raise ImportInvalid([RowError(number, _too_many_rows_message())])
        if number == tabular.FACT_ROWS["catalog"]:
            catalog_code = _text(values[tabular.FACT_VALUE_COLUMN - 1]).strip()
        elif number in (
            tabular.FACT_ROWS["enterprise_number"],
            tabular.FACT_ROWS["year"],
        ):
            facts[str(number)] = _text(values[tabular.FACT_VALUE_COLUMN - 1]).strip()
        elif number == tabular.HEADER_ROW:
            header = values
        elif number >= tabular.FIRST_DATA_ROW and not _is_blank(values):
            parsed.append(
                SheetRow(number, dict(zip(tabular.COLUMNS, values, strict=True)))
            )
            if len(parsed) > MAX_DATA_ROWS:
                raise ImportInvalid([RowError(number, _too_many_rows_message())])

    keys = tuple(_text(value).strip() for value in header)
    # A file exported before the revision column existed has an empty key
    # there, and its rows are read with no revision.
    without_revision = (*tabular.COLUMNS_WITHOUT_REVISION, "")
    if keys not in (tabular.COLUMNS, without_revision):
        raise ImportInvalid([RowError(None, _missing_header_message())])
    return ParsedWorkbook(
        catalog_code=catalog_code,
        enterprise_number=facts.get(str(tabular.FACT_ROWS["enterprise_number"]), ""),
        year=facts.get(str(tabular.FACT_ROWS["year"]), ""),
        rows=parsed,
    )


def _check_centre_and_year(assessment: Assessment, workbook: ParsedWorkbook) -> None:
    """Reject a workbook exported for another centre or another year."""
    errors: list[RowError] = []
    digits = "".join(ch for ch in workbook.enterprise_number if ch.isdigit())
    organisation = assessment.organisation
    if digits != organisation.enterprise_number:
        errors.append(
            RowError(
                tabular.FACT_ROWS["enterprise_number"],
                _(
                    "The workbook is for the centre with enterprise number "
                    "“%(found)s”, not for %(centre)s (%(expected)s). Export this "
                    "centre's questionnaire and fill that in."
                )
                % {
                    "found": _shown(workbook.enterprise_number) or "—",
                    "centre": organisation.name,
                    "expected": organisation.enterprise_number_display,
                },
            )
        )
    year = workbook.year.removesuffix(".0")
    if year != str(assessment.year):
        errors.append(
            RowError(
                tabular.FACT_ROWS["year"],
                _(
                    "The workbook is for the year “%(found)s”, not %(expected)s. "
                    "Export the questionnaire of %(expected)s and fill that in."
                )
                % {"found": _shown(workbook.year) or "—", "expected": assessment.year},
            )
        )
    if errors:
        raise ImportInvalid(errors)


def _is_blank(values: tuple[Any, ...]) -> bool:
    return all(value is None or _text(value).strip() == "" for value in values)


@dataclass
class _Context:
    answers: dict[str, Answer]
    options: dict[str, AnswerOption]
    first_rows: dict[str, int] = field(default_factory=dict)


def _validate(
    assessment: Assessment, workbook: ParsedWorkbook, *, overwrite_newer: bool
) -> list[PlannedChange]:
    catalog = assessment.catalog
    if workbook.catalog_code != catalog.code:
        raise ImportInvalid(
            [
                RowError(
                    tabular.FACT_ROWS["catalog"], _catalog_message(workbook, catalog)
                )
            ]
        )

    _check_centre_and_year(assessment, workbook)

    # The answers stay locked until the import commits, so no save on the
    # questionnaire page can slip in between the check for stale rows and
    # the import's own saves. PostgreSQL rejects FOR UPDATE on the nullable
    # side of the outer join to the option, so only the answer rows are locked.
    answers = assessment.answers.select_for_update(of=("self",)).select_related(
        "norm", "option", "updated_by"
    )
    context = _Context(
        answers={answer.norm.code: answer for answer in answers},
        options={option.code: option for option in catalog.answer_options.all()},
    )
    errors: list[RowError] = []
    planned: list[PlannedChange] = []
    for row in workbook.rows:
        row_errors, result = _validate_row(row, context)
        errors.extend(row_errors)
        if result is not None:
            planned.append(result)
    if not overwrite_newer:
        errors.extend(_stale_row_errors(planned))
    errors.sort(key=lambda error: error.row or 0)
    if errors:
        logger.info(
            "assessment %s: import rejected, %s errors", assessment.pk, len(errors)
        )
        raise ImportInvalid(errors)
    return planned


def _stale_row_errors(planned: list[PlannedChange]) -> list[RowError]:
    stale = [change for change in planned if change.is_stale]
    latest = last_changes([change.answer for change in stale])
    return [
        RowError(
            change.row,
            stale_message(change, latest.get(change.answer.pk)),
            tabular.REVISION,
            stale=True,
        )
        for change in stale
    ]


def _validate_row(
    row: SheetRow, context: _Context
) -> tuple[list[RowError], PlannedChange | None]:
    errors: list[RowError] = []
    answer = _row_answer(row, context, errors)
    revision = _row_revision(row, errors)
    owner = _text(row.values[tabular.OWNER])
    justification = _text(row.values[tabular.JUSTIFICATION])
    comment = _text(row.values[tabular.COMMENT])

    # The scale's rules need a known answer code and a readable date.
    value_errors: list[RowError] = []
    option = _row_option(row, context, value_errors)
    known_code = not value_errors
    planned_date = _row_date(row, value_errors)
    if not value_errors:
        for violation in check_answer(option, justification, planned_date):
            value_errors.append(
                RowError(row.number, violation.message, violation.field)
            )
    errors.extend(value_errors)
    if known_code:
        _check_label(row, option, answer, revision, context, errors)

    if len(owner) > OWNER_MAX_LENGTH:
        errors.append(
            RowError(
                row.number,
                _(
                    "The owner has %(length)s characters. Shorten it to at most "
                    "%(limit)s."
                )
                % {"length": len(owner), "limit": OWNER_MAX_LENGTH},
                tabular.OWNER,
            )
        )
    if errors or answer is None:
        return errors, None
    data = AnswerInput(
        option=option,
        comment=comment,
        justification=justification,
        planned_date=planned_date,
        owner=owner,
    )
    return [], PlannedChange(row.number, answer, data, revision)


def _row_answer(
    row: SheetRow, context: _Context, errors: list[RowError]
) -> Answer | None:
    value = row.values[tabular.NORM]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        errors.append(RowError(row.number, _number_norm_message(value), tabular.NORM))
        return None
    code = _text(value).strip()
    if not code:
        errors.append(RowError(row.number, _missing_norm_message(), tabular.NORM))
        return None
    answer = context.answers.get(code)
    if answer is None:
        errors.append(RowError(row.number, _unknown_norm_message(code), tabular.NORM))
        return None
    first = context.first_rows.setdefault(code, row.number)
    if first != row.number:
        errors.append(
            RowError(row.number, _duplicate_norm_message(code, first), tabular.NORM)
        )
        return None
    return answer


def _row_option(
    row: SheetRow, context: _Context, errors: list[RowError]
) -> AnswerOption | None:
    code = _text(row.values[tabular.ANSWER]).strip()
    if not code:
        return None
    option = context.options.get(code)
    if option is None:
        errors.append(
            RowError(
                row.number,
                _unknown_answer_message(code, list(context.options)),
                tabular.ANSWER,
            )
        )
    return option


def _check_label(
    row: SheetRow,
    option: AnswerOption | None,
    answer: Answer | None,
    revision: int | None,
    context: _Context,
    errors: list[RowError],
) -> None:
    """Reject a row whose answer label names another answer than its code."""
    label = _text(row.values[tabular.ANSWER_LABEL])
    if not label.strip():
        return
    exported = None
    if answer is not None:
        code = option_at_export(answer, revision)
        exported = context.options.get(code) if code else None
    scale = list(context.options.values())
    message = label_mismatch(label, option, exported, scale)
    if message is not None:
        errors.append(RowError(row.number, message, tabular.ANSWER_LABEL))


def _row_revision(row: SheetRow, errors: list[RowError]) -> int | None:
    """Return the row's revision number, or None for an empty cell."""
    value = row.values[tabular.REVISION]
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    else:
        text = _text(value).strip()
    if not text:
        return None
    revision = ascii_integer(text)
    if revision is not None:
        return revision
    errors.append(RowError(row.number, _bad_revision_message(text), tabular.REVISION))
    return None


def _row_date(row: SheetRow, errors: list[RowError]) -> datetime.date | None:
    value = row.values[tabular.PLANNED_DATE]
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    errors.append(RowError(row.number, _bad_date_message(text), tabular.PLANNED_DATE))
    return None


def _text(value: Any) -> str:
    """Return a cell value as text: empty for none, ``12`` for the number 12.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _shown(value: str) -> str:
    if len(value) <= _SHOWN_VALUE_LENGTH:
        return value
    return value[: _SHOWN_VALUE_LENGTH - 1] + "…"


def _not_xlsx_message() -> str:
    return _(
        "The file is not an XLSX workbook. Export the questionnaire as XLSX "
        "from Vigil, fill it in and import that file."
    )


def _missing_sheet_message() -> str:
    return _(
        "The workbook has no sheet “%(sheet)s”, so it is not in Vigil's layout. "
        "Export the questionnaire as XLSX from Vigil and fill in that file."
    ) % {"sheet": tabular.SHEET_TITLE}


def _missing_header_message() -> str:
    return _(
        "Row %(row)s of sheet “%(sheet)s” must contain the column keys "
        "%(keys)s, so the workbook is not in Vigil's layout. Export the "
        "questionnaire as XLSX from Vigil and fill in that file."
    ) % {
        "row": tabular.HEADER_ROW,
        "sheet": tabular.SHEET_TITLE,
        "keys": ", ".join(tabular.COLUMNS),
    }


def _too_many_rows_message() -> str:
    return _(
        "The sheet has more than %(limit)s rows of norms. Import the file "
        "that Vigil exported, with one row per norm."
    ) % {"limit": MAX_DATA_ROWS}


def _catalog_message(workbook: ParsedWorkbook, catalog: Any) -> str:
    return _(
        "The workbook is for catalog “%(found)s”, but this questionnaire uses "
        "catalog “%(expected)s”. Export this questionnaire as XLSX and fill "
        "in that file."
    ) % {"found": _shown(workbook.catalog_code) or "—", "expected": catalog.code}


def _number_norm_message(value: float) -> str:
    return _(
        "The norm id %(value)s is a number, and spreadsheet programs turn 4.10 "
        "into 4.1. Enter the norm id as text (type an apostrophe first, e.g. "
        "'4.10)."
    ) % {"value": value}


def _missing_norm_message() -> str:
    return _("The norm id is missing. Fill it in or delete the row.")


def _unknown_norm_message(code: str) -> str:
    return _(
        "The norm id “%(value)s” is not in this questionnaire's catalog. "
        "Use a norm id from the exported file."
    ) % {"value": _shown(code)}


def _duplicate_norm_message(code: str, first_row: int) -> str:
    return _(
        "Norm %(norm)s is listed twice, also on row %(first)s. Keep one row per norm."
    ) % {"norm": code, "first": first_row}


def _unknown_answer_message(code: str, codes: list[str]) -> str:
    return _(
        "The answer code “%(value)s” is not on the answer scale. Use one of "
        "%(codes)s (see sheet “%(sheet)s”) or leave the cell empty."
    ) % {
        "value": _shown(code),
        "codes": ", ".join(codes),
        "sheet": tabular.SCALE_SHEET_TITLE,
    }


def _bad_revision_message(text: str) -> str:
    return _(
        "The revision “%(value)s” is not a whole number. Leave the revision "
        "cells as exported, or export the questionnaire again."
    ) % {"value": _shown(text)}


def _bad_date_message(text: str) -> str:
    return _(
        "The planned date “%(value)s” is not a date. Enter a date cell or "
        "text as YYYY-MM-DD, e.g. 2027-06-30."
    ) % {"value": _shown(text)}
