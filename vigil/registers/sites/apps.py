"""Physical security per site: badges, keys and their holders, access rules,
alarm and fire measures, server room checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhysicalConfig(AppConfig):
    name = "vigil.registers.sites"
    label = "physical"
    verbose_name = _("Physical security")

    def ready(self) -> None:
        from vigil.registers.sites import specs

        specs.connect()
