"""The XLSX layout of a questionnaire, shared by the export and the import.

The sheet :data:`SHEET_TITLE` starts with a block of facts: label in column
A, value in column B. A row of translated column labels for people follows,
then :data:`HEADER_ROW` with the language-neutral column keys that the import
checks, then one row per norm. Files exported before the column
:data:`REVISION` existed have the keys :data:`COLUMNS_WITHOUT_REVISION`.
The sheet :data:`SCALE_SHEET_TITLE` lists the answer codes with their labels.
"""

SHEET_TITLE = "Questionnaire"
SCALE_SHEET_TITLE = "Scale"

TITLE_ROW = 1

# Rows of the facts block. The value of each fact is in FACT_VALUE_COLUMN.
FACT_ROWS: dict[str, int] = {
    "centre": 2,
    "enterprise_number": 3,
    "year": 4,
    "catalog": 5,
    "status": 6,
    "digest": 7,
}
FACT_LABEL_COLUMN = 1
FACT_VALUE_COLUMN = 2

LABEL_ROW = 9
HEADER_ROW = 10
FIRST_DATA_ROW = HEADER_ROW + 1

NORM = "norm"
CHAPTER = "chapter"
TITLE = "title"
ANSWER = "answer"
ANSWER_LABEL = "answer_label"
PLANNED_DATE = "planned_date"
OWNER = "owner"
JUSTIFICATION = "justification"
COMMENT = "comment"
EVIDENCE_COUNT = "evidence_count"
# The stored answer's revision number at the export. It is last, so a file
# exported without it has the same columns up to there.
REVISION = "revision"

COLUMNS: tuple[str, ...] = (
    NORM,
    CHAPTER,
    TITLE,
    ANSWER,
    ANSWER_LABEL,
    PLANNED_DATE,
    OWNER,
    JUSTIFICATION,
    COMMENT,
    EVIDENCE_COUNT,
    REVISION,
)
COLUMNS_WITHOUT_REVISION: tuple[str, ...] = COLUMNS[:-1]

# Excel number format of the planned-date cells.
DATE_NUMBER_FORMAT = "yyyy-mm-dd"
# Excel number format "text": keeps a norm id such as 4.10 from becoming 4.1.
TEXT_NUMBER_FORMAT = "@"


def column_number(key: str) -> int:
    """Return the 1-based spreadsheet column of the column ``key``."""
    return COLUMNS.index(key) + 1
