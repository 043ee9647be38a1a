from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccesslogConfig(AppConfig):
    name = "vigil.accesslog"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from vigil.accesslog import trail
        from vigil.accesslog.verification_messages import audit_values
        from vigil.audit.display import register_labels, register_presenter

        trail.connect()

        # Searches and exports store their criteria, CSV exports their file
        # format too, and ingestion, expiry and bundle exports their counts
        # and log indices.
        register_labels(
            "accesslog.accessentry",
            {
                "person": _("Natural person"),
                "since": _("From"),
                "until": _("Until (exclusive)"),
                "file_format": _("File format"),
                "from": _("From"),
                "to": _("Until (exclusive)"),
                "source": _("source"),
                "accepted": _("entries accepted"),
                "duplicates": _("duplicates skipped"),
                "entries": _("number of entries"),
                "expired": _("expired entries"),
                "first_index": _("first index"),
                "first_kept_index": _("first index kept"),
                "cutoff": _("entries before this time expire"),
                "tree_size": _("tree size (entries)"),
                "previous_size": _("previous tree size (entries)"),
                "checkpoint_size": _("checkpoint size (entries)"),
            },
        )
        # A detection run is recorded on the findings with its counts, and a
        # triage whether the identity register linked the user who triaged
        # to the user id.
        register_labels(
            "accesslog.finding",
            {
                "since": _("From"),
                "until": _("Until (exclusive)"),
                "entries": _("number of entries"),
                "findings": _("findings"),
                "created": _("findings created"),
                "updated": _("findings updated"),
                "reopened": _("findings reopened"),
                "new_entries": _("new entries"),
                "own_user_id": _("about their own user id"),
            },
        )
        register_labels(
            "accesslog.opencase",
            {
                "added": _("case files added"),
                "removed": _("case files removed"),
                "total": _("open case files"),
            },
        )
        # A verification stores its message in English and its template and
        # values, from which the trail shows the message in the reader's
        # language.
        register_presenter("accesslog.verificationrun", audit_values)
