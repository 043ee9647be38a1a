from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "vigil.operations"
    verbose_name = _("Installation and demo")
