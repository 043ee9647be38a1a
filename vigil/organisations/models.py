"""Organisations (the tenants) and their sites."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat


def validate_enterprise_number(value: str) -> None:
    """Reject an enterprise number (KBO/BCE) that fails the mod-97 check."""
    if not vat.is_valid(value):
        raise ValidationError(
            _(
                "Enterprise number %(value)s is invalid: it has 10 digits, "
                "starts with 0 or 1, and its last two digits equal 97 minus the "
                "remainder of the first eight digits divided by 97, for example "
                "0212.345.668. Check the number in the KBO/BCE."
            ),
            code="invalid_enterprise_number",
            params={"value": value},
        )


# A Belgian postcode: four ASCII digits from 1000 to 9999.
BELGIAN_POSTCODE = re.compile(r"[1-9][0-9]{3}")


def validate_postcode(value: str) -> None:
    """Reject a postcode that is not a Belgian one (1000 to 9999)."""
    if not BELGIAN_POSTCODE.fullmatch(value):
        raise ValidationError(
            _(
                "Postcode %(value)s is invalid: a Belgian postcode has 4 digits "
                "from 1000 to 9999, for example 9000. Correct it or leave the "
                "postcode empty."
            ),
            code="invalid_postcode",
            params={"value": value},
        )


def normalise_enterprise_number(value: str) -> str:
    """Return the enterprise number as ten digits, without dots or prefix."""
    return str(vat.compact(value))


def format_enterprise_number(value: str) -> str:
    """Return the enterprise number in the usual 0123.456.789 form."""
    digits = normalise_enterprise_number(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


class Organisation(models.Model):
    """A centre or the supervisor: every tenant-owned record belongs to one."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("Social-welfare centre")
        SUPERVISOR = "supervisor", _("Supervisor")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        FRENCH = "fr", _("French")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_nl = models.CharField(_("name in Dutch"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    language = models.CharField(
        _("language of the records"),
        max_length=2,
        choices=Language.choices,
        default=Language.DUTCH,
        help_text=_(
            "Language of the text Vigil writes into the centre's records, such "
            "as the title of a plan action made from a questionnaire gap."
        ),
    )
    enterprise_number = models.CharField(
        _("enterprise number (KBO/BCE)"),
        max_length=10,
        unique=True,
        validators=[validate_enterprise_number],
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[validate_postcode]
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language: French for fr, Dutch otherwise."""
        if (get_language() or "").startswith("fr") and self.name_fr:
            return self.name_fr
        return self.name_nl or self.name_fr

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number)

    @property
    def is_centre(self) -> bool:
        return self.kind == self.Kind.CENTRE


class Site(models.Model):
    """A building of an organisation; a centre has one or more."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[validate_postcode]
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="site_name_unique_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name
