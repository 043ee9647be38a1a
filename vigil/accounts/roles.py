"""Roles of a membership and the capabilities each role grants.

This module is the one place that says who may do what; views declare the
capability they need and never test role names themselves.
"""

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Security consultant")
    DEPUTY = "deputy", _("Deputy consultant")
    MANAGEMENT = "management", _("Management")
    VIEWER = "viewer", _("Viewer")
    AUDITOR = "auditor", _("Auditor")
    SUPERVISOR = "supervisor", _("Supervisor")


class Capability(enum.StrEnum):
    VIEW = "view"
    EDIT_ASSESSMENT = "edit_assessment"
    SUBMIT_ASSESSMENT = "submit_assessment"
    REOPEN_ASSESSMENT = "reopen_assessment"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    VIEW_ACCESS_LOG = "view_access_log"
    MANAGE_ACCESS_LOG = "manage_access_log"
    EDIT_REGISTERS = "edit_registers"
    EDIT_PLANS = "edit_plans"
    RECORD_DECISIONS = "record_decisions"


_EDITOR = frozenset(Capability)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CONSULTANT: _EDITOR,
    Role.DEPUTY: _EDITOR,
    Role.MANAGEMENT: frozenset(
        {
            Capability.VIEW,
            Capability.REOPEN_ASSESSMENT,
            Capability.VIEW_AUDIT_TRAIL,
            Capability.VIEW_ACCESS_LOG,
            Capability.RECORD_DECISIONS,
        }
    ),
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.VIEW_ACCESS_LOG}),
    # The supervisor's rights over centres come from the supervision views,
    # which show submitted questionnaires only; inside its own organisation a
    # supervisor reads.
    Role.SUPERVISOR: frozenset({Capability.VIEW}),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    """Return the capabilities a role grants; an unknown role grants none."""
    return ROLE_CAPABILITIES.get(role, frozenset())
