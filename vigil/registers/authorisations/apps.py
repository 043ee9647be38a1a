from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorisationsConfig(AppConfig):
    name = "vigil.registers.authorisations"
    label = "authorisations"
    verbose_name = _("Authorisations")
