"""The inventory: hardware, software, card readers and cards, UPS units.

Minimum security norms (KSZ/BCSS, 2005): 4.8 asks for a permanently updated
inventory of IT hardware and software, 4.2.1.6 for an inventory of the
health-care professional cards and their readers, kept safely, and 4.3.3
for alternative power, which the UPS units and their tests show.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Site
from vigil.registers.models import RegisterRecord

# A product key as most vendors print it: five groups of five letters or
# digits separated by hyphens (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX).
PRODUCT_KEY = re.compile(r"\b[A-Z0-9]{5}(?:-[A-Z0-9]{5}){3,}\b", re.IGNORECASE)


def reject_product_key(value: str) -> None:
    """Reject a licence reference that contains a product key."""
    if PRODUCT_KEY.search(value):
        raise ValidationError(
            _(
                "This looks like a licence key. Vigil keeps only where the key "
                "is kept (a contract number, a vault entry); remove the key."
            ),
            code="licence_key",
        )


class Hardware(RegisterRecord):
    """One item of IT hardware, from its purchase until its disposal."""

    class Kind(models.TextChoices):
        DESKTOP = "desktop", _("desktop")
        LAPTOP = "laptop", _("laptop")
        SERVER = "server", _("server")
        NETWORK = "network", _("network device")
        PRINTER = "printer", _("printer")
        PHONE = "phone", _("phone")
        TABLET = "tablet", _("tablet")
        STORAGE = "storage", _("storage")
        OTHER = "other", _("other")

    class Disposal(models.TextChoices):
        WIPED = "wiped_recycled", _("wiped and recycled")
        DESTROYED = "destroyed", _("destroyed")
        RETURNED = "returned", _("returned to lessor")
        SOLD = "sold", _("sold")
        OTHER = "other", _("other")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("The computer or host name, for example PC-SOC-014."),
    )
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    inventory_tag = models.CharField(
        _("inventory tag"),
        max_length=60,
        help_text=_(
            "The label on the item. Files name hardware by this tag, so it is "
            "unique within the centre."
        ),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    user_or_owner = models.CharField(_("user or owner"), max_length=200, blank=True)
    ksz_flows = models.BooleanField(
        _("used for KSZ flows"),
        default=False,
        help_text=_("Used to send or receive data through the KSZ/BCSS network."),
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    disposal_date = models.DateField(_("disposal date"), null=True, blank=True)
    disposal_method = models.CharField(
        _("disposal method"), max_length=20, choices=Disposal.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("hardware item")
        verbose_name_plural = _("hardware")
        ordering = ["inventory_tag", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "inventory_tag"],
                name="inventory_hardware_tag_unique",
                violation_error_message=_(
                    "Another hardware item of this centre has this inventory tag."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "serial_number"],
                condition=~Q(serial_number=""),
                name="inventory_hardware_serial_unique",
                violation_error_message=_(
                    "Another hardware item of this centre has this serial number."
                ),
            ),
        ]

    def __str__(self) -> str:
        label = " ".join(part for part in (self.make, self.model) if part)
        return f"{self.inventory_tag} {label}".strip()

    def clean(self) -> None:
        errors = self._duplicate_errors()
        if self.disposal_date and not self.disposal_method:
            errors["disposal_method"] = str(
                _("Give the disposal method, because a disposal date is given.")
            )
        if self.disposal_method and not self.disposal_date:
            errors["disposal_date"] = str(
                _("Give the disposal date, because a disposal method is given.")
            )
        if (
            self.disposal_date
            and self.purchase_date
            and self.disposal_date < self.purchase_date
        ):
            errors["disposal_date"] = str(
                _(
                    "The disposal date %(disposal)s is before the purchase date "
                    "%(purchase)s; correct one of them."
                )
                % {
                    "disposal": self.disposal_date.isoformat(),
                    "purchase": self.purchase_date.isoformat(),
                }
            )
        if errors:
            raise ValidationError(errors)

    def _duplicate_errors(self) -> dict[str, str]:
        """Name the tag or serial number another item of the centre has.

        The unique constraints check the same, but only when the record is
        saved, so an import would report these only once all rows are valid.
        """
        others = Hardware.objects.filter(organisation_id=self.organisation_id)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        errors: dict[str, str] = {}
        if (
            self.inventory_tag
            and others.filter(inventory_tag=self.inventory_tag).exists()
        ):
            errors["inventory_tag"] = str(
                _("%(value)s is the inventory tag of another item; give a new one.")
                % {"value": self.inventory_tag}
            )
        if (
            self.serial_number
            and others.filter(serial_number=self.serial_number).exists()
        ):
            errors["serial_number"] = str(
                _(
                    "%(value)s is the serial number of another item; check it, or "
                    "change that item instead of adding a new one."
                )
                % {"value": self.serial_number}
            )
        return errors


class Software(RegisterRecord):
    """A software product the centre uses, its licence and where it runs."""

    class Licence(models.TextChoices):
        PER_DEVICE = "per_device", _("per device")
        PER_USER = "per_user", _("per user")
        SUBSCRIPTION = "subscription", _("subscription")
        SITE = "site", _("site or volume licence")
        OPEN_SOURCE = "open_source", _("open source")
        FREEWARE = "freeware", _("freeware")
        OEM = "oem", _("supplied with the hardware (OEM)")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=60, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    licence_type = models.CharField(
        _("licence type"), max_length=20, choices=Licence.choices, blank=True
    )
    licence_count = models.PositiveIntegerField(
        _("number of licences"), null=True, blank=True
    )
    licence_reference = models.CharField(
        _("licence reference"),
        max_length=200,
        blank=True,
        validators=[reject_product_key],
        help_text=_(
            "Where the licence and its key are kept, for example a contract "
            "number or a vault entry. Never the key itself."
        ),
    )
    installed_on = models.ManyToManyField(
        Hardware,
        blank=True,
        related_name="software",
        verbose_name=_("installed on"),
    )
    end_of_support = models.DateField(
        _("end of support"),
        null=True,
        blank=True,
        help_text=_("The last day the publisher gives security updates."),
    )
    ksz_flows = models.BooleanField(_("used for KSZ flows"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("software")
        verbose_name_plural = _("software")
        ordering = ["name", "version", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    @property
    def past_end_of_support(self) -> bool:
        """Whether the end of support is before today."""
        if self.end_of_support is None:
            return False
        return self.end_of_support < timezone.localdate()


class CardReader(RegisterRecord):
    """A reader for the health-care professional card or the eID."""

    identifier = models.CharField(
        _("identifier"),
        max_length=100,
        help_text=_("The reader's label or serial number; unique within the centre."),
    )
    make_model = models.CharField(_("make and model"), max_length=200, blank=True)
    hardware = models.ForeignKey(
        Hardware,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="card_readers",
        verbose_name=_("attached to"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("card reader")
        verbose_name_plural = _("card readers")
        ordering = ["identifier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identifier"],
                name="inventory_card_reader_unique",
                violation_error_message=_(
                    "Another card reader of this centre has this identifier."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.identifier


class ProfessionalCard(RegisterRecord):
    """A card used to reach the KSZ/BCSS network, and where it is kept."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("health-care professional card")
        EID = "eid", _("eID")
        OTHER = "other", _("other card")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PROFESSIONAL
    )
    holder = models.CharField(_("holder"), max_length=200)
    number_last_digits = models.CharField(
        _("card number, last digits"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9]{1,4}$",
                _("Give at most the last four digits of the card number."),
            )
        ],
        help_text=_("Only the last four digits; never the whole number."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reader = models.ForeignKey(
        CardReader,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("reader"),
    )
    storage = models.CharField(
        _("safe storage"),
        max_length=200,
        blank=True,
        help_text=_("Where the card is kept when nobody uses it."),
    )
    stored_safely = models.BooleanField(
        _("stored safely"),
        default=False,
        help_text=_("The card is locked away when not in use, never left in a reader."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["holder", "id"]

    def __str__(self) -> str:
        if self.number_last_digits:
            return f"{self.holder} (…{self.number_last_digits})"
        return self.holder

    def clean(self) -> None:
        if self.stored_safely and not self.storage.strip():
            raise ValidationError(
                {
                    "storage": _(
                        "Say where the card is kept, because it is stored safely."
                    )
                }
            )


class UpsUnit(RegisterRecord):
    """An uninterruptible power supply, what it protects and its tests."""

    class Result(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    identifier = models.CharField(_("identifier"), max_length=100)
    make_model = models.CharField(_("make and model"), max_length=200, blank=True)
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    protected = models.ManyToManyField(
        Hardware,
        blank=True,
        related_name="ups_units",
        verbose_name=_("protected equipment"),
    )
    capacity_va = models.PositiveIntegerField(
        _("capacity (VA)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The apparent power in volt-amperes, for example 1500."),
    )
    battery_replaced_on = models.DateField(
        _("battery replaced on"), null=True, blank=True
    )
    last_test_on = models.DateField(_("last test"), null=True, blank=True)
    last_test_result = models.CharField(
        _("last test result"), max_length=10, choices=Result.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("UPS unit")
        verbose_name_plural = _("UPS units")
        ordering = ["identifier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identifier"],
                name="inventory_ups_unique",
                violation_error_message=_(
                    "Another UPS unit of this centre has this identifier."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.identifier

    def clean(self) -> None:
        if self.last_test_on and not self.last_test_result:
            raise ValidationError(
                {"last_test_result": _("Give the result of the last test.")}
            )
        if self.last_test_result and not self.last_test_on:
            raise ValidationError(
                {"last_test_on": _("Give the date of the last test.")}
            )
