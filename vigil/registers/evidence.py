"""Registers as evidence: their state on a norm's page, and snapshots.

A register serves the norms whose catalog entry lists one of its
``catalog_keys``. The norm's page shows the register's count, summary and
warnings, and offers to attach the register as it is today, as an XLSX
file, to the answer.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.assessments import sources
from vigil.assessments.models import Answer, Evidence
from vigil.assessments.services import add_evidence
from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.registers import queries, services
from vigil.registers.spec import REGISTERS, RegisterSpec


@dataclass(frozen=True)
class Overview:
    """A register's state for one centre: count, summary lines and warnings."""

    spec: RegisterSpec
    count: int
    url: str
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def overview(spec: RegisterSpec, organisation: Organisation) -> Overview:
    count = queries.records(spec, organisation).count()
    lines = spec.summary(organisation) if spec.summary else []
    if not lines:
        lines = [
            ngettext("%(count)d record.", "%(count)d records.", count)
            % {"count": count}
        ]
    warnings = spec.warnings(organisation) if spec.warnings else []
    url = reverse(
        "registers:list", kwargs={"org": organisation.slug, "register": spec.slug}
    )
    return Overview(spec, count, url, lines, warnings)


def panels(
    organisation: Organisation, keys: Sequence[str], year: int, code: str
) -> list[sources.EvidencePanel]:
    """Return the panels of every register that serves one of ``keys``."""
    found = [spec for spec in REGISTERS.values() if set(keys) & set(spec.catalog_keys)]
    result = []
    for spec in sorted(found, key=lambda spec: spec.slug):
        state = overview(spec, organisation)
        attach_url = reverse(
            "registers:attach",
            kwargs={
                "org": organisation.slug,
                "register": spec.slug,
                "year": year,
                "code": code,
            },
        )
        result.append(
            sources.EvidencePanel(
                key=spec.slug,
                title=str(spec.title),
                url=state.url,
                count=state.count,
                lines=state.lines,
                warnings=state.warnings,
                attach_url=attach_url,
            )
        )
    return result


def connect() -> None:
    sources.connect(panels)


def attach_snapshot(
    spec: RegisterSpec, organisation: Organisation, year: int, code: str, *, actor: Any
) -> Evidence:
    """Attach the register as an XLSX export to the answer of norm ``code``.

    Raise ValidationError when the questionnaire of ``year`` has no such
    norm, is submitted, or the register does not serve the norm.
    """
    answer = (
        Answer.objects.select_related("assessment__organisation", "norm")
        .filter(assessment__organisation=organisation, assessment__year=year)
        .filter(norm__code=code)
        .first()
    )
    if answer is None:
        raise ValidationError(
            _("There is no questionnaire %(year)d with norm %(code)s.")
            % {"year": year, "code": code}
        )
    if not set(answer.norm.registers) & set(spec.catalog_keys):
        raise ValidationError(
            _("The register %(register)s is not evidence for norm %(code)s.")
            % {"register": spec.title, "code": code}
        )
    today = timezone.localdate()
    content = services.render_export(spec, queries.records(spec, organisation), "xlsx")
    upload = ContentFile(content, name=_snapshot_name(spec, today))
    with transaction.atomic():
        item = add_evidence(answer, upload, actor=actor)
        audit(
            "register.evidence_attached",
            actor=actor,
            target=item,
            organisation=organisation,
            new={"register": spec.slug, "norm": code, "year": year},
        )
    return item


def _snapshot_name(spec: RegisterSpec, day: datetime.date) -> str:
    return f"{spec.slug}-{day.isoformat()}.xlsx"
