"""French typography in every French text of the shipped catalogs."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_translations import FRENCH_SPACE_SLIPS
from vigil.catalog.loader import shipped_catalog_paths


def french_texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield the JSON path and text of every French text in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "fr" and isinstance(item, str):
                yield f"{path}/fr", item
            else:
                yield from french_texts(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from french_texts(item, f"{path}/{index}")


@pytest.mark.parametrize("path", shipped_catalog_paths(), ids=lambda path: path.name)
def test_french_catalog_typography(path: Path) -> None:
    data = json.loads(path.read_text("utf-8"))
    texts = list(french_texts(data))

    slips = [
        (where, text)
        for where, text in texts
        if FRENCH_SPACE_SLIPS.search(text) or "\u2019" in text
    ]

    assert len(texts) >= 100
    assert slips == []
