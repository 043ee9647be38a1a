from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccesslogConfig(AppConfig):
    name = "vigil.accesslog"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from vigil.audit.display import register_labels

        # Searches and exports store their criteria, exports their file
        # format too, and a triage whether the identity register linked the
        # user who triaged to the user id.
        register_labels(
            "accesslog.accessentry",
            {
                "person": _("Natural person"),
                "since": _("From"),
                "until": _("Until (exclusive)"),
                "file_format": _("File format"),
            },
        )
        register_labels(
            "accesslog.finding", {"own_user_id": _("about their own user id")}
        )
