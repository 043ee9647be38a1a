"""Security incidents from detection to closure."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "vigil.registers.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.registers.incidents import specs

        specs.connect()
        register_actions(
            {
                "incident.created_from_finding": _(
                    "Incident created from a misuse finding"
                ),
            }
        )
