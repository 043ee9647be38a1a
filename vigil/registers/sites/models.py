"""Physical security per site: keys and badges with their holders, access
rules, alarm and fire measures, and server room checks."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Site
from vigil.registers.dates import iso_date
from vigil.registers.models import RegisterRecord


def _site_field() -> "models.ForeignKey[Site, Site]":
    return models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("The building, by its name as the centre's sites list it."),
    )


class KeyIssue(RegisterRecord):
    """One key, badge or code handed to one holder: the key register."""

    class Kind(models.TextChoices):
        BADGE = "badge", _("badge")
        KEY = "key", _("key")
        MASTER_KEY = "master_key", _("master key")
        CODE = "code", _("code")

    site = _site_field()
    kind = models.CharField(_("access means"), max_length=20, choices=Kind.choices)
    identifier = models.CharField(
        _("key or badge identifier"),
        max_length=100,
        help_text=_(
            "The number engraved on the key or printed on the badge. Give every "
            "copy of one master key the same identifier, so its holders are "
            "counted together."
        ),
    )
    zone = models.CharField(
        _("opens"), max_length=200, help_text=_("The doors, rooms or zone it opens.")
    )
    holder = models.CharField(_("holder"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    returned_on = models.DateField(
        _("returned on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the holder keeps it."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("key or badge")
        verbose_name_plural = _("key register")
        ordering = ["site__name", "identifier", "-issued_on", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "identifier"])]

    def __str__(self) -> str:
        return f"{self.identifier} · {self.holder}"

    def clean(self) -> None:
        if self.returned_on and self.issued_on and self.returned_on < self.issued_on:
            raise ValidationError(
                {
                    "returned_on": gettext(
                        "Returned on %(returned)s is before issued on %(issued)s; "
                        "enter a return date on or after the issue date."
                    )
                    % {
                        "returned": iso_date(self.returned_on),
                        "issued": iso_date(self.issued_on),
                    }
                }
            )


class AccessRule(RegisterRecord):
    """Who may enter which zone of a site, when and how."""

    site = _site_field()
    zone = models.CharField(_("zone"), max_length=200)
    who = models.CharField(
        _("who"), max_length=300, help_text=_("The persons, services or functions.")
    )
    when = models.CharField(
        _("when"),
        max_length=200,
        help_text=_("The days and hours, e.g. working days 7:30 to 18:00."),
    )
    means = models.CharField(
        _("how"),
        max_length=200,
        help_text=_("The access means and checks, e.g. badge and reception."),
    )
    outside_hours = models.CharField(
        _("outside working hours"),
        max_length=300,
        blank=True,
        help_text=_("How access is controlled outside working hours."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("access rule")
        verbose_name_plural = _("access rules")
        ordering = ["site__name", "zone", "id"]

    def __str__(self) -> str:
        return f"{self.site} · {self.zone}"


class SafetyMeasure(RegisterRecord):
    """An alarm, fire or access-control installation and its inspections."""

    class Kind(models.TextChoices):
        INTRUSION_ALARM = "intrusion_alarm", _("intrusion alarm")
        FIRE_DETECTION = "fire_detection", _("fire detection")
        EXTINGUISHER = "extinguisher", _("fire extinguisher")
        ACCESS_CONTROL = "access_control", _("access control")
        CAMERA = "camera", _("camera")

    site = _site_field()
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=200)
    last_inspection = models.DateField(_("last inspection"), null=True, blank=True)
    next_inspection = models.DateField(_("next inspection due"), null=True, blank=True)
    supplier = models.CharField(
        _("supplier or maintenance company"), max_length=200, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("alarm or fire measure")
        verbose_name_plural = _("alarm and fire measures")
        ordering = ["site__name", "kind", "location", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.location}"

    def clean(self) -> None:
        last, following = self.last_inspection, self.next_inspection
        if last and following and following < last:
            raise ValidationError(
                {
                    "next_inspection": gettext(
                        "Next inspection due %(next)s is before the last inspection "
                        "of %(last)s; enter the date the next one is due."
                    )
                    % {"next": iso_date(following), "last": iso_date(last)}
                }
            )


class ServerRoomCheck(RegisterRecord):
    """A check of a server room: access, climate, power, fire, order."""

    class Result(models.TextChoices):
        OK = "ok", _("in order")
        FINDINGS = "findings", _("findings to follow up")
        FAILED = "failed", _("failed")

    site = _site_field()
    date = models.DateField(_("date"))
    checked_by = models.CharField(_("checked by"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)

    class Meta:
        verbose_name = _("server room check")
        verbose_name_plural = _("server room checks")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{iso_date(self.date)} · {self.site}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = gettext(
                "Date %(date)s is in the future; record the check once it is done."
            ) % {"date": iso_date(self.date)}
        needs_findings = self.result in (self.Result.FINDINGS, self.Result.FAILED)
        if needs_findings and not self.findings.strip():
            errors["findings"] = gettext(
                "A check with the result “%(result)s” needs its findings; "
                "describe what was found."
            ) % {"result": self.get_result_display()}
        if errors:
            raise ValidationError(errors)
