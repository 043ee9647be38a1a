"""Critical processes, fallback site, contact tree, recovery steps and exercises."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "vigil.plans.continuity"
    label = "continuity"
    verbose_name = _("Continuity plan")

    def ready(self) -> None:
        from vigil.plans.continuity import specs

        specs.connect()
