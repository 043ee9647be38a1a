from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhysicalConfig(AppConfig):
    name = "vigil.registers.sites"
    label = "physical"
    verbose_name = _("Physical security")
