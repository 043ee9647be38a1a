"""The export formats of the questionnaire, by identifier."""

from vigil.reports.exporters.base import ExportedFile, Exporter
from vigil.reports.exporters.docx import DocxExporter
from vigil.reports.exporters.odt import OdtExporter
from vigil.reports.exporters.pdf import PdfExporter
from vigil.reports.exporters.xlsx import XlsxExporter

EXPORTERS: dict[str, Exporter] = {
    exporter.identifier: exporter
    for exporter in (PdfExporter(), OdtExporter(), DocxExporter(), XlsxExporter())
}


def get_exporter(identifier: str) -> Exporter | None:
    """Return the exporter named ``identifier``, or None for an unknown format."""
    return EXPORTERS.get(identifier)


__all__ = ["EXPORTERS", "ExportedFile", "Exporter", "get_exporter"]
