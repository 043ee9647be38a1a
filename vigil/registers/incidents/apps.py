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
        _register_trail_keys()
        register_actions(
            {
                "incident.created_from_finding": _(
                    "Incident created from a misuse finding"
                ),
            }
        )


def _register_trail_keys() -> None:
    from vigil.audit.display import record_text, register_action_keys
    from vigil.registers.incidents.models import Incident

    # An incident made from a finding of the access log stores its own id.
    register_action_keys(
        "incident.created_from_finding",
        labels={"incident": Incident._meta.verbose_name},
        texts={"incident": record_text(Incident)},
    )
