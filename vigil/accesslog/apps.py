from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccesslogConfig(AppConfig):
    name = "vigil.accesslog"
    verbose_name = _("Access log")
