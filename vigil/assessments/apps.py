from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "vigil.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from vigil.assessments import trail

        trail.connect()
