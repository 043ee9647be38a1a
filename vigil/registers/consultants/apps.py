from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultantsConfig(AppConfig):
    name = "vigil.registers.consultants"
    label = "consultants"
    verbose_name = _("Consultant register")
