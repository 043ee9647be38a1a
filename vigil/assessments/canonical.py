"""The canonical JSON form of an assessment's content and its SHA-256 digest.

The digest recorded at submission is SHA-256 over the UTF-8 bytes of
``json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``,
so anyone holding the exported JSON can recompute it.
"""

import hashlib
import json
from typing import Any

from vigil.assessments.models import Assessment

FORMAT = "vigil-assessment/1"


def assessment_content(assessment: Assessment) -> dict[str, Any]:
    """Return the answers of ``assessment`` as plain data, in norm order."""
    organisation = assessment.organisation
    answers = (
        assessment.answers.select_related("norm", "option")
        .prefetch_related("evidence")
        .order_by("norm__position")
    )
    return {
        "format": FORMAT,
        "organisation": {
            "slug": organisation.slug,
            "name_nl": organisation.name_nl,
            "name_fr": organisation.name_fr,
            "enterprise_number": organisation.enterprise_number,
        },
        "year": assessment.year,
        "catalog": assessment.catalog.code,
        "catalog_digest": assessment.catalog.digest,
        "answers": [_answer_content(answer) for answer in answers],
    }


def _answer_content(answer: Any) -> dict[str, Any]:
    return {
        "norm": answer.norm.code,
        "answer": answer.option.code if answer.option else None,
        "comment": answer.comment,
        "justification": answer.justification,
        "planned_date": answer.planned_date.isoformat()
        if answer.planned_date
        else None,
        "owner": answer.owner,
        "evidence": [
            {"name": item.original_name, "sha256": item.sha256, "size": item.size}
            for item in answer.evidence.all()
        ],
    }


def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def digest_of(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()
