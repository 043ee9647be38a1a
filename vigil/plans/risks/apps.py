"""Processes and assets, threats, risks and their treatment."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "vigil.plans.risks"
    label = "risks"
    verbose_name = _("Risk analysis")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.plans.risks import specs

        register_actions(
            {
                "risks.matrix_changed": _("Risk matrix changed"),
                "risks.plan_action_created": _(
                    "Security plan action created for a risk"
                ),
            }
        )
        specs.connect()
        _register_trail_keys()


def _register_trail_keys() -> None:
    from vigil.audit.display import (
        record_text,
        register_action_keys,
    )
    from vigil.plans.security.models import PlanAction

    # Taking a risk into the security plan is recorded on the risk with the
    # new plan action's id and title.
    plan_action = PlanAction._meta
    register_action_keys(
        "risks.plan_action_created",
        labels={"action": plan_action.verbose_name},
        fields={"title": plan_action.get_field("title")},
        texts={"action": record_text(PlanAction)},
    )
