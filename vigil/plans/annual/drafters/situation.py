"""Drafter of item 1°: the security situation, its evolution and the goals.

The evolution is the questionnaire score per chapter of the year against
the year before (see vigil.assessments.scoring for the rule). The goals
still to reach are the norms of the year's questionnaire that score less
than the top of the scale, and the security plan's actions planned for the
year show how far the centre came.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.assessments.models import Answer, Assessment
from vigil.assessments.scoring import Score, score_assessment
from vigil.organisations.models import Organisation
from vigil.plans.annual.drafters.figures import DASH, decimal_text, percent, table
from vigil.reports.document import Table


def _assessment(organisation: Organisation, year: int) -> Assessment | None:
    return Assessment.objects.filter(organisation=organisation, year=year).first()


def draft_situation(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    now = _assessment(organisation, year)
    before = _assessment(organisation, year - 1)
    paragraphs: list[str] = []
    tables: list[Table] = []
    if now is None and before is None:
        paragraphs.append(
            _("No questionnaire was filled in for %(year)d or %(last)d.")
            % {"year": year, "last": year - 1}
        )
    else:
        now_score = score_assessment(now) if now else None
        before_score = score_assessment(before) if before else None
        paragraphs.append(_score_sentence(now_score, before_score, year))
        tables.append(_score_table(before_score, now_score, year))
    if now is not None:
        goals_text, goals = _goals(now)
        paragraphs.append(goals_text)
        if goals is not None:
            tables.append(goals)
    plan_text, plan_table = _plan_progress(organisation, year)
    paragraphs.append(plan_text)
    if plan_table is not None:
        tables.append(plan_table)
    return paragraphs, tables


def _score_sentence(now: Score | None, before: Score | None, year: int) -> str:
    last = year - 1
    now_value = now.overall.score_percent if now else None
    before_value = before.overall.score_percent if before else None
    if now_value is None:
        return _(
            "There is no score for %(year)d yet; the questionnaire of %(last)d "
            "scored %(before)s overall."
        ) % {"year": year, "last": last, "before": percent(before_value)}
    if before_value is None:
        return _(
            "The questionnaire of %(year)d scores %(now)s overall; there is no "
            "score of %(last)d to compare with."
        ) % {"year": year, "now": percent(now_value), "last": last}
    return _(
        "The questionnaire of %(year)d scores %(now)s overall, against "
        "%(before)s in %(last)d (%(change)s percentage points)."
    ) % {
        "year": year,
        "now": percent(now_value),
        "before": percent(before_value),
        "last": last,
        "change": _signed(now_value - before_value),
    }


def _signed(value: Decimal) -> str:
    text = decimal_text(value)
    return text if value < 0 else f"+{text}"


def _score_table(before: Score | None, now: Score | None, year: int) -> Table:
    old = {t.code: t for t in before.chapters} if before else {}
    new = {t.code: t for t in now.chapters} if now else {}
    rows = []
    for code in dict.fromkeys([*old, *new]):
        tally = new.get(code) or old[code]
        rows.append(
            (
                f"{code} {tally.title}",
                percent(old[code].score_percent) if code in old else DASH,
                percent(new[code].score_percent) if code in new else DASH,
            )
        )
    footer = (
        (
            _("Overall"),
            percent(before.overall.score_percent) if before else DASH,
            percent(now.overall.score_percent) if now else DASH,
        ),
    )
    header = (_("Chapter"), str(year - 1), str(year))
    return table(header, rows, footer, (4, 1, 1))


def gap_answers(assessment: Assessment) -> list[Answer]:
    """Return the questionnaire answers that count in the score and are below the top.

    An unanswered norm is a gap too, because it scores 0.
    """
    options = assessment.catalog.answer_options.filter(counts_in_score=True)
    top = max((option.weight for option in options), default=Decimal(1))
    answers = assessment.answers.select_related("norm", "option").order_by(
        "norm__position"
    )
    return [
        answer
        for answer in answers
        if answer.option is None
        or (answer.option.counts_in_score and answer.option.weight < top)
    ]


def _goals(assessment: Assessment) -> tuple[str, Table | None]:
    gaps = gap_answers(assessment)
    if not gaps:
        return (
            _("Every norm of the questionnaire of %(year)d is implemented.")
            % {"year": assessment.year},
            None,
        )
    text = ngettext(
        "%(count)d norm of the questionnaire of %(year)d is not fully "
        "implemented yet; it is a goal still to reach.",
        "%(count)d norms of the questionnaire of %(year)d are not fully "
        "implemented yet; they are the goals still to reach.",
        len(gaps),
    ) % {"count": len(gaps), "year": assessment.year}
    rows = [
        (
            answer.norm.code,
            answer.norm.title_text,
            answer.option.label_text if answer.option else _("not answered"),
            answer.planned_date.isoformat() if answer.planned_date else "",
        )
        for answer in gaps
    ]
    header = (_("Norm"), _("Title"), _("Answer"), _("Planned date"))
    return text, table(header, rows, widths=(1, 4, 2, 1))


def _plan_progress(organisation: Organisation, year: int) -> tuple[str, Table | None]:
    try:
        from vigil.plans.security.documents import plan_for_year
        from vigil.plans.security.models import PlanAction
    except ImportError:
        return _("The security plan is not installed."), None

    plan = plan_for_year(organisation, year)
    if plan is None:
        return _("No security plan covers %(year)d.") % {"year": year}, None
    actions = list(plan.actions.filter(planned_year=year).order_by("priority", "id"))
    if not actions:
        return (
            _("The security plan %(plan)s plans no action for %(year)d.")
            % {"plan": plan.period, "year": year},
            None,
        )
    done = sum(1 for a in actions if a.status == PlanAction.Status.DONE)
    text = ngettext(
        "The security plan %(plan)s plans %(count)d action for %(year)d; "
        "done: %(done)d.",
        "The security plan %(plan)s plans %(count)d actions for %(year)d; "
        "done: %(done)d.",
        len(actions),
    ) % {"count": len(actions), "plan": plan.period, "year": year, "done": done}
    rows = [(a.title, a.norms, a.get_status_display()) for a in actions]
    header = (_("Plan action"), _("Norms"), _("Status"))
    return text, table(header, rows, widths=(4, 1, 1))
