from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "vigil.plans.annual"
    label = "annualreports"
    verbose_name = _("Annual report")
