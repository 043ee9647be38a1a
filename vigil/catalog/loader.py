"""Loading catalog and mapping files into the database.

Loading is idempotent: the same file twice changes nothing. A version that a
submitted questionnaire uses is frozen, because its digest covers the norms
as they were. A changed file for it is rejected, unless it only changes
no-break spaces: then the version keeps its texts (see ``frozen``).
"""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction

from vigil.audit.services import record
from vigil.catalog.frozen import same_but_spacing
from vigil.catalog.models import (
    AnswerOption,
    CatalogMapping,
    CatalogVersion,
    Chapter,
    MappingRelation,
    Norm,
)
from vigil.catalog.validation import (
    Problem,
    check_mapping_ids,
    validate_catalog_text,
    validate_mapping_text,
)

logger = logging.getLogger(__name__)

SHIPPED_CATALOGS = ("ksz-mn-2005.json",)


class CatalogError(Exception):
    """A catalog or mapping file cannot be loaded; ``problems`` says why."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: str  # "created", "updated" or "unchanged"


def shipped_catalog_paths() -> list[Path]:
    """Return the paths of the catalog files shipped in the package."""
    data = resources.files("vigil.catalog") / "data"
    return [Path(str(data / name)) for name in SHIPPED_CATALOGS]


def _digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_catalog_file(path: Path, *, actor: Any = None) -> LoadResult:
    """Validate and load one catalog file; raise CatalogError with every problem."""
    text = _read(path)
    data, problems = validate_catalog_text(text, str(path))
    if problems or data is None:
        raise CatalogError(f"{path} is not a valid catalog", problems)
    return load_catalog_data(data, actor=actor)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path} cannot be read: {error}") from error


@transaction.atomic
def load_catalog_data(data: dict[str, Any], *, actor: Any = None) -> LoadResult:
    """Create or update the catalog version described by validated ``data``."""
    code = data["version"]
    digest = _digest(data)
    version = CatalogVersion.objects.select_for_update().filter(code=code).first()
    if version is not None and version.digest == digest:
        return LoadResult(code, "unchanged")
    if version is not None and _is_frozen(version) and same_but_spacing(version, data):
        logger.info(
            "catalog %s is used by a submitted questionnaire and the file only "
            "changes no-break spaces: the stored texts are kept",
            code,
        )
        return LoadResult(code, "unchanged")
    if version is not None:
        _ensure_changeable(version, data)

    fields = {
        "title": data["title"],
        "issued": datetime.date.fromisoformat(data["issued"]),
        "source": data.get("source", {}),
        "languages": data["languages"],
        "digest": digest,
    }
    outcome = "updated" if version else "created"
    version, _ = CatalogVersion.objects.update_or_create(code=code, defaults=fields)
    _store_scale(version, data["answer_scale"])
    _store_chapters(version, data["chapters"])
    record(
        "catalog.updated" if outcome == "updated" else "catalog.loaded",
        actor=actor,
        target=version,
        new={"digest": digest, "norms": version.norms.count()},
    )
    logger.info("catalog %s %s (digest %s)", code, outcome, digest[:12])
    return LoadResult(code, outcome)


def _is_frozen(version: CatalogVersion) -> bool:
    return version.assessments.filter(submissions__isnull=False).exists()


def _ensure_changeable(version: CatalogVersion, data: dict[str, Any]) -> None:
    if _is_frozen(version):
        raise CatalogError(
            f"catalog version {version.code} is used by a submitted questionnaire "
            "and cannot change; publish the changes under a new version id"
        )
    new_codes = {
        norm["id"] for chapter in data["chapters"] for norm in chapter["norms"]
    }
    answered = set(
        version.norms.filter(answers__isnull=False)
        .exclude(code__in=new_codes)
        .values_list("code", flat=True)
        .distinct()
    )
    if answered:
        raise CatalogError(
            f"catalog version {version.code}: norms {', '.join(sorted(answered))} have "
            "answers and cannot be removed; keep them or publish a new version id"
        )


def _store_scale(version: CatalogVersion, scale: list[dict[str, Any]]) -> None:
    codes = [option["code"] for option in scale]
    version.answer_options.exclude(code__in=codes).delete()
    for position, option in enumerate(scale):
        AnswerOption.objects.update_or_create(
            catalog=version,
            code=option["code"],
            defaults={
                "label": option["label"],
                "weight": option["weight"],
                "counts_in_score": option["counts_in_score"],
                "requires_justification": option["requires_justification"],
                "requires_planned_date": option["requires_planned_date"],
                "position": position,
            },
        )


def _store_chapters(version: CatalogVersion, chapters: list[dict[str, Any]]) -> None:
    norm_codes: list[str] = []
    position = 0
    for chapter_position, chapter_data in enumerate(chapters):
        chapter, _ = Chapter.objects.update_or_create(
            catalog=version,
            code=chapter_data["id"],
            defaults={"title": chapter_data["title"], "position": chapter_position},
        )
        for norm in chapter_data["norms"]:
            norm_codes.append(norm["id"])
            Norm.objects.update_or_create(
                catalog=version,
                code=norm["id"],
                defaults=_norm_fields(chapter, norm, position),
            )
            position += 1
    version.norms.exclude(code__in=norm_codes).delete()
    version.chapters.exclude(code__in=[chapter["id"] for chapter in chapters]).delete()


def _norm_fields(
    chapter: Chapter, norm: dict[str, Any], position: int
) -> dict[str, Any]:
    return {
        "chapter": chapter,
        "position": position,
        "title": norm["title"],
        "requirement": norm["requirement"],
        "guidance": norm["guidance"],
        "registers": norm.get("registers", []),
        "iso27002": norm.get("iso27002_2022", []),
        "flags": norm.get("flags", []),
        "retired_since": norm.get("retired_since"),
    }


@transaction.atomic
def load_mapping_file(path: Path, *, actor: Any = None) -> LoadResult:
    """Validate and load a mapping file between two loaded catalog versions."""
    text = _read(path)
    data, problems = validate_mapping_text(text, str(path))
    if problems or data is None:
        raise CatalogError(f"{path} is not a valid mapping", problems)
    versions = {
        v.code: v
        for v in CatalogVersion.objects.filter(
            code__in=[data["source"], data["target"]]
        )
    }
    for side in ("source", "target"):
        if data[side] not in versions:
            raise CatalogError(
                f"{path}: {side} version {data[side]!r} is not loaded; "
                "load that catalog first"
            )
    problems = check_mapping_ids(
        data,
        set(versions[data["source"]].norms.values_list("code", flat=True)),
        set(versions[data["target"]].norms.values_list("code", flat=True)),
        str(path),
    )
    if problems:
        raise CatalogError(f"{path} names norms that do not exist", problems)
    return _store_mapping(data, actor)


def _store_mapping(data: dict[str, Any], actor: Any) -> LoadResult:
    digest = _digest(data)
    mapping = CatalogMapping.objects.filter(
        source=data["source"], target=data["target"]
    ).first()
    if mapping is not None and mapping.digest == digest:
        return LoadResult(f"{data['source']}->{data['target']}", "unchanged")
    outcome = "updated" if mapping else "created"
    mapping, _ = CatalogMapping.objects.update_or_create(
        source=data["source"], target=data["target"], defaults={"digest": digest}
    )
    mapping.relations.all().delete()
    MappingRelation.objects.bulk_create(
        MappingRelation(
            mapping=mapping,
            type=relation["type"],
            source_codes=relation["source"],
            target_codes=relation["target"],
            note=relation.get("note", ""),
            position=position,
        )
        for position, relation in enumerate(data["relations"])
    )
    record("mapping.loaded", actor=actor, target=mapping, new={"digest": digest})
    return LoadResult(f"{data['source']}->{data['target']}", outcome)
