"""Audit-trail display of the security plan's entries.

An approval stores the deciding body, the date and the decision's reference
under short keys, and a superseded plan or a new version the plan it relates
to. The trail labels them as the plan's fields and shows the body's label.
"""

from django.utils.translation import gettext_lazy as _

from vigil.audit.display import register_key_fields, register_labels
from vigil.plans.security.models import SecurityPlan

PLAN = "securityplans.securityplan"


def connect() -> None:
    """Register the labels of the security plan's audit entries."""
    plan = SecurityPlan._meta
    register_key_fields(
        PLAN,
        {
            "body": plan.get_field("approval_body"),
            "date": plan.get_field("approval_date"),
            "reference": plan.get_field("decision_reference"),
        },
    )
    register_labels(
        PLAN,
        {"by": _("superseded by"), "from": _("new version of")},
    )
