"""The security consultant and deputies, their appointment and hours,
and the notification to the supervisor."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultantsConfig(AppConfig):
    name = "vigil.registers.consultants"
    label = "consultants"
    verbose_name = _("Consultant register")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.registers.consultants import specs, trail

        register_actions(
            {
                "consultant.notification_sent": _(
                    "Consultant notification to the supervisor recorded"
                ),
                "consultant.notification_acknowledged": _(
                    "Acknowledgement of the consultant notification recorded"
                ),
            }
        )
        specs.connect()
        trail.connect()
