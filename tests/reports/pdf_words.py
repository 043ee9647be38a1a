"""The words of a PDF with their boxes, read with poppler's ``pdftotext -bbox``."""

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.DOTALL)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
    r"(.*?)</word>"
)


@dataclass(frozen=True)
class Word:
    """A word on a page, its box in points from the top left corner."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def pdf_words(content: bytes) -> list[Word]:
    """Return every word of the PDF ``content``, page by page."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        result = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
        )
    words = []
    pages = _PAGE.findall(result.stdout.decode())
    for number, page in enumerate(pages, start=1):
        for x_min, y_min, x_max, y_max, text in _WORD.findall(page):
            box = (float(x_min), float(y_min), float(x_max), float(y_max))
            words.append(Word(number, html.unescape(text), *box))
    return words


def overlapping_words(words: list[Word], tolerance: float = 0.5) -> list[str]:
    """Return "first / second" for each pair of words of one line that overlap.

    Two words are on one line when their heights overlap by at least half
    the smaller height, so the ascenders of one line touching the
    descenders of the line above do not count.
    """
    found = []
    for index, first in enumerate(words):
        for second in words[index + 1 :]:
            if first.page != second.page:
                continue
            width = min(first.x_max, second.x_max) - max(first.x_min, second.x_min)
            height = min(first.y_max, second.y_max) - max(first.y_min, second.y_min)
            smaller = min(first.y_max - first.y_min, second.y_max - second.y_min)
            if width > tolerance and height >= smaller / 2:
                found.append(f"{first.text} / {second.text}")
    return found
