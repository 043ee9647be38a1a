"""What the centre's dashboard shows: every year's progress, score and gaps.

It also shows a failed verification of the access log, to the users who
may read that log.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from vigil.accesslog.verification_alert import FAILURE_NEXT_STEP, failed_run
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.scoring import (
    SCORING_FIELDS,
    Score,
    ScoreRule,
    score_answers,
    score_rule,
)
from vigil.organisations.deadlines import collect
from vigil.organisations.tenancy import Tenant, scoped


@dataclass
class YearSummary:
    assessment: Assessment
    score: Score


def year_summaries(tenant: Tenant) -> list[YearSummary]:
    """Score every assessment of the tenant with two queries in all."""
    assessments = list(
        scoped(Assessment.objects.select_related("catalog"), tenant).order_by("-year")
    )
    answers = (
        scoped(Answer.objects, tenant)
        .select_related("norm__chapter", "option")
        .only(*SCORING_FIELDS)
        .order_by("assessment_id", "norm__position")
    )
    by_assessment: dict[int, list[Answer]] = {a.pk: [] for a in assessments}
    for answer in answers:
        by_assessment[answer.assessment_id].append(answer)
    return [YearSummary(a, score_answers(by_assessment[a.pk])) for a in assessments]


def score_rules(summaries: list[YearSummary]) -> list[ScoreRule]:
    """Return the score rule of each catalog version the listed years use."""
    catalogs = {s.assessment.catalog_id: s.assessment.catalog for s in summaries}
    return [score_rule(catalog) for catalog in catalogs.values()]


DASHBOARD_DUE_ITEMS = 8


def dashboard_context(tenant: Tenant) -> dict[str, Any]:
    summaries = year_summaries(tenant)
    current = next((s for s in summaries if s.assessment.is_draft), None)
    today = timezone.localdate()
    return {
        "tenant": tenant,
        "summaries": summaries,
        "current": current,
        "score_rules": score_rules(summaries),
        "due_items": collect(tenant.organisation, today)[:DASHBOARD_DUE_ITEMS],
        "today": today,
        "failed_verification": failed_run(tenant),
        "failure_next_step": FAILURE_NEXT_STEP,
    }
