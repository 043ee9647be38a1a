"""Comparison of a changed catalog file with a frozen version, ignoring spacing.

French sets a no-break space (U+00A0, or the narrow U+202F) before : ; ? !
and inside guillemets. A file that only swaps such a space for an ordinary
one, or back, states the same norms. A version that a submitted
questionnaire uses keeps its stored texts and digest then, so that loading
the corrected file into an existing database is no error.

NOTE: such a database keeps showing the ordinary spaces of its stored texts.
"""

from typing import Any

from vigil.catalog.models import CatalogVersion

NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def same_but_spacing(version: CatalogVersion, data: dict[str, Any]) -> bool:
    """Return whether ``data`` differs from what ``version`` stores in spaces only."""
    stored: Any = _spaced(_stored(version))
    given: Any = _spaced(_given(data))
    return bool(stored == given)


def _stored(version: CatalogVersion) -> dict[str, Any]:
    chapters = version.chapters.order_by("position")
    norms = version.norms.select_related("chapter").order_by("position")
    return {
        "title": version.title,
        "issued": version.issued.isoformat(),
        "source": version.source,
        "languages": version.languages,
        "answer_scale": [
            [
                option.code,
                option.label,
                float(option.weight),
                option.counts_in_score,
                option.requires_justification,
                option.requires_planned_date,
            ]
            for option in version.answer_options.order_by("position")
        ],
        "chapters": [[chapter.code, chapter.title] for chapter in chapters],
        "norms": [
            [
                norm.chapter.code,
                norm.code,
                norm.title,
                norm.requirement,
                norm.guidance,
                norm.registers,
                norm.iso27002,
                norm.flags,
                norm.retired_since,
            ]
            for norm in norms
        ],
    }


def _given(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "issued": data["issued"],
        "source": data.get("source", {}),
        "languages": data["languages"],
        "answer_scale": [
            [
                option["code"],
                option["label"],
                float(option["weight"]),
                option["counts_in_score"],
                option["requires_justification"],
                option["requires_planned_date"],
            ]
            for option in data["answer_scale"]
        ],
        "chapters": [[chapter["id"], chapter["title"]] for chapter in data["chapters"]],
        "norms": [
            [
                chapter["id"],
                norm["id"],
                norm["title"],
                norm["requirement"],
                norm["guidance"],
                norm.get("registers", []),
                norm.get("iso27002_2022", []),
                norm.get("flags", []),
                norm.get("retired_since"),
            ]
            for chapter in data["chapters"]
            for norm in chapter["norms"]
        ],
    }


def _spaced(value: Any) -> Any:
    """Return ``value`` with every no-break space in its texts made ordinary."""
    if isinstance(value, str):
        return value.translate(NO_BREAK_SPACES)
    if isinstance(value, dict):
        return {key: _spaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_spaced(item) for item in value]
    return value
