"""Render a :class:`~vigil.reports.document.Document` as PDF/A-2b or ODT.

The PDF is typeset by typst from ``templates_typst/document.typ``, which
reads the document as JSON from ``sys.inputs``, so user text is never parsed
as typst markup. Typst runs with its embedded fonts only, so the output does
not depend on the fonts of the machine. The ODT is written with odfpy.
"""

import datetime
import io
import json
import logging
from importlib import resources
from typing import Any

import typst
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.dc import Language
from odf.dc import Title as MetaTitle
from odf.opendocument import OpenDocumentText
from odf.style import (
    Footer,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TextProperties,
)

from vigil.reports.document import (
    Block,
    Document,
    Facts,
    Heading,
    Paragraph,
    Signature,
    Table,
)
from vigil.reports.exporters.pdf import PDF_STANDARD
from vigil.reports.questionnaire import format_timestamp

logger = logging.getLogger(__name__)

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
}

# Typst names the standard in its error text, e.g. "PDF/A-2b error: the text
# "😀" could not be displayed with font "Libertinus Serif"".
_PDF_A_ERROR_MARK = "PDF/A"


def render_document(document: Document, fmt: str) -> bytes:
    """Render ``document`` in format ``fmt`` ("pdf" or "odt").

    Raises ValueError for any other format, and for a table whose rows do
    not have as many cells as its header.
    """
    if fmt not in MEDIA_TYPES:
        supported = ", ".join(MEDIA_TYPES)
        raise ValueError(
            f'Unsupported document format "{fmt}": use one of {supported}.'
        )
    _check_tables(document)
    if fmt == "pdf":
        return render_pdf(document)
    return write_odt(document)


