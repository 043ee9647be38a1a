"""The security plan as a document (norm 4.2.1.3), in Dutch or French.

It holds last year's evolution (the questionnaire score per chapter last
year against this year, and what came of the actions planned for last
year), the actions per year with their cost and effort, the budget per year
and the approval. Every figure is read from the records.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.assessments.models import Assessment
from vigil.assessments.scoring import Score, score_assessment
from vigil.organisations.models import Organisation, format_enterprise_number
from vigil.plans.security.budget import ACTIVE_RULE, euros, plan_budget
from vigil.plans.security.models import PlanAction, SecurityPlan
from vigil.reports.document import (
    Block,
    Document,
    Facts,
    Heading,
    Paragraph,
    Signature,
    Table,
)

LANGUAGES = ("nl", "fr")


def _covering(organisation: Organisation, year: int) -> list[SecurityPlan]:
    """Return the plans whose period contains ``year``, newest version first."""
    return [
        plan
        for plan in SecurityPlan.objects.filter(
            organisation=organisation, first_year__lte=year
        ).order_by("-first_year", "-version")
        if year <= plan.last_year
    ]


def plan_for_year(organisation: Organisation, year: int) -> SecurityPlan | None:
    """Return the plan of ``year``: the approved one covering it, else the latest
    version covering it."""
    covering = _covering(organisation, year)
    return _approved_or_latest(covering) if covering else None


def _approved_or_latest(covering: list[SecurityPlan]) -> SecurityPlan:
    approved = [p for p in covering if p.status == SecurityPlan.Status.APPROVED]
    return (approved or covering)[0]


def chosen_plan(
    organisation: Organisation,
    year: int,
    *,
    version: int | None = None,
    draft: bool = False,
) -> SecurityPlan:
    """Return the plan covering ``year`` with number ``version``, or the draft
    covering it when ``draft`` is true, or else ``plan_for_year``.

    Raise ValidationError naming the versions that exist when none matches.
    """
    covering = _covering(organisation, year)
    if not covering:
        raise ValidationError(
            _("No security plan covers %(year)d: create one first.") % {"year": year},
            code="no_plan",
        )
    if version is None and not draft:
        return _approved_or_latest(covering)
    for plan in covering:
        if plan.version == version or (draft and plan.is_draft):
            return plan
    versions = ", ".join(
        f"{plan.version} ({plan.get_status_display()})"
        for plan in sorted(covering, key=lambda plan: plan.version)
    )
    if draft:
        message = _(
            "No draft security plan covers %(year)d. The versions covering it "
            "are %(versions)s: choose one of them."
        )
    else:
        message = _(
            "No version %(version)d of the security plan covers %(year)d. The "
            "versions covering it are %(versions)s: choose one of them."
        )
    raise ValidationError(
        message % {"year": year, "version": version, "versions": versions},
        code="no_version",
    )


def plan_document(
    organisation: Organisation,
    year: int,
    language: str,
    *,
    version: int | None = None,
    draft: bool = False,
) -> Document:
    """Build the document of the plan covering ``year``.

    By default the plan is the approved one covering the year, else its
    latest version; ``version`` or ``draft`` choose another (see
    ``chosen_plan``). Raise ValidationError when no such plan covers the
    year or the language is not Dutch or French.
    """
    plan = chosen_plan(organisation, year, version=version, draft=draft)
    return build_plan_document(plan, year, language)


def build_plan_document(plan: SecurityPlan, year: int, language: str) -> Document:
    """Build the document of ``plan`` as seen in ``year``, in ``language``."""
    if language not in LANGUAGES:
        raise ValidationError(
            _("Unknown language %(value)r: use nl or fr.") % {"value": language},
            code="language",
        )
    with translation.override(language):
        organisation = plan.organisation
        name = organisation.name
        blocks: list[Block] = [_facts(plan, name)]
        if plan.introduction:
            blocks.append(Paragraph(plan.introduction))
        blocks += _evolution(plan, year)
        blocks += _actions(plan)
        blocks += _budget(plan)
        blocks += _approval(plan)
        now = timezone.now()
        return Document(
            title=_("Security plan %(period)s") % {"period": plan.period},
            subtitle=plan.title,
            language=language,
            organisation=name,
            generated_at=now,
            blocks=tuple(blocks),
            footer=f"Vigil · {name} · {timezone.localdate(now).isoformat()}",
        )


def _facts(plan: SecurityPlan, name: str) -> Facts:
    number = format_enterprise_number(plan.organisation.enterprise_number)
    return Facts(
        (
            (_("Name of the centre"), name),
            (_("Enterprise number"), number),
            (_("Period"), plan.period),
            (_("Version"), str(plan.version)),
            (_("Status"), plan.get_status_display()),
        )
    )


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} %".replace(".", ",")


def _score(organisation: Organisation, year: int) -> Score | None:
    found = Assessment.objects.filter(organisation=organisation, year=year).first()
    return score_assessment(found) if found is not None else None


def _evolution(plan: SecurityPlan, year: int) -> list[Block]:
    last = year - 1
    blocks: list[Block] = [
        Heading(_("Evolution since %(year)d") % {"year": last}),
        Heading(_("Questionnaire score per chapter"), level=2),
    ]
    before, now = _score(plan.organisation, last), _score(plan.organisation, year)
    if before is None and now is None:
        blocks.append(Paragraph(_("No questionnaire for these years.")))
    else:
        blocks.append(_score_table(before, now, last, year))
    blocks.append(Heading(_("Actions planned for %(year)d") % {"year": last}, level=2))
    previous = plan_for_year(plan.organisation, last)
    actions = list(previous.actions.filter(planned_year=last)) if previous else []
    if not actions:
        blocks.append(
            Paragraph(_("No plan action was planned for %(year)d.") % {"year": last})
        )
        return blocks
    done = [a for a in actions if a.status == PlanAction.Status.DONE]
    blocks.append(
        Paragraph(
            _(
                "%(done)d of %(count)d actions planned for %(year)d are done "
                "(plan %(plan)s)."
            )
            % {"done": len(done), "count": len(actions), "year": last, "plan": previous}
        )
    )
    blocks.append(
        Table(
            header=(_("Action"), _("Status"), _("Progress notes")),
            rows=tuple(
                (a.title, a.get_status_display(), a.progress_notes) for a in actions
            ),
            widths=(3, 1, 3),
        )
    )
    return blocks


def _score_table(
    before: Score | None, now: Score | None, last: int, year: int
) -> Table:
    old = {t.code: t for t in before.chapters} if before else {}
    new = {t.code: t for t in now.chapters} if now else {}
    codes = list(dict.fromkeys([*old, *new]))
    rows = []
    for code in codes:
        tally = new.get(code) or old[code]
        rows.append(
            (
                f"{code} {tally.title}",
                _percent(old[code].score_percent if code in old else None),
                _percent(new[code].score_percent if code in new else None),
            )
        )
    footer = (
        (
            _("Overall"),
            _percent(before.overall.score_percent if before else None),
            _percent(now.overall.score_percent if now else None),
        ),
    )
    return Table(
        header=(_("Chapter"), str(last), str(year)),
        rows=tuple(rows),
        widths=(4, 1, 1),
        footer=footer,
    )


def _actions(plan: SecurityPlan) -> list[Block]:
    blocks: list[Block] = [Heading(_("Actions per year"))]
    actions = list(plan.actions.order_by("planned_year", "priority", "id"))
    for year in plan.year_range:
        blocks.append(Heading(str(year), level=2))
        of_year = [a for a in actions if a.planned_year == year]
        if not of_year:
            blocks.append(Paragraph(_("No actions planned.")))
            continue
        blocks.append(_year_table(of_year))
    return blocks


def _year_table(actions: list[PlanAction]) -> Table:
    rows = tuple(
        (
            str(a.priority),
            a.title,
            a.norms,
            a.owner,
            a.due_date.isoformat() if a.due_date else "",
            euros(a.cost_one_off),
            euros(a.cost_yearly),
            f"{a.effort_days:.1f}".replace(".", ","),
            a.get_status_display(),
        )
        for a in actions
    )
    counted = [a for a in actions if a.status != PlanAction.Status.CANCELLED]
    one_off = sum((a.cost_one_off for a in counted), Decimal(0))
    yearly = sum((a.cost_yearly for a in counted), Decimal(0))
    effort = sum((a.effort_days for a in counted), Decimal(0))
    footer = (
        (
            "",
            _("Total (without cancelled actions)"),
            "",
            "",
            "",
            euros(one_off),
            euros(yearly),
            f"{effort:.1f}".replace(".", ","),
            "",
        ),
    )
    return Table(
        header=(
            _("Priority"),
            _("Action"),
            _("Norms"),
            _("Owner"),
            _("Due date"),
            _("One-off (EUR)"),
            _("Yearly (EUR)"),
            _("Person-days"),
            _("Status"),
        ),
        rows=rows,
        widths=(1, 6, 2, 3, 2, 2, 2, 2, 2),
        footer=footer,
    )


def _budget(plan: SecurityPlan) -> list[Block]:
    rows = plan_budget(plan)
    table = Table(
        header=(
            _("Year"),
            _("Approved budget (EUR)"),
            _("One-off (EUR)"),
            _("Yearly (EUR)"),
            _("Needed (EUR)"),
            _("Spent (EUR)"),
        ),
        rows=tuple(
            (
                str(row.year),
                euros(row.approved) if row.approved is not None else "—",
                euros(row.one_off),
                euros(row.yearly),
                euros(row.needed),
                euros(row.spent),
            )
            for row in rows
        ),
    )
    blocks: list[Block] = [
        Heading(_("Security budget")),
        table,
        Paragraph(str(ACTIVE_RULE)),
    ]
    blocks += [Paragraph(warning) for row in rows for warning in row.warnings]
    return blocks


def _approval(plan: SecurityPlan) -> list[Block]:
    blocks: list[Block] = [Heading(_("Approval"))]
    if plan.status in (SecurityPlan.Status.APPROVED, SecurityPlan.Status.SUPERSEDED):
        date = plan.approval_date.isoformat() if plan.approval_date else ""
        blocks.append(
            Signature(
                (
                    (_("Approved by"), plan.get_approval_body_display()),
                    (_("Date of approval"), date),
                    (_("Decision reference"), plan.decision_reference),
                )
            )
        )
        return blocks
    blocks.append(Paragraph(_("This version is not approved yet.")))
    blocks.append(
        Signature(
            (
                (_("Approved by"), ""),
                (_("Date of approval"), ""),
                (_("Decision reference"), ""),
            )
        )
    )
    return blocks
