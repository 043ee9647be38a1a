"""The security consultant and deputies of a centre, and the notifications of
their identity and hours to the Social Integration service."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Organisation
from vigil.registers.dates import iso_date
from vigil.registers.models import RegisterRecord

MAX_HOURS_PER_WEEK = Decimal(40)


def validate_hours(value: Decimal) -> None:
    """Reject weekly hours that are not more than 0 and at most 40."""
    if value <= 0 or value > MAX_HOURS_PER_WEEK:
        raise ValidationError(
            _(
                "%(value)s hours per week is out of range: enter more than 0 and "
                "at most 40, as the appointment decision grants them (e.g. 8 or "
                "19.5)."
            ),
            code="hours_out_of_range",
            params={"value": value},
        )


class Consultant(RegisterRecord):
    """One appointment of a person as the centre's consultant or deputy."""

    class Role(models.TextChoices):
        CONSULTANT = "consultant", _("security consultant")
        DEPUTY = "deputy", _("deputy consultant")

    class Body(models.TextChoices):
        COUNCIL = "council", _("council for social welfare")
        PERMANENT_BUREAU = "permanent_bureau", _("permanent bureau")
        SECRETARY_GENERAL = "secretary_general", _("secretary-general")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the appointment runs."),
    )
    decision_date = models.DateField(_("date of the appointment decision"))
    decision_body = models.CharField(
        _("appointed by"), max_length=30, choices=Body.choices
    )
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=100,
        blank=True,
        help_text=_("The number or reference of the decision in the minutes."),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[validate_hours],
        help_text=_("The hours per week officially granted by the decision."),
    )
    shared_service = models.BooleanField(
        _("shared through an association"),
        default=False,
        help_text=_(
            "The consultant serves several centres through an association or "
            "another shared service."
        ),
    )
    association = models.CharField(
        _("association"),
        max_length=200,
        blank=True,
        help_text=_("Name of the association that provides the consultant."),
    )

    class Meta:
        verbose_name = _("consultant appointment")
        verbose_name_plural = _("consultant appointments")
        ordering = ["role", "-start_date", "-id"]
        indexes = [models.Index(fields=["organisation", "role", "start_date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def is_active_on(self, day: datetime.date) -> bool:
        started = self.start_date <= day
        return started and (self.end_date is None or self.end_date >= day)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = gettext(
                "End date %(end)s is before start date %(start)s; enter an end "
                "date on or after the start date, or leave it empty."
            ) % {
                "end": iso_date(self.end_date),
                "start": iso_date(self.start_date),
            }
        if self.shared_service and not self.association.strip():
            errors["association"] = gettext(
                "The service is shared through an association, so name the "
                "association, or untick the shared service."
            )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Any = None) -> None:
        """Check the model constraints and that consultant periods do not overlap.

        The overlap check runs here and not in ``clean`` because the register
        services call this method again just before saving, so two rows of
        one import cannot both slip through.
        """
        super().validate_constraints(exclude=exclude)
        other = self.overlapping_consultant()
        if other is not None:
            raise ValidationError({"start_date": self._overlap_message(other)})

    def overlapping_consultant(self) -> "Consultant | None":
        """Return another consultant (not a deputy) of the centre in this period."""
        if self.role != self.Role.CONSULTANT or self.start_date is None:
            return None
        if self.organisation_id is None:
            return None
        others = Consultant.objects.filter(
            organisation_id=self.organisation_id, role=self.Role.CONSULTANT
        ).exclude(end_date__lt=self.start_date)
        if self.end_date is not None:
            others = others.filter(start_date__lte=self.end_date)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        return others.order_by("start_date", "id").first()

    def _overlap_message(self, other: "Consultant") -> str:
        end = iso_date(other.end_date) or gettext("no end date")
        return gettext(
            "A centre has one consultant at a time, and %(name)s (record "
            "%(id)d) is consultant from %(start)s to %(end)s, which overlaps "
            "this period. Set an end date on that appointment first, change "
            "these dates, or record this person as a deputy."
        ) % {
            "name": other.name,
            "id": other.pk,
            "start": iso_date(other.start_date),
            "end": end,
        }


class Notification(models.Model):
    """The notice of a consultant's identity and hours sent to the supervisor."""

    class Channel(models.TextChoices):
        REGISTERED_LETTER = "registered_letter", _("registered letter")
        LETTER = "letter", _("letter")
        EMAIL = "email", _("e-mail")
        EBOX = "ebox", _("eBox")
        ONLINE_FORM = "online_form", _("online form")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    consultant = models.ForeignKey(
        Consultant,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("consultant appointment"),
    )
    sent_on = models.DateField(_("sent on"))
    channel = models.CharField(_("sent by"), max_length=20, choices=Channel.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("notification to the supervisor")
        verbose_name_plural = _("notifications to the supervisor")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{iso_date(self.sent_on)} {self.get_channel_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.sent_on and self.sent_on > today:
            errors["sent_on"] = gettext(
                "Sent on %(date)s is in the future; record the notification "
                "once it is sent."
            ) % {"date": iso_date(self.sent_on)}
        if self.acknowledged_on and self.acknowledged_on > today:
            errors["acknowledged_on"] = gettext(
                "Acknowledged on %(date)s is in the future; enter the date on "
                "the acknowledgement you received."
            ) % {"date": iso_date(self.acknowledged_on)}
        elif (
            self.acknowledged_on
            and self.sent_on
            and self.acknowledged_on < self.sent_on
        ):
            errors["acknowledged_on"] = gettext(
                "Acknowledged on %(ack)s is before the notification was sent "
                "on %(sent)s; enter the date of the acknowledgement."
            ) % {
                "ack": iso_date(self.acknowledged_on),
                "sent": iso_date(self.sent_on),
            }
        if errors:
            raise ValidationError(errors)
