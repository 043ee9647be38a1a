"""The append-only audit trail of every state change."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.audit import display
from vigil.audit.actions import describe
from vigil.audit.display import ValueLine, value_lines
from vigil.audit.fields import DepthSafeJSONField
from vigil.organisations.models import Organisation


class AppendOnlyError(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")


class AuditEntry(models.Model):
    """One state change: who did what to which object, with old and new values.

    Rows are only ever inserted. Database triggers (see the migration) reject
    UPDATE and DELETE, so not even raw SQL through the application's connection
    rewrites history.
    """

    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=80, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    old_values = DepthSafeJSONField(_("old values"), default=dict, blank=True)
    new_values = DepthSafeJSONField(_("new values"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def description(self) -> str:
        return describe(self.action)

    @property
    def object_type_label(self) -> str:
        return display.object_type_label(self.object_type)

    @property
    def subject(self) -> display.Subject:
        return display.Subject(
            self.object_type,
            self.organisation_id,
            self.object_id,
            self.action,
            self.object_label,
        )

    @property
    def shown_object_label(self) -> str:
        """The object label in the reader's language where it can be recomputed."""
        return display.object_label(self.subject)

    @property
    def old_lines(self) -> list[ValueLine]:
        return value_lines(
            self.object_type, self.organisation_id, self.old_values, self.subject
        )

    @property
    def new_lines(self) -> list[ValueLine]:
        return value_lines(
            self.object_type, self.organisation_id, self.new_values, self.subject
        )
