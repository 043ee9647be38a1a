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
