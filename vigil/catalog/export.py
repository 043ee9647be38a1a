"""A loaded catalog version as plain data or as readable text."""

from typing import Any

from vigil.catalog.models import CatalogVersion
from vigil.catalog.texts import pick


def catalog_as_data(version: CatalogVersion) -> dict[str, Any]:
    """Return the version with every norm's id, titles per language and the scale."""
    norms = version.norms.select_related("chapter").order_by("position")
    return {
        "version": version.code,
        "title": version.title,
        "issued": version.issued.isoformat(),
        "languages": version.languages,
        "answer_scale": [
            {
                "code": option.code,
                "label": option.label,
                "weight": float(option.weight),
                "counts_in_score": option.counts_in_score,
                "requires_justification": option.requires_justification,
                "requires_planned_date": option.requires_planned_date,
            }
            for option in version.answer_options.all()
        ],
        "norms": [
            {
                "id": norm.code,
                "chapter": norm.chapter.code,
                "title": norm.title,
                "registers": norm.registers,
                "iso27002_2022": norm.iso27002,
                "flags": norm.flags,
                "retired_since": norm.retired_since,
            }
            for norm in norms
        ],
    }


def catalog_as_text(version: CatalogVersion, language: str) -> str:
    lines = [f"{version.code}  {pick(version.title, language)}  ({version.issued})", ""]
    scale = ", ".join(
        f"{pick(o.label, language)} = {o.weight:g}"
        + ("" if o.counts_in_score else " (not scored)")
        for o in version.answer_options.all()
    )
    lines.append(f"Answer scale: {scale}")
    for chapter in version.chapters.prefetch_related("norms"):
        lines.append("")
        lines.append(f"{chapter.code}  {pick(chapter.title, language)}")
        for norm in chapter.norms.order_by("position"):
            flag = (
                f"  [retired since {norm.retired_since}]" if norm.retired_since else ""
            )
            lines.append(f"  {norm.code:<9} {pick(norm.title, language)}{flag}")
    return "\n".join(lines)