def document_response(document: Document, fmt: str, filename: str) -> HttpResponse:
    """Return ``document`` rendered as ``fmt`` as a file download.

    ``filename`` gets the format's extension unless it already ends with it.
    """
    content = render_document(document, fmt)
    extension = f".{fmt}"
    if not filename.lower().endswith(extension):
        filename += extension
    response = HttpResponse(content, content_type=MEDIA_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def render_pdf(document: Document) -> bytes:
    """Typeset ``document`` as PDF/A-2b, or as plain PDF if PDF/A is impossible.

    PDF/A forbids text that no embedded font can display. Typst's embedded
    fonts have no glyphs for emoji or CJK, so a text containing them makes
    PDF/A fail. The document is then rendered as a plain PDF with a warning
    in the log.
    """
    source = _template()
    inputs = {"data": json.dumps(document_payload(document), ensure_ascii=False)}
    timestamp = int(document.generated_at.timestamp())
    try:
        return _compile(source, inputs, timestamp, standard=PDF_STANDARD)
    except typst.TypstError as error:
        if _PDF_A_ERROR_MARK not in str(error):
            raise
        logger.warning(
            "document %r of %r: PDF/A not possible, rendering plain PDF: %s",
            document.title,
            document.organisation,
            error,
        )
    return _compile(source, inputs, timestamp, standard=None)


def document_payload(document: Document) -> dict[str, Any]:
    """Return the JSON data the typst template reads."""
    return {
        "language": document.language,
        "title": document.title,
        "subtitle": document.subtitle,
        "organisation": document.organisation,
        "generated_at": format_generated_at(document.generated_at),
        "footer": document.footer,
        "blocks": [_block_payload(block) for block in document.blocks],
    }


def format_generated_at(value: datetime.datetime) -> str:
    """Return ``value`` in local time as ``YYYY-MM-DD HH:MM``."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_timestamp(value)


def _block_payload(block: Block) -> dict[str, Any]:
    match block:
        case Heading(text=text, level=level):
            return {"kind": "heading", "text": text, "level": level}
        case Paragraph(text=text):
            return {"kind": "paragraph", "text": text}
        case Facts(rows=rows):
            return {"kind": "facts", "rows": [list(row) for row in rows]}
        case Table():
            return {
                "kind": "table",
                "columns": column_count(block),
                "header": list(block.header),
                "rows": [list(row) for row in block.rows],
                "widths": list(block.widths),
                "footer": [list(row) for row in block.footer],
            }
        case Signature(rows=rows):
            return {"kind": "signature", "rows": [list(row) for row in rows]}


def column_count(table: Table) -> int:
    """Return the number of columns of ``table``, at least one."""
    if table.header:
        return len(table.header)
    if table.widths:
        return len(table.widths)
    if table.rows:
        return len(table.rows[0])
    return 1


def _check_tables(document: Document) -> None:
    for block in document.blocks:
        if not isinstance(block, Table):
            continue
        count = column_count(block)
        if block.widths and len(block.widths) != count:
            raise ValueError(
                f"Table {block.header!r} has {len(block.widths)} widths "
                f"for {count} columns: give one width per column."
            )
        for row in (*block.rows, *block.footer):
            if len(row) != count:
                raise ValueError(
                    f"Table row {row!r} has {len(row)} cells, but the table "
                    f"has {count} columns: give every row one cell per column."
                )


def _template() -> bytes:
    path = resources.files("vigil.reports") / "templates_typst" / "document.typ"
    return path.read_bytes()


def _compile(
    source: bytes, inputs: dict[str, str], timestamp: int, standard: str | None
) -> bytes:
    options: dict[str, Any] = {"pdf_standards": standard} if standard else {}
    content = typst.compile(
        source,
        ignore_system_fonts=True,
        sys_inputs=inputs,
        timestamp=timestamp,
        **options,
    )
    return bytes(content)


# ODT


TEXT_WIDTH_CM = 17.0
LABEL_COLUMN_CM = 4.5
SIGNATURE_SPACE_CM = 1.4


def write_odt(document: Document) -> bytes:
    """Write ``document`` as an ODT file on A4 pages with a footer."""
    return OdtWriter(document).write()


class OdtWriter:
    """Build one ODT file from a :class:`Document`."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.odt = OpenDocumentText()
        self.styles = _odt_styles(self.odt, document)
        self.table_count = 0

    def write(self) -> bytes:
        document = self.document
        self.odt.meta.addElement(MetaTitle(text=document.title))
        self.odt.meta.addElement(Language(text=document.language))

        self._paragraph(document.title, "title")
        if document.subtitle:
            self._paragraph(document.subtitle, "subtitle")
        generated_at = format_generated_at(document.generated_at)
        self._paragraph(f"{document.organisation} · {generated_at}", "body")
        for block in document.blocks:
            self._block(block)

        output = io.BytesIO()
        self.odt.write(output)
        return output.getvalue()

    def _block(self, block: Block) -> None:
        match block:
            case Heading(text=text, level=level):
                self._heading(level, text)
            case Paragraph(text=text):
                self._paragraph(text, "body")
            case Facts(rows=rows):
                self._pairs(rows, signature=False)
            case Table():
                self._table(block)
            case Signature(rows=rows):
                self._pairs(rows, signature=True)

    def _heading(self, level: int, text: str) -> None:
        level = min(max(level, 1), 3)
        heading = odf_text.H(
            outlinelevel=level, stylename=self.styles[f"heading{level}"]
        )
        teletype.addTextToElement(heading, text)
        self.odt.text.addElement(heading)

    def _paragraph(self, text: str, style: str) -> None:
        self.odt.text.addElement(self._text_paragraph(text, style))

    def _text_paragraph(self, text: str, style: str) -> Any:
        paragraph = odf_text.P(stylename=self.styles[style])
        # addTextToElement turns line breaks, tabs and runs of spaces into
        # their ODF elements, which plain text nodes would collapse.
        teletype.addTextToElement(paragraph, text)
        return paragraph

    def _pairs(self, rows: tuple[tuple[str, str], ...], *, signature: bool) -> None:
        widths = (LABEL_COLUMN_CM, TEXT_WIDTH_CM - LABEL_COLUMN_CM)
        table = self._new_table(widths)
        row_style = self.styles["signature_row"] if signature else None
        for label, value in rows:
            row = self._row((label, value), ("strong", "body"), row_style)
            table.addElement(row)
        self.odt.text.addElement(table)

    def _table(self, block: Table) -> None:
        count = column_count(block)
        weights = block.widths or (1,) * count
        total = sum(weights)
        widths = tuple(TEXT_WIDTH_CM * weight / total for weight in weights)
        table = self._new_table(widths)
        if block.header:
            header = odf_table.TableHeaderRows()
            header.addElement(
                self._row(block.header, ("strong",) * count, cell_style="header")
            )
            table.addElement(header)
        for cells in block.rows:
            table.addElement(self._row(cells, ("body",) * count))
        for cells in block.footer:
            table.addElement(self._row(cells, ("strong",) * count))
        self.odt.text.addElement(table)

    def _new_table(self, widths: tuple[float, ...]) -> Any:
        self.table_count += 1
        name = f"Table{self.table_count}"
        table = odf_table.Table(name=name, stylename=self.styles["table"])
        for index, width in enumerate(widths, start=1):
            style = Style(name=f"{name}.C{index}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width:.2f}cm"))
            self.odt.automaticstyles.addElement(style)
            table.addElement(odf_table.TableColumn(stylename=style))
        return table

    def _row(
        self,
        cells: tuple[str, ...],
        paragraph_styles: tuple[str, ...],
        row_style: Any = None,
        cell_style: str = "cell",
    ) -> Any:
        if row_style is None:
            row = odf_table.TableRow()
        else:
            row = odf_table.TableRow(stylename=row_style)
        for text, style in zip(cells, paragraph_styles, strict=True):
            cell = odf_table.TableCell(
                stylename=self.styles[cell_style], valuetype="string"
            )
            cell.addElement(self._text_paragraph(text, style))
            row.addElement(cell)
        return row


