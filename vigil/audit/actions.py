"""Registry of audit action types with a translatable text for each.

Action types are dotted names, ``<object>.<past participle>``. Recording an
action that is not registered here is a programming error.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "organisation.created": _("Organisation created"),
    "organisation.updated": _("Organisation updated"),
    "site.created": _("Site created"),
    "user.created": _("User created"),
    "membership.granted": _("Role granted"),
    "membership.changed": _("Role changed"),
    "catalog.loaded": _("Catalog loaded"),
    "catalog.updated": _("Catalog updated"),
    "mapping.loaded": _("Catalog mapping loaded"),
    "assessment.created": _("Questionnaire started"),
    "assessment.answer_changed": _("Answer changed"),
    "assessment.evidence_added": _("Evidence added"),
    "assessment.evidence_removed": _("Evidence removed"),
    "assessment.imported": _("Questionnaire imported"),
    "assessment.submitted": _("Questionnaire submitted"),
    "assessment.reopened": _("Questionnaire reopened"),
}


def describe(action: str) -> str:
    """Return the display text of an action type, or the type itself if unknown."""
    text = ACTIONS.get(action)
    return str(text) if text is not None else action
