"""Names of the register keys that a catalog norm lists under ``registers``.

docs/catalog.md lists the keys. A norm page shows these names instead of
the keys; a key missing here is shown as it is.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REGISTER_NAMES: dict[str, Promise] = {
    "policy": _("Security policy"),
    "consultant": _("Security consultant"),
    "plan": _("Security plan"),
    "budget": _("Security budget"),
    "cards": _("Key and badge register"),
    "meetings": _("Meetings"),
    "procedures": _("Procedures"),
    "sites": _("Physical security"),
    "inventory": _("Inventory"),
    "authorisations": _("Authorisation table"),
    "backups": _("Backups"),
    "accesslog": _("Access log"),
    "incidents": _("Security incidents"),
    "identities": _("Identity register"),
    "risks": _("Risk analysis"),
    "continuity": _("Continuity plan"),
    "audits": _("Security audits"),
    "antivirus": _("Antivirus"),
    "network": _("Network security"),
}


def register_name(key: str) -> str:
    """Return the translated name of catalog register ``key``, else the key."""
    name = REGISTER_NAMES.get(key)
    return str(name) if name is not None else key
