from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "vigil.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from vigil.audit.display import register_lookups

        # Answer changes store the option's code, not its id.
        register_lookups("assessments.answer", {"option": "code"})
