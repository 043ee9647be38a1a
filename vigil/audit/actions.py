"""Registry of audit action types with a translatable text for each.

Action types are dotted names, ``<object>.<past participle>``. Recording an
action that is not registered here is a programming error.
"""

from django.utils.functional import Promise
from django.utils.text import capfirst
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
    "accesslog.token_created": _("Access-log ingestion token created"),
    "accesslog.token_revoked": _("Access-log ingestion token revoked"),
    "accesslog.searched": _("Access log searched"),
    "accesslog.exported": _("Access-log search exported"),
    "accesslog.detection_settings_changed": _("Misuse detection settings changed"),
    "accesslog.open_cases_changed": _("List of open case files changed"),
    "accesslog.watch_list_changed": _("Watch list of data subjects changed"),
    "accesslog.detection_run": _("Misuse detection run"),
    "accesslog.finding_triaged": _("Misuse finding triaged"),
    "accesslog.finding_reopened": _("Misuse finding reopened by new entries"),
    "accesslog.keys_created": _("Access-log keys created"),
    "accesslog.ingested": _("Access events ingested"),
    "accesslog.checkpoint_signed": _("Access-log checkpoint signed"),
    "accesslog.verified": _("Access log verified"),
    "accesslog.expired": _("Expired access-log entries emptied"),
    "accesslog.bundle_exported": _("Access-log proof bundle exported"),
    "identity.added": _("Identity period added"),
    "identity.ended": _("Identity period ended"),
    "register.record_created": _("Register record added"),
    "register.record_changed": _("Register record changed"),
    "register.record_deleted": _("Register record deleted"),
    "register.imported": _("Register imported"),
    "register.attachment_added": _("Attachment added to a register record"),
    "register.attachment_removed": _("Attachment removed from a register record"),
    "register.evidence_attached": _("Register attached as evidence"),
}


def register_actions(actions: dict[str, Promise]) -> None:
    """Add the action types of an app; call it from the app's ``ready``."""
    for action, text in actions.items():
        known = ACTIONS.get(action)
        if known is not None and known is not text:
            raise ValueError(f"audit action {action!r} is registered twice")
        ACTIONS[action] = text


def describe(action: str) -> str:
    """Return the display text of an action type, or the type itself if unknown.

    The text starts with a capital in every language, because some apps
    register their texts in lower case.
    """
    text = ACTIONS.get(action)
    return capfirst(str(text)) if text is not None else action
