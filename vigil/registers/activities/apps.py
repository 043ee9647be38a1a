from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "vigil.registers.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from vigil.registers.activities import specs

        specs.connect()
