"""The base of every register record, and files attached to records."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Organisation


class RegisterRecord(models.Model):
    """A record a centre keeps in one of its registers.

    Subclasses add their fields and are described to the rest of Vigil by a
    :class:`vigil.registers.spec.RegisterSpec`. Records are changed only
    through :mod:`vigil.registers.services`, which writes the history.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    tenant_field = "organisation"

    class Meta:
        abstract = True

    def unique_error_message(
        self, model_class: type[models.Model], unique_check: Sequence[str]
    ) -> ValidationError:
        """Name the values that clash and say to edit the existing record.

        Django's own message names the fields but not their values, and it
        reads as if the organisation were something to change.
        """
        names = [name for name in unique_check if name != "organisation"]
        if not names:
            return super().unique_error_message(model_class, unique_check)
        values = ", ".join(
            f"{_verbose_name(model_class, name)} {_display(self, name)}"
            for name in names
        )
        message = gettext(
            "%(model)s with %(values)s already exists in this centre; edit the "
            "existing record instead of adding another."
        ) % {"model": capfirst(model_class._meta.verbose_name), "values": values}
        code = "unique" if len(unique_check) == 1 else "unique_together"
        return ValidationError(message, code=code)


def _verbose_name(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _display(record: models.Model, name: str) -> str:
    """Return a field's value as it reads on the page: a choice label, a record."""
    field = record._meta.get_field(name)
    if isinstance(field, models.Field) and field.choices:
        return str(getattr(record, f"get_{name}_display")())
    value = getattr(record, name)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"registers/{instance.organisation_id}/{instance.sha256[:2]}/{filename}"


class Attachment(models.Model):
    """A file kept with a register record: minutes, a decision, a report."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name
