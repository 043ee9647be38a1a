"""Hardware, software, card readers and cards, UPS units."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "vigil.registers.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from vigil.registers.inventory import specs

        specs.connect()
