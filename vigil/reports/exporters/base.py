"""The interface every export format implements."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from vigil.reports.questionnaire import QuestionnaireDocument, file_name


@dataclass(frozen=True)
class ExportedFile:
    """A rendered export: the name to download it under, its type and content."""

    filename: str
    media_type: str
    content: bytes


class Exporter(ABC):
    """One export format of the questionnaire document.

    ``identifier`` is the format's name in URLs and on the command line,
    ``label`` its display name, ``extension`` the file name extension without
    the dot.
    """

    identifier: ClassVar[str]
    label: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]

    @abstractmethod
    def render(self, document: QuestionnaireDocument) -> ExportedFile:
        """Render ``document`` in this format."""

    def exported_file(
        self, document: QuestionnaireDocument, content: bytes
    ) -> ExportedFile:
        """Wrap rendered ``content`` with this format's file name and media type."""
        return ExportedFile(
            filename=file_name(document, self.extension),
            media_type=self.media_type,
            content=content,
        )
