from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "vigil.registers"
    label = "registers"
    verbose_name = _("Registers")

    def ready(self) -> None:
        from vigil.registers import evidence, trail

        evidence.connect()
        trail.connect()
