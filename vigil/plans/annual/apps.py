"""The consultant's annual report: sections drafted from the records, edited,
marked final and noted by management."""

from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS: dict[str, Promise] = {
    "annualreport.created": _("annual report started"),
    "annualreport.drafted": _("annual report drafted from the records"),
    "annualreport.section_edited": _("annual report section edited"),
    "annualreport.section_final": _("annual report section marked final"),
    "annualreport.section_reopened": _("annual report section reopened"),
    "annualreport.noted": _("management took note of the annual report"),
    "annualreport.template_created": _("default annual report template created"),
    "annualreport.template_section_added": _("section added to the report template"),
    "annualreport.template_section_changed": _(
        "section of the report template changed"
    ),
    "annualreport.template_section_moved": _("section of the report template moved"),
    "annualreport.template_section_removed": _(
        "section removed from the report template"
    ),
}


class AnnualReportsConfig(AppConfig):
    name = "vigil.plans.annual"
    label = "annualreports"
    verbose_name = _("Annual report")

    def ready(self) -> None:
        from vigil.audit.actions import register_actions
        from vigil.plans.annual import trail

        register_actions(AUDIT_ACTIONS)
        trail.connect()
