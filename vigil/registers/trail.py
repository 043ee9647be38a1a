"""Audit-trail display of the entries that every register writes.

Imports, attachments and evidence snapshots are recorded on a register's
records under keys that name no field of the record, such as
``{"register": "hardware", "created": 3}``. The trail labels them, and shows
the register's slug as its title, in the reader's language.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from vigil.audit.display import Subject, register_action_keys
from vigil.registers.models import Attachment
from vigil.registers.spec import get_spec


def connect() -> None:
    """Register the labels and texts of the registers' common audit entries."""
    register_action_keys(
        "register.imported",
        labels={
            "register": _("register"),
            "created": _("records created"),
            "updated": _("records updated"),
        },
        texts={"register": register_title},
    )
    # An attachment's keys hold the file's name and digest, also in registers
    # whose records have a field ``name`` of their own.
    attachment = Attachment._meta
    for action in ("register.attachment_added", "register.attachment_removed"):
        register_action_keys(
            action,
            fields={
                "name": attachment.get_field("original_name"),
                "sha256": attachment.get_field("sha256"),
            },
        )
    register_action_keys(
        "register.evidence_attached",
        labels={"register": _("register"), "norm": _("norm"), "year": _("year")},
        texts={"register": register_title},
    )


def register_title(slug: Any, subject: Subject) -> str:
    """Return the title of the register ``slug``, or the slug of one now unknown."""
    spec = get_spec(str(slug))
    return str(spec.title) if spec is not None else str(slug)
