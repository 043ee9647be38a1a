"""Audits of logical and physical security and their findings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "vigil.plans.audits"
    label = "audits"
    verbose_name = _("Audits")

    def ready(self) -> None:
        from vigil.plans.audits import specs

        specs.connect()
