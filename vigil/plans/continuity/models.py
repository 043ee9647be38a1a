"""The continuity plan of a centre (minimum security norm 4.7.2): its critical
processes in recovery order, the fallback site, the crisis contact tree, the
recovery steps per scenario and the exercises that test the plan."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.labels import labelled
from vigil.plans.risks.models import Process
from vigil.registers.dates import iso_date
from vigil.registers.models import RegisterRecord

# An outage of more than a year is no longer a continuity requirement.
MAX_OUTAGE_DAYS = 365


class Scenario(models.TextChoices):
    BUILDING = "building", _("loss of the building")
    SERVER_ROOM = "server_room", _("loss of the server room")
    RANSOMWARE = "ransomware", _("ransomware")
    NETWORK = "network", _("loss of the network or the KSZ connection")
    STAFF = "staff", _("pandemic or loss of staff")


class CriticalProcess(RegisterRecord):
    """A process that must resume within a maximum tolerable outage."""

    name = models.CharField(_("name"), max_length=200)
    process = models.ForeignKey(
        Process,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("process of the risk analysis"),
    )
    max_outage_days = models.PositiveSmallIntegerField(
        _("maximum tolerable outage (days)"),
        validators=[MaxValueValidator(MAX_OUTAGE_DAYS)],
        help_text=_(
            "After how many days the work must have resumed; 0 is the same day."
        ),
    )
    recovery_order = models.PositiveSmallIntegerField(
        _("recovery order"),
        validators=[MinValueValidator(1)],
        help_text=_("1 is restored first; each number is used once in the centre."),
    )
    minimum_service = models.TextField(
        _("minimum service"),
        blank=True,
        help_text=_("What must work again first, for example urgent payments."),
    )

    class Meta:
        verbose_name = _("critical process")
        verbose_name_plural = _("critical processes")
        ordering = ["recovery_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "recovery_order"],
                name="continuity_process_unique_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude: Any = None) -> None:
        """Reject a recovery order that another process of the centre has."""
        other = (
            CriticalProcess.objects.filter(
                organisation_id=self.organisation_id,
                recovery_order=self.recovery_order,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None and self.recovery_order is not None:
            raise ValidationError(
                {
                    "recovery_order": gettext(
                        "Recovery order %(order)d is already given to "
                        "“%(name)s”; choose another number or change that "
                        "process first."
                    )
                    % {"order": self.recovery_order, "name": other.name}
                }
            )
        super().validate_constraints(exclude=exclude)


class FallbackSite(RegisterRecord):
    """The agreement for a fallback site, often a building of the municipality."""

    partner = models.CharField(
        _("partner"),
        max_length=200,
        help_text=_("For example: the municipality, its administrative centre."),
    )
    address = models.CharField(_("address"), max_length=300)
    contact_person = models.CharField(_("contact person"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    workstations = models.PositiveSmallIntegerField(
        _("workstations available"), default=0
    )
    network = models.BooleanField(_("network available"), default=False)
    printers = models.PositiveSmallIntegerField(_("printers available"), default=0)
    other_facilities = models.TextField(_("other facilities"), blank=True)
    agreement_date = models.DateField(_("agreement date"))
    review_date = models.DateField(_("review date"))

    class Meta:
        verbose_name = _("fallback site")
        verbose_name_plural = _("fallback sites")
        ordering = ["partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner}, {self.address}"

    def clean(self) -> None:
        if (
            self.agreement_date
            and self.review_date
            and self.review_date < self.agreement_date
        ):
            raise ValidationError(
                {
                    "review_date": gettext(
                        "Review date %(review)s is before the agreement date "
                        "%(agreement)s; enter a later review date."
                    )
                    % {
                        "review": iso_date(self.review_date),
                        "agreement": iso_date(self.agreement_date),
                    }
                }
            )


class Contact(RegisterRecord):
    """A person in the crisis contact tree, called by the person above them."""

    name = models.CharField(_("name"), max_length=200)
    crisis_role = models.CharField(
        _("role in the crisis"),
        max_length=200,
        help_text=_("For example: crisis coordinator, ICT, communication."),
    )
    phone = models.CharField(_("phone"), max_length=40)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("called by"),
        help_text=_("Leave empty for the person who starts the calls."),
    )

    class Meta:
        verbose_name = _("contact in the contact tree")
        verbose_name_plural = _("contact tree")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="continuity_contact_unique_name",
                violation_error_message=_(
                    "The contact tree already has a person with this name; "
                    "edit that person or add a distinguishing detail."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.crisis_role})"

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": gettext("A person cannot call themselves; choose another.")}
            )
        seen: set[int] = set()
        current = self.parent
        while current is not None:
            if self.pk is not None and current.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": gettext(
                            "%(name)s is already called, directly or through "
                            "others, by %(self)s, so the tree would call in a "
                            "circle; choose someone higher in the tree."
                        )
                        % {"name": self.parent, "self": self.name}
                    }
                )
            if current.pk in seen:
                break
            seen.add(current.pk)
            current = current.parent


class RecoveryStep(RegisterRecord):
    """One step of the recovery after a scenario, in its order."""

    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    order = models.PositiveSmallIntegerField(
        _("step"), validators=[MinValueValidator(1)]
    )
    action = models.TextField(_("action"))
    responsible_role = models.CharField(_("responsible role"), max_length=200)
    target_hours = models.PositiveIntegerField(
        _("target time (hours)"),
        help_text=_("Hours after the start of the crisis by which the step is done."),
    )

    class Meta:
        verbose_name = _("recovery step")
        verbose_name_plural = _("recovery steps")
        ordering = ["scenario", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scenario", "order"],
                name="continuity_step_unique_order",
                violation_error_message=_(
                    "This scenario already has a step with this number; "
                    "choose another number."
                ),
            )
        ]

    def __str__(self) -> str:
        return labelled(f"{self.get_scenario_display()} {self.order}", self.action[:60])


class Exercise(RegisterRecord):
    """An exercise of the continuity plan and what it showed."""

    class Result(models.TextChoices):
        OK = "ok", _("successful")
        PARTLY = "partly", _("partly successful")
        FAILED = "failed", _("failed")

    date = models.DateField(_("date"))
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{iso_date(self.date)} {self.get_scenario_display()}"

    def clean(self) -> None:
        if self.result != self.Result.OK and self.result and not self.findings.strip():
            raise ValidationError(
                {
                    "findings": gettext(
                        "An exercise that did not fully succeed needs its "
                        "findings; describe what went wrong."
                    )
                }
            )
