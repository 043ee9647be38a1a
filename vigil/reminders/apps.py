from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "vigil.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions

        register_actions(
            {
                "reminders.feed_created": _("Calendar feed address created"),
                "reminders.feed_revoked": _("Calendar feed address revoked"),
                "reminders.digest_sent": _("Weekly reminder digest sent"),
            }
        )
