from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "vigil.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.audit.display import register_labels, register_type_label

        register_actions(
            {
                "reminders.feed_created": _("Calendar feed address created"),
                "reminders.feed_revoked": _("Calendar feed address revoked"),
                "reminders.digest_sent": _("Weekly reminder digest sent"),
            }
        )
        # A digest is no record of its own: its entry stores its counts.
        register_type_label("reminders.digest", _("reminder digest"))
        register_labels(
            "reminders.digest",
            {
                "overdue": _("overdue deadlines"),
                "coming": _("upcoming deadlines"),
                "failed_verification": _("failed verification of the access log"),
            },
        )
