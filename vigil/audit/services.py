"""Writing to the audit trail, inside the caller's transaction."""

import datetime
import decimal
import re
from typing import Any

from django.db import models

from vigil.audit.actions import ACTIONS
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

MASK = "********"
_SECRET_KEY = re.compile(r"password|secret|token|api_key|private", re.IGNORECASE)


def mask_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """Return a JSON-safe copy of ``values`` with secret-like keys masked."""
    masked: dict[str, Any] = {}
    for key, value in values.items():
        if _SECRET_KEY.search(key):
            masked[key] = MASK
        elif isinstance(value, dict):
            masked[key] = mask_secrets(value)
        else:
            masked[key] = _json_safe(value)
    return masked


def _json_safe(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return [
            mask_secrets(item) if isinstance(item, dict) else _json_safe(item)
            for item in value
        ]
    return value


def acting_user(actor: Any) -> Any:
    """Return ``actor`` if it is a signed-in user, else None."""
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_label(actor: Any) -> str:
    """Return the name an audit entry stores for ``actor``, at most 254 characters.

    A user is named by e-mail address, an object with an ``audit_label`` by
    that label, and None as "system".
    """
    user = acting_user(actor)
    if user is not None:
        label = getattr(user, "email", "") or "system"
    else:
        label = getattr(actor, "audit_label", "") or "system"
    return str(label)[:254]


def record(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    organisation: Organisation | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail; call it inside the change's transaction.

    ``actor`` is a user, None for the system, or an object with an
    ``audit_label`` (a program's API token, say) that names who acted.
    """
    if action not in ACTIONS:
        raise ValueError(f"audit action {action!r} is not registered in ACTIONS")
    return AuditEntry.objects.create(
        action=action,
        actor=acting_user(actor),
        actor_label=actor_label(actor),
        organisation=organisation,
        object_type=object_type or (target._meta.label_lower if target else ""),
        object_id=str(target.pk) if target is not None else "",
        object_label=(object_label or str(target))[:300]
        if target or object_label
        else "",
        old_values=mask_secrets(old or {}),
        new_values=mask_secrets(new or {}),
    )
