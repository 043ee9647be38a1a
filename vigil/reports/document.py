"""A plain document model for the reports made from records.

The consultant's notification, the security plan, the continuity plan, the
risk analysis and the annual report are each built as a :class:`Document`
of headings, paragraphs, facts and tables, in one language, and rendered by
:func:`vigil.reports.render.render_document` as PDF/A (typst) or ODT. The
model holds text only, already translated and formatted, so both renderers
show the same words and a test can look for every figure in either file.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, shown as a two-column block."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Relative column widths; empty means equal widths. The PDF widens a
    # column to its longest word first, and the weights share what is left.
    widths: tuple[int, ...] = ()
    # Rows shown in bold after the body, such as totals.
    footer: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Signature:
    """A block for a decision or signature: who, in what capacity, when."""

    rows: tuple[tuple[str, str], ...]


type Block = Heading | Paragraph | Facts | Table | Signature


@dataclass(frozen=True)
class Document:
    """A document in one language, ready to render."""

    title: str
    language: str
    organisation: str
    generated_at: datetime.datetime
    subtitle: str = ""
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # Footer text on every page, e.g. "Vigil · <centre> · <date>".
    footer: str = ""
