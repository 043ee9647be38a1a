"""The security plan's panel on a questionnaire norm's page.

It lists the actions of the current plan that serve the norm and offers a
one-click "Add to the security plan" button, given to the norm page in the
panel's ``extra`` as ``action_url``, ``action_label`` and the capability
the button needs, ``action_capability``. When the plan already has an open
action for the norm, the panel gives that action instead, as
``existing_label``, ``existing_title`` and ``existing_url``, and no button.
"""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.accounts.roles import Capability
from vigil.assessments import sources
from vigil.organisations.models import Organisation
from vigil.plans.security import gaps, lifecycle
from vigil.plans.security.models import SecurityPlan
from vigil.plans.security.specs import ACTIONS


def plan_panel(
    organisation: Organisation, keys: Sequence[str], year: int, code: str
) -> list[sources.EvidencePanel]:
    """Return the plan's panel for norm ``code`` of questionnaire ``year``."""
    slug = organisation.slug
    plan = lifecycle.current_plan(organisation)
    if plan is None:
        return [
            sources.EvidencePanel(
                key="security-plan",
                title=_("Security plan"),
                url=reverse("securityplans:index", kwargs={"org": slug}),
                count=0,
                lines=[_("No security plan yet: create one on the plan page.")],
            )
        ]
    actions = [a for a in plan.actions.all() if code in a.norm_codes]
    lines = [
        f"{action.planned_year} · {action.title} · {action.get_status_display()}"
        for action in actions
    ]
    title = _("Security plan %(plan)s") % {"plan": plan}
    url = reverse("securityplans:detail", kwargs={"org": slug, "pk": plan.pk})
    existing = gaps.open_action(plan, code)
    if existing is not None:
        extra = {
            "existing_label": _("Already in the security plan:"),
            "existing_title": existing.title,
            "existing_url": reverse(
                "registers:detail",
                kwargs={"org": slug, "register": ACTIONS.slug, "pk": existing.pk},
            ),
        }
    else:
        extra = _add_button(plan, slug, year, code, lines)
    return [
        sources.EvidencePanel(
            key="security-plan",
            title=title,
            url=url,
            count=len(actions),
            lines=lines,
            extra=extra,
        )
    ]


def _add_button(
    plan: SecurityPlan, slug: str, year: int, code: str, lines: list[str]
) -> dict[str, str]:
    if not plan.is_draft:
        lines.append(
            _(
                "The plan %(plan)s is %(status)s; adding an action starts version "
                "%(version)d as a draft."
            )
            % {
                "plan": plan,
                "status": plan.get_status_display(),
                "version": plan.version + 1,
            }
        )
    add_url = reverse(
        "securityplans:add_gap", kwargs={"org": slug, "year": year, "code": code}
    )
    return {
        "action_url": add_url,
        "action_label": _("Add to the security plan"),
        "action_capability": Capability.EDIT_PLANS.value,
    }


def connect() -> None:
    sources.connect(plan_panel)
