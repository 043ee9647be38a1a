from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "vigil.plans.continuity"
    label = "continuity"
    verbose_name = _("Continuity plan")
