from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityplansConfig(AppConfig):
    name = "vigil.plans.security"
    label = "securityplans"
    verbose_name = _("Security plan")
