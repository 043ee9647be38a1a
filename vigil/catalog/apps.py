from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "vigil.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from vigil.audit.display import register_labels

        # Loading a catalog version stores how many norms it has.
        register_labels("catalog.catalogversion", {"norms": _("number of norms")})
