"""The authorisation table (who may use which data, and when) and its reviews."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorisationsConfig(AppConfig):
    name = "vigil.registers.authorisations"
    label = "authorisations"
    verbose_name = _("Authorisations")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.registers.authorisations import results, specs, trail

        specs.connect()
        results.connect()
        trail.connect()
        register_actions(
            {
                "authorisation.review_started": _(
                    "Review of the authorisations started"
                ),
                "authorisation.review_decided": _(
                    "Decision recorded in a review of the authorisations"
                ),
                "authorisation.review_closed": _("Review of the authorisations closed"),
                "authorisation.review_attached": _(
                    "Review of the authorisations attached as evidence"
                ),
            }
        )
