"""The three-year security plan, its actions and the security budget."""

from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS: dict[str, Promise] = {
    "securityplan.created": _("security plan started"),
    "securityplan.changed": _("security plan changed"),
    "securityplan.submitted": _("security plan submitted for approval"),
    "securityplan.approved": _("security plan approved"),
    "securityplan.superseded": _("security plan superseded"),
    "securityplan.version_started": _("new version of the security plan started"),
}


class SecurityplansConfig(AppConfig):
    name = "vigil.plans.security"
    label = "securityplans"
    verbose_name = _("Security plan")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.plans.security import panels, specs, trail

        specs.connect()
        panels.connect()
        trail.connect()
        register_actions(AUDIT_ACTIONS)
