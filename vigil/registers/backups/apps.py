"""Backup schemes, runs, checks and restore tests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "vigil.registers.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        from vigil.registers.backups import specs

        specs.connect()