def _odt_styles(odt: Any, document: Document) -> dict[str, Any]:
    """Add the A4 page with its footer and the styles, and return them by role."""
    language = document.language
    styles = {
        "title": _paragraph_style("Title", "Title", "20pt", language, bold=True),
        "subtitle": _paragraph_style("Subtitle", "Subtitle", "13pt", language),
        "heading1": _paragraph_style(
            "Heading_20_1", "Heading 1", "16pt", language, bold=True
        ),
        "heading2": _paragraph_style(
            "Heading_20_2", "Heading 2", "13pt", language, bold=True
        ),
        "heading3": _paragraph_style(
            "Heading_20_3", "Heading 3", "11pt", language, bold=True
        ),
        "body": _paragraph_style("Text_20_body", "Text body", "10pt", language),
        "strong": _paragraph_style(
            "Vigil_20_label", "Vigil label", "10pt", language, bold=True
        ),
        "footer": _paragraph_style("Footer", "Footer", "8pt", language),
    }
    for style in styles.values():
        odt.styles.addElement(style)
    _add_page(odt, styles["footer"], document.footer)
    table_styles = _table_styles()
    for style in table_styles.values():
        odt.automaticstyles.addElement(style)
    return styles | table_styles


def _add_page(odt: Any, footer_style: Any, footer_text: str) -> None:
    layout = PageLayout(name="A4")
    layout.addElement(
        PageLayoutProperties(
            pagewidth="21cm",
            pageheight="29.7cm",
            printorientation="portrait",
            margin="2cm",
        )
    )
    odt.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    paragraph = odf_text.P(stylename=footer_style)
    if footer_text:
        teletype.addTextToElement(paragraph, f"{footer_text} · ")
    paragraph.addElement(odf_text.PageNumber(selectpage="current", text="1"))
    teletype.addTextToElement(paragraph, " / ")
    paragraph.addElement(odf_text.PageCount(text="1"))
    footer.addElement(paragraph)
    master.addElement(footer)
    odt.masterstyles.addElement(master)


def _paragraph_style(
    name: str, display_name: str, size: str, language: str, *, bold: bool = False
) -> Any:
    style = Style(name=name, displayname=display_name, family="paragraph")
    style.addElement(
        TextProperties(
            fontsize=size,
            fontweight="bold" if bold else "normal",
            language=language,
        )
    )
    style.addElement(ParagraphProperties(margintop="0.1cm", marginbottom="0.1cm"))
    return style


def _table_styles() -> dict[str, Any]:
    table = Style(name="VigilTable", family="table")
    table.addElement(
        TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="left", marginbottom="0.4cm")
    )
    cell = Style(name="VigilCell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #aaaaaa", padding="0.1cm"))
    header = Style(name="VigilHeaderCell", family="table-cell")
    header.addElement(
        TableCellProperties(
            border="0.5pt solid #aaaaaa", padding="0.1cm", backgroundcolor="#e8e8e8"
        )
    )
    signature_row = Style(name="VigilSignatureRow", family="table-row")
    signature_row.addElement(TableRowProperties(minrowheight=f"{SIGNATURE_SPACE_CM}cm"))
    return {
        "table": table,
        "cell": cell,
        "header": header,
        "signature_row": signature_row,
    }
